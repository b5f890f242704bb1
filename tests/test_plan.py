"""A plan for every verdict and what would change it (issue 18): every step and every change is
judged supported by the source sentences it cites, for every rule × gap combination of a grid of
profiles and of the independent applicant probe; a change really moves the verdict."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from assistant.core.types import Profile, Verdict
from assistant.domain.plan import (
    MAX_STEPS,
    RESEARCH_VERDICTS,
    STEPS,
    USCE_VERDICTS,
    Step,
    plan_for,
    what_would_change,
)
from assistant.domain.profile import parse_profile
from assistant.domain.rules import RULES, decide
from assistant.text.stance import contradiction
from assistant.text.support import needed_passages, support
from evals.applicant_probe import load

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
YEAR = 2026

# Every combination of the facts the rules and the plan react to.
GRID = [
    Profile(
        years_since_graduation=years,
        usce_hands_on_months=months,
        usce_other_months=other,
        us_letters=letters,
        specialty_class=specialty,
        home_clinical_recent=recent,
        usce_years_ago=ago if months else None,
        step2_ck=ck,
        money_tight=tight,
        academic_aim=academic,
        months_available=available,
    )
    for years, months, other, letters, specialty, recent, ago, ck, tight, academic, available in (
        itertools.product(
            (1.0, 4.0, 7.0),
            (None, 0.0, 1.0, 3.0),
            (None, 1.0),
            (None, 0, 1, 3),
            (None, "primary", "competitive"),
            (None, False),
            (None, 5.0),
            (None, 210, 245),
            (None, True),
            (None, True),
            (None, 1.0),
        )
    )
]
PROBE = [parse_profile(row["message"], current_year=YEAR) for row in load("all")]
DECIDED = [(p, d) for p in GRID + PROBE if (d := decide(p)).verdict is not None]


def supported(text: str, quotes: tuple[object, ...]) -> bool:
    return support(text, " ".join(q.text for q in quotes)).supported  # type: ignore[attr-defined]


@pytest.mark.parametrize("step", STEPS, ids=[s.id for s in STEPS])
def test_every_step_is_supported_by_its_verbatim_quotes(step: Step) -> None:
    for quote in step.quotes:
        source = (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
        assert quote.text in source, (step.id, quote.text)
    assert supported(step.text, step.quotes), step.text


def test_the_grid_reaches_every_rule() -> None:
    fired = {d.rule.id for _, d in DECIDED if d.rule is not None}
    assert fired == {r.id for r in RULES}


def test_every_verdict_gets_three_to_five_steps_that_fit_it() -> None:
    for profile, decision in DECIDED:
        steps = plan_for(decision, profile)
        assert 3 <= len(steps) <= MAX_STEPS, (decision.rule, profile.known())
        ids = {s.id for s in steps}
        if decision.verdict in RESEARCH_VERDICTS:
            # a research verdict never tells the applicant that research can wait
            assert not ids & {"research_later", "hands_on_weeks"}, (decision.rule, ids)
        if decision.verdict in USCE_VERDICTS:
            assert not ids & {"research_block", "research_year", "stack_projects"}, ids
            research_step = ids & {"research_later", "research_not_instead", "competitive_both"}
            assert research_step or len(ids) == MAX_STEPS, ids
            assert len(ids & {"research_later", "research_not_instead"}) <= 1, ids
            if profile.specialty_class == "competitive":
                # "research can wait" never goes to a specialty that needs both
                assert "research_later" not in ids, ids


def test_steps_follow_the_gaps() -> None:
    zero = Profile(years_since_graduation=2, usce_hands_on_months=0, usce_other_months=1,
                   us_letters=0)  # fmt: skip
    ids = [s.id for s in plan_for(decide(zero), zero)]
    assert ids[:2] == ["hands_on_weeks", "not_observing"] and "letters" in ids
    stale = Profile(years_since_graduation=8, usce_hands_on_months=3, usce_years_ago=6,
                    us_letters=2, home_clinical_recent=False)  # fmt: skip
    assert "recent" in [s.id for s in plan_for(decide(stale), stale)]
    # a month is all they have: make the most of it rather than ask for 8–12 weeks
    short = Profile(years_since_graduation=6, usce_hands_on_months=0, months_available=1)
    ids = [s.id for s in plan_for(decide(short), short)]
    assert "short_window" in ids and "hands_on_weeks" not in ids, ids
    unknown = Profile(years_since_graduation=2)
    assert plan_for(decide(unknown), unknown) == []


def test_the_research_step_names_im_only_for_im() -> None:
    """ "IM research for IM" read to a dermatology or psychiatry applicant is a template: they
    get the same advice without the IM example."""
    base = {"years_since_graduation": 2, "usce_hands_on_months": 3, "us_letters": 3}
    said = {}
    for specialty, cls in (
        ("internal medicine", "primary"),
        (None, None),
        ("psychiatry", "primary"),
        ("dermatology", "competitive"),
    ):
        profile = Profile(**base, specialty=specialty, specialty_class=cls)
        texts = " ".join(s.text for s in plan_for(decide(profile), profile))
        said[specialty] = texts
        assert "specialty you are applying to" in texts, specialty
    assert "IM research for IM" in said["internal medicine"] and "IM research" in said[None]
    assert "IM research" not in said["psychiatry"] + said["dermatology"]


def test_what_would_change_moves_the_verdict_and_is_supported() -> None:
    for profile, decision in DECIDED:
        change = what_would_change(decision, profile)
        if change is None:
            # Weak scores hold the verdict whatever else changes (research rarely compensates
            # for them, the sources say); a clinical gap always has its change.
            weak = profile.step2_ck is not None and profile.step2_ck < 220
            gap = (profile.usce_hands_on_months or 0) < 2 or (profile.us_letters or 0) < 2
            known = profile.us_letters is not None and profile.usce_hands_on_months is not None
            stale = (profile.usce_years_ago or 0) > 3
            competitive = profile.specialty_class == "competitive"  # both, whatever the gap
            assert weak or not (gap and known) or stale or competitive, profile.known()
            continue
        assert change.decision.verdict not in (None, decision.verdict)
        assert change.decision.rule is not None
        for quote in change.quotes:
            source = (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
            assert quote.text in source, quote.text
        assert change.basis and supported(change.text, change.quotes), change.text
        # a hypothetical never reads as advice against this applicant's verdict
        assert contradiction(change.text, decision.verdict) is None, change.text


def test_no_usce_and_no_letters_would_become_add_research_with_the_foundation() -> None:
    profile = Profile(years_since_graduation=2, usce_hands_on_months=0, us_letters=0,
                      specialty_class="primary")  # fmt: skip
    change = what_would_change(decide(profile), profile)
    assert change is not None and change.decision.verdict == Verdict.ADD_RESEARCH
    assert "2–3 months" in change.said and "letters" in change.said
    assert contradiction(change.text, Verdict.USCE_FIRST) is None


def test_every_step_cites_only_the_quotes_it_needs() -> None:
    """ALCE precision by construction: each cited quote supports the step alone, or is needed
    for the cited quotes' joint support."""
    for step in STEPS:
        texts = [q.text for q in step.quotes]
        keep = needed_passages(step.text, texts)
        assert keep and support(step.text, "\n".join(texts[i] for i in keep)).supported
        for i in keep:
            alone = support(step.text, texts[i]).supported
            rest = "\n".join(texts[j] for j in keep if j != i)
            assert alone or not (rest and support(step.text, rest).supported), (step.id, i)


