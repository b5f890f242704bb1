"""A plan for every verdict, and what would change it (issue 18; pure, no I/O).

A verdict alone is not advice an applicant can act on. `plan_for` turns the deciding rule and the
applicant's gaps into 3–5 next steps, each a short sentence in the project's words that cites the
source sentences it rests on (verbatim, so the support scorer can check every step; a test runs it
over every rule and gap). `what_would_change` tries the smallest changes of the applicant's facts
that the rules table reacts to and reports the first that moves the verdict, with the new rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.core.types import Profile, Verdict
from assistant.domain.rules import (
    FOUNDATION_LETTERS,
    FOUNDATION_MONTHS,
    LOW_STEP2_CK,
    Decision,
    Quote,
    decide,
)
from assistant.text.stance import contradiction

A, B = "hands-on-usce-vs-research", "prioritize-usce-or-research"
R = "clinical-research-unmatched-imgs"
C = "clinical-experience-for-imgs"

USCE_VERDICTS = frozenset({Verdict.USCE_FIRST, Verdict.USCE_URGENT})
RESEARCH_VERDICTS = frozenset({Verdict.ADD_RESEARCH, Verdict.RESEARCH_AND_USCE})
MAX_STEPS = 5


@dataclass(frozen=True)
class Step:
    """One plan step: our words, and the source sentences that support them."""

    id: str
    text: str
    quotes: tuple[Quote, ...]
    applies: Callable[[Profile, Verdict], bool]
    # The step measured against the applicant's own facts ("about 4–8 more weeks on top of the 4
    # you have"), or None where nothing known measures it. From the profile, not the sources, so
    # it is shown beside the step's cited text, never inside it (nothing to support-check).
    for_you: Callable[[Profile], str | None] = lambda p: None


@dataclass(frozen=True)
class Planned:
    """A step as planned for one applicant: the step, and what it means for them."""

    step: Step
    for_you: str | None

    @property
    def id(self) -> str:
        return self.step.id

    @property
    def text(self) -> str:
        return self.step.text

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.step.quotes


def _q(doc_id: str, text: str) -> Quote:
    return Quote(doc_id=doc_id, text=text)


def _months(p: Profile) -> float | None:
    return p.usce_hands_on_months


def _below_foundation(p: Profile) -> bool:
    return _months(p) is None or (_months(p) or 0) < FOUNDATION_MONTHS


def _few_letters(p: Profile) -> bool:
    return p.us_letters is None or p.us_letters < FOUNDATION_LETTERS


def _research_instead(p: Profile) -> bool:
    """Research done (publications, or a research job or year read) and no hands-on USCE: the
    applicant is tempted to let the research stand in for clinical work."""
    done = (p.research_output or 0) > 0 or "research" in p.usce_types
    return done and not p.usce_hands_on_months


def _old_usce(p: Profile) -> bool:
    """The applicant's last hands-on USCE is older than the 1–3 years the sources ask for."""
    return (p.usce_years_ago or 0) > 3


def _stale(p: Profile) -> bool:
    return _old_usce(p) or p.home_clinical_recent is False


def _first_rotations(p: Profile) -> bool:
    """A graduate who has not yet done hands-on USCE: the visas, money and applications of a
    first US rotation are still ahead of them."""
    return p.is_student is not True and not p.usce_hands_on_months


def _watched_only(p: Profile) -> bool:
    return (p.usce_other_months or 0) > 0 and not (_months(p) or 0)


def _short_window(p: Profile) -> bool:
    """The applicant has less time than the 8–12 weeks the sources aim for ("I can only do a
    month"): the plan makes the most of it instead of asking for more."""
    return p.months_available is not None and p.months_available < 2


def _im_or_unknown(p: Profile) -> bool:
    return p.specialty in (None, "internal medicine")


def _low_scores(p: Profile) -> bool:
    return (p.step2_ck is not None and p.step2_ck < LOW_STEP2_CK) or p.step1 == "fail"


