"""Tests for ingest.chunking: exact offsets, full coverage, structure kept together."""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.types import Chunk
from ingest import chunking as chunking_mod
from ingest.chunking import chunk_document
from ingest.clean import clean

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCS = [
    "clinical-experience-for-imgs",
    "clinical-research-unmatched-imgs",
    "hands-on-usce-vs-research",
    "prioritize-usce-or-research",
    "types-of-usce",
]
# The first heading of each canonical text: content from there on has a section path.
FIRST_HEADING = {
    "clinical-experience-for-imgs": "Unlocking Success: The Key Role of Clinical Experience",
    "clinical-research-unmatched-imgs": "The Unmatched Reality (Without the Doom Music)",
    "hands-on-usce-vs-research": "The Short Answer: What Should You Prioritize?",
    "prioritize-usce-or-research": "The Core Answer: For Most IMGs, USCE > Research",
    "types-of-usce": "Types of United States clinical experience",
}
FAQ_HEADING = {
    "clinical-experience-for-imgs": "Frequently Asked Questions About Clinical Experience for IMGs",
    "hands-on-usce-vs-research": "FAQs",
    "prioritize-usce-or-research": "FAQ: Should I Prioritize USCE or Research First as an IMG?",
}
FAQ_COUNT = {
    "clinical-experience-for-imgs": 5,
    "hands-on-usce-vs-research": 6,
    "prioritize-usce-or-research": 7,
}


@pytest.fixture(autouse=True, scope="module")
def _strict() -> Iterator[None]:
    """Let bugs raise instead of hiding behind the never-raise fallback."""
    chunking_mod._RAISE_ERRORS = True
    yield
    chunking_mod._RAISE_ERRORS = False


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {d: clean((CORPUS / f"{d}.txt").read_text(encoding="utf-8")).text for d in DOCS}


@pytest.fixture(scope="module")
def chunks(texts: dict[str, str]) -> dict[str, list[Chunk]]:
    chunking_mod._RAISE_ERRORS = True
    return {d: chunk_document(d, f"Title of {d}", t) for d, t in texts.items()}


def _check_invariants(text: str, cs: list[Chunk]) -> None:
    """Offsets exact, ordered, non-overlapping, trimmed; every non-space character covered."""
    prev_end = 0
    covered = [False] * len(text)
    for c in cs:
        assert c.text == text[c.start : c.end]
        assert c.text and c.text == c.text.strip()
        assert prev_end <= c.start < c.end
        prev_end = c.end
        covered[c.start : c.end] = [True] * (c.end - c.start)
    missed = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missed, text[missed[0] : missed[0] + 60]


def _check_whole_lines(text: str, cs: list[Chunk]) -> None:
    """Every non-blank line lies inside a single chunk (true when no paragraph is split)."""
    pos = 0
    k = 0
    for line in text.split("\n"):
        if line.strip():
            ls = pos + len(line) - len(line.lstrip())
            le = pos + len(line.rstrip())
            while k < len(cs) and cs[k].end < le:
                k += 1
            assert k < len(cs) and cs[k].start <= ls and le <= cs[k].end, repr(line)
        pos += len(line) + 1


def _chunk_with(cs: list[Chunk], needle: str) -> Chunk:
    found = [c for c in cs if needle in c.text]
    assert len(found) == 1, (needle, len(found))
    return found[0]


# --------------------------------------------------------------------------------------------
# Corpus


@pytest.mark.parametrize("doc", DOCS)
def test_invariants_on_corpus(doc: str, texts: dict, chunks: dict) -> None:
    _check_invariants(texts[doc], chunks[doc])
    _check_whole_lines(texts[doc], chunks[doc])
    assert len(chunks[doc]) >= 5


@pytest.mark.parametrize("doc", DOCS)
def test_metadata_fields(doc: str, chunks: dict) -> None:
    for c in chunks[doc]:
        assert c.doc_id == doc and c.title == f"Title of {doc}"
        want = hashlib.sha256(f"{doc}\x00{c.start}\x00{c.end}\x00{c.text}".encode()).hexdigest()
        assert c.id == want[:16]


def test_ids_stable_and_unique(texts: dict, chunks: dict) -> None:
    again = {d: chunk_document(d, f"Title of {d}", t) for d, t in texts.items()}
    assert again == chunks
    ids = [c.id for cs in chunks.values() for c in cs]
    assert len(ids) == len(set(ids))


