"""The chat page in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)
against the app served on 127.0.0.1: streaming answers, the recommendation card, citations
highlighted in the source, follow-ups, the profile panel, refusals, errors, XSS, phone width.

Screenshots of the main states go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from assistant.api.app import create_app
from assistant.core.settings import Settings
from assistant.service import Advisor
from ingest.pipeline import run_ingest
from tests.api_support import fake_settings
from tests.web_support import (
    CHROMIUM,
    PLANTED_DOC_ID,
    LiveServer,
    Tab,
    marked_words,
    planted_corpus,
    shown_words,
    sse_body,
)

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
    ),
]
expect.set_options(timeout=15_000)

URGENT_QUESTION = "I graduated in 2016 with no USCE. Research or rotations first?"
DISAGREE_QUESTION = "Is research or clinical experience more important after going unmatched?"
PROFILE_QUESTION = (
    "I went unmatched. I have 3 months of externships and 2 US letters. Is a research year "
    "worth it?"
)
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


# ---------------------------------------------------------------------------------------------
# Servers and the browser


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on an index of corpus/ plus a document full of markup."""
    root = tmp_path_factory.mktemp("web-xss")
    settings = fake_settings(corpus_dir=planted_corpus(root / "corpus"), data_dir=root / "data")
    run_ingest(settings)
    live = LiveServer(create_app(settings)).start()
    try:
        yield live.url
    finally:
        live.stop()


@pytest.fixture
def live_server() -> Iterator[Callable[[Settings], LiveServer]]:
    """Start extra servers inside a test; all are stopped after it."""
    started: list[LiveServer] = []

    def start(settings: Settings) -> LiveServer:
        live = LiveServer(create_app(settings)).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture
def tab(tab_factory: Callable[..., Tab], app_server: str) -> Iterator[Tab]:
    """A desktop page on the main server; it must log no console errors (CSP included)."""
    page = tab_factory(app_server).open()
    yield page
    assert page.console_errors == []


def verdict_of(card: Any) -> str:
    return card.get_attribute("data-verdict")


# ---------------------------------------------------------------------------------------------
# Asking, the recommendation card, citations into the source