# The sources' target for hands-on USCE, "at least 8–12 weeks", and for letters, "2–3 strong US
# clinical letters" (the quotes of the steps below). An applicant's month is counted as 4 weeks,
# the way applicants say it ("1 month" = "4 weeks").
TARGET_WEEKS = (8, 12)
TARGET_LETTERS = (2, 3)
WEEKS_PER_MONTH = 4


def _number(value: float) -> str:
    return f"{value:g}"


def _weeks_for_you(p: Profile) -> str | None:
    months = _months(p)
    if months is None:
        return None
    low, high = TARGET_WEEKS
    if not months:
        return f"you have none yet, so all {low}–{high} weeks are still ahead"
    weeks = round(months * WEEKS_PER_MONTH)
    if _old_usce(p):
        return (
            f"the {weeks} weeks you have are from about {_number(p.usce_years_ago or 0)} years "
            f"ago, so plan {low}–{high} new ones"
        )
    return f"about {max(low - weeks, 1)}–{high - weeks} more weeks on top of the {weeks} you have"


def _letters_for_you(p: Profile) -> str | None:
    low, high = TARGET_LETTERS
    if p.us_letters is None or p.us_letters >= low:
        return None
    if not p.us_letters:
        return f"you have none yet, so all {low}–{high} are still to earn"
    have = p.us_letters
    return f"{low - have}–{high - have} more on top of the {have} you have"


def _recency_for_you(p: Profile) -> str | None:
    """Only the age of the applicant's own USCE. Not the years since graduation: a doctor who
    has worked clinically all along read "you graduated 10 years ago" under "make it recent" as
    a charge of being out of practice (blind rating, forum_f–i dev)."""
    if _old_usce(p):
        return f"your last hands-on USCE was about {_number(p.usce_years_ago or 0)} years ago"
    return None


def _window_for_you(p: Profile) -> str | None:
    if p.months_available is None:
        return None
    return f"about {_number(round(p.months_available * WEEKS_PER_MONTH))} weeks, the time you have"


def _specialty_for_you(p: Profile) -> str | None:
    return f"rotations in {p.specialty}" if p.specialty else None