def test_scenario_table_with_its_intro(texts: dict, chunks: dict) -> None:
    text = texts["hands-on-usce-vs-research"]
    start = text.index("Here’s a quick scenario table.")
    end = text.index("| Strong scores, 1–2 US letters, no pubs | Balanced, but USCE |")
    c = _chunk_with(chunks["hands-on-usce-vs-research"], "| Scenario | Priority |")
    assert c.start <= start and end < c.end
    assert c.kind == "table"
    assert c.section == (
        "Practical Decision Framework: How You Should Choose > Step 2: Decide using a simple rule"
    )


def test_profile_table_with_its_intro(texts: dict, chunks: dict) -> None:
    text = texts["prioritize-usce-or-research"]
    start = text.index("Here’s how that changes the calculus.")
    end = text.index("| Low scores, no USCE | USCE first |")
    c = _chunk_with(chunks["prioritize-usce-or-research"], "| Profile | Priority |")
    assert c.start <= start and end < c.end
    assert c.kind == "table"


@pytest.mark.parametrize("doc", DOCS)
def test_every_table_is_whole_with_the_line_before_it(doc: str, texts: dict, chunks: dict) -> None:
    text = texts[doc]
    lines = text.split("\n")
    pos, offsets = 0, []
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    i = 0
    while i < len(lines):
        if lines[i].startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            intro = i - 1
            while not lines[intro].strip():
                intro -= 1
            span = (offsets[intro], offsets[j - 1] + len(lines[j - 1]))
            assert any(c.start <= span[0] and span[1] <= c.end for c in chunks[doc]), lines[i]
            i = j
        else:
            i += 1


@pytest.mark.parametrize("doc", sorted(FAQ_HEADING))
def test_faq_question_with_its_answer(doc: str, texts: dict, chunks: dict) -> None:
    text = texts[doc]
    lines = text.split("\n")
    start = lines.index(FAQ_HEADING[doc])
    questions = []
    for i in range(start + 1, len(lines)):
        if re.match(r"^\d+\. .*\?$", lines[i]):
            answer = next(ln for ln in lines[i + 1 :] if ln.strip())
            first_sentence = re.split(r"(?<=[.?!])\s", answer.strip())[0]
            questions.append((lines[i], first_sentence))
    assert len(questions) == FAQ_COUNT[doc]
    for q, a in questions:
        c = _chunk_with(chunks[doc], q)
        assert a in c.text, (q, a)
        assert c.kind == "faq"
        assert c.section.startswith(FAQ_HEADING[doc]) and c.section.endswith(q)


@pytest.mark.parametrize("doc", sorted(FAQ_HEADING))
def test_faq_answers_are_not_split(doc: str, texts: dict, chunks: dict) -> None:
    """Every answer here is under 2 * max_chars, so question-to-next-question is one chunk."""
    text = texts[doc]
    starts = [m.start() for m in re.finditer(r"(?m)^\d+\. .*\?$", text)]
    starts = [p for p in starts if p > text.index(FAQ_HEADING[doc])]
    for a, b in itertools.pairwise(starts):
        end = len(text[:b].rstrip())
        assert any(c.start <= a and end <= c.end for c in chunks[doc]), text[a : a + 60]


def test_faq_answer_split_only_when_much_longer() -> None:
    para = "This answer paragraph explains the point in one sentence of modest length here."
    short = "\n".join([para] * 3)  # about 1.25 * max_chars: stays whole
    long = "\n".join([para] * 8)  # about 3.3 * max_chars: split, question keeps its start
    text = f"FAQs\n1. Is the first question short?\n{short}\n2. Is the second one long?\n{long}"
    cs = chunk_document("faq", "t", text, max_chars=200, min_chars=50)
    _check_invariants(text, cs)
    q1 = _chunk_with(cs, "1. Is the first question short?")
    assert short in q1.text and q1.kind == "faq"
    q2 = _chunk_with(cs, "2. Is the second one long?")
    assert q2.text.count(para) >= 1 and long not in q2.text
    rest = [c for c in cs if c.start > q2.start]
    assert rest and all(c.section == "FAQs > 2. Is the second one long?" for c in rest)


def test_faq_section_label(chunks: dict) -> None:
    c = _chunk_with(chunks["hands-on-usce-vs-research"], "1. I can only afford one")
    assert c.section == (
        "FAQs > 1. I can only afford one: a paid research job or an unpaid hands-on externship. "
        "Which should I pick?"
    )


