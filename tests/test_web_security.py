"""The chat page's security in a real headless Chromium: the headers arrive and the browser
enforces them (inline script blocked, framing refused), and markup in profile values, in the
answer's profile echo and in restored session state renders as inert text.

tests/test_web.py covers markup in a question and in a corpus document with the CSP turned off
(so the rendering itself is tested); this file adds the profile paths and the CSP as the browser
applies it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, expect

from tests.web_support import CHROMIUM, Tab

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
    ),
]
expect.set_options(timeout=15_000)

PAYLOAD = '<img src=x onerror="window.__pwned=1">'
SVG = '<svg onload="window.__pwned=1"></svg>'
QUESTION = "I graduated in 2016 with no USCE. Research or rotations first?"


INERT = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  scripts: [...document.scripts].map(s => s.getAttribute('src')),
  elements: document.querySelectorAll(
    '#transcript img, #transcript script, #transcript svg, #profile-panel img, '
    + '#profile-panel script, #profile-panel svg').length,
  handlers: [...document.querySelectorAll('*')].filter(
    e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
})"""


def assert_inert(tab: Tab) -> None:
    tab.page.wait_for_timeout(300)  # an <img src=x> would have failed and fired onerror by now
    state = tab.page.evaluate(INERT)
    assert state == {"pwned": None, "scripts": ["/static/app.js"], "elements": 0, "handlers": 0}


# ---------------------------------------------------------------------------------------------
# Headers, as the browser receives and enforces them


def test_security_headers_reach_the_browser(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    tab = tab_factory(app_server)
    response = tab.page.goto("/")
    assert response is not None and response.ok
    headers = response.headers
    csp = {
        part.split()[0]: part.split()[1:] for part in headers["content-security-policy"].split("; ")
    }
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    # The page's own script and the API answer with the same headers.
    for path in ("/static/app.js", "/api/health"):
        sub = tab.page.request.get(path)
        assert sub.headers["x-content-type-options"] == "nosniff", path
        assert "frame-ancestors 'none'" in sub.headers["content-security-policy"], path
    # No inline script in the page itself: every <script> has a src.
    tab.page.wait_for_selector("html[data-ready=true]")
    assert tab.page.evaluate("[...document.scripts].every(s => s.src && !s.text.trim())")


def test_csp_blocks_inline_script_even_if_injected(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    tab = tab_factory(app_server).open()
    violations = tab.page.evaluate(
        """async (payload) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__pwned = 1';
      document.body.appendChild(script);
      const holder = document.createElement('div');
      holder.innerHTML = payload;  // what an XSS bug would do
      document.body.appendChild(holder);
      await new Promise(r => setTimeout(r, 500));
      holder.remove(); script.remove();
      return seen;
    }""",
        PAYLOAD,
    )
    assert tab.page.evaluate("window.__pwned === undefined")
    assert violations and all(v.startswith("script-src") for v in violations), violations
    assert any("Content Security Policy" in e for e in tab.console_errors)


def test_page_refuses_to_be_framed(tab_factory: Callable[..., Tab], app_server: str) -> None:
    tab = tab_factory(app_server)
    refused: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "frame-ancestors" in message.text or "X-Frame-Options" in message.text:
            refused.append(message.text)

    tab.page.on("console", on_console)
    # about:blank is another origin than the app: a clickjacking page would look like this.
    tab.page.set_content(f'<iframe id="f" src="{app_server}/" width="800" height="600"></iframe>')
    tab.page.wait_for_timeout(1500)
    frame = tab.page.frame_locator("#f")
    assert frame.locator("#question").count() == 0  # the app did not load inside the frame
    assert refused, tab.console_errors


# ---------------------------------------------------------------------------------------------
# Markup in profile values is text wherever it is shown


def test_profile_markup_is_refused_and_the_refusal_is_text(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    """The specialty is chosen from the lexicon; a page tampered into sending markup as one gets
    the API's 422, whose message quotes it, shown as text."""
    # The CSP would stop handlers anyway: turn it off to test the rendering itself.
    tab = tab_factory(app_server, bypass_csp=True).open()
    page = tab.page
    page.locator("#pf-specialty option").nth(1).wait_for(state="attached")
    page.evaluate(
        """payload => {
          const select = document.getElementById('pf-specialty');
          select.append(new Option(payload, payload));
          select.value = payload;
          select.dispatchEvent(new Event('change'));
        }""",
        PAYLOAD,
    )
    with page.expect_request("**/api/ask/stream") as request:
        tab.ask(QUESTION)
    assert json.loads(request.value.post_data or "{}")["profile"]["specialty"] == PAYLOAD
    tab.wait_settled()
    alert = tab.last_answer().locator("[role=alert]")
    expect(alert).to_have_attribute("data-status", "422")
    expect(alert).to_contain_text(f"unknown specialty '{PAYLOAD}'")
    assert_inert(tab)
    assert all("422" in e for e in tab.console_errors), tab.console_errors


def test_tampered_session_state_renders_as_text(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    """Whatever sits in session storage (another script, a shared machine) is shown as text."""
    tab = tab_factory(app_server, bypass_csp=True).open()
    page = tab.page
    tab.ask_and_capture(QUESTION)
    key = page.evaluate("Object.keys(sessionStorage)[0]")
    state = json.loads(page.evaluate("k => sessionStorage.getItem(k)", key))
    state["overrides"] = {"specialty": SVG}

    def poison(value: object) -> object:
        if isinstance(value, str) and value:
            return f"{value} {PAYLOAD}"
        if isinstance(value, list):
            return [poison(v) for v in value]
        if isinstance(value, dict):
            return {k: v if k in ("role", "verdict", "n", "doc_id") else poison(v)
                    for k, v in value.items()}  # fmt: skip
        return value

    state["turns"] = poison(state["turns"])
    page.evaluate("([k, v]) => sessionStorage.setItem(k, v)", [key, json.dumps(state)])
    page.reload()
    page.wait_for_selector("html[data-ready=true]")
    # A specialty the lexicon does not list is dropped (the API would refuse it), not shown.
    expect(page.locator("#pf-specialty")).to_have_value("")
    expect(page.locator("#pf-specialty option", has_text="svg")).to_have_count(0)
    expect(page.locator("#transcript")).to_contain_text(PAYLOAD)
    assert_inert(tab)