# In the order a plan lists them: first what the verdict asks for, then letters, timing, and
# what comes after.
STEPS: tuple[Step, ...] = (
    Step(
        "hands_on_weeks",
        "Get at least 8–12 weeks of supervised, hands-on USCE (externships, sub-internships or "
        "clerkships), inpatient or strong outpatient with meaningful responsibility.",
        (
            _q(B, "You’re aiming for at least 8–12 weeks of real USCE if possible."),
            _q(B, "Hands-on clerkships, externships, and sub-internships are ideal."),
            _q(B, "- Inpatient or strong outpatient with meaningful responsibility"),
        ),
        # (with money tight the sources' own advice is a 4–8 week rotation: short_rotation)
        lambda p, v: v in USCE_VERDICTS
        and _below_foundation(p)
        and not _short_window(p)
        and not p.money_tight,
        _weeks_for_you,
    ),
    Step(
        "short_window",
        "With only a few weeks, make it one shorter, intense hands-on rotation that gives you a "
        "strong letter, at a place known to actually write letters: a month of hands-on USCE can "
        "absolutely help.",
        (
            _q(A, "you should seriously consider a shorter, intense hands-on rotation that gives "
               "you a strong letter"),
            _q(B, "- Choose a 4–8 week USCE rotation at a place known to actually write letters"),
            _q(A, "A month of hands-on USCE in, say, family medicine can absolutely help for "
               "internal medicine or psychiatry."),
        ),
        lambda p, v: v in USCE_VERDICTS and _below_foundation(p) and _short_window(p),
        _window_for_you,
    ),
    Step(
        "not_observing",
        "An observership or an online rotation does not count as robust USCE: choose a setting "
        "where you’re part of the team, not just watching.",
        (
            _q(B, "If your “US experience” is a single 2-week observership or an online rotation, "
               "that doesn’t count as robust USCE."),
            _q(B, "Observerships help a bit, especially for letters, but you should push toward at "
               "least some setting where you’re part of the team, not just watching from the "
               "back."),
        ),
        lambda p, v: v in USCE_VERDICTS and _watched_only(p),
    ),
    Step(
        "recent",
        "Make the clinical experience recent: aim for USCE within 1–3 years of the application.",
        (
            _q(A, "Aim for within 1–3 years of the application."),
            _q(C, "Look for recent experiences—residency programs prefer USCE within 1–3 years of "
               "application"),
        ),
        lambda p, v: v is Verdict.USCE_URGENT or _stale(p),
        _recency_for_you,
    ),
    Step(
        "low_scores",
        "Invest in recent clinical work, excellent letters and realistic program targeting before "
        "you chase more research: research rarely makes up for weak scores.",
        (
            _q(A, "If your scores are weak, you should invest heavily in: recent clinical work, "
               "excellent letters, and realistic specialty/program targeting before you chase "
               "more research."),
            _q(A, "But as a rule, no amount of generic research makes up for very low exams."),
        ),
        lambda p, v: v in USCE_VERDICTS and _low_scores(p),
    ),
    Step(
        "short_rotation",
        "With money tight, choose a 4–8 week USCE rotation at a place known to actually write "
        "letters.",
        (_q(B, "- Choose a 4–8 week USCE rotation at a place known to actually write letters"),),
        lambda p, v: v in USCE_VERDICTS
        and bool(p.money_tight or p.can_afford_only_one)
        and not _short_window(p),
    ),
    Step(
        "letters",
        "Leave your rotations with 2–3 strong US clinical letters from attendings who saw you "
        "work clinically.",
        (
            _q(B, "Aim for at least 8–12 weeks of meaningful, supervised USCE and 2–3 strong US "
               "clinical letters."),
            _q(A, "The most powerful element of your application after your exam scores: "
               "high-quality, specific, US letters from attendings who saw you work clinically."),
        ),
        lambda p, v: _few_letters(p),
        _letters_for_you,
    ),
    Step(
        "research_later",
        "Research can wait 6–12 months: a missing publication never hurts your chances as fast "
        "as missing USCE does.",
        (
            _q(B, "Research can wait 6–12 months. A missing publication never killed an IMG’s "
               "chances as fast as missing USCE does."),
        ),
        # (not to a very competitive specialty's applicant: for them research is next, below)
        lambda p, v: v in USCE_VERDICTS
        and not _research_instead(p)
        and p.specialty_class != "competitive",
    ),
    Step(
        # (someone with publications or a research job is not told that research can wait)
        "research_not_instead",
        "Your research will not stand in for US clinical work: even with publications, many "
        "programs, especially community ones, are uncomfortable ranking someone with zero US "
        "clinical exposure.",
        (
            _q(B, "Even with publications, many programs—especially community ones—will be "
               "uncomfortable ranking someone with zero US clinical exposure."),
        ),
        lambda p, v: v in USCE_VERDICTS and _research_instead(p),
    ),
    Step(
        # Clinical first with zero USCE holds even for dermatology, but "research can wait" would
        # mislead: these specialties need both, and research comes right after (blind rating).
        "competitive_both",
        "Your specialty needs both: once you have some USCE, research may even slightly edge "
        "first, but clinical still cannot be zero.",
        (
            _q(B, "- Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may "
               "even slightly edge first if you already have some USCE."),
            _q(A, "- If you’re going for hyper-competitive specialties → you probably need both "
               "(but clinical still cannot be zero)"),
        ),
        lambda p, v: v in USCE_VERDICTS and p.specialty_class == "competitive",
    ),
    Step(
        "target_specialty_before_eras",
        "Plan backward from your match year: complete at least one or two US rotations in your "
        "target specialty before ERAS opens.",
        (
            _q(C, "Start Early and Plan Backward From Your Desired Match Year"),
            _q(C, "Aim to complete at least one or two U.S. rotations in your target specialty "
               "before ERAS opens"),
        ),
        lambda p, v: v in USCE_VERDICTS and not _first_rotations(p),
        _specialty_for_you,
    ),
    Step(
        # A graduate's timeline starts earlier than a student's: the article gives graduates
        # 6–12 months to arrange visas, money and applications before the rotations themselves
        # (said to those still before their first rotation; raters called it a template for
        # applicants who have rotated already).
        "plan_backward_graduate",
        "Plan backward from your match year: allow 6–12 months to plan visas, finances and "
        "applications to externships, then complete at least one or two US rotations in your "
        "target specialty before ERAS opens.",
        (
            _q(C, "Allow 6–12 months to plan for visas (if needed), finances, and applications "
               "to observerships/externships"),
            _q(C, "Aim to complete at least one or two U.S. rotations in your target specialty "
               "before ERAS opens"),
        ),
        lambda p, v: v in USCE_VERDICTS and _first_rotations(p),
        _specialty_for_you,
    ),
    Step(
        "rotation_to_research",
        "On your rotation, volunteer for small projects (case reports, QI) and ask an attending "
        "about ongoing projects: that often turns into a clinical research role.",
        (
            _q(B, "Be excellent on your rotation. Show up early, read on your patients, volunteer "
               "for small projects (case reports, QI)."),
            _q(B, "Then ask an attending or chief: “Are there any ongoing projects where an extra "
               "pair of hands would be helpful?”"),
            _q(B, "You’d be surprised how often that turns into a clinical research role."),
        ),
        lambda p, v: v in USCE_VERDICTS,
    ),
    Step(
        "clinical_not_zero",
        "Keep clinical work going: even for hyper-competitive specialties, clinical still cannot "
        "be zero.",
        (
            _q(A, "If you’re going for hyper-competitive specialties → you probably need both "
               "(but clinical still cannot be zero)"),
        ),
        lambda p, v: v is Verdict.RESEARCH_AND_USCE,
    ),
    Step(
        "research_year",
        "Plan a year of serious US-based research with publications and strong letters from "
        "well-known faculty.",
        (
            _q(B, "Then a year of serious US-based research with publications and strong letters "
               "from well-known faculty might be almost mandatory."),
        ),
        lambda p, v: v is Verdict.RESEARCH_AND_USCE,
    ),
    Step(
        "research_block",
        "Next 6–12+ months: research, ideally at the same or a nearby institution.",
        (_q(B, "- Next 6–12+ months: research, ideally at the same or nearby institution"),),
        lambda p, v: v is Verdict.ADD_RESEARCH,
    ),
    Step(
        "research_kinds",
        "Slide into chart-review, QI or retrospective studies: ask your attendings about ongoing "
        "clinical projects.",
        (
            _q(B, "- Slide into chart-review, QI, or retrospective studies"),
            _q(B, "- Ask: “Do you or your colleagues have any ongoing clinical projects I could "
               "help with?”"),
        ),
        lambda p, v: v in RESEARCH_VERDICTS,
    ),
    Step(
        "same_specialty",
        "Do the research in the specialty you are applying to (IM research for IM): "
        "cross-specialty research has limited impact.",
        (
            _q(B, "Strongly recommended. IM research for IM, Neuro research for Neuro, etc."),
            _q(B, "Cross-specialty research (e.g., doing pure bench cancer biology but applying to "
               "Family Medicine) has limited impact, unless the PI and letters are extremely "
               "strong."),
        ),
        lambda p, v: v in RESEARCH_VERDICTS and _im_or_unknown(p),
    ),
    Step(
        # The same advice without the IM example, for an applicant aiming elsewhere: "IM
        # research for IM" read to a dermatology applicant is a template, not advice.
        "same_specialty_named",
        "Do the research in the specialty you are applying to: cross-specialty research has "
        "limited impact, unless the PI and letters are extremely strong.",
        (
            _q(B, "Cross-specialty research (e.g., doing pure bench cancer biology but applying to "
               "Family Medicine) has limited impact, unless the PI and letters are extremely "
               "strong."),
        ),
        lambda p, v: v in RESEARCH_VERDICTS and not _im_or_unknown(p),
    ),
    Step(
        "stack_projects",
        "Stack projects: one short-term deliverable (poster or case report), one medium-term "
        "(retrospective study), one long-term (bigger outcomes paper).",
        (
            _q(R, "The trick is to stack projects: one short-term deliverable (poster/case report) "
               "+ one medium-term (retrospective study) + one long-term (bigger outcomes paper)."),
        ),
        lambda p, v: v in RESEARCH_VERDICTS,
    ),
    Step(
        "pi_letter",
        "Choose a research position that comes with a PI who’s well-known and willing to write a "
        "strong letter.",
        (
            _q(A, "If you can find a research gig that:"),
            _q(A, "- Comes with a PI who’s well-known and willing to write a strong letter"),
        ),
        lambda p, v: v in RESEARCH_VERDICTS,
    ),
)  # fmt: skip
_BY_ID = {step.id: step for step in STEPS}