def test_research_done_is_never_told_that_research_can_wait() -> None:
    """A PhD with five years in a lab and no USCE hears that research will not stand in for
    clinical work, not "research can wait: a missing publication never hurts…" (blind rating of
    forum_i dev)."""
    lab = Profile(years_since_graduation=7, usce_hands_on_months=0, research_output=6)
    ids = [s.id for s in plan_for(decide(lab), lab)]
    assert "research_not_instead" in ids and "research_later" not in ids, ids
    none = Profile(years_since_graduation=2, usce_hands_on_months=0, research_output=0)
    ids = [s.id for s in plan_for(decide(none), none)]
    assert "research_later" in ids and "research_not_instead" not in ids, ids


LEFT = re.compile(r"about (\d+)–(\d+) more weeks on top of the (\d+) you have")
LETTERS_LEFT = re.compile(r"(\d+)–(\d+) more on top of the (\d+) you have")


def test_each_step_measures_what_is_left_for_this_applicant() -> None:
    """The raters: a plan that never turns the sources' targets into the applicant's next
    amounts. Over every rule × gap of the grid and the probe's applicants, a step's `for_you`
    is what is left of its target for the facts read (8–12 weeks, 2–3 letters), and nothing
    where the fact it measures is unknown."""
    measured = 0
    for profile, decision in DECIDED:
        for step in plan_for(decision, profile):
            months, letters = profile.usce_hands_on_months, profile.us_letters
            if step.id == "hands_on_weeks":
                if months is None:
                    assert step.for_you is None
                elif not months:
                    assert step.for_you == "you have none yet, so all 8–12 weeks are still ahead"
                elif (profile.usce_years_ago or 0) > 3:
                    assert step.for_you is not None and "new ones" in step.for_you
                else:
                    left = LEFT.fullmatch(step.for_you or "")
                    assert left, step.for_you
                    low, high, have = map(int, left.groups())
                    assert have == round(months * 4) and have + high == 12
                    assert have + low == 8 or low == 1, step.for_you
            if step.id == "letters":
                if letters is None:
                    assert step.for_you is None
                elif letters == 0:
                    assert step.for_you == "you have none yet, so all 2–3 are still to earn"
                else:
                    left = LETTERS_LEFT.fullmatch(step.for_you or "")
                    assert left, step.for_you
                    low, high, have = map(int, left.groups())
                    assert (have, have + low, have + high) == (letters, 2, 3)
            if step.id in ("target_specialty_before_eras", "plan_backward_graduate"):
                expected = f"rotations in {profile.specialty}" if profile.specialty else None
                assert step.for_you == expected
            measured += step.for_you is not None
    assert measured > len(DECIDED)  # most plans measure at least one step


