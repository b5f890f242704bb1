"""/docs (Swagger UI) in a real headless Chromium with every request off this machine refused: it
renders from the app's own files, under the same strict CSP as the chat page, and runs a request.

A screenshot goes to artifacts/screenshots/docs.png.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Request, Route, expect

from tests.web_support import CHROMIUM, Tab

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
    ),
]
expect.set_options(timeout=15_000)

LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def offline(tab: Tab) -> list[str]:
    """Refuse every request that would leave the machine; returns the list of those attempted.

    Every request of the context is routed (not just the page's), so a font, an image in the
    CSS or a call to a public validator would be caught too.
    """
    outside: list[str] = []

    def handle(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    def seen(request: Request) -> None:
        # Schemes Playwright does not route (data: URLs never leave the page).
        url = urlsplit(request.url)
        if url.scheme not in ("http", "https", "data") and request.url not in outside:
            outside.append(request.url)

    tab.page.context.route("**/*", handle)
    tab.page.context.on("request", seen)
    return outside


def test_docs_render_offline_under_the_strict_csp(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    tab = tab_factory(app_server)
    outside = offline(tab)
    page = tab.page

    response = page.goto("/docs")
    assert response is not None and response.ok
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp, csp
    assert "'unsafe-eval'" not in csp

    # The operations are listed, grouped by tag; /api/ask opens with its Answer schema.
    ask = page.locator("#operations-ask-ask_api_ask_post")
    expect(ask).to_be_visible()
    for path in ("/api/ask/stream", "/api/documents/{doc_id}", "/v1/chat/completions"):
        expect(page.locator(f".opblock-summary-path[data-path='{path}']")).to_be_visible()
    tab.screenshot("docs")

    # Try it out: the example question runs against this server and its Answer is shown.
    ask.locator(".opblock-summary").click()
    ask.locator(".try-out__btn").click()
    ask.locator(".execute").click()
    status = ask.locator(".live-responses-table tr.response .response-col_status")
    expect(status).to_have_text("200")
    expect(ask.locator(".live-responses-table .microlight").first).to_contain_text('"citations"')

    assert outside == []
    assert tab.console_errors == []  # a CSP violation or a failed load would be logged here