def plan_for(decision: Decision, profile: Profile) -> list[Planned]:
    """3–5 next steps for a decided verdict, in order, each measured against the applicant's
    facts where they are known; [] without a verdict."""
    verdict = decision.verdict
    if verdict is None:
        return []
    steps = [step for step in STEPS if step.applies(profile, verdict)]
    # The gap-specific steps come first in STEPS; the general ones at the end give way.
    return [Planned(step, step.for_you(profile)) for step in steps[:MAX_STEPS]]


@dataclass(frozen=True)
class Change:
    """The nearest change of facts that moves the verdict, and the rule that would then decide."""

    # The change as a condition: "once you have 2–3 months of … USCE and 2–3 … letters". Said
    # as a sequence ("once you have … USCE"), so the sentence reads clinical first and never
    # as advice against this applicant's verdict (the guard's stance check agrees).
    said: str
    basis: tuple[Quote, ...]  # the source sentences that name the changed facts
    decision: Decision

    @property
    def text(self) -> str:
        """The change in one sentence, in the new rule's words (its headline)."""
        rule = self.decision.rule
        headline = (
            rule.headline if rule is not None and rule.headline else str(self.decision.verdict)
        )
        return f"{self.said[:1].upper()}{self.said[1:]}, the advice would change to: {headline}."

    @property
    def quotes(self) -> tuple[Quote, ...]:
        """The basis, then the new rule's quotes that hold for any applicant of it (a table row
        for someone "with no research" would describe the changed applicant, not this one)."""
        rule = self.decision.rule
        general = tuple(q for q in rule.quotes if not q.when) if rule is not None else ()
        return (*self.basis, *general)


