"""The chat page in a real headless Chromium, issue 20: the source panel draws the article's
Markdown (a table as a table) with the highlight on exactly the quoted words, sits beside the
answer instead of over it, keeps the keyboard until it is closed; the question box is the first
Tab stop; the specialty is a choice from the lexicon; rule ids stay off the page.

Set PAGE_SCREENSHOT=/path/to/file.png to also save the 1280x800 picture of the page with the
source panel open there (the README's picture); it always goes to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from tests.web_support import CHROMIUM, Tab, collapse

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
    ),
]
expect.set_options(timeout=15_000)

# An urgent case: its rule rests on a row of a table ("5+ YOG, no USCE | USCE, urgently").
TABLE_QUESTION = "5+ YOG with no USCE: what should I prioritize?"
URGENT_QUESTION = "I graduated in 2016 with no USCE. Research or rotations first?"
RULE_ID = re.compile(r"\bR\d+_[a-z0-9_]+")

MARK_TEXTS = "() => [...document.querySelectorAll('#source-text mark')].map((m) => m.textContent)"


@pytest.fixture
def tab(tab_factory: Callable[..., Tab], app_server: str) -> Iterator[Tab]:
    """A 1280x800 desktop page on the main server; it must log no console errors."""
    page = tab_factory(app_server, width=1280, height=800).open()
    yield page
    assert page.console_errors == []


def table_citations(tab: Tab, answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer's citations whose quote starts on a table row of its document."""
    found = []
    for c in answer["citations"]:
        text = tab.page.request.get(f"/api/documents/{c['doc_id']}").json()["text"]
        line_start = text.rfind("\n", 0, c["start"]) + 1
        assert text[c["start"] : c["end"]] == c["quote"]
        if text[line_start:].lstrip().startswith("|"):
            found.append(c)
    return found


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return found


# ---------------------------------------------------------------------------------------------
# The article's Markdown, the highlight at the citation's offsets


def test_a_cited_table_row_is_a_table_row_with_exactly_the_quoted_cells_marked(tab: Tab) -> None:
    page = tab.page
    answer = tab.ask_and_capture(TABLE_QUESTION)
    cited = table_citations(tab, answer)
    assert cited, "expected a citation of a table row"
    citation = cited[0]
    card = tab.last_answer().locator(".rec")
    card.locator(f".cite[data-n='{citation['n']}']").first.click()
    panel = page.locator("#source-panel")
    expect(panel).to_have_attribute("data-n", str(citation["n"]))
    article = panel.locator("#source-text")
    marks = article.locator("mark")
    expect(marks.first).to_be_visible()

    # The quoted words, and nothing else, are marked: the quote less the table's pipes, each
    # cell's words in the cell of a real table that shows them.
    cells = [c.strip() for c in citation["quote"].split("|") if c.strip()]
    assert page.evaluate(MARK_TEXTS) == cells
    assert all(m.get_attribute("data-how") == "offsets" for m in marks.all())
    assert marks.evaluate_all("(ms) => ms.every((m) => m.closest('table td, table th'))")
    expect(article.locator("tr:has(mark)").locator("td, th")).to_have_text(cells)
    expect(article.locator("table:has(mark) thead th").first).to_be_visible()
    expect(marks.first).to_be_in_viewport()

    # No Markdown syntax is shown: no pipe rows, no |---| separator.
    shown = article.inner_text()
    assert "|---|" not in shown and "---" not in shown
    assert not any(line.lstrip().startswith("|") for line in shown.splitlines()), shown

    # The panel sits beside the answer, not over it (1280x800).
    panel_box, answer_box = box(panel), box(tab.last_answer())
    assert answer_box["x"] + answer_box["width"] <= panel_box["x"] + 1, (answer_box, panel_box)
    composer = box(page.locator("#question"))
    assert composer["x"] + composer["width"] <= panel_box["x"] + 1
    expect(card).to_be_in_viewport()  # the citation that opened it is still in sight

    shot = tab.screenshot("18-source-table")
    if target := os.environ.get("PAGE_SCREENSHOT"):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(shot.read_bytes())

    # Closed, the chat has its full width back.
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.locator("#profile-panel")).to_be_visible()


