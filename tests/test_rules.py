"""The rule table: one firing case per rule, the corpus's own tables, quotes, missing facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.core.types import Profile, Verdict
from assistant.domain.profile import parse_profile
from assistant.domain.rules import (
    HANDS_ON_FACT,
    LETTERS_FACT,
    RULES,
    SPECIALTY_FACT,
    decide,
    rule_by_id,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
U, F = Verdict.USCE_URGENT, Verdict.USCE_FIRST
RU, AR = Verdict.RESEARCH_AND_USCE, Verdict.ADD_RESEARCH
COMP = {"specialty": "dermatology", "specialty_class": "competitive"}
IM = {"specialty": "internal medicine", "specialty_class": "primary"}

# (profile facts, expected rule id, expected verdict): at least one case per rule
FIRING: list[tuple[dict[str, Any], str, Verdict]] = [
    ({"years_since_graduation": 6, "usce_hands_on_months": 0}, "R1_urgent_old_grad_no_usce", U),
    ({"years_since_graduation": 4, "home_clinical_recent": False, "usce_hands_on_months": 1},
     "R2_urgent_no_recent_clinical", U),
    ({"years_since_graduation": 4, "home_clinical_recent": False},
     "R2_urgent_no_recent_clinical", U),
    # hands-on USCE more than 3 years old is not the recent foundation ("within 1–3 years")
    ({"years_since_graduation": 8, "usce_hands_on_months": 1, "usce_years_ago": 4},
     "R2b_urgent_stale_usce", U),
    ({"years_since_graduation": 3, "usce_hands_on_months": 3, "us_letters": 3,
      "usce_years_ago": 4}, "R5b_stale_usce", F),
    ({"years_since_graduation": 8, "usce_hands_on_months": 3, "us_letters": 3,
      "usce_years_ago": 5, "home_clinical_recent": True}, "R5b_stale_usce", F),
    ({**COMP, "usce_hands_on_months": 0, "us_letters": 0}, "R3_competitive_no_hands_on", F),
    ({"unmatched_before": True, "usce_hands_on_months": 0, "research_output": 4},
     "R4_unmatched_no_hands_on", F),
    ({"usce_hands_on_months": 0, "usce_other_months": 3, "usce_types": ["observership"]},
     "R5_no_hands_on_usce", F),
    ({"usce_hands_on_months": 3, "us_letters": 3, "step2_ck": 205}, "R6_low_scores", F),
    ({"usce_hands_on_months": 1, "step1": "fail"}, "R6_low_scores", F),
    ({**COMP, "usce_hands_on_months": 3, "us_letters": 3}, "R7_competitive_foundation", RU),
    ({**IM, "usce_hands_on_months": 3, "us_letters": 2, "academic_aim": True},
     "R8_foundation_academic", AR),
    ({**IM, "usce_hands_on_months": 2, "us_letters": 2}, "R9_foundation_in_place", AR),
    ({"usce_hands_on_months": 1, "can_afford_only_one": True}, "R10_afford_only_one", F),
    ({"usce_hands_on_months": 1, "money_tight": True}, "R11_money_tight", F),
    ({**COMP, "usce_hands_on_months": 1}, "R12_competitive_some_usce", RU),
    ({**COMP, "usce_hands_on_months": 3, "us_letters": 0}, "R12_competitive_some_usce", RU),
    ({**IM, "usce_hands_on_months": 3, "us_letters": 1}, "R13_few_us_letters", F),
    ({**IM, "usce_hands_on_months": 1}, "R14_below_minimum_usce", F),
    ({**IM, "usce_hands_on_months": 1.5, "us_letters": 2}, "R14_below_minimum_usce", F),
    ({**IM, "us_letters": 0}, "R15_few_letters_usce_unknown", F),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "rule_id", "verdict"), FIRING, ids=[c[1] for c in FIRING])
def test_rule_fires(facts: dict[str, Any], rule_id: str, verdict: Verdict) -> None:
    decision = decide(Profile(**facts))
    assert decision.rule is not None and decision.rule.id == rule_id
    assert decision.verdict == verdict == decision.rule.verdict
    assert decision.missing_facts == []
    assert decision.trace[-1].startswith(f"{rule_id}: fired")


def test_every_rule_has_a_firing_case() -> None:
    assert {r.id for r in RULES} == {rule_id for _, rule_id, _ in FIRING}


def test_table_shape() -> None:
    precedences = [r.precedence for r in RULES]
    assert precedences == sorted(precedences) and len(set(precedences)) == len(RULES)
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.conditions and rule.rationale and rule.quotes and rule.when
        assert rule_by_id(rule.id) is rule
    with pytest.raises(KeyError):
        rule_by_id("R99_nope")


@pytest.mark.parametrize(
    ("rule_id", "doc_id", "text"),
    [(r.id, q.doc_id, q.text) for r in RULES for q in r.quotes],
)
def test_quotes_are_verbatim_in_corpus(rule_id: str, doc_id: str, text: str) -> None:
    source = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert text in source, f"{rule_id}: quote not found verbatim in {doc_id}.txt"


# The corpus's own tables and scenarios, written as profiles. (source row, facts, verdict)
CORPUS_CASES: list[tuple[str, dict[str, Any], Verdict]] = [
    # hands-on-usce-vs-research.txt, scenario table
    ("No USCE, no US letters, average scores",
     {"usce_hands_on_months": 0, "us_letters": 0, "step2_ck": 232}, F),
    ("2–3 months USCE, decent letters, no research",
     {"usce_hands_on_months": 2.5, "us_letters": 2, "research_output": 0}, AR),
    ("Strong home-country clinical, no USCE",
     {"usce_hands_on_months": 0, "home_clinical_recent": True}, F),
    ("Aiming for derm/plastics with some USCE", {**COMP, "usce_hands_on_months": 1}, RU),
    ("Aiming for derm/plastics with some USCE (plastics)",
     {"specialty": "plastic surgery", "specialty_class": "competitive",
      "usce_hands_on_months": 2, "us_letters": 1}, RU),
    ("Older grad (>5 years) with gaps",
     {"years_since_graduation": 7, "home_clinical_recent": False}, U),
    ("Older grad (>5 years) with gaps, some USCE",
     {"years_since_graduation": 7, "home_clinical_recent": False, "usce_hands_on_months": 1}, U),
    ("Strong scores, 1–2 US letters, no pubs",
     {"step2_ck": 255, "us_letters": 1, "usce_hands_on_months": 3, "research_output": 0}, F),
    ("Strong scores, 1–2 US letters, no pubs (months unknown)",
     {"step2_ck": 255, "us_letters": 1, "research_output": 0}, F),
    # prioritize-usce-or-research.txt, profile table
    ("Fresh grad, high scores, no USCE",
     {"years_since_graduation": 0.5, "step2_ck": 255, "usce_hands_on_months": 0}, F),
    ("5+ YOG, no USCE", {"years_since_graduation": 5, "usce_hands_on_months": 0}, U),
    ("Strong USCE, no research",
     {"usce_hands_on_months": 4, "us_letters": 3, "research_output": 0, "academic_aim": True}, AR),
    ("Aiming very competitive specialty",
     {"specialty": "neurosurgery", "specialty_class": "competitive", "usce_hands_on_months": 2},
     RU),
    ("Low scores, no USCE", {"step2_ck": 210, "usce_hands_on_months": 0}, F),
    # prioritize-usce-or-research.txt, Scenarios 1–3 and FAQ 1
    ("Scenario 1: fresh grad, CK 250, no US anything, IM or neurology",
     {**IM, "years_since_graduation": 0.5, "step2_ck": 250, "usce_hands_on_months": 0,
      "usce_other_months": 0, "us_letters": 0}, F),
    ("Scenario 2: 6 YOG, non-clinical job, low 230s, no USCE",
     {**IM, "years_since_graduation": 6, "home_clinical_recent": False, "step2_ck": 232,
      "usce_hands_on_months": 0}, U),
    ("Scenario 3: 3 months USCE, 3 US LORs, CK 245, academic IM",
     {**IM, "usce_hands_on_months": 3, "us_letters": 3, "step2_ck": 245, "academic_aim": True},
     AR),
    ("FAQ 1: only afford one, no USCE", {"can_afford_only_one": True, "usce_hands_on_months": 0},
     F),
    ("FAQ 1: only afford one, some USCE",
     {"can_afford_only_one": True, "usce_hands_on_months": 1, "us_letters": 1}, F),
    ("FAQ 1: only afford one, profile otherwise unknown", {"can_afford_only_one": True}, F),
    ("FAQ 5: competitive specialty still needs USCE", {**COMP, "usce_hands_on_months": 0}, F),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "facts", "verdict"), CORPUS_CASES, ids=[c[0][:50] for c in CORPUS_CASES]
)
def test_corpus_tables(row: str, facts: dict[str, Any], verdict: Verdict) -> None:
    assert decide(Profile(**facts)).verdict == verdict, row


@pytest.mark.parametrize(
    ("text", "verdict", "rule_id"),
    [
        ("Fresh grad, Step 2 CK 250, no US anything. I want Internal Medicine or Neurology.",
         F, "R5_no_hands_on_usce"),
        ("6 years since graduation, working in non-clinical job, low 230s, no USCE. I want any "
         "IM/FM spot.", U, "R1_urgent_old_grad_no_usce"),
        ("Already did 3 months USCE, have 3 US LORs, CK 245, aiming for academic IM.",
         AR, "R8_foundation_academic"),
        ("I can only afford one: a paid research job or an unpaid hands-on externship. I did a "
         "4-week sub-I.", F, "R10_afford_only_one"),
        ("Unmatched last cycle, only a 2-week observership, 3 publications.",
         F, "R4_unmatched_no_hands_on"),
    ],
)  # fmt: skip
def test_parse_then_decide(text: str, verdict: Verdict, rule_id: str) -> None:
    decision = decide(parse_profile(text, current_year=2025))
    assert (decision.verdict, decision.rule and decision.rule.id) == (verdict, rule_id)


@pytest.mark.parametrize(
    ("facts", "missing"),
    [
        ({}, [HANDS_ON_FACT, LETTERS_FACT]),
        ({**IM, "step2_ck": 250, "years_since_graduation": 2}, [HANDS_ON_FACT, LETTERS_FACT]),
        ({**COMP, "us_letters": 0}, [HANDS_ON_FACT]),  # competitive: 0 vs some months decides
        ({"usce_other_months": 2, "usce_types": ["observership"]}, [HANDS_ON_FACT, LETTERS_FACT]),
        ({**IM, "usce_hands_on_months": 3}, [LETTERS_FACT]),
        ({"usce_hands_on_months": 3}, [LETTERS_FACT, SPECIALTY_FACT]),
        # recency unknown, so R2 cannot fire; hands-on months still decide
        ({"years_since_graduation": 8}, [HANDS_ON_FACT, LETTERS_FACT]),
    ],
)  # fmt: skip
def test_missing_facts(facts: dict[str, Any], missing: list[str]) -> None:
    decision = decide(Profile(**facts))
    assert decision.verdict is None and decision.rule is None
    assert decision.missing_facts == missing
    assert decision.recommendation() is None
    assert len(decision.trace) == len(RULES) + 1


# Profiles two or more rules match; the precedence picks the first. (facts, winner, also matches)
PRECEDENCE: list[tuple[dict[str, Any], str, str]] = [
    ({**COMP, "years_since_graduation": 6, "usce_hands_on_months": 0},
     "R1_urgent_old_grad_no_usce", "R3_competitive_no_hands_on"),
    ({"years_since_graduation": 4, "home_clinical_recent": False, "usce_hands_on_months": 0},
     "R2_urgent_no_recent_clinical", "R5_no_hands_on_usce"),
    ({**COMP, "unmatched_before": True, "usce_hands_on_months": 0},
     "R3_competitive_no_hands_on", "R4_unmatched_no_hands_on"),
    ({"step2_ck": 200, "usce_hands_on_months": 0}, "R5_no_hands_on_usce", "R6_low_scores"),
    ({**IM, "step2_ck": 210, "usce_hands_on_months": 3, "us_letters": 3},
     "R6_low_scores", "R9_foundation_in_place"),
    ({**COMP, "usce_hands_on_months": 3, "us_letters": 3, "can_afford_only_one": True},
     "R7_competitive_foundation", "R10_afford_only_one"),
    ({**IM, "usce_hands_on_months": 3, "us_letters": 3, "academic_aim": True},
     "R8_foundation_academic", "R9_foundation_in_place"),
    ({**IM, "usce_hands_on_months": 3, "us_letters": 3, "money_tight": True},
     "R9_foundation_in_place", "R11_money_tight"),
    ({**COMP, "usce_hands_on_months": 1, "can_afford_only_one": True},
     "R10_afford_only_one", "R12_competitive_some_usce"),
    ({**COMP, "usce_hands_on_months": 1, "us_letters": 0},
     "R12_competitive_some_usce", "R13_few_us_letters"),
    ({**IM, "usce_hands_on_months": 1, "us_letters": 0},
     "R13_few_us_letters", "R14_below_minimum_usce"),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "winner", "loser"), PRECEDENCE, ids=[c[1] for c in PRECEDENCE])
def test_precedence(facts: dict[str, Any], winner: str, loser: str) -> None:
    from assistant.domain.rules import matches

    profile = Profile(**facts)
    assert matches(rule_by_id(winner), profile) and matches(rule_by_id(loser), profile)
    decision = decide(profile)
    assert decision.rule is not None and decision.rule.id == winner
    assert f"{loser}: no match" not in decision.trace  # never reached: the winner came first


def test_recommendation_carries_rule() -> None:
    decision = decide(Profile(usce_hands_on_months=0))
    rec = decision.recommendation()
    assert rec is not None and rec.rule_id == "R5_no_hands_on_usce" and rec.verdict == F
    assert rec.rationale == rule_by_id("R5_no_hands_on_usce").rationale


# A scenario row of the articles, quoted to the applicant it describes, whichever rule decides.
ROW_QUOTED: list[tuple[str, dict[str, Any]]] = [
    ("| Fresh grad, high scores, no USCE |",
     {"years_since_graduation": 0.5, "step2_ck": 255, "usce_hands_on_months": 0}),
    ("| Fresh grad, high scores, no USCE |",  # the unmatched rule decides
     {"years_since_graduation": 1, "step2_ck": 250, "usce_hands_on_months": 0,
      "unmatched_before": True}),
    ("| No USCE, no US letters, average scores |",
     {"usce_hands_on_months": 0, "us_letters": 0, "step2_ck": 232}),
    ("| Strong home-country clinical, no USCE |",
     {"usce_hands_on_months": 0, "home_clinical_recent": True}),
    ("| Low scores, no USCE |", {"step2_ck": 210, "usce_hands_on_months": 0}),
    ("| Low scores, no USCE |",  # the competitive-specialty rule decides
     {**COMP, "step2_ck": 210, "usce_hands_on_months": 0}),
    ("single 2-week observership",  # the urgency rule decides
     {"years_since_graduation": 6, "usce_hands_on_months": 0, "usce_other_months": 1}),
    ("only afford one major US experience",
     {"usce_hands_on_months": 0, "can_afford_only_one": True}),
    ("Unpaid research for 12 months", {"usce_hands_on_months": 0, "money_tight": True}),
    ("Unpaid research for 12 months",
     {"usce_hands_on_months": 1, "step2_ck": 210, "money_tight": True}),
    ("Older grad (>5 years) with gaps",
     {"years_since_graduation": 7, "home_clinical_recent": False, "usce_hands_on_months": 1}),
]  # fmt: skip


@pytest.mark.parametrize(("row", "facts"), ROW_QUOTED, ids=[r[0][:40] for r in ROW_QUOTED])
def test_situation_rows_are_quoted_to_the_applicant_they_describe(
    row: str, facts: dict[str, Any]
) -> None:
    decision = decide(Profile(**facts))
    assert any(row in q.text for q in decision.quotes), (decision.rule and decision.rule.id, row)


@pytest.mark.parametrize(
    ("row", "facts"),
    [
        ("| Fresh grad, high scores, no USCE |",  # 4 years out is not fresh
         {"years_since_graduation": 4, "step2_ck": 255, "usce_hands_on_months": 0}),
        ("| No USCE, no US letters, average scores |",  # 255 is not average
         {"usce_hands_on_months": 0, "us_letters": 0, "step2_ck": 255}),
        ("| Low scores, no USCE |", {"step2_ck": 210, "usce_hands_on_months": 3}),
        ("| No USCE, no US letters, average scores |",  # letters not said: not known to be 0
         {"usce_hands_on_months": 0, "years_since_graduation": 8}),
        ("single 2-week observership", {"usce_hands_on_months": 0}),
        ("Unpaid research for 12 months", {"usce_hands_on_months": 0}),
    ],
)  # fmt: skip
def test_situation_rows_are_not_quoted_to_others(row: str, facts: dict[str, Any]) -> None:
    assert not any(row in q.text for q in decide(Profile(**facts)).quotes)


def test_every_headline_reads_after_a_colon() -> None:
    """Headlines are said after "For your facts the advice is still:" and after a verdict's
    label: each starts in lower case (or with a number), never with a capital to fix up."""
    from assistant.answer.composer import VERDICT_HEADLINE

    for headline in [r.headline for r in RULES if r.headline] + list(VERDICT_HEADLINE.values()):
        assert not headline[:1].isupper(), headline