_MONTHS = _q(
    A,
    "2–3 months of solid, hands-on USCE (with strong performance) is the minimum reasonable target",
)
_LETTERS = _q(
    B,
    "Aim for at least 8–12 weeks of meaningful, supervised USCE and 2–3 strong US "
    "clinical letters.",
)
_RECENT = _q(A, "Aim for within 1–3 years of the application.")
_PRIMARY = _q(B, "- Internal Medicine, Family Medicine, Psych, Peds: USCE usually wins.")
_COMPETITIVE = _q(
    B,
    "- Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may "
    "even slightly edge first if you already have some USCE.",
)


def _edits(p: Profile) -> list[tuple[str, tuple[Quote, ...], dict[str, object]]]:
    """Candidate changes, smallest first: the change in words, its sources, the facts it sets."""
    out: list[tuple[str, tuple[Quote, ...], dict[str, object]]] = []
    months = "2–3 months of solid hands-on USCE"
    letters = "2–3 strong US clinical letters"
    foundation: dict[str, object] = {"usce_hands_on_months": 3.0, "usce_years_ago": 0.0}
    if _below_foundation(p) and _few_letters(p):
        both = {**foundation, "us_letters": 3}
        out.append((f"once you have {months} and {letters}", (_MONTHS, _LETTERS), both))
    elif _below_foundation(p):
        out.append((f"once you have {months}", (_MONTHS,), foundation))
    elif _few_letters(p):
        out.append((f"once you have {letters}", (_LETTERS,), {"us_letters": 3}))
    if _stale(p):
        recent: dict[str, object] = {
            "usce_years_ago": 0.0,
            "home_clinical_recent": True,
            "usce_hands_on_months": max(_months(p) or 0.0, 3.0),
            "us_letters": max(p.us_letters or 0, 3),
        }
        out.append(
            (
                "once you have recent hands-on USCE within 1–3 years of the application and "
                f"{letters}",
                (_RECENT, _LETTERS),
                recent,
            )
        )
    if p.specialty_class == "competitive":
        out.append(
            (
                "if you were aiming for a specialty where USCE usually wins, such as internal "
                "medicine",
                (_PRIMARY,),
                {"specialty": "internal medicine", "specialty_class": "primary"},
            )
        )
    else:
        out.append(
            (
                "if you were aiming for a very competitive specialty such as dermatology",
                (_COMPETITIVE,),
                {"specialty": "dermatology", "specialty_class": "competitive"},
            )
        )
    return out


