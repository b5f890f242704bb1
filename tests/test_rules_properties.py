"""Properties of the rules layer over generated profiles (hypothesis)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.core.types import Profile, Verdict
from assistant.domain.rules import RESEARCH_ORDER, decide

MONTHS = st.floats(min_value=0, max_value=24, allow_nan=False)
YEARS = st.floats(min_value=0, max_value=40, allow_nan=False)
LETTERS = st.integers(min_value=0, max_value=8)
TRI = st.none() | st.booleans()

PROFILES = st.builds(
    Profile,
    graduation_year=st.none() | st.integers(1970, 2030),
    years_since_graduation=st.none() | YEARS,
    is_student=TRI,
    step1=st.none() | st.sampled_from(["pass", "fail", "231", ""]),
    step2_ck=st.none() | st.integers(150, 300),
    usce_hands_on_months=st.none() | MONTHS,
    usce_other_months=st.none() | MONTHS,
    usce_types=st.lists(st.sampled_from(["observership", "externship", "virtual", "elective"])),
    us_letters=st.none() | LETTERS,
    specialty=st.none() | st.sampled_from(["internal medicine", "dermatology", "pathology"]),
    specialty_class=st.none() | st.sampled_from(["primary", "moderate", "competitive"]),
    home_clinical_recent=TRI,
    research_output=st.none() | st.integers(0, 30),
    unmatched_before=TRI,
    visa=st.none() | st.sampled_from(["J-1", "B1/B2"]),
    can_afford_only_one=TRI,
    money_tight=TRI,
    academic_aim=TRI,
)


def research_rank(profile: Profile) -> int | None:
    verdict = decide(profile).verdict
    return None if verdict is None else RESEARCH_ORDER[verdict]


def no_more_research(before: Profile, after: Profile) -> None:
    """`after` (less USCE, fewer letters or more years) must not lean further toward research."""
    old, new = research_rank(before), research_rank(after)
    if old is not None and new is not None:
        assert new <= old, (before, decide(before).verdict, after, decide(after).verdict)


@settings(max_examples=600, deadline=None)
@given(PROFILES, st.floats(min_value=0, max_value=1))
def test_less_hands_on_usce_never_moves_toward_research(profile: Profile, share: float) -> None:
    assume(profile.usce_hands_on_months is not None)
    less = profile.model_copy(update={"usce_hands_on_months": profile.usce_hands_on_months * share})
    no_more_research(profile, less)
    no_more_research(profile, profile.model_copy(update={"usce_hands_on_months": 0.0}))


@settings(max_examples=600, deadline=None)
@given(PROFILES, st.integers(min_value=0, max_value=8))
def test_fewer_letters_never_moves_toward_research(profile: Profile, drop: int) -> None:
    assume(profile.us_letters is not None)
    fewer = profile.model_copy(update={"us_letters": max(0, profile.us_letters - drop)})
    no_more_research(profile, fewer)


@settings(max_examples=600, deadline=None)
@given(PROFILES, YEARS)
def test_more_years_since_graduation_never_moves_toward_research(
    profile: Profile, extra: float
) -> None:
    assume(profile.years_since_graduation is not None)
    older = profile.model_copy(
        update={"years_since_graduation": profile.years_since_graduation + extra}
    )
    no_more_research(profile, older)


@settings(max_examples=600, deadline=None)
@given(PROFILES, MONTHS)
def test_observership_months_never_change_the_verdict(profile: Profile, months: float) -> None:
    without = profile.model_copy(update={"usce_other_months": None, "usce_types": []})
    with_obs = profile.model_copy(
        update={"usce_other_months": months, "usce_types": ["observership", "virtual"]}
    )
    assert decide(with_obs).verdict == decide(without).verdict


@settings(max_examples=600, deadline=None)
@given(PROFILES)
def test_zero_hands_on_is_always_clinical_first(profile: Profile) -> None:
    decision = decide(profile.model_copy(update={"usce_hands_on_months": 0.0}))
    assert decision.verdict in (Verdict.USCE_FIRST, Verdict.USCE_URGENT)


@settings(max_examples=1000, deadline=None)
@given(PROFILES)
def test_decide_never_raises_and_is_consistent(profile: Profile) -> None:
    decision = decide(profile)
    if decision.verdict is None:
        assert decision.rule is None and decision.missing_facts
    else:
        assert decision.rule is not None and decision.rule.verdict == decision.verdict
        assert decision.missing_facts == []
    assert decide(profile) == decision  # deterministic


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        Profile,
        years_since_graduation=st.none() | st.floats(allow_nan=True),
        usce_hands_on_months=st.none() | st.floats(allow_nan=True),
        us_letters=st.none() | st.integers(),
        step2_ck=st.none() | st.integers(),
        step1=st.none() | st.text(max_size=5),
        specialty_class=st.none() | st.sampled_from(["primary", "moderate", "competitive"]),
    )
)
def test_decide_never_raises_on_extreme_values(profile: Profile) -> None:
    decide(profile)