def test_the_article_renderer_keeps_every_offset(tab: Tab) -> None:
    """article.js alone: headings, lists, tables, emphasis drawn; a highlight across a list item,
    a paragraph and two cells marks exactly the characters in [start, end)."""
    text = (
        "# Heading one\n"
        "Intro with **bold words** and _an aside_.\n"
        "- first item\n"
        "- second item\n"
        "\n"
        "| Who | What |\n"
        "|---|---|\n"
        "| Older grad | USCE first |\n"
        "| Fresh grad | Either |\n"
        "After the table."
    )
    start = text.index("item\n- second") + len("item\n- ")  # "second item" ...
    end = text.index("USCE first") + len("USCE")  # ... through "USCE" of the row
    drawn = tab.page.evaluate(
        """async ([text, start, end]) => {
          const { renderArticle } = await import('/static/article.js');
          const root = document.createElement('div');
          root.append(renderArticle(text, { start, end, how: 'offsets' }));
          return {
            tags: [...root.children].map((n) => n.tagName.toLowerCase()),
            heading: root.querySelector('h3').textContent,
            strong: root.querySelector('p strong').textContent,
            em: root.querySelector('p em').textContent,
            items: [...root.querySelectorAll('ul li')].map((n) => n.textContent),
            head: [...root.querySelectorAll('thead th')].map((n) => n.textContent),
            rows: [...root.querySelectorAll('tbody tr')].map(
              (r) => [...r.cells].map((c) => c.textContent)),
            marks: [...root.querySelectorAll('mark')].map((m) => m.textContent),
            shown: root.textContent,
          };
        }""",
        [text, start, end],
    )
    assert drawn["tags"] == ["h3", "p", "ul", "div", "p"]
    assert drawn["heading"] == "Heading one"
    assert (drawn["strong"], drawn["em"]) == ("bold words", "an aside")
    assert drawn["items"] == ["first item", "second item"]
    assert drawn["head"] == ["Who", "What"]
    assert drawn["rows"] == [["Older grad", "USCE first"], ["Fresh grad", "Either"]]
    assert drawn["marks"] == ["second item", "Who", "What", "Older grad", "USCE"]
    assert "|" not in drawn["shown"] and "**" not in drawn["shown"] and "#" not in drawn["shown"]


def test_emoji_in_an_article_have_a_font(tab: Tab) -> None:
    """The articles mark sections with emoji; a machine without an emoji font (a bare Debian)
    drew them as empty boxes. The page ships one for them."""
    loaded = tab.page.evaluate(
        """async () => {
          await document.fonts.load('16px "Noto Emoji"', '💡🚨✅🔹');
          return [...document.fonts].filter((f) => f.family.includes('Noto Emoji')
            && f.status === 'loaded').length;
        }"""
    )
    assert loaded >= 2  # the parts of the font that hold these characters, from this origin


# ---------------------------------------------------------------------------------------------
# Keyboard


def test_the_question_box_is_the_first_tab_stop(tab: Tab) -> None:
    page = tab.page
    page.keyboard.press("Tab")
    expect(page.locator("#question")).to_be_focused()
    # The profile's fields come after the question and its examples, not before.
    page.keyboard.press("Tab")
    expect(page.locator("#send")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".example").first).to_be_focused()


def test_the_open_source_keeps_the_focus_until_it_is_closed(tab: Tab) -> None:
    page = tab.page
    tab.ask_and_capture(URGENT_QUESTION)
    marker = tab.last_answer().locator(".cite").first
    marker.focus()
    page.keyboard.press("Enter")
    panel = page.locator("#source-panel")
    expect(panel.locator("mark").first).to_be_visible()
    expect(page.locator("#source-title")).to_be_focused()  # focus moved into the panel
    inside = "() => document.getElementById('source-panel').contains(document.activeElement)"
    seen = set()
    for key in ["Tab"] * 7 + ["Shift+Tab"] * 7:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"{key} left the panel"
        seen.add(page.evaluate("() => document.activeElement.id"))
    assert {"source-close", "source-jump", "source-text"} <= seen
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(marker).to_be_focused()


# ---------------------------------------------------------------------------------------------
# The specialty, rule ids


def test_the_specialty_is_a_choice_of_the_lexicon_names(tab: Tab) -> None:
    page = tab.page
    listed = [s["name"] for s in page.request.get("/api/lexicon").json()["specialties"]]
    select = page.locator("select#pf-specialty")
    expect(select.locator("option")).to_have_count(len(listed) + 1)
    assert select.locator("option").evaluate_all("(os) => os.map((o) => o.value)") == [
        "",
        *listed,
    ]
    select.select_option("dermatology")
    expect(page.locator("[data-key=specialty] .field-tag")).to_have_text("you set")
    with page.expect_request("**/api/ask/stream") as request:
        tab.ask(URGENT_QUESTION)
    assert request.value.post_data_json["profile"] == {"specialty": "dermatology"}
    tab.wait_settled()
    expect(page.locator("#profile-summary")).to_contain_text("targeting dermatology")


def test_rule_ids_stay_in_the_json_not_on_the_page(tab: Tab) -> None:
    page = tab.page
    answer = tab.ask_and_capture(URGENT_QUESTION)
    rule_id = answer["recommendation"]["rule_id"]
    assert RULE_ID.fullmatch(rule_id), rule_id
    card = tab.last_answer().locator(".rec")
    expect(card.locator(".rec-title")).to_have_text(
        "Get hands-on US clinical experience now: it is urgent"
    )
    expect(card.locator(".rec-why")).to_contain_text(answer["recommendation"]["rationale"])
    shown = page.locator("body").inner_text()
    assert rule_id not in shown and not RULE_ID.search(shown), RULE_ID.findall(shown)
    assert collapse(shown)  # the page did draw something
