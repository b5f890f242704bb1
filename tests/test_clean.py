"""Tests for ingest.clean: chrome is removed, every sentence of substance survives verbatim."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import clean as clean_mod
from ingest.clean import CleanHints, CleanResult, Reason, clean

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCS = [
    "clinical-experience-for-imgs",
    "clinical-research-unmatched-imgs",
    "hands-on-usce-vs-research",
    "prioritize-usce-or-research",
    "types-of-usce",
]


def _raw(doc: str) -> str:
    return (CORPUS / f"{doc}.txt").read_text(encoding="utf-8")


def _norm_lines(raw: str) -> list[str]:
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.fixture(autouse=True, scope="module")
def _strict() -> Iterator[None]:
    """Let bugs raise instead of hiding behind the never-raise fallback."""
    clean_mod._RAISE_ERRORS = True
    yield
    clean_mod._RAISE_ERRORS = False


@pytest.fixture(scope="module")
def cleaned() -> dict[str, tuple[str, CleanResult]]:
    clean_mod._RAISE_ERRORS = True
    return {doc: (_raw(doc), clean(_raw(doc))) for doc in DOCS}


# --------------------------------------------------------------------------------------------
# What must survive: sentences copied verbatim from each file, spread over the whole document.

KEEP: dict[str, list[str]] = {
    "clinical-experience-for-imgs": [
        "Unlocking Success: The Key Role of Clinical Experience for IMGs",
        "Bridging the Gap: Why Clinical Experience Is Critical for International Medical Graduates",
        "Strong exam scores and a solid medical school record are essential, but they are not "
        "enough on their own.",
        "Residency program directors consistently highlight U.S. clinical experience (USCE) as a "
        "major factor when ranking IMG applicants.",
        "  1. Evidence that you can function in the U.S. system",
        "  • Strict patient privacy and legal frameworks (HIPAA, EMR security, informed consent)",
        "Structured shadowing experiences where you observe but generally do not touch patients "
        "or enter independent orders.",
        "  • Provides additional Professional Networking connections with faculty",
        "Use volunteering to supplement rather than replace formal USCE, and emphasize what you "
        "learned about patient populations, systems of care, and U.S. culture.",
        "  • Look for recent experiences—residency programs prefer USCE within 1–3 years of "
        "application",
        "1. How much U.S. clinical experience do I need as an IMG?",
        "  • At least 2–3 months of U.S. clinical experience, preferably in their chosen specialty",
        "Residency programs generally prefer hands-on experiences (rotations, externships), but "
        "high-quality observerships with strong LORs are still beneficial—especially in "
        "combination with other forms of experience.",
        "Clinical experience is one of the most powerful tools IMGs have to bridge the gap "
        "between their medical education abroad and a successful career in the United States.",
        "compassionate patient care in the U.S. healthcare system.",
    ],
    "clinical-research-unmatched-imgs": [
        "Being an unmatched IMG can feel like you showed up to a party with a perfectly good "
        "outfit… and the bouncer still said, “Name’s not on the list.”",
        "The Unmatched Reality (Without the Doom Music)",
        "- Creates U.S. relationships that matter: mentors, faculty advocates, future letter "
        "writers, and people who can say, “I worked with them.”",
        "- Pay-to-publish “research” where your only contribution is a credit card",
        "NRMP’s Charting Outcomes for IMGs includes research projects and counts of "
        "abstracts/presentations/publications as key measures compared across matched vs. "
        "unmatched groups.",
        "2) Clinical Research Coordinator (CRC) or CRC-like roles",
        "Step 1: Choose a specialty narrative (even if it’s “broad” at first)",
        "In the U.S., human subjects research is governed by federal regulations (commonly "
        "referred to as the Common Rule, 45 CFR 46).",
        "- Chasing quantity over credibility: ten questionable papers won’t beat two solid "
        "projects you can defend.",
        "Conclusion: Research Isn’t a DetourIt’s a доказательство (Proof) Path",
        "Done well, clinical research becomes more than a line on your CV.",
        "one strong mentor, and one solid outcome at a time.",
    ],
    "hands-on-usce-vs-research": [
        "The advice that IMGs should “just do more research” is overrated.",
        "vs. - A research-only position with no or minimal patient contact",
        "1. They need proof you can function in a US hospital tomorrow",
        "“2 months US IM clinical. Good team player. Would function well as intern.”",
        "| Dermatology | 5 |",
        "- USMLE Step 1 / Step 2 CK (or equivalent)",
        "Here’s a quick scenario table.",
        "| Older grad (>5 years) with gaps | Recent USCE first |",
        "Research is icing. Clinical competence is the cake.",
        "1. I can only afford one: a paid research job or an unpaid hands-on externship. Which "
        "should I pick?",
        "But as a rule, no amount of generic research makes up for very low exams.",
        "- The smartest path: get 2–4 months of real USCE, secure excellent letters, then layer "
        "in research if your goals and time allow.",
    ],
    "prioritize-usce-or-research": [
        "US clinical experience comes first for most applicants.",
        "USCE answers #1 directly. Research mostly strengthens #2 and indirectly helps with #3.",
        "| USCE | 90 |",
        "Here’s how that changes the calculus.",
        "| 5+ YOG, no USCE | USCE, urgently |",
        "- Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may even slightly "
        "edge first if you already have some USCE.",
        "A missing publication never killed an IMG’s chances as fast as missing USCE does.",
        "If you can only afford one major US experience, it should almost always be USCE, not "
        "research.",
        "Scenario 2: 6 years since graduation, working in non-clinical job, low 230s, no USCE",
        "1. If I can only afford ONE—USCE or research—what should I pick?",
        "USCE. Every time, for almost all IMGs.",
        "- If you’re forced to choose one, choose USCE. If you can do both, start with USCE and "
        "then use it to open research doors.",
    ],
    "types-of-usce": [
        "Types of United States clinical experience or US clinical experience (USCE) for "
        "international medical graduates (IMGs): Which one is best for your residency match?",
        "But not all USCEs hold the same value in the eyes of program directors.",
        "1. Hands-On rotation (Externships & Clerkships) – The Gold Standard US Clinical "
        "Experience",
        "Earns Stronger LoRs – Preceptors write detailed, performance-based letters, which carry "
        "more weight than observership LoRs.",
        "An observership allows IMGs to shadow a U.S. physician without direct patient contact.",
        "No direct patient interaction, so LoRs may carry less weight.",
        "Not a substitute for USCE – Should be combined with hands-on experience.",
        "Great for preparing you for hands-on experience",
        "Not equivalent to hands-on rotations in program directors' eyes.",
        "However, combining hands-on rotations with research, observerships, or virtual rotations "
        "can make your application even stronger.",
    ],
}

# What must go: distinctive fragments of chrome, ads, bylines and calls to action.
GONE: dict[str, list[str]] = {
    "clinical-experience-for-imgs": [
        "Residency Advisor Logo",
        "International Medical Graduates Clinical Experience Residency Applications U.S. "
        "Healthcare System Professional Networking",
        " - International Medical Gr",
        "SmartPick",
        "Take the guesswork out of residency applications with data-driven precision.",
        "100% free to try",
        "Related Articles",
    ],
    "clinical-research-unmatched-imgs": ["Table of Contents", ">> Show >> Hide"],
    "hands-on-usce-vs-research": [],
    "prioritize-usce-or-research": [],
    "types-of-usce": [
        "Ash Eighaei Sedeh MD",
        "- Mar 22",
        "3 min read",
        "Need Help Securing High-Quality USCE?",
        "At IMG Rotations, we offer",
        "imgrotations.com",
        "Get Started Today",
    ],
}

# Exactly what is removed, by 1-based raw line number: a regression guard on precision.
EXPECTED_REMOVED: dict[str, dict[int, Reason]] = {
    "clinical-experience-for-imgs": {
        1: "site_chrome",
        5: "site_chrome",
        7: "image_caption",
        109: "image_caption",
        343: "image_caption",
        400: "site_chrome",
        402: "advertisement",
        404: "advertisement",
        406: "advertisement",
        408: "advertisement",
        410: "site_chrome",
    },
    "clinical-research-unmatched-imgs": {i: "table_of_contents" for i in range(1, 19)},
    "hands-on-usce-vs-research": {},
    "prioritize-usce-or-research": {},
    "types-of-usce": {
        2: "byline",
        3: "byline",
        4: "byline",
        44: "call_to_action",
        45: "call_to_action",
        46: "call_to_action",
    },
}


def test_keep_lists_are_long_enough_and_verbatim() -> None:
    for doc in DOCS:
        assert len(KEEP[doc]) >= 8, doc
        raw = _raw(doc)
        for s in KEEP[doc]:
            assert s in raw, f"test data is not verbatim in {doc}: {s!r}"


@pytest.mark.parametrize("doc", DOCS)
def test_substantive_sentences_survive(doc: str, cleaned: dict) -> None:
    _, res = cleaned[doc]
    missing = [s for s in KEEP[doc] if s not in res.text]
    assert not missing, missing


@pytest.mark.parametrize("doc", DOCS)
def test_chrome_is_gone(doc: str, cleaned: dict) -> None:
    raw, res = cleaned[doc]
    for s in GONE[doc]:
        assert s in raw, f"test data is not in {doc}: {s!r}"
        assert s not in res.text, s


def test_overview_tab_label_is_gone(cleaned: dict) -> None:
    _, res = cleaned["clinical-experience-for-imgs"]
    assert "overview" not in res.text.split("\n")


def test_toc_entries_gone_but_headings_kept_once(cleaned: dict) -> None:
    raw, res = cleaned["clinical-research-unmatched-imgs"]
    lines = res.text.split("\n")
    entries = [ln for ln in raw.split("\n")[1:18]]
    assert all(e.startswith("- ") for e in entries)
    for e in entries:
        assert e not in lines
        heading = e[2:]
        assert lines.count(heading) == 1, heading
    assert lines[0].startswith("Being an unmatched IMG")


@pytest.mark.parametrize("doc", DOCS)
def test_exactly_expected_lines_removed(doc: str, cleaned: dict) -> None:
    _, res = cleaned[doc]
    assert {r.line: r.reason for r in res.removed} == EXPECTED_REMOVED[doc]


@pytest.mark.parametrize("doc", ["hands-on-usce-vs-research", "prioritize-usce-or-research"])
def test_clean_documents_are_untouched(doc: str, cleaned: dict) -> None:
    raw, res = cleaned[doc]
    assert res.text == raw.strip("\n")
    assert res.removed == []


@pytest.mark.parametrize("doc", DOCS)
def test_canonical_lines_are_verbatim_source_lines(doc: str, cleaned: dict) -> None:
    raw, res = cleaned[doc]
    source = {ln.rstrip() for ln in _norm_lines(raw)}
    for line in res.text.split("\n"):
        assert line in source, line
        if line:
            assert line in raw


@pytest.mark.parametrize("doc", DOCS)
def test_removed_items_point_at_raw_lines(doc: str, cleaned: dict) -> None:
    raw, res = cleaned[doc]
    raw_lines = _norm_lines(raw)
    reasons = set(get_args(Reason))
    for r in res.removed:
        assert r.reason in reasons
        assert r.text and raw_lines[r.line - 1].rstrip() == r.text
    # Kept and removed non-blank lines partition the source's non-blank lines.
    kept = [ln for ln in res.text.split("\n") if ln]
    gone = {r.line - 1 for r in res.removed}
    expected = [ln.rstrip() for i, ln in enumerate(raw_lines) if ln.strip() and i not in gone]
    assert kept == expected


@pytest.mark.parametrize("doc", DOCS)
def test_blank_line_normalisation(doc: str, cleaned: dict) -> None:
    _, res = cleaned[doc]
    t = res.text
    assert "\n\n\n" not in t
    assert t == t.strip()
    assert all(ln == ln.rstrip() for ln in t.split("\n"))


def test_byline_author_is_reported(cleaned: dict) -> None:
    assert cleaned["types-of-usce"][1].author == "Ash Eighaei Sedeh MD"
    assert cleaned["hands-on-usce-vs-research"][1].author is None


# --------------------------------------------------------------------------------------------
# Precision on synthetic documents: look-alikes of chrome that are content.


def test_content_lookalikes_are_kept() -> None:
    doc = "\n".join(
        [
            "Choosing Your First Rotation",
            "",
            "Overview",
            "",
            "This guide explains how to compare observerships and externships in detail today.",
            "",
            "Observerships - Limited but Still Valuable",
            "",
            "- Step 1 / Step 2 CK (or equivalent)",
            "- Mar 22 is the application deadline for many programs, so plan early.",
            "1. They need proof you can function in a US hospital tomorrow",
            "Contents of a strong letter",
            "",
            "We offer no guarantees; we help you think. Read the AAMC guidance at aamc.org first.",
            "Your next step is to email two programs this week and ask about availability.",
        ]
    )
    res = clean(doc)
    assert res.removed == []
    assert res.text == doc


def test_header_zone_lookalikes_are_kept() -> None:
    doc = "\n".join(
        [
            "Match Strategy Guide",
            "By the Numbers: Match Rates for IMGs",
            "Published research matters less than letters",
            "International Medical Graduates Need Recent Clinical Experience In The US",
            "This is the first paragraph of the article, and it is long enough to be prose.",
        ]
    )
    res = clean(doc)
    assert res.removed == [] and res.text == doc


def test_generic_bylines() -> None:
    doc = "Article Title\nBy Jane Q. Doe, MD\nUpdated on March 3, 2024\n5 minute read\n\nBody."
    res = clean(doc)
    assert res.text == "Article Title\n\nBody."
    assert {r.reason for r in res.removed} == {"byline"}
    assert res.author == "Jane Q. Doe, MD"


def test_hints_drop_lines_and_tail() -> None:
    doc = "Title Here\n\nPromo banner 123\n\nReal content sentence.\n\nFooter start\nmore footer"
    hints = CleanHints(
        drop_lines_matching=[r"^Promo banner", "(unclosed"], drop_from="Footer start"
    )
    res = clean(doc, hints)
    assert res.text == "Title Here\n\nReal content sentence."
    assert [(r.line, r.reason) for r in res.removed] == [
        (3, "site_chrome"),
        (7, "site_chrome"),
        (8, "site_chrome"),
    ]
    res2 = clean(doc, CleanHints(drop_from="Footer start", hint_reason="advertisement"))
    assert {r.reason for r in res2.removed} == {"advertisement"}


def test_generic_related_articles_and_cta() -> None:
    doc = "\n".join(
        [
            "A long first paragraph about residency applications that ends with a period here.",
            "",
            "Ready to start your rotation?",
            "Our team helps IMGs every month.",
            "Book your spot at example.com today!",
            "",
            "Related Articles",
            "How to write a CV",
            "Ten interview tips",
        ]
    )
    res = clean(doc)
    assert res.text == doc.split("\n")[0]
    reasons = [r.reason for r in res.removed]
    assert reasons == ["call_to_action"] * 3 + ["site_chrome"] * 3


# --------------------------------------------------------------------------------------------
# Robustness


@pytest.mark.parametrize(
    "raw", ["", "\n", "   \n\t\n", "\x00\xff", "\x00\n\x01\x02\n\ufffd", "\u2028\x1c\x85", "#"]
)
def test_junk_never_raises(raw: str) -> None:
    res = clean(raw)
    assert isinstance(res.text, str)
    assert "\r" not in res.text


def test_bytes_and_non_str() -> None:
    assert clean(b"Hello there.\r\nSecond line.").text == "Hello there.\nSecond line."  # type: ignore[arg-type]
    assert clean(None).text == ""  # type: ignore[arg-type]


def test_crlf_and_cr_line_endings() -> None:
    raw = _raw("types-of-usce")
    res_lf = clean(raw)
    assert clean(raw.replace("\n", "\r\n")).text == res_lf.text
    assert clean(raw.replace("\n", "\r")).text == res_lf.text
    assert [r.line for r in clean(raw.replace("\n", "\r\n")).removed] == [
        r.line for r in res_lf.removed
    ]


def test_trailing_whitespace_and_blank_runs() -> None:
    res = clean("\n\n  First line.  \t\n\n\n\n   \nSecond line.\t\n\n")
    assert res.text == "  First line.\n\nSecond line."


def test_huge_input_is_fast() -> None:
    raw = (_raw("clinical-experience-for-imgs") + "\n") * 240  # ~5 MB
    assert len(raw) > 5_000_000
    t0 = time.perf_counter()
    res = clean(raw)
    assert time.perf_counter() - t0 < 20
    assert "Strong exam scores and a solid medical school record are essential" in res.text
    one_line = "x" * 5_000_000
    assert clean(one_line).text == one_line


def test_fallback_when_a_detector_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(clean_mod, "_detect_toc", boom)
    monkeypatch.setattr(clean_mod, "_RAISE_ERRORS", False)
    res = clean("a  \r\n\r\n\r\nb")
    assert res.text == "a\n\nb" and res.removed == []


_LINE_POOL = [
    "",
    "Table of Contents >> Show >> Hide",
    "- Overview",
    "Overview",
    "overview",
    "Related Articles",
    "Brand Logo Brand",
    "- 3 min read",
    "By Jane Doe",
    "- Jane Q Doe MD",
    "Mar 22",
    "Acme - Better Residency Made Smarter",
    "Acme is free to try. No credit card.",
    "Need help finding a rotation?",
    "At Acme Rotations, we offer rotations.",
    "Visit acme.com to get started.",
    "A photo of a doctor in a teaching hospital ward - International Medical Gr",
    "A picture of residents talking with an attending - International Medical Graduates",
    "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota",
    "This is a long sentence of real content that should always be kept by the cleaner.",
    "| a | b |",
    "|---|---|",
    "1. A numbered heading",
    "  • an indented bullet",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.lists(st.sampled_from(_LINE_POOL), max_size=40).map("\n".join),
        st.lists(st.one_of(st.sampled_from(_LINE_POOL), st.text(max_size=30)), max_size=30).map(
            lambda xs: "\r\n".join(xs)
        ),
    )
)
def test_property_never_raises_and_only_drops_lines(raw: str) -> None:
    res = clean(raw)
    source = _norm_lines(raw)
    allowed = {ln.rstrip() for ln in source}
    out = res.text.split("\n") if res.text else []
    for line in out:
        assert line in allowed
    assert "\n\n\n" not in res.text and res.text == res.text.strip("\n")
    for r in res.removed:
        assert source[r.line - 1].rstrip() == r.text
    # Kept lines appear in source order.
    kept_iter = iter(ln.rstrip() for ln in source)
    assert all(any(line == k for k in kept_iter) for line in out)
