"""Browser-test support: the app served on 127.0.0.1 from a thread, Chromium launch options,
a planted-XSS corpus, and small helpers for reading the page and the SSE stream."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import ConsoleMessage, Page

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"

# Debian's chromium (apt-get install chromium); `playwright install` downloads a browser and
# cannot work offline.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Markup in a corpus document, inside sentences about hands-on USCE so that retrieval picks
# them and the answer quotes them. Rendered as HTML, the onerror/onload handlers would set
# window.__pwned (the tests turn the CSP off to check the rendering itself, not the CSP).
PLANTED_DOC_ID = "planted-usce-guide"
PLANTED_DOC = """\
Hands-on USCE for IMGs <img src=x onerror="window.__pwned=1"> a field guide \
<script>window.__pwned=1</script>

Why hands-on USCE comes first

Hands-on USCE <script>window.__pwned=1</script> is what programs want to see from IMGs, \
because hands-on US clinical experience produces strong US letters of recommendation.

If you graduated years ago with no USCE, get hands-on US clinical experience first \
<img src=x onerror="window.__pwned=1"> and leave research for later.

An externship or sub-internship with hands-on patient care \
<svg onload="window.__pwned=1"></svg> gives IMGs the US letters that programs trust.
"""


def planted_corpus(target: Path) -> Path:
    """A copy of corpus/ plus the planted document; returns the corpus folder."""
    shutil.copytree(ROOT / "corpus", target)
    (target / f"{PLANTED_DOC_ID}.txt").write_text(PLANTED_DOC, encoding="utf-8")
    return target


class LiveServer:
    """The FastAPI app under uvicorn on 127.0.0.1:<free port>, in a daemon thread."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="web-test-server", daemon=True)

    def start(self, timeout: float = 90.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the test server exited during start-up")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the test server did not start in {timeout:.0f} s")
            time.sleep(0.05)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():  # an open stream holds it: stop waiting for it
            self.server.force_exit = True
            self.thread.join(timeout)


# Chromium keeps no copy of a streamed fetch body for Playwright to read, so the test page tees
# each /api/ask/stream body: the app reads one branch as it streams, the test the other.
TEE_SSE = """(() => {
  const realFetch = window.fetch.bind(window);
  window.__sse = [];
  window.fetch = async (...args) => {
    const response = await realFetch(...args);
    const url = typeof args[0] === 'string' ? args[0] : args[0].url;
    if (!url.includes('/api/ask/stream') || !response.ok || !response.body) return response;
    const [forApp, forTest] = response.body.tee();
    const slot = { text: '', done: false };
    window.__sse.push(slot);
    (async () => {
      const reader = forTest.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          slot.text += value;
        }
      } catch (exc) {
        slot.error = String(exc); // the page stopped the request: the copy ends with it
      }
      slot.done = true;
    })();
    return new Response(forApp, {
      status: response.status, statusText: response.statusText, headers: response.headers,
    });
  };
})();"""


@dataclass
class Tab:
    """A page plus what it logged; helpers speak in the page's terms."""

    page: Page
    console_errors: list[str] = field(default_factory=list)

    def watch(self) -> Tab:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.console_errors.append(message.text)

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        self.page.add_init_script(TEE_SSE)
        return self

    def open(self, path: str = "/") -> Tab:
        self.page.goto(path)
        self.page.wait_for_selector("html[data-ready=true]")
        return self

    def ask(self, question: str, *, via: str = "enter") -> None:
        """Type a question and send it with Enter (or the Ask button)."""
        self.page.fill("#question", question)
        if via == "enter":
            self.page.press("#question", "Enter")
        else:
            self.page.click("#send")

    def ask_and_capture(self, question: str) -> dict[str, Any]:
        """Ask, wait until the answer settles, and return the `final` Answer off the wire."""
        seen = self.page.evaluate("() => window.__sse.length")
        with self.page.expect_response("**/api/ask/stream") as info:
            self.ask(question)
        response = info.value
        assert response.ok, response.status
        assert response.headers["content-type"].startswith("text/event-stream")
        self.page.wait_for_function("n => window.__sse[n] && window.__sse[n].done", arg=seen)
        events = parse_sse(self.page.evaluate("n => window.__sse[n].text", seen))
        self.wait_settled()
        names = [name for name, _ in events]
        assert names[0] == "meta" and names[-1] == "final", names
        return events[-1][1]

    def wait_settled(self, count: int | None = None) -> None:
        """Wait until no answer is pending (and, with `count`, that many answers exist)."""
        if count is not None:
            self.page.wait_for_function(
                "n => document.querySelectorAll('.msg-assistant[data-state]').length >= n",
                arg=count,
            )
        self.page.wait_for_function(
            "() => !document.querySelector('.msg-assistant.pending')"
            " && document.querySelector('.msg-assistant[data-state]')"
        )

    def last_answer(self) -> Any:
        return self.page.locator(".msg-assistant").last

    def screenshot(self, name: str, *, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def parse_sse(text: str) -> list[tuple[str, Any]]:
    """(event, JSON data) pairs of a text/event-stream body (CRLF or LF line ends)."""
    events = []
    for block in re.split(r"\r?\n\r?\n", text.replace("\r\n", "\n")):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shown_words(quote: str) -> str:
    """A quote as the source panel shows it: its words, less a table's pipes and |---| rows."""
    return collapse(re.sub(r"\|[\s:|]*-{3,}[\s:|-]*\||\|", " ", quote))


def marked_words(page: Page) -> str:
    """The words the source panel highlights, in order (a quote may span several cells)."""
    return collapse(" ".join(page.locator("#source-text mark").all_inner_texts()))


def sse_body(*events: tuple[str, Any], ping: bool = True) -> str:
    """A text/event-stream body in sse-starlette's framing (CRLF), with a keep-alive comment."""
    out = [": ping\r\n\r\n"] if ping else []
    for name, data in events:
        out.append(f"event: {name}\r\ndata: {json.dumps(data)}\r\n\r\n")
    return "".join(out)
