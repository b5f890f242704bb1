"""Which of the applicant's own options the verdict points to (assistant/domain/options.py):
the right option for each verdict, none without concrete options, and every sentence supported
by the verbatim quotes it cites."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.types import Verdict
from assistant.domain.options import judge_plan, lays_out_offers, pick_option
from assistant.text.support import support

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
USCE = (Verdict.USCE_FIRST, Verdict.USCE_URGENT)
RESEARCH = (Verdict.ADD_RESEARCH, Verdict.RESEARCH_AND_USCE)

OPTIONS = [
    "options for that month: (a) 4wk hands-on IM externship (b) 4wk observership at Mayo (c) 4wk "
    "research elective at a Boston lab. which one??",
    "either 1-month hands-on externship in Chicago or 6 months volunteer research. which one?",
    "2 offers: 4 month clinical research asst vs 2 month IM externship. which one?",
    "a sub-I in neurology or a year in a lab?",
]


@pytest.mark.parametrize("message", OPTIONS)
@pytest.mark.parametrize("verdict", list(Verdict))
def test_every_pick_is_supported_by_its_verbatim_quotes(message: str, verdict: Verdict) -> None:
    pick = pick_option(message, verdict)
    assert pick is not None
    for sentence, quotes in pick.sentences:
        for quote in quotes:
            assert quote.text in (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
        assert support(sentence, " ".join(q.text for q in quotes)).supported, sentence


@pytest.mark.parametrize("message", OPTIONS)
def test_the_verdict_picks_the_option(message: str) -> None:
    for verdict in USCE:
        pick = pick_option(message, verdict)
        assert pick is not None and pick.option != "research"
        assert pick.sentences[0][0].startswith("Take the hands-on ")
    for verdict in RESEARCH:
        pick = pick_option(message, verdict)
        assert pick is not None and pick.option == "research"


def test_a_research_elective_is_research_and_an_observership_is_not_hands_on() -> None:
    pick = pick_option("4wk observership or 4wk research elective, which one?", Verdict.USCE_FIRST)
    assert pick is None  # no hands-on option to point to
    pick = pick_option("4wk observership or 4wk externship, which one?", Verdict.USCE_FIRST)
    assert pick is not None and pick.option == "externship"
    assert any("observership" in s for s, _ in pick.sentences)


@pytest.mark.parametrize(
    "message",
    [
        "USCE or research first?",  # the choice itself: the verdict answers it
        "should I do an externship?",  # one option only
        "I did a 2 month externship, what next?",
        "I did a 2 month externship, should I do research or more rotations?",  # had, not offered
        "1 month hands-on externship done, 1 US LOR. more USCE or start research?",
    ],
)
def test_no_pick_without_concrete_options_set_against_each_other(message: str) -> None:
    assert pick_option(message, Verdict.USCE_FIRST) is None
    assert pick_option(message, None) is None


PLANS = [
    (
        "my plan: research year in a cardiology lab, then 2 months of IM externships, then apply",
        False,
    ),
    ("Plan: 12 months unpaid research then apply. thoughts?", False),
    ("rate my plan: 8 weeks hands-on externship in March -> research from May. good order?", True),
    ("timeline: 4wk sub-I, then 4wk observership, followed by a research block", True),
]


@pytest.mark.parametrize(("message", "right"), PLANS)
@pytest.mark.parametrize("verdict", USCE)
def test_the_order_of_a_plan_is_judged_against_a_clinical_first_verdict(
    message: str, right: bool, verdict: Verdict
) -> None:
    pick = judge_plan(message, verdict)
    assert pick is not None
    first = pick.sentences[0][0]
    assert first.startswith("That order is right") is right, first
    assert first.startswith("Put hands-on USCE first") is (not right), first
    for sentence, quotes in pick.sentences:
        for quote in quotes:
            assert quote.text in (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
        assert support(sentence, " ".join(q.text for q in quotes)).supported, sentence
    assert any("observership" in s for s, _ in pick.sentences) == ("observership" in message)


@pytest.mark.parametrize(
    "message",
    [
        "should I do research?",  # no plan laid out
        "I did research then a 2 month externship, what next?",  # what was done, not a plan
        "I plan to apply next year: research or USCE first?",  # the choice itself, no plan steps
    ],
)
@pytest.mark.parametrize("verdict", list(Verdict))
def test_no_judgement_without_a_plan(message: str, verdict: Verdict) -> None:
    assert judge_plan(message, verdict) is None


def _supported(pick) -> None:  # type: ignore[no-untyped-def]
    for sentence, quotes in pick.sentences:
        for quote in quotes:
            assert quote.text in (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
        assert support(sentence, " ".join(q.text for q in quotes)).supported, sentence


# A plan of rotations alone, and one that leaves research out in so many words.
ROTATIONS_ONLY = [
    "Plan: 6 weeks hands-on FM externship at a community hospital, then apply. No research at "
    "all. Missing anything?",
    "my plan is 2 more externships in IM before ERAS opens. good?",
]


@pytest.mark.parametrize("message", ROTATIONS_ONLY)
@pytest.mark.parametrize("verdict", USCE)
def test_a_plan_of_rotations_is_right_for_a_clinical_first_verdict(
    message: str, verdict: Verdict
) -> None:
    pick = judge_plan(message, verdict)
    assert pick is not None and pick.sentences[0][0].startswith("That plan is right"), pick
    _supported(pick)


@pytest.mark.parametrize("verdict", RESEARCH)
def test_a_plan_is_judged_against_a_research_verdict(verdict: Verdict) -> None:
    with_research = judge_plan(PLANS[0][0], verdict)
    assert with_research is not None
    assert with_research.sentences[0][0].startswith("That plan fits"), with_research
    research_only = judge_plan(
        "my plan: 12 mo neuro research at a uni, apply 2027. tweak?", verdict
    )
    assert research_only is not None
    _supported(research_only)
    for message in ROTATIONS_ONLY:
        pick = judge_plan(message, verdict)
        assert pick is not None and pick.sentences[0][0].startswith("Add research"), pick
        _supported(pick)
    _supported(with_research)


@pytest.mark.parametrize(
    ("message", "laid_out"),
    [
        (
            "Got 2 offers, need to reply by Friday: (a) 8 wk observership at a big university or "
            "(b) 6 wk hands-on FM externship.",
            True,
        ),
        ("Offer 1: IM externship (hands-on). Offer 2: cardiology observership.", True),
        ("which of these count as USCE? a) shadowing b) a 4 wk sub-I c) a virtual rotation", False),
        ("I did a 2 month externship, what next?", False),
    ],
)
def test_offers_laid_out_without_a_question_that_weighs_them(message: str, laid_out: bool) -> None:
    assert lays_out_offers(message) is laid_out