def test_the_same_facts_in_other_words_give_the_same_plan() -> None:
    """Metamorphic: weeks or months, digits or words, a letter called an LoR: the same facts
    read, the same steps, measured the same."""
    pairs = (
        (
            "2022 grad, 1 month of hands-on IM externship, 1 US letter. USCE or research first?",
            "Graduated in 2022. Did a 4-week hands-on externship in internal medicine and got "
            "one LoR from it. Should I start research or do more rotations?",
        ),
        (
            "I graduated in 2016, no US clinical experience, no US letters. What first?",
            "YOG 2016, zero USCE and 0 LoRs so far. research or rotations first?",
        ),
    )
    for one, other in pairs:
        plans = []
        for message in (one, other):
            profile = parse_profile(message, current_year=YEAR)
            plans.append([(s.id, s.for_you) for s in plan_for(decide(profile), profile)])
        assert plans[0] == plans[1] and any(note for _, note in plans[0]), plans


def test_a_graduate_plans_the_months_before_the_rotations() -> None:
    """The article's timeline differs: a graduate before a first rotation allows 6–12 months for
    visas, money and applications; a student, or a graduate who has rotated, aims for rotations
    in the target specialty before ERAS opens."""
    base = {"years_since_graduation": 2.0, "usce_hands_on_months": 0.0, "us_letters": 0}
    graduate = Profile(**base)
    student = Profile(**{**base, "years_since_graduation": None}, is_student=True)
    graduate_ids = [s.id for s in plan_for(decide(graduate), graduate)]
    assert "plan_backward_graduate" in graduate_ids
    assert "target_specialty_before_eras" not in graduate_ids
    rotated = Profile(**{**base, "usce_hands_on_months": 1.0})  # visas and applications done once
    rotated_ids = [s.id for s in plan_for(decide(rotated), rotated)]
    assert "plan_backward_graduate" not in rotated_ids, rotated_ids
    assert "target_specialty_before_eras" in rotated_ids, rotated_ids
    student_ids = [s.id for s in plan_for(decide(student), student)]
    assert decide(student).verdict is not None, student.known()
    assert "target_specialty_before_eras" in student_ids, student_ids
    assert "plan_backward_graduate" not in student_ids


def test_a_change_that_keeps_the_next_step_is_not_offered() -> None:
    """ "If you were aiming for IM, the advice would change to: add research" told to a
    dermatology applicant who is sent to research already repeats the advice (blind rating,
    session 22). Over the grid: a research verdict never 'changes' to another research one."""
    for profile, decision in DECIDED:
        change = what_would_change(decision, profile)
        if change is not None and decision.verdict in RESEARCH_VERDICTS:
            assert change.decision.verdict in USCE_VERDICTS, (decision.verdict, change.text)
    derm = Profile(years_since_graduation=4, usce_hands_on_months=2, us_letters=2,
                   specialty="dermatology", specialty_class="competitive")  # fmt: skip
    assert decide(derm).verdict is Verdict.RESEARCH_AND_USCE
    assert what_would_change(decide(derm), derm) is None


def test_money_tight_gets_the_sources_short_rotation_not_eight_to_twelve_weeks() -> None:
    """ "If money is tight: choose a 4–8 week USCE rotation …": an applicant who says so is not
    also told to get at least 8–12 weeks (blind rating, session 22)."""
    tight = Profile(years_since_graduation=3, usce_hands_on_months=0, us_letters=0,
                    money_tight=True)  # fmt: skip
    ids = [s.id for s in plan_for(decide(tight), tight)]
    assert "short_rotation" in ids and "hands_on_weeks" not in ids, ids