def what_would_change(decision: Decision, profile: Profile) -> Change | None:
    """The first candidate change that gives another verdict, or None."""
    if decision.verdict is None:
        return None
    for said, basis, facts in _edits(profile):
        changed = decide(profile.model_copy(update=facts))
        if changed.verdict is None or changed.verdict == decision.verdict:
            continue
        if decision.verdict in RESEARCH_VERDICTS and changed.verdict in RESEARCH_VERDICTS:
            # "both, research weighing heavily" and "add research" send the applicant to the
            # same next step: read as a change, it repeats the advice (blind rating, forum dev)
            continue
        change = Change(said, basis, changed)
        # Never a sentence that reads as advice against this applicant's own verdict.
        if contradiction(change.text, decision.verdict) is None:
            return change
    return None


@dataclass(frozen=True)
class Branch(Change):
    """One reading of the facts a decision still needs, and the rule that would then decide:
    a `Change` said as a condition of its own ("with no hands-on USCE yet: …")."""

    @property
    def text(self) -> str:
        rule = self.decision.rule
        headline = rule.headline if rule is not None and rule.headline else ""
        return f"{self.said[:1].upper()}{self.said[1:]}: {headline}."


def branches(profile: Profile) -> list[Branch]:
    """A decision the facts do not settle yet, answered both ways: what the rules say with no
    hands-on USCE, and with the foundation (2–3 months and 2–3 letters) in place. Asking for
    the facts never replaces an answer; distinct verdicts only."""
    readings: list[tuple[str, tuple[Quote, ...], dict[str, object]]] = []
    if profile.usce_hands_on_months is None or not profile.usce_hands_on_months:
        readings.append(("with no hands-on USCE yet", (), {"usce_hands_on_months": 0.0}))
    readings.append(
        (
            "with 2–3 months of solid, hands-on USCE and 2–3 strong US clinical letters",
            (_MONTHS, _LETTERS),
            {
                "usce_hands_on_months": max(profile.usce_hands_on_months or 0.0, 3.0),
                "us_letters": max(profile.us_letters or 0, 3),
                "usce_years_ago": 0.0,
            },
        )
    )
    out: list[Branch] = []
    for said, basis, facts in readings:
        decision = decide(profile.model_copy(update=facts))
        if decision.verdict is not None and all(
            b.decision.verdict != decision.verdict for b in out
        ):
            out.append(Branch(said, basis, decision))
    return out if len(out) > 1 else []
