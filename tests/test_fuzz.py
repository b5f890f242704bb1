"""Hostile input, generated: the profile parser, the rules and the whole question path take
unicode, control characters, huge numbers and 10k-character strings without an exception.

tests/test_profile.py already fuzzes the parser with plain `st.text()` and a phrase soup; here
the inputs are built to hurt: profile phrases carrying absurd numbers, mixed with control
characters, bidi overrides, zero-width and astral characters, at up to 10,000 characters.
Every test counts its examples; the printed totals (`pytest -s`) go in the issue's table.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.limits import MAX_QUESTION_CHARS
from assistant.core.types import Profile, Verdict
from assistant.domain import profile as profile_module
from assistant.domain.profile import describe_profile, merge_profile, parse_profile
from assistant.domain.rules import decide
from assistant.service import Advisor, QuestionError
from tests.api_support import fake_settings

YEAR = 2025
SEEN: Counter[str] = Counter()
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=False)

# Numbers as people (and attackers) type them: huge, negative, exponent, fraction, unicode digits.
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        ["0", "-1", "1e308", "1e309", "nan", "inf", "9" * 400, "0.000001", "3.5", "½", "٣", "²"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
PHRASES = st.sampled_from(
    [
        "graduated in {n}",
        "class of {n}",
        "{n} years since graduation",
        "{n} YOG",
        "Step 2 CK {n}",
        "step 1 {n}",
        "CK {n}s",
        "{n} months of externships",
        "a {n}-week sub-I",
        "{n} weeks of observership",
        "{n} US letters",
        "{n} publications",
        "{n}-month elective",
        "unmatched {n} times",
        "no USCE",
        "want derm",
        "J-1 visa",
        "can only afford one",
    ]
)
NASTY = st.sampled_from(
    [
        "\x00",
        "\x1b[31m",
        "\r\n",
        "\t",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\U0001f600",
        "\U0001d7d8",
        "’",
        "—",
        "<script>",
        "' OR 1=1 --",
        "{{7*7}}",
        "%s%n",
        "\\",
        "é",
        "ß",
        "İ",
        "\u0301",
    ]
)
PIECE = st.one_of(
    st.builds(lambda p, n: p.format(n=n), PHRASES, NUMBERS),
    NASTY,
    st.text(max_size=40),  # any unicode, control characters included
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
HOSTILE_TEXT = st.one_of(
    st.lists(PIECE, max_size=60).map(" ".join),
    st.text(max_size=2000),
    # 10,000-character strings: one repeated piece, or a repeated mix
    st.builds(lambda s: (s * (10_000 // max(1, len(s)) + 1))[:10_000], st.text(min_size=1)),
    st.builds(lambda p: (p + " ") * 400, st.lists(PIECE, min_size=1, max_size=4).map(" ".join)),
)


@settings(FUZZ, max_examples=1200)
@given(HOSTILE_TEXT)
def test_profile_parser_survives_hostile_text(text: str) -> None:
    SEEN["parser"] += 1
    # `_parse` has no safety net: an exception here is a parser bug, not hidden by the fallback.
    parsed = profile_module._parse(text, YEAR)
    assert isinstance(parsed, Profile)
    assert parse_profile(text, current_year=YEAR) == parsed
    describe_profile(parsed)
    decide(parsed)
    for value in (parsed.years_since_graduation, parsed.usce_hands_on_months):
        assert value is None or (math.isfinite(value) and value >= 0), parsed


ANY_FLOAT = st.none() | st.floats(allow_nan=True, allow_infinity=True)
ANY_INT = st.none() | st.integers(-(10**30), 10**30)
ANY_BOOL = st.none() | st.booleans()
ANY_STR = st.one_of(
    st.none(), st.text(max_size=50), st.just("\x00\u202e" * 5_000), st.just("9" * 10_000)
)

HOSTILE_PROFILES = st.builds(
    Profile,
    graduation_year=ANY_INT,
    years_since_graduation=ANY_FLOAT,
    is_student=ANY_BOOL,
    step1=ANY_STR,
    step2_ck=ANY_INT,
    usce_hands_on_months=ANY_FLOAT,
    usce_other_months=ANY_FLOAT,
    usce_types=st.lists(st.text(max_size=20) | st.sampled_from(["externship", "observership"])),
    us_letters=ANY_INT,
    specialty=ANY_STR,
    specialty_class=st.none() | st.sampled_from(["primary", "moderate", "competitive"]),
    home_clinical_recent=ANY_BOOL,
    research_output=ANY_INT,
    unmatched_before=ANY_BOOL,
    visa=ANY_STR,
    can_afford_only_one=ANY_BOOL,
    money_tight=ANY_BOOL,
    academic_aim=ANY_BOOL,
)


@settings(FUZZ, max_examples=1200)
@given(HOSTILE_PROFILES)
def test_rules_decide_any_profile(profile: Profile) -> None:
    SEEN["rules"] += 1
    decision = decide(profile)
    assert decision.verdict is None or isinstance(decision.verdict, Verdict)
    assert (decision.verdict is None) == (decision.rule is None)
    assert decision.trace
    describe_profile(profile)
    # An explicit profile merged over parsed facts (the API path) survives too.
    merged = merge_profile(Profile(), profile.model_dump(), current_year=YEAR)
    describe_profile(merged)
    decide(merged)


# ---------------------------------------------------------------------------------------------
# The question path: Advisor.ask on the fake-embedder index


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(fake_settings())


EXPLICIT = st.fixed_dictionaries(
    {},
    optional={
        "years_since_graduation": st.floats(0, 1e6, allow_nan=False),
        "usce_hands_on_months": st.floats(0, 1e9, allow_nan=False),
        "us_letters": st.integers(0, 10**12),
        "step2_ck": st.integers(-(10**12), 10**12),
        "specialty": st.text(max_size=200),
        "visa": st.text(max_size=50),
        "academic_aim": st.booleans(),
        "usce_types": st.lists(st.text(max_size=30), max_size=5),
    },
)
HISTORY = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "assistant"]), "content": HOSTILE_TEXT}
    ),
    max_size=3,
)
QUESTION = st.one_of(
    HOSTILE_TEXT.map(lambda q: q[:MAX_QUESTION_CHARS]),
    HOSTILE_TEXT.filter(lambda q: len(q) > MAX_QUESTION_CHARS),  # refused: too long
    st.builds(
        lambda a, b: f"{a} research or rotations first? {b}",
        st.lists(PIECE, max_size=12).map(" ".join),
        st.text(max_size=100),
    ),
)


@settings(FUZZ, max_examples=500)
@given(question=QUESTION, profile=st.none() | EXPLICIT, history=HISTORY)
def test_question_path_never_raises(
    advisor: Advisor,
    question: str,
    profile: dict[str, Any] | None,
    history: list[dict[str, str]],
) -> None:
    SEEN["ask"] += 1
    try:
        answer = advisor.ask(question, profile=profile, history=history)
    except QuestionError as exc:
        # The only refusal allowed, and only for what the API rejects with a 422 anyway.
        assert not question.strip() or len(question) > MAX_QUESTION_CHARS, exc
        SEEN["ask: QuestionError"] += 1
        return
    assert answer.answer
    for c in answer.citations:
        assert c.verified and advisor.texts[c.doc_id][c.start : c.end]
    if answer.abstained:
        assert not answer.citations and answer.recommendation is None


def test_zz_report_fuzz_counts() -> None:
    """Prints how many inputs each fuzz test tried (named to run after them)."""
    print(f"\nfuzz inputs tried: {dict(SEEN)}; total {sum(SEEN[k] for k in SEEN if ':' not in k)}")