@pytest.mark.parametrize("doc", DOCS)
def test_sections_after_first_heading(doc: str, texts: dict, chunks: dict) -> None:
    first = texts[doc].index(FIRST_HEADING[doc])
    for c in chunks[doc]:
        if c.end > first:
            assert c.section, c.text[:80]
        else:
            assert c.section == ""


def test_section_paths(chunks: dict) -> None:
    def section(doc: str, needle: str) -> str:
        return _chunk_with(chunks[doc], needle).section

    assert section("hands-on-usce-vs-research", "Clinical experience produces the letters") == (
        "Why Hands-On US Clinical Experience Matters More Than You Think > "
        "2. Clinical experience produces the letters that matter"
    )
    assert section("clinical-research-unmatched-imgs", "Step 3: Get compliant fast") == (
        "A Practical Playbook: Turning One Unmatched Year Into a Research Advantage > "
        "Step 3: Get compliant fast (so you’re useful immediately)"
    )
    assert section("clinical-research-unmatched-imgs", "GCP principles exist").endswith(
        "> Good Clinical Practice (GCP)"
    )
    assert section("prioritize-usce-or-research", "Scenario 2: 6 years").startswith(
        "Typical Scenarios (And What You Should Do) > Scenario 2"
    )
    assert section("types-of-usce", "Earns Stronger LoRs") == (
        "1. Hands-On rotation (Externships & Clerkships) – The Gold Standard US Clinical "
        "Experience > ✅ Why It’s the Best Type of USCE for IMGs"
    )
    assert section("hands-on-usce-vs-research", "- The smartest path") == (
        "Key points to walk away with:"
    )


@pytest.mark.parametrize(
    ("doc", "first", "second"),
    [
        (
            "hands-on-usce-vs-research",
            "When Research Actually Matters a Lot",
            "Types of US Clinical",
        ),
        ("hands-on-usce-vs-research", "6. Does research ever compensate", "Key points to walk"),
        ("prioritize-usce-or-research", "When You Must Prioritize USCE", "When Research Might"),
        ("clinical-research-unmatched-imgs", "Common Pitfalls", "Experiences From the Field"),
        ("clinical-experience-for-imgs", "Six Core Benefits", "Types of Clinical Experience"),
        ("types-of-usce", "2. Observerships", "3. Research Experience"),
    ],
)
def test_top_level_boundaries_not_crossed(doc: str, first: str, second: str, chunks: dict) -> None:
    assert not any(first in c.text and second in c.text for c in chunks[doc])


def test_list_stays_with_its_intro(chunks: dict) -> None:
    c = _chunk_with(chunks["hands-on-usce-vs-research"], "Programs are asking themselves:")
    assert "- Will they understand the culture: pages, consults" in c.text
    c = _chunk_with(chunks["clinical-experience-for-imgs"], "Effective networking through")
    assert "• Help you understand the “fit” and culture" in c.text
    assert c.kind == "list"


@pytest.mark.parametrize("doc", DOCS)
def test_sizes(doc: str, chunks: dict) -> None:
    mx, mn = chunking_mod.DEFAULT_MAX_CHARS, chunking_mod.DEFAULT_MIN_CHARS
    for c in chunks[doc]:
        assert len(c.text) >= mn
        if c.kind != "table":
            assert len(c.text) <= 2 * mx


@pytest.mark.parametrize(("mx", "mn"), [(200, 40), (400, 100), (1200, 300), (3000, 0)])
def test_other_sizes_keep_invariants(mx: int, mn: int, texts: dict) -> None:
    for doc, text in texts.items():
        cs = chunk_document(doc, doc, text, max_chars=mx, min_chars=mn)
        _check_invariants(text, cs)
        for c in cs:
            if c.kind not in ("table", "faq"):
                assert len(c.text) <= 2 * mx + mn, (doc, c.section)
        table = [c for c in cs if "| Scenario | Priority |" in c.text]
        if table:
            assert "Here’s a quick scenario table." in table[0].text


def test_whole_corpus_is_fast(texts: dict) -> None:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for doc, text in texts.items():
            chunk_document(doc, doc, text)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.1


# --------------------------------------------------------------------------------------------
# Synthetic documents

MARKDOWN = """# Residency Guide

Intro paragraph before any section, long enough to stand as its own chunk in this test document.

## Costs

Rotations cost money. Here is a comparison:

| Type | Cost |
|---|---|
| Externship | High |
| Observership | Medium |

### Saving money

- Share housing with other applicants
- Apply early for discounts
- Budget for travel and visas

## FAQ

### Do observerships count?

Weakly. Hands-on work counts more.

### How many months?

Two to three months of hands-on experience.
"""


