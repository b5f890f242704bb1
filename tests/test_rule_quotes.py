"""Rules quote what fits (issue 16): a rule's table rows and situation sentences are quoted only
when their situation is the applicant's, checked for every rule × every profile the independent
applicant probe yields, and the verdict's headline rests on quotes every applicant of the rule
fits."""

from __future__ import annotations

import pytest

from assistant.core.types import Profile
from assistant.domain.profile import parse_profile
from assistant.domain.rules import RULES, decide, holds, matches
from assistant.text.support import support
from evals.applicant_probe import load

YEAR = 2026
PROFILES = [parse_profile(row["message"], current_year=YEAR) for row in load("all")]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_keeps_a_quote_that_fits_all_its_applicants(rule) -> None:  # type: ignore[no-untyped-def]
    plain = [q for q in rule.quotes if not q.when]
    assert plain, "a rule needs at least one quote without conditions"
    # as the eval scores a cited sentence: by one of its citations, or by them together
    passages = [q.text for q in plain] + [" ".join(q.text for q in plain)]
    assert any(support(rule.headline, p).supported for p in passages), rule.headline


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_quotes_fit_every_probe_profile_the_rule_fires_for(rule) -> None:  # type: ignore[no-untyped-def]
    fired = 0
    for profile in PROFILES:
        decision = decide(profile)
        if decision.rule is None or decision.rule.id != rule.id:
            continue
        fired += 1
        assert matches(rule, profile)
        assert decision.quotes, profile
        for quote in decision.quotes:
            assert all(holds(c, profile) for c in quote.when), (quote.text, profile.known())
        left_out = [q for q in rule.quotes if q not in decision.quotes]
        for quote in left_out:
            assert not all(holds(c, profile) for c in quote.when)


def test_zero_research_row_is_not_quoted_to_someone_with_publications() -> None:
    with_pubs = decide(Profile(usce_hands_on_months=0, years_since_graduation=2, research_output=5))
    without = decide(Profile(usce_hands_on_months=0, years_since_graduation=2, research_output=0))
    row = "So: if you have zero USCE and zero research, start with USCE."
    assert with_pubs.rule is not None and with_pubs.rule.id == without.rule.id  # type: ignore[union-attr]
    assert row not in [q.text for q in with_pubs.quotes]
    assert row in [q.text for q in without.quotes]


def test_the_zero_research_sentence_is_shown_when_research_is_unknown() -> None:
    """A conditional the reader can check: "if you have zero USCE and zero research" is shown
    to someone with no hands-on USCE whose research nobody mentioned, for every rule that sends
    them to clinical work, and never when hands-on USCE is known."""
    row = "So: if you have zero USCE and zero research, start with USCE."
    for facts in (
        {"usce_hands_on_months": 0, "years_since_graduation": 2},
        {"usce_hands_on_months": 0, "years_since_graduation": 7},
        {"usce_hands_on_months": 0, "specialty_class": "competitive"},
        {"usce_hands_on_months": 0, "unmatched_before": True},
    ):
        assert row in [q.text for q in decide(Profile(**facts)).quotes], facts
    some = decide(Profile(usce_hands_on_months=1, us_letters=0))
    assert row not in [q.text for q in some.quotes]


@pytest.mark.parametrize(
    ("specialty", "shown"),
    [("internal medicine", True), ("psychiatry", True), ("pediatrics", True),
     ("family medicine", True), ("dermatology", False), ("general surgery", False), (None, False)],
)  # fmt: skip
def test_the_specialty_mapping_is_quoted_for_the_specialties_it_names(
    specialty: str | None, shown: bool
) -> None:
    """ "Internal Medicine, Family Medicine, Psych, Peds: USCE usually wins" beside a verdict
    that sends someone with some hands-on USCE back to clinical work, only for those four; the
    filtering sentence ("Especially in Internal Medicine, Family Med, Psych, Peds, and
    Neurology") beside one for someone with none."""
    mapping = "- Internal Medicine, Family Medicine, Psych, Peds: USCE usually wins."
    some = decide(Profile(usce_hands_on_months=1, us_letters=1, specialty=specialty))
    assert (mapping in [q.text for q in some.quotes]) is shown
    none = decide(Profile(usce_hands_on_months=0, us_letters=0, specialty=specialty))
    assert any("filtering criterion" in q.text for q in none.quotes) is shown
    assert mapping not in [q.text for q in none.quotes]


def test_the_gaps_row_is_not_quoted_to_someone_clinically_active() -> None:
    active = decide(
        Profile(usce_hands_on_months=0, years_since_graduation=7, home_clinical_recent=True)
    )
    row = "Older grad (>5 years) with gaps | Recent USCE first"
    assert active.rule is not None and active.rule.id == "R1_urgent_old_grad_no_usce"
    assert row not in [q.text for q in active.quotes]
    lapsed = decide(
        Profile(usce_hands_on_months=0, years_since_graduation=7, home_clinical_recent=False)
    )
    assert row in [q.text for q in lapsed.quotes]


@pytest.mark.parametrize(
    ("specialty", "months", "letters"),
    [("dermatology", 3, 3), ("radiation oncology", 1, 0), ("neurosurgery", 2, 2), ("ENT", 1, 1)],
)
def test_a_research_heavy_specialty_hears_what_the_articles_say_of_it(
    specialty: str, months: float, letters: int
) -> None:
    """With some hands-on USCE, a dermatology, rad onc, neurosurgery or ENT applicant is told
    "both" with the sentences the articles write about those fields ("research is closer to
    mandatory", "research is huge, often essential"), not only a table row."""
    decision = decide(
        Profile(
            specialty=specialty,
            specialty_class="competitive",
            usce_hands_on_months=months,
            us_letters=letters,
        )
    )
    texts = " ".join(q.text for q in decision.quotes)
    assert decision.verdict is not None and decision.verdict.value == "RESEARCH_AND_USCE"
    assert "closer to mandatory" in texts and "huge, often essential" in texts
    assert "clinical still cannot be zero" in texts