def test_ask_streams_an_answer_with_verdict_card_and_highlighted_source(tab: Tab) -> None:
    page = tab.page
    expect(page.locator("#welcome")).to_be_visible()
    tab.screenshot("01-welcome")

    answer = tab.ask_and_capture(URGENT_QUESTION)
    assert answer["recommendation"]["verdict"] == "USCE_URGENT"
    message = tab.last_answer()
    expect(page.locator("#welcome")).to_be_hidden()
    expect(page.locator(".msg-user .msg-text").last).to_have_text(URGENT_QUESTION)
    card = message.locator(".rec")
    expect(card).to_be_visible()
    assert verdict_of(card) == "USCE_URGENT"
    expect(card.locator(".rec-title")).to_have_text(
        "Get hands-on US clinical experience now: it is urgent"
    )
    expect(card.locator(".rec-why")).to_contain_text(answer["recommendation"]["rationale"])
    assert card.locator(".cite").count() == len(answer["recommendation"]["citations"])
    # The rest of the answer is there, with its markers as buttons, and the sources list.
    # ("More from the sources:" when a card on the message's specifics comes first)
    expect(message.locator(".answer-text")).to_contain_text(
        re.compile(r"(?:What the sources say|More from the sources):")
    )
    assert message.locator(".answer-text .cite").count() >= 2
    # The verdict and its rule quotes are said once, in the card, not again in the text.
    assert "**Recommendation (" in answer["answer"]
    expect(message.locator(".answer-text")).not_to_contain_text("Recommendation (")
    expect(message.locator(".answer-text")).not_to_contain_text("Why, in the sources' words")
    expect(message.locator(".sources summary")).to_contain_text("all checked word for word")
    # The profile panel shows what was read.
    expect(page.locator("#profile-summary")).to_contain_text(
        "I read your profile as: 10 years since graduation, no hands-on USCE."
    )
    expect(page.locator("#pf-years_since_graduation")).to_have_value("10")
    expect(page.locator("[data-key=years_since_graduation] .field-tag")).to_have_text("from chat")
    tab.screenshot("02-answer-recommendation")

    # [1] opens the source panel with exactly the quoted span highlighted.
    first = answer["citations"][0]
    marker = message.locator(".cite[data-n='1']").first
    marker.click()
    panel = page.locator("#source-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("#source-title")).to_have_text(first["title"])
    expect(panel.locator("#source-title")).to_be_focused()
    mark = panel.locator("mark")
    expect(mark.first).to_be_visible()
    assert marked_words(page) == shown_words(first["quote"])
    assert {m.get_attribute("data-how") for m in mark.all()} == {"offsets"}
    expect(panel.locator("#source-check")).to_contain_text("Checked")
    expect(mark.first).to_be_in_viewport()
    tab.screenshot("03-source-highlight")

    # Esc closes it and gives focus back to the marker that opened it.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(marker).to_be_focused()


def test_every_citation_highlights_its_quote_even_after_emoji(tab: Tab, app_server: str) -> None:
    """Offsets count code points; the types-of-usce article has emoji (outside the BMP) before
    the quoted spans, where UTF-16 indices would be off by one per emoji."""
    page = tab.page
    answer = tab.ask_and_capture("Which type of USCE is best: externship, observership or virtual?")
    texts = {
        c["doc_id"]: page.request.get(f"{app_server}/api/documents/{c['doc_id']}").json()["text"]
        for c in answer["citations"]
    }
    astral = [
        c
        for c in answer["citations"]
        if any(ord(ch) > 0xFFFF for ch in texts[c["doc_id"]][: c["start"]])
    ]
    assert astral, "expected a citation placed after an emoji in its document"
    panel = page.locator("#source-panel")
    page.locator(".msg-assistant .sources summary").click()
    for citation in answer["citations"]:
        page.locator(f".sources-list .cite[data-n='{citation['n']}']").click()
        expect(panel).to_have_attribute("data-n", str(citation["n"]))
        mark = panel.locator("mark")
        expect(mark.first).to_be_visible()
        assert marked_words(page) == shown_words(citation["quote"]), citation
        assert {m.get_attribute("data-how") for m in mark.all()} == {"offsets"}
        if citation["commercial_interest"]:
            expect(panel.locator(".badge-commercial")).to_have_text("Commercial interest")
        else:
            expect(panel.locator(".badge-commercial")).to_have_count(0)
    page.locator("#source-close").click()
    expect(panel).to_be_hidden()


def test_follow_up_question_uses_the_earlier_profile(tab: Tab) -> None:
    page = tab.page
    # The first turn carries the graduation year but no deciding fact; the follow-up adds "no
    # USCE" and needs the year from the first turn to reach USCE_URGENT (10 years out).
    first = tab.ask_and_capture("I graduated in 2016 and want an internal medicine residency.")
    assert first["recommendation"] is None
    with page.expect_request("**/api/ask/stream") as request:
        tab.ask("I have no USCE. so what should I do first?")
    body = json.loads(request.value.post_data or "{}")
    assert body["history"] == [
        {"role": "user", "content": "I graduated in 2016 and want an internal medicine residency."},
        {"role": "assistant", "content": first["answer"]},
    ]
    tab.wait_settled(count=2)
    card = tab.last_answer().locator(".rec")
    expect(card).to_be_visible()
    assert verdict_of(card) == "USCE_URGENT"
    tab.screenshot("04-follow-up", full_page=True)
    # Each fact in the profile panel shows the applicant's own words it was read from, from
    # whichever turn said it.
    expect(page.locator("#pf-years_since_graduation-source")).to_have_text(
        "read from: “graduated in 2016”"
    )
    expect(page.locator("#pf-usce_hands_on_months-source")).to_have_text("read from: “no USCE”")
    expect(page.locator("#pf-specialty-source")).to_have_text("read from: “internal medicine”")
    expect(page.locator("#pf-us_letters-source")).to_be_hidden()  # never stated
    # A value the applicant sets is theirs: no "read from" under it.
    page.fill("#pf-years_since_graduation", "3")
    page.press("#pf-years_since_graduation", "Tab")
    expect(page.locator("#pf-years_since_graduation-source")).to_be_hidden()


def test_profile_edits_apply_to_the_next_answer(tab: Tab) -> None:
    page = tab.page
    tab.ask_and_capture(URGENT_QUESTION)
    assert verdict_of(tab.last_answer().locator(".rec")) == "USCE_URGENT"

    for key, value in (("years_since_graduation", "1"), ("usce_hands_on_months", "4")):
        page.fill(f"#pf-{key}", value)
        page.press(f"#pf-{key}", "Tab")  # leaving the field commits the edit (change event)
    page.fill("#pf-us_letters", "3")
    page.press("#pf-us_letters", "Tab")
    page.select_option("#pf-academic_aim", "true")
    expect(page.locator("[data-key=us_letters] .field-tag")).to_have_text("you set")
    expect(page.locator("#profile-summary")).to_contain_text("Your edits apply to your next")
    expect(page.locator("#profile-reset")).to_be_enabled()
    tab.screenshot("05-profile-edited")

    with page.expect_request("**/api/ask/stream") as request:
        tab.ask("What should I do next: research or more rotations?")
    body = json.loads(request.value.post_data or "{}")
    assert body["profile"] == {
        "years_since_graduation": 1,
        "usce_hands_on_months": 4,
        "us_letters": 3,
        "academic_aim": True,
    }
    tab.wait_settled(count=2)
    card = tab.last_answer().locator(".rec")
    expect(card).to_be_visible()
    assert verdict_of(card) == "ADD_RESEARCH"
    expect(card.locator(".rec-title")).to_have_text(
        "Your clinical base is in place: add research next"
    )
    expect(page.locator("#profile-summary")).to_contain_text("1 year since graduation")

    # A bad value is flagged and not sent; resetting drops the edits.
    page.fill("#pf-us_letters", "2.5")
    page.press("#pf-us_letters", "Tab")
    expect(page.locator("[data-key=us_letters] .field-error")).to_have_text("Enter a whole number.")
    page.click("#profile-reset")
    expect(page.locator("#profile-reset")).to_be_disabled()
    with page.expect_request("**/api/ask/stream") as request:
        tab.ask("And now?")
    assert "profile" not in json.loads(request.value.post_data or "{}")
    tab.wait_settled(count=3)


def test_sources_disagree_and_missing_facts(tab: Tab) -> None:
    page = tab.page
    answer = tab.ask_and_capture(DISAGREE_QUESTION)
    assert answer["sources_disagree"]
    box = tab.last_answer().locator(".disagree")
    expect(box).to_be_visible()
    expect(box.locator(".disagree-title")).to_have_text("The sources disagree")
    # Said once: the card replaces the text's "sources differ" paragraph.
    assert "**The sources differ" in answer["answer"]
    texts = tab.last_answer().locator(".answer-text")
    for i in range(texts.count()):
        expect(texts.nth(i)).not_to_contain_text("The sources differ")
    expect(box.locator(".disagree-side")).to_have_count(2)
    # Each side is quoted with a sentence that speaks for it (issue 18).
    expect(box.locator("[data-stance=research_positive]")).to_contain_text(
        re.compile(r"research|publication", re.I)
    )
    expect(box.locator("[data-stance=usce_first]")).to_contain_text(
        re.compile(r"USCE|clinical", re.I)
    )
    side = answer["sources_disagree"][0]["sides"][0]["citations"][0]
    box.locator(f".cite[data-n='{side}']").first.click()
    expect(page.locator("#source-panel")).to_have_attribute(
        "data-doc-id", answer["citations"][side - 1]["doc_id"]
    )
    box.scroll_into_view_if_needed()
    tab.screenshot("06-sources-disagree")
    page.keyboard.press("Escape")

    page.click("#new-chat")  # a fresh start, or the facts above would decide it
    answer = tab.ask_and_capture("Research or USCE first?")
    assert answer["recommendation"] is None and answer["missing_facts"]
    missing = tab.last_answer().locator(".missing")
    expect(missing).to_be_visible()
    expect(missing.locator("li")).to_have_count(len(answer["missing_facts"]))
    expect(tab.last_answer().locator(".rec")).to_have_count(0)
    missing.locator("button").click()
    expect(page.locator("#pf-usce_hands_on_months")).to_be_focused()
    tab.screenshot("07-missing-facts")


def test_abstention_is_a_friendly_refusal(tab: Tab) -> None:
    page = tab.page
    answer = tab.ask_and_capture("What is the first-line antibiotic dose for pneumonia?")
    assert answer["abstained"]
    message = tab.last_answer()
    expect(message).to_have_attribute("data-state", "abstained")
    refusal = message.locator(".abstain")
    expect(refusal.locator(".abstain-title")).to_have_text("That's outside what I can help with")
    expect(refusal).to_contain_text("outside that scope")
    expect(message.locator(".rec")).to_have_count(0)
    expect(message.locator(".cite")).to_have_count(0)
    tab.screenshot("08-abstention")
    # Its example questions are one click away.
    refusal.locator(".example").first.click()
    tab.wait_settled(count=2)
    expect(tab.last_answer().locator(".rec")).to_be_visible()
    assert page.locator(".msg-assistant").count() == 2


# ---------------------------------------------------------------------------------------------
# Everything from the user, the corpus and the model is text, never HTML

INJECTED = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  scripts: [...document.scripts].map(s => s.getAttribute('src')),
  elements: document.querySelectorAll(
    '#transcript img, #transcript script, #transcript svg, #source-panel img, '
    + '#source-panel script, #source-panel svg, #profile-panel img').length,
  handlers: [...document.querySelectorAll('*')].filter(
    e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length,
})"""


def assert_inert(tab: Tab) -> None:
    tab.page.wait_for_timeout(300)  # let an <img src=x> fail and fire onerror, were it HTML
    state = tab.page.evaluate(INJECTED)
    assert state == {"pwned": None, "scripts": ["/static/app.js"], "elements": 0, "handlers": 0}


def test_xss_in_a_question_renders_as_text(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    # The CSP would block inline handlers anyway: turn it off to test the rendering itself.
    tab = tab_factory(app_server, bypass_csp=True).open()
    question = f"I graduated in 2016 with no USCE {XSS} research or rotations first?"
    tab.ask_and_capture(question)
    expect(tab.page.locator(".msg-user .msg-text").last).to_have_text(question)
    assert_inert(tab)
    tab.screenshot("09-xss-question")
    # (The profile's one text value, the specialty, is a choice from the lexicon: markup cannot
    # be typed there; tests/test_web_security.py covers a tampered one.)


def test_xss_in_a_corpus_document_renders_as_text(
    tab_factory: Callable[..., Tab], xss_server: str
) -> None:
    tab = tab_factory(xss_server, bypass_csp=True).open()
    page = tab.page
    answer = tab.ask_and_capture("Why does hands-on USCE come first for IMGs?")
    planted = [c for c in answer["citations"] if c["doc_id"] == PLANTED_DOC_ID]
    assert planted and any("<" in c["quote"] for c in planted), answer["citations"]
    message = tab.last_answer()
    expect(message.locator(".answer-text")).to_contain_text("<script>window.__pwned=1</script>")
    citation = planted[0]
    page.locator(".msg-assistant .sources summary").click()
    page.locator(f".sources-list .cite[data-n='{citation['n']}']").click()
    panel = page.locator("#source-panel")
    expect(panel.locator("#source-title")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(panel.locator("mark").first).to_be_visible()
    assert marked_words(page) == shown_words(citation["quote"])
    expect(panel.locator("#source-text")).to_contain_text('<svg onload="window.__pwned=1"></svg>')
    assert_inert(tab)
    tab.screenshot("10-xss-corpus-source")
    assert tab.console_errors == []


# ---------------------------------------------------------------------------------------------
# Errors are messages, never a blank page


def fulfil_error(status: int, error: str, detail: Any = None, **headers: str) -> Callable:
    def handle(route: Route) -> None:
        route.fulfill(
            status=status,
            content_type="application/json",
            headers=headers,
            body=json.dumps({"error": error, "detail": detail}),
        )

    return handle


@pytest.mark.parametrize(
    ("status", "error", "headers", "title", "text"),
    [
        (
            503,
            "the assistant is not ready",
            {},
            "The advisor isn't ready yet",
            "The assistant is not ready.",
        ),
        (
            429,
            "rate limit exceeded",
            {"Retry-After": "42"},
            "Too many questions at once",
            "wait 42 seconds",
        ),
        (
            422,
            "question is too long (limit 2000 characters)",
            {},
            "I couldn't answer that as asked",
            "Question is too long (limit 2000 characters).",
        ),
        (500, "internal error", {}, "Something went wrong", "HTTP 500"),
    ],
)
def test_api_errors_are_explained(
    tab_factory: Callable[..., Tab],
    app_server: str,
    status: int,
    error: str,
    headers: dict[str, str],
    title: str,
    text: str,
) -> None:
    tab = tab_factory(app_server).open()
    page = tab.page
    page.route("**/api/ask/stream", fulfil_error(status, error, "details here", **headers))
    tab.ask("Research or rotations first?")
    tab.wait_settled()
    message = tab.last_answer()
    expect(message).to_have_attribute("data-state", "error")
    alert = message.locator("[role=alert]")
    expect(alert).to_have_attribute("data-status", str(status))
    expect(alert.locator(".notice-title")).to_have_text(title, use_inner_text=True)
    expect(alert).to_contain_text(text)
    expect(page.locator("#send")).to_be_enabled()
    if status == 422:  # the question comes back to be fixed
        expect(page.locator("#question")).to_have_value("Research or rotations first?")
    if status in (503, 429):
        tab.screenshot(f"11-error-{status}")
    # Once the API recovers, "Try again" asks again and the error makes way for the answer.
    page.unroute("**/api/ask/stream")
    page.fill("#question", "")
    alert.locator(".retry").click()
    tab.wait_settled()
    expect(page.locator(".msg-assistant")).to_have_count(1)
    expect(tab.last_answer()).to_have_attribute("data-state", "answered")
    assert all(str(status) in e for e in tab.console_errors), tab.console_errors


@pytest.mark.parametrize(
    ("events", "title"),
    [
        (
            [("meta", {"abstained": False}), ("error", {"error": "bad_request", "detail": "no"})],
            "I couldn't answer that as asked",
        ),
        ([("meta", {"abstained": False})], "The answer was cut off"),
    ],
)
def test_stream_failures_are_explained(
    tab_factory: Callable[..., Tab], app_server: str, events: list, title: str
) -> None:
    tab = tab_factory(app_server).open()
    tab.page.route(
        "**/api/ask/stream",
        lambda route: route.fulfill(
            status=200, content_type="text/event-stream", body=sse_body(*events)
        ),
    )
    tab.ask("Research or rotations first?")
    tab.wait_settled()
    expect(tab.last_answer().locator(".notice-title")).to_have_text(title)
    assert tab.console_errors == []


def test_server_down_and_not_ready(
    tab_factory: Callable[..., Tab], live_server: Callable[..., LiveServer], tmp_path: Path
) -> None:
    # A server with no index: the banner says so and asking gets a real 503 explained.
    empty = live_server(fake_settings(data_dir=tmp_path / "no-index"))
    tab = tab_factory(empty.url).open()
    page = tab.page
    expect(page.locator("#banner")).to_be_visible()
    expect(page.locator("#banner")).to_contain_text("not ready")
    tab.ask(URGENT_QUESTION)
    tab.wait_settled()
    alert = tab.last_answer().locator("[role=alert]")
    expect(alert).to_have_attribute("data-status", "503")
    expect(alert.locator(".notice-detail")).to_contain_text("advisor ingest")
    tab.screenshot("12-not-ready-503")

    # A server that goes away after the page loaded: "can't reach", and the page stays usable.
    live = live_server(fake_settings())
    tab = tab_factory(live.url).open()
    page = tab.page
    tab.ask_and_capture(URGENT_QUESTION)
    live.stop()
    tab.ask("so what should I do first?")
    tab.wait_settled(count=2)
    alert = tab.last_answer().locator("[role=alert]")
    expect(alert.locator(".notice-title")).to_have_text("Can't reach the advisor")
    expect(alert.locator(".retry")).to_be_visible()
    expect(page.locator(".msg-assistant").first.locator(".rec")).to_be_visible()
    expect(page.locator("#question")).to_be_editable()
    tab.screenshot("13-server-down")


# ---------------------------------------------------------------------------------------------
# Streaming drafts from a model backend (a scripted LangChain fake model, streamed slowly)


def scripted_server(live_server: Callable[..., LiveServer], reply: str, sleep: float) -> Any:
    """A server whose `openai:scripted` backend streams `reply`, one character per `sleep` s.

    Returns:
        (the LiveServer, the fake model: set its `sleep` to change the pace).
    """
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    settings = fake_settings(llm="openai:scripted")
    live = live_server(settings)
    holder = live.app.state.holder
    model = FakeListChatModel(responses=[reply], sleep=sleep)
    holder.swap(
        Advisor(
            settings,
            index=holder.advisor.index,
            embedder=holder.advisor.embedder,
            chat_models={"openai:scripted": model},
        )
    )
    return live, model


def test_model_draft_streams_then_settles_into_the_verified_answer(
    tab_factory: Callable[..., Tab], live_server: Callable[..., LiveServer]
) -> None:
    live, _ = scripted_server(
        live_server,
        "Get hands-on US clinical experience first [1]. It is urgent for you [2]. "
        "Research can wait until that is in place [1].",
        sleep=0.03,
    )
    tab = tab_factory(live.url).open()
    page = tab.page
    tab.ask(URGENT_QUESTION)
    draft = page.locator(".msg-assistant.pending .draft-text")
    expect(draft).to_contain_text("hands-on US clinical")
    # The verdict is known before the model writes: the card shows while the draft streams.
    expect(page.locator(".msg-assistant.pending .rec")).to_have_attribute(
        "data-verdict", "USCE_URGENT"
    )
    tab.screenshot("14-streaming-draft")
    tab.wait_settled()
    message = tab.last_answer()
    expect(message).to_have_attribute("data-state", "answered")
    expect(message.locator(".draft")).to_have_count(0)
    expect(message.locator(".rec")).to_have_attribute("data-verdict", "USCE_URGENT")
    assert tab.console_errors == []


def test_stop_ends_a_streaming_answer_and_the_page_stays_usable(
    tab_factory: Callable[..., Tab], live_server: Callable[..., LiveServer]
) -> None:
    live, slow = scripted_server(
        live_server, "Get hands-on US clinical experience first [1]. " * 40, sleep=0.05
    )
    tab = tab_factory(live.url).open()
    page = tab.page
    tab.ask(URGENT_QUESTION)
    expect(page.locator(".msg-assistant.pending .draft-text")).to_contain_text("hands-on")
    expect(page.locator("#stop")).to_be_visible()
    page.locator("#stop").click()
    tab.wait_settled()
    notice = tab.last_answer().locator(".notice")
    expect(notice).to_have_attribute("data-kind", "aborted")
    expect(notice.locator(".notice-title")).to_have_text("Stopped")
    expect(notice.locator(".retry")).to_have_count(0)  # the user chose to stop: no nagging
    expect(page.locator("#stop")).to_be_hidden()
    expect(page.locator("#send")).to_be_enabled()
    tab.screenshot("15-stopped")
    # Asking again works as usual (a stopped turn is not part of the history it sends).
    slow.sleep = 0
    tab.ask(URGENT_QUESTION)
    tab.wait_settled(count=2)
    expect(tab.last_answer()).to_have_attribute("data-state", "answered")
    assert tab.console_errors == []


def test_a_conversation_too_large_for_the_server_is_explained(
    tab_factory: Callable[..., Tab], live_server: Callable[..., LiveServer]
) -> None:
    # A real 413 from the server's body-size limit, not a mocked route.
    live = live_server(fake_settings(max_body_bytes=1024))
    tab = tab_factory(live.url).open()
    page = tab.page
    question = "I graduated in 2016 with no USCE. " + "Research or rotations first? " * 40
    with page.expect_response("**/api/ask/stream") as info:
        tab.ask(question)
    assert info.value.status == 413
    tab.wait_settled()
    alert = tab.last_answer().locator("[role=alert]")
    expect(alert).to_have_attribute("data-status", "413")
    expect(alert.locator(".notice-title")).to_have_text("This conversation is too long to send")
    expect(page.locator("#send")).to_be_enabled()
    assert all("413" in e for e in tab.console_errors), tab.console_errors


# ---------------------------------------------------------------------------------------------
# Keyboard, phone width, copy, reload


def test_keyboard_enter_sends_shift_enter_breaks_line(tab: Tab) -> None:
    page = tab.page
    page.keyboard.press("Tab")  # the question box is the first stop
    expect(page.locator("#question")).to_be_focused()
    page.keyboard.type("I graduated in 2016")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("with no USCE. Research or rotations first?")
    expect(page.locator("#question")).to_have_value(
        "I graduated in 2016\nwith no USCE. Research or rotations first?"
    )
    page.keyboard.press("Enter")
    tab.wait_settled()
    expect(page.locator("#question")).to_have_value("")
    expect(page.locator("#question")).to_be_focused()
    assert verdict_of(tab.last_answer().locator(".rec")) == "USCE_URGENT"
    # Tab from the question box does not get lost; a marker opens and Esc closes the panel.
    marker = tab.last_answer().locator(".cite").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#source-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#source-panel")).to_be_hidden()
    expect(marker).to_be_focused()
    # aria-live: the transcript is a log, and a status line announces the answer.
    expect(page.locator("#transcript")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#status")).to_contain_text("Recommendation")


def test_phone_width_layout(tab_factory: Callable[..., Tab], app_server: str) -> None:
    tab = tab_factory(app_server, width=375, height=812).open()
    page = tab.page
    no_sideways_scroll = (
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert page.evaluate(no_sideways_scroll)
    expect(page.locator("#profile-panel")).to_be_hidden()
    tab.ask_and_capture(PROFILE_QUESTION)
    assert page.evaluate(no_sideways_scroll)
    tab.last_answer().scroll_into_view_if_needed()
    tab.screenshot("15-phone-answer")
    tab.screenshot("15-phone-answer-full", full_page=True)

    # The source panel takes the whole width; Esc closes it.
    tab.last_answer().locator(".cite").first.click()
    panel = page.locator("#source-panel")
    expect(panel.locator("mark")).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["width"] == pytest.approx(375, abs=1)
    tab.screenshot("16-phone-source")
    page.keyboard.press("Escape")

    # The profile panel opens from the header.
    page.click("#profile-toggle")
    expect(page.locator("#profile-panel")).to_be_visible()
    expect(page.locator("#profile-toggle")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#pf-usce_hands_on_months")).to_have_value("3")
    assert page.evaluate(no_sideways_scroll)
    tab.screenshot("17-phone-profile")
    assert tab.console_errors == []


def test_copy_answer_reload_and_new_conversation(
    tab_factory: Callable[..., Tab], app_server: str
) -> None:
    tab = tab_factory(app_server, permissions=["clipboard-read", "clipboard-write"]).open()
    page = tab.page
    answer = tab.ask_and_capture(URGENT_QUESTION)
    copy = tab.last_answer().locator(".copy")
    copy.click()
    expect(copy).to_have_text("Copied ✓")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "Recommendation (hands-on USCE first, urgently):" in copied
    assert "**" not in copied
    assert f"[1] {answer['citations'][0]['title']}" in copied
    assert f"“{answer['citations'][0]['quote']}”" in copied

    # A reload keeps the conversation (this tab's session) and the profile.
    page.reload()
    page.wait_for_selector("html[data-ready=true]")
    expect(page.locator(".msg-assistant .rec")).to_have_attribute("data-verdict", "USCE_URGENT")
    expect(page.locator("#pf-years_since_graduation")).to_have_value("10")
    with page.expect_request("**/api/ask/stream") as request:
        tab.ask("so what should I do first?")
    assert json.loads(request.value.post_data or "{}")["history"][0]["content"] == URGENT_QUESTION
    tab.wait_settled(count=2)

    page.click("#new-chat")
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("#welcome")).to_be_visible()
    expect(page.locator("#pf-years_since_graduation")).to_have_value("")
    expect(page.locator("#question")).to_be_focused()
    assert tab.console_errors == []


def test_guard_notice_counts_what_the_guard_removed(tab: Tab) -> None:
    """The page says how many model sentences were cut, and stays quiet when nothing was."""
    notices = tab.page.evaluate(
        """async () => {
          const { guardNotice } = await import('/static/message.js');
          const kept = [{ i: 0, sentence: 'Kept [1].', code: 'supported' }];
          const cut = (code) => ({ i: 1, sentence: 'x', code, reason: 'r' });
          return [
            guardNotice({ guard: { fallback: false, kept,
              dropped: [cut('unsupported'), cut('repeated'), cut('contradicts_verdict')] } }),
            guardNotice({ guard: { fallback: false, kept, dropped: [cut('altered_quote')] } }),
            guardNotice({ guard: { fallback: false, kept, dropped: [cut('repeated')] } }),
            guardNotice({ guard: { fallback: true, kept: [], dropped: [cut('unsupported')] } }),
            guardNotice({ guard: null }),
          ];
        }"""
    )
    assert notices == [
        "2 of the model's 3 sentences were removed: their sources did not back them, or they "
        "went against the recommendation.",
        "1 of the model's 2 sentences was removed: its sources did not back it, or it went "
        "against the recommendation.",
        None,
        None,
        None,
    ]
