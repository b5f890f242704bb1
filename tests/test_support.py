"""Support scorer: verbatim, paraphrase, wrong numbers, reversed claims, markers, splitting."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.text.support import (
    SUPPORT_THRESHOLD,
    SupportResult,
    citation_markers,
    numbers_in,
    split_sentences,
    strip_markers,
    support,
)

# Passages are corpus text (verbatim; the table keeps only some of its rows).
MINIMUM = (
    "2–3 months of solid, hands-on USCE (with strong performance) is the minimum reasonable target"
)
OBSERVERSHIP_FAQ = (
    "They “count” in the weakest sense: they show you were physically in a US hospital. But they "
    "do not carry the same weight as true hands-on experience. Programs know the difference."
)
TYPES_TABLE = (
    "| Type | Hands-On? | Value for Match |\n|---|---|---|\n| Observership | No | Low–Moderate |\n"
    "| Shadowing | No | Low |\n| Externship | Yes | High |\n| Sub-internship | Yes | Very High |"
)
KEY_POINT = (
    "For most IMGs, hands-on US clinical experience with strong letters is a higher priority than "
    "extra research."
)
PD_FACTOR = (
    "Residency program directors consistently highlight U.S. clinical experience (USCE) as a major "
    "factor when ranking IMG applicants."
)
GOOD_USCE = (
    "3 months of inpatient USCE at community or mid-tier academic hospitals\n- 2–3 strong US "
    "letters\n- Step 2 CK 245+\n- Aiming for academic Internal Medicine, Neurology, or Pathology"
)
RECENCY = (
    "Aim for within 1–3 years of the application. If you graduated 6 years ago and your last real "
    "clinical work (US or home country) was 5 years back, that’s a problem."
)
LOW_SCORES = "Rarely. Strong research can open doors if you’re closely mentored by a powerful name."

# (sentence, passage, supported, a number that must be reported missing or None)
CASES: list[tuple[str, str, bool, str | None]] = [
    # Verbatim, with and without a citation marker.
    (MINIMUM + " [1].", MINIMUM, True, None),
    (PD_FACTOR, PD_FACTOR, True, None),
    (KEY_POINT + "[2]", KEY_POINT, True, None),
    # Paraphrases: synonyms (USCE, PD, IMG, LOR, CK, IM), word numbers, "to" ranges.
    ("Aim for at least 2 to 3 months of hands-on US clinical experience.", MINIMUM, True, None),
    ("Aim for two to three months of hands-on USCE.", MINIMUM, True, None),
    (
        "PDs highlight US clinical experience as a major factor when ranking international medical "
        "graduates.",
        PD_FACTOR,
        True,
        None,
    ),
    ("Program directors see USCE as a major factor in ranking IMGs.", PD_FACTOR, True, None),
    (
        "With 3 months of USCE, 2-3 strong US LORs and a Step 2 CK of 245+, aim for academic IM.",
        GOOD_USCE,
        True,
        None,
    ),
    (
        "Observerships do not carry the same weight as hands-on experience.",
        OBSERVERSHIP_FAQ,
        True,
        None,
    ),
    ("Observerships are not hands-on.", TYPES_TABLE, True, None),
    ("Externships are hands-on.", TYPES_TABLE, True, None),
    (
        "For most IMGs, hands-on USCE with strong letters matters more than research.",
        KEY_POINT,
        True,
        None,
    ),
    # Wrong numbers.
    ("Aim for 4–6 months of hands-on USCE.", MINIMUM, False, "4–6 months"),
    ("2–3 weeks of hands-on USCE is the minimum reasonable target.", MINIMUM, False, "2–3 weeks"),
    ("With a Step 2 CK of 250, aim for academic IM.", GOOD_USCE, False, "250"),
    ("Aim for USCE within 1–5 years of the application.", RECENCY, False, "1–5 years"),
    ("Four strong US letters are needed.", GOOD_USCE, False, "Four"),
    # Reversed claims.
    (
        "Observerships carry the same weight as true hands-on experience.",
        OBSERVERSHIP_FAQ,
        False,
        None,
    ),
    ("Observerships count as hands-on experience.", TYPES_TABLE, False, None),
    ("For most IMGs, research is a higher priority than hands-on USCE.", KEY_POINT, False, None),
    ("Research before USCE is the better order for most IMGs.", KEY_POINT, False, None),
    # Unrelated.
    ("Dermatology programs want first-author papers.", PD_FACTOR, False, None),
    ("The weather is nice today.", MINIMUM, False, None),
    ("Yes.", MINIMUM, False, None),
]


@pytest.mark.parametrize(("sentence", "passage", "expected", "missing"), CASES)
def test_support_table(sentence: str, passage: str, expected: bool, missing: str | None) -> None:
    result = support(sentence, passage)
    assert result.supported is expected, result
    assert 0.0 <= result.score <= 1.0 and 0.0 <= result.overlap <= 1.0
    if missing is not None:
        assert missing in result.missing_numbers, result
    if not expected:
        assert result.reasons


def test_reversed_claims_name_the_rule() -> None:
    assert support(
        "Observerships carry the same weight as true hands-on experience.", OBSERVERSHIP_FAQ
    ).negation_mismatch
    assert support("Observerships count as hands-on.", TYPES_TABLE).negation_mismatch
    reversed_ = support(
        "Research is a higher priority than hands-on USCE for most IMGs.", KEY_POINT
    )
    assert reversed_.reversed_comparison and not reversed_.negation_mismatch


AFFORD_ONE = (
    "If you can only afford one major US experience, it should almost always be USCE, not research."
)
VISAS = (
    "Many IMGs use:\n- B1/B2 for short-term USCE (observerships, externships)\n"
    "- J or H visas for later research or employment"
)
FILTER = "Because for IMGs, lack of USCE is a filtering criterion at a huge number of programs."


def test_contrastive_not_is_a_ranking_not_a_negation() -> None:
    agree = support(
        "With money for only one US experience, pick USCE rather than research.", AFFORD_ONE
    )
    assert agree.supported and not agree.negation_mismatch, agree
    flipped = support(
        "If you can only afford one major US experience, choose research.", AFFORD_ONE
    )
    assert not flipped.supported and flipped.reversed_comparison, flipped


def test_antonym_contradicts() -> None:
    result = support("Many IMGs use B1/B2 visas for long-term USCE.", VISAS)
    assert not result.supported and result.negation_mismatch, result


def test_sentence_about_research_needs_a_passage_about_research() -> None:
    result = support("For IMGs, a lack of research publications is a filtering criterion.", FILTER)
    assert not result.supported
    assert any("does not mention research" in r for r in result.reasons), result
    assert support("For IMGs, a lack of USCE is a filtering criterion.", FILTER).supported


def test_hedge_words_are_not_negations() -> None:
    passage = "Research is not only valuable for academics but for every applicant."
    assert not support("Research is valuable for every applicant.", passage).negation_mismatch


def test_negation_is_conservative_without_a_shared_claim() -> None:
    # "rarely" negates a different claim (low scores); the sentence shares too little with it.
    result = support("Mentors can open doors.", LOW_SCORES)
    assert not result.negation_mismatch


def test_similarity_is_blended() -> None:
    sentence, passage = "Clinical letters outweigh research letters.", KEY_POINT
    base = support(sentence, passage).score
    assert support(sentence, passage, similarity=0.95).score > base
    assert support(sentence, passage, similarity=0.0).score < base
    assert support(sentence, passage, similarity=float("nan")).score == base


def test_similarity_cannot_rescue_a_wrong_number() -> None:
    result = support("Aim for 5 months of hands-on USCE.", MINIMUM, similarity=1.0)
    assert not result.supported and result.missing_numbers == ["5 months"]


def test_threshold_is_the_boundary() -> None:
    result = support(MINIMUM, MINIMUM)
    assert result.score >= SUPPORT_THRESHOLD and result.supported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aim for 2–3 months, then 4-8 weeks.", ["2-3", "4-8"]),
        ("two to three months, 2 to 3 months", ["2-3"]),
        ("Step 2 CK 245+ and graduated in 2019", ["245", "2019"]),
        ("three letters, one of the best, one month, 6 YOG", ["3", "1", "6"]),
        ("B1/B2, H-1B, J-1 visas and Step 1 [3]", []),
        ("1,000 applicants and 3.5 years", ["1000", "3.5"]),
    ],
)
def test_numbers_in(text: str, expected: list[str]) -> None:
    assert numbers_in(text) == expected


@pytest.mark.parametrize(
    ("sentence", "markers", "stripped"),
    [
        ("USCE comes first [1].", [1], "USCE comes first."),
        ("USCE comes first [1, 2].", [1, 2], "USCE comes first."),
        ("USCE [2] comes first [1][3].", [2, 1, 3], "USCE comes first."),
        ("See sources [2-4].", [2, 3, 4], "See sources."),
        ("No markers here.", [], "No markers here."),
        ("A bracket [a] is not a marker.", [], "A bracket [a] is not a marker."),
    ],
)
def test_markers(sentence: str, markers: list[int], stripped: str) -> None:
    assert citation_markers(sentence) == markers
    assert strip_markers(sentence) == stripped


def test_split_keeps_markers_and_abbreviations() -> None:
    text = (
        "Get hands-on USCE first [1]. Then add research, e.g. a chart review [2, 3]. "
        "Dr. Smith said U.S. programs value letters. [1] Observerships count less.[4]"
    )
    assert split_sentences(text) == [
        "Get hands-on USCE first [1].",
        "Then add research, e.g. a chart review [2, 3].",
        "Dr. Smith said U.S. programs value letters. [1]",
        "Observerships count less.[4]",
    ]


def test_split_markdown_lists() -> None:
    text = "Priorities:\n\n- Hands-on USCE [1]\n- Two or three US letters [2]\n\nThen research."
    assert split_sentences(text) == [
        "Priorities:",
        "- Hands-on USCE [1]",
        "- Two or three US letters [2]",
        "Then research.",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_split_empty(text: str) -> None:
    assert split_sentences(text) == []


def test_fast_enough() -> None:
    passages = [MINIMUM, OBSERVERSHIP_FAQ, TYPES_TABLE, KEY_POINT, PD_FACTOR, GOOD_USCE]
    sentences = [c[0] for c in CASES]
    start = time.perf_counter()
    calls = 0
    for _ in range(20):
        for s in sentences:
            for p in passages:
                support(s, p)
                calls += 1
    assert calls / (time.perf_counter() - start) > 2_000


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600), st.text(max_size=1_500), st.none() | st.floats())
def test_support_never_raises(sentence: str, passage: str, similarity: float | None) -> None:
    result = support(sentence, passage, similarity=similarity)
    assert isinstance(result, SupportResult)
    assert 0.0 <= result.score <= 1.0
    if result.missing_numbers or result.negation_mismatch:
        assert not result.supported


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1_500))
def test_text_helpers_never_raise(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    for s in sentences:
        citation_markers(s)
        strip_markers(s)
    numbers_in(text)