def test_markdown_document() -> None:
    cs = chunk_document("md", "Residency Guide", MARKDOWN, max_chars=200, min_chars=0)
    _check_invariants(MARKDOWN, cs)
    table = _chunk_with(cs, "| Type | Cost |")
    assert "Here is a comparison:" in table.text and "| Observership | Medium |" in table.text
    assert table.kind == "table" and table.section == "Costs"
    lst = _chunk_with(cs, "- Share housing")
    assert lst.section == "Costs > Saving money" and lst.kind == "list"
    assert "### Saving money" in lst.text
    q = _chunk_with(cs, "### Do observerships count?")
    assert "Weakly." in q.text and q.kind == "faq" and q.section == "FAQ > Do observerships count?"
    intro = _chunk_with(cs, "Intro paragraph")
    assert intro.section == "Residency Guide" and "# Residency Guide" in intro.text


def test_plain_numbered_list_is_not_headings() -> None:
    text = (
        "How To Plan Your Year Of Clinical Rotations\n"
        "Follow these steps in order.\n"
        "1. Book an externship\n"
        "2. Get letters\n"
        "3. Add research\n"
        "Then apply to programs that fit your profile and your scores."
    )
    cs = chunk_document("p", "p", text, max_chars=500, min_chars=0)
    _check_invariants(text, cs)
    assert len(cs) == 1 and cs[0].section == "How To Plan Your Year Of Clinical Rotations"


def test_long_paragraph_is_split_at_sentences() -> None:
    sentence = "This sentence is about clinical experience and letters of recommendation. "
    text = "Heading Of A Long Section Here\n" + sentence * 40
    cs = chunk_document("long", "t", text, max_chars=300, min_chars=50)
    _check_invariants(text, cs)
    assert len(cs) >= 8
    assert all(len(c.text) <= 300 for c in cs)
    assert all(c.text.endswith(".") for c in cs)


@pytest.mark.parametrize(
    "text", ["", "   \n\n\t", "\x00", "x", "|", "#", "# ", "1.", "- ", "?", "\r\n\r", "a" * 10_000]
)
def test_junk_never_raises(text: str) -> None:
    cs = chunk_document("j", "j", text)
    _check_invariants(text, cs)


def test_bad_parameters_never_raise() -> None:
    text = "Some Heading Here\nSome content sentence that is here."
    for mx, mn in [(0, 0), (-5, -5), (10, 10_000), (None, None), ("x", 3)]:
        cs = chunk_document("b", "b", text, max_chars=mx, min_chars=mn)  # type: ignore[arg-type]
        _check_invariants(text, cs)


def test_fallback_when_structure_pass_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(chunking_mod, "_segments", boom)
    monkeypatch.setattr(chunking_mod, "_RAISE_ERRORS", False)
    text = "First sentence here. Second one!\n\nThird paragraph."
    cs = chunk_document("f", "f", text)
    _check_invariants(text, cs)


_LINES = [
    "",
    "FAQs",
    "Frequently Asked Questions",
    "1. Is this a question?",
    "2. Is this another question?",
    "Step 1: Do the thing",
    "Step 2: Do another thing",
    "Why This Matters More Than You Think",
    "Key points:",
    "Bottom line:",
    "Here is the table:",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "a | b",
    "--- | ---",
    "- a bullet item",
    "• another bullet",
    "  • indented bullet",
    "    continuation of the item.",
    "* star bullet",
    "1. Numbered item",
    "2. Numbered item",
    "vs. - lowercase continuation",
    "A plain sentence of prose that ends with a period.",
    "A longer paragraph. It has two sentences! And a third? Yes.",
    "# Markdown heading",
    "## Sub heading",
    "✅ Pros:",
    "Intro that ends with a colon:",
    "ends mid sentence and",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(),
        st.lists(st.sampled_from(_LINES), max_size=60).map("\n".join),
        st.lists(st.one_of(st.sampled_from(_LINES), st.text(max_size=40)), max_size=40).map(
            "\n".join
        ),
    ),
    mx=st.integers(min_value=-10, max_value=2000),
    mn=st.integers(min_value=-10, max_value=500),
)
def test_property_never_raises_and_offsets_hold(text: str, mx: int, mn: int) -> None:
    cs = chunk_document("h", "h", text, max_chars=mx, min_chars=mn)
    _check_invariants(text, cs)
    assert len({c.id for c in cs}) == len(cs)
    for c in cs:
        assert c.kind in ("prose", "list", "table", "faq")
