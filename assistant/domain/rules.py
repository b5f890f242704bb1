"""The deterministic rules layer: it owns the USCE-or-research recommendation (pure, no I/O).

Rules are data (`RULES`): each has an id, a plain description of its conditions, a declarative
condition (`when`: alternatives of AND-ed field/op/value clauses), a verdict, a rationale and the
verbatim corpus sentences that justify it. `decide` walks the table in precedence order (lower
number first) and the first matching rule wins. The order, and why:

1. Urgency (10-20): 5+ years out with zero hands-on USCE, or >3 years out with no recent clinical
   work. Nothing else matters until recency is fixed, so these outrank every other rule.
2. Zero hands-on USCE (30-35): clinical first for everyone: competitive specialties ("clinical
   still cannot be zero"), unmatched applicants (the research-positive article on unmatched IMGs
   does not outrank the two articles that say research "rarely trumps zero USCE"), everyone else.
3. Weak scores or a Step 1 fail (40): research rarely compensates for low scores, so clinical
   work and letters come first even when the foundation is in place.
4. Foundation in place (50-60): >= 2 months hands-on and >= 2 US letters. Research is the next
   lever (ADD_RESEARCH), except for competitive specialties, which need both (RESEARCH_AND_USCE).
   These sit above the money rules: the sources' "only afford one -> USCE" is argued from not
   having USCE ("Without it, you're auto-screened"), which no longer applies here.
5. Only one affordable / money tight (70-72): USCE.
6. Competitive specialty with some hands-on USCE (80): both, research weighing heavily.
7. Foundation incomplete (90-95): fewer than 2 US letters, or under 2 months hands-on: USCE.

Verdict order by how far it leans to research (used by the monotonicity tests):
USCE_URGENT < USCE_FIRST < RESEARCH_AND_USCE < ADD_RESEARCH. RESEARCH_AND_USCE sits below
ADD_RESEARCH because it still prescribes clinical work; ADD_RESEARCH says the clinical part is done.
Removing hands-on months or US letters, or adding years since graduation, never moves a verdict up.

When the deciding fact is unknown the verdict is None and `missing_facts` names it: hands-on
months first; with >= 2 months (and no competitive specialty) the letter count, because the
sources gate research on letters ("Have 2-3 strong US clinical LORs?") and 2 vs 0 letters flips
ADD_RESEARCH to USCE_FIRST. Thresholds (2 months, 2 letters, Step 2 CK < 220 as "low") are this
project's reading of the corpus's "2-3 months", "2-3 strong letters" and "low scores".
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict

from assistant.core.types import Profile, Recommendation, Verdict

RESEARCH_ORDER: dict[Verdict, int] = {
    Verdict.USCE_URGENT: 0,
    Verdict.USCE_FIRST: 1,
    Verdict.RESEARCH_AND_USCE: 2,
    Verdict.ADD_RESEARCH: 3,
}
FOUNDATION_MONTHS = 2.0
FOUNDATION_LETTERS = 2
LOW_STEP2_CK = 220
STRONG_STEP2_CK = 240  # "strong" / "high" scores in the scenario rows (the article's CK 245-250)

HANDS_ON_FACT = "how many months of hands-on US clinical experience (externships, sub-internships, clerkships, electives) you have"  # noqa: E501
LETTERS_FACT = "how many US letters of recommendation you have"
SPECIALTY_FACT = "which specialty you are targeting"


class Cond(BaseModel):
    """One clause: `profile.<fact> <op> value`, ops as in `_OPS` plus "is unknown".

    A comparison on an unknown (None) fact evaluates to `if_unknown`, False by default: unknown
    facts never satisfy a rule unless the table says so explicitly.
    """

    model_config = ConfigDict(frozen=True)

    fact: str
    op: str
    value: Any = None
    if_unknown: bool = False


class Quote(BaseModel):
    """A source sentence a rule rests on. A table row or a sentence that names a situation is
    quoted only when that situation is the applicant's (`when`: all must hold): "if you have zero
    USCE and zero research" is not shown to someone with five publications."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    text: str  # verbatim from corpus/<doc_id>.txt
    when: tuple[Cond, ...] = ()


class Rule(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    precedence: int
    conditions: str
    when: tuple[tuple[Cond, ...], ...]  # any of (all of)
    verdict: Verdict
    # The verdict in the rule's own source words: shown as the answer's first claim and cited
    # with `quotes`, so it can be checked against them (the rationale is our paraphrase).
    headline: str = ""
    rationale: str
    quotes: tuple[Quote, ...]


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    verdict: Verdict | None
    rule: Rule | None
    missing_facts: list[str]
    trace: list[str]
    quotes: tuple[Quote, ...] = ()  # the rule's quotes that fit this applicant

    def recommendation(self) -> Recommendation | None:
        """The `Answer.recommendation` for this decision (citations are filled in later)."""
        if self.verdict is None or self.rule is None:
            return None
        return Recommendation(
            verdict=self.verdict, rule_id=self.rule.id, rationale=self.rule.rationale
        )


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
}


def _c(fact: str, op: str, value: Any = None, *, if_unknown: bool = False) -> Cond:
    return Cond(fact=fact, op=op, value=value, if_unknown=if_unknown)


def _q(doc_id: str, text: str, *when: Cond) -> Quote:
    return Quote(doc_id=doc_id, text=text, when=when)


HOU, LET, YRS = "usce_hands_on_months", "us_letters", "years_since_graduation"
NO_RESEARCH = _c("research_output", "==", 0)
NO_RECENT_CLINICAL = _c("home_clinical_recent", "==", False)
COMPETITIVE = _c("specialty_class", "==", "competitive")
ZERO = _c(HOU, "==", 0)
FOUNDATION = (_c(HOU, ">=", FOUNDATION_MONTHS), _c(LET, ">=", FOUNDATION_LETTERS))
A, B = "hands-on-usce-vs-research", "prioritize-usce-or-research"
STRONG = _c("step2_ck", ">=", STRONG_STEP2_CK)

# The articles' scenario rows and situation sentences, each quoted to the applicant it describes
# whichever rule decides: an applicant with no hands-on USCE is shown the row that names their
# scores or home clinical work, one short of money the sentence on money, next to the rule's own
# reason. (They all lean to clinical work, so they fit every rule that sends someone there.)
# The specialties the articles name where USCE usually wins (the specialty mapping) and where
# lack of it filters most ("Especially in Internal Medicine, Family Med, Psych, Peds, and
# Neurology"): an applicant who names one is shown that sentence beside the rule's reason.
USCE_WINS = ("internal medicine", "family medicine", "psychiatry", "pediatrics")
USCE_FILTERS = (*USCE_WINS, "neurology")
NO_HANDS_ON_SITUATIONS = (
    # A conditional the reader can check: shown unless the applicant's research is known
    # (someone with five publications is not told "if you have zero research").
    _q(B, "So: if you have zero USCE and zero research, start with USCE.",
       ZERO, _c("research_output", "==", 0, if_unknown=True)),
    _q(B, "Why? Because for IMGs, lack of USCE is a filtering criterion at a huge number of "
       "programs. Especially in Internal Medicine, Family Med, Psych, Peds, and Neurology.",
       ZERO, _c("specialty", "in", USCE_FILTERS)),
    _q(B, "| Fresh grad, high scores, no USCE | USCE → then research |",
       ZERO, _c(YRS, "<=", 1), STRONG),
    _q(A, "| No USCE, no US letters, average scores | Hands-on USCE |",
       ZERO, _c(LET, "==", 0),
       _c("step2_ck", ">=", LOW_STEP2_CK, if_unknown=True),
       _c("step2_ck", "<", STRONG_STEP2_CK, if_unknown=True)),
    _q(A, "| Strong home-country clinical, no USCE | Hands-on USCE |",
       ZERO, _c("home_clinical_recent", "==", True)),
    _q(B, "| Low scores, no USCE | USCE first |", ZERO, _c("step2_ck", "<", LOW_STEP2_CK)),
    # a Step 1 fail is a weak score too (R6): the same row, when the CK score does not say it
    _q(B, "| Low scores, no USCE | USCE first |", ZERO, _c("step1", "==", "fail"),
       _c("step2_ck", ">=", LOW_STEP2_CK, if_unknown=True)),
    _q(B, "If your “US experience” is a single 2-week observership or an online rotation, that "
       "doesn’t count as robust USCE.", ZERO, _c("usce_other_months", ">", 0)),
)  # fmt: skip
# With the clinical foundation in place: the articles' sentences for that applicant.
FOUNDATION_SITUATIONS = (
    _q(
        B,
        "If you already have some credible USCE and a couple of solid US letters, then adding "
        "research can be a game-changer—especially for academic and competitive programs.",
    ),
    _q(
        A,
        "| 2–3 months USCE, decent letters, no research | Add research |",
        _c(HOU, "<=", 3),
        NO_RESEARCH,
    ),
)
# With some hands-on USCE but not the foundation: the specialty mapping, for the specialties it
# names.
SOME_USCE_SITUATIONS = (
    _q(
        B,
        "- Internal Medicine, Family Medicine, Psych, Peds: USCE usually wins.",
        _c("specialty", "in", USCE_WINS),
    ),
)
MONEY_SITUATIONS = (
    _q(B, "If you can only afford one major US experience, it should almost always be USCE, not "
       "research.", _c("can_afford_only_one", "==", True)),
    _q(B, "Unpaid research for 12 months with no side income is brutal.",
       _c("money_tight", "==", True)),
)  # fmt: skip

# What the articles say of the research-heavy specialties themselves, for an applicant aiming at
# one (the rules below apply only to that class): "etc." and "hyper-competitive specialties"
# name the class, not a closed list.
COMPETITIVE_SITUATIONS = (
    _q(A, "For derm, plastics, neurosurgery, ENT, ortho, competitive radiology, etc., research is "
       "closer to mandatory, especially for IMGs."),
    _q(B, "For Derm, Rad Onc, Neurosurgery, etc., research is huge, often essential."),
    _q(A, "If you’re going for hyper-competitive specialties → you probably need both (but "
       "clinical still cannot be zero)"),
)  # fmt: skip

RULES: tuple[Rule, ...] = (
    Rule(
        id="R1_urgent_old_grad_no_usce",
        # the headline rests on the quote every R1 applicant fits (the "gaps" row may not)
        headline="5+ YOG (years out of graduation) and no USCE: USCE, urgently",
        precedence=10, verdict=Verdict.USCE_URGENT,
        conditions="5+ years since graduation and zero hands-on USCE",
        when=((ZERO, _c(YRS, ">=", 5)),),
        rationale="You are five or more years out with no hands-on US clinical experience: recent "
        "hands-on USCE is urgent, and research can wait until it is in place.",
        quotes=(_q(B, "| 5+ YOG, no USCE | USCE, urgently |"),
                _q(A, "Older grad (>5 years) with gaps | Recent USCE first", NO_RECENT_CLINICAL),
                *NO_HANDS_ON_SITUATIONS, *MONEY_SITUATIONS),
    ),
    Rule(
        id="R2_urgent_no_recent_clinical",
        headline=(
            "years out of graduation with no recent clinical work is a problem research "
            "alone doesn’t fix: recent clinical work first, urgently"
        ),
        precedence=20, verdict=Verdict.USCE_URGENT,
        conditions=">3 years since graduation, no recent clinical work, under 2 months hands-on "
        "USCE (or unknown); or 5+ years since graduation with no recent clinical work",
        when=((_c(YRS, ">", 3), _c("home_clinical_recent", "==", False),
               _c(HOU, "<", FOUNDATION_MONTHS, if_unknown=True)),
              # "Older grad (>5 years) with gaps": old USCE does not make a 5+ year gap recent.
              (_c(YRS, ">=", 5), _c("home_clinical_recent", "==", False))),
        rationale="You are several years out without recent clinical work: programs will doubt "
        "you are current, and research alone does not fix that. Recent hands-on USCE is urgent.",
        quotes=(_q(A, "Am I >3 years out of graduation with no recent clinical work?"),
                _q(B, "If you’re 4–5+ years out of graduation and mostly doing non-clinical work "
                   "(lab, admin, gaps), research alone doesn’t fix that problem."),
                _q(A, "Older grad (>5 years) with gaps | Recent USCE first", _c(YRS, ">=", 5)),
                *NO_HANDS_ON_SITUATIONS, *MONEY_SITUATIONS),
    ),
    Rule(
        id="R2b_urgent_stale_usce",
        headline=(
            "aim for USCE within 1–3 years of the application: USCE becomes critical to show "
            "you’re current"
        ),
        precedence=22, verdict=Verdict.USCE_URGENT,
        conditions="the last hands-on USCE more than 3 years ago, more than 3 years since "
        "graduation, and no recent clinical work known",
        when=((_c("usce_years_ago", ">", 3), _c(YRS, ">", 3),
               _c("home_clinical_recent", "!=", True, if_unknown=True)),),
        rationale="Your hands-on US clinical experience is more than three years old and you are "
        "several years out: it no longer shows you are current. Recent hands-on USCE is urgent.",
        quotes=(_q(A, "Aim for within 1–3 years of the application."),
                _q(A, "In that situation, recent clinical experience (even in your home country) "
                   "matters a lot, and USCE becomes critical to show you’re “current” and "
                   "ready."), *MONEY_SITUATIONS),
    ),
    Rule(
        id="R5b_stale_usce",
        headline=(
            "aim for USCE within 1–3 years of the application: strong, recent, hands-on USCE "
            "first"
        ),
        precedence=36, verdict=Verdict.USCE_FIRST,
        conditions="the last hands-on USCE more than 3 years ago",
        when=((_c("usce_years_ago", ">", 3),),),
        rationale="Your hands-on US clinical experience is more than three years old, so it no "
        "longer counts as the recent foundation programs look for: get recent hands-on USCE, and "
        "fresh US letters, before research.",
        quotes=(_q(A, "Aim for within 1–3 years of the application."),
                _q(A, "For most IMGs, strong, recent, hands-on US clinical experience is more "
                   "valuable than another abstract or poster."), *MONEY_SITUATIONS),
    ),
    Rule(
        id="R3_competitive_no_hands_on",
        headline=(
            "even for hyper-competitive specialties clinical still cannot be zero, so "
            "hands-on USCE first"
        ),
        precedence=30, verdict=Verdict.USCE_FIRST,
        conditions="competitive specialty and zero hands-on USCE",
        when=((COMPETITIVE, ZERO),),
        rationale="Competitive specialties need research too, but clinical can never be zero: get "
        "hands-on USCE and US letters first, then a serious research block.",
        quotes=(_q(A, "If you’re going for hyper-competitive specialties → you probably need both "
                   "(but clinical still cannot be zero)"),
                _q(B, "But they still need proof you can function clinically."),
                *NO_HANDS_ON_SITUATIONS, *MONEY_SITUATIONS),
    ),
    Rule(
        id="R4_unmatched_no_hands_on",
        headline="research rarely trumps zero USCE, so get USCE first",
        precedence=32, verdict=Verdict.USCE_FIRST,
        conditions="unmatched before and zero hands-on USCE",
        when=((_c("unmatched_before", "==", True), ZERO),),
        rationale="Research can strengthen an unmatched year, but it rarely makes up for having no "
        "hands-on US clinical experience: get that first.",
        quotes=(_q(B, "Research is “nice to strong” depending on specialty, but rarely trumps zero "
                   "USCE."),
                _q(B, "Even with publications, many programs—especially community ones—will be "
                   "uncomfortable ranking someone with zero US clinical exposure."),
                *NO_HANDS_ON_SITUATIONS, *MONEY_SITUATIONS),
    ),
    Rule(
        id="R5_no_hands_on_usce",
        headline="if you lack hands-on USCE, prioritize hands-on USCE",
        precedence=35, verdict=Verdict.USCE_FIRST,
        conditions="zero hands-on USCE (observerships, shadowing, virtual do not count)",
        when=((ZERO,),),
        rationale="You have no hands-on US clinical experience yet: get it, and the US letters it "
        "produces, before research. Observerships and virtual rotations are not a substitute.",
        quotes=(_q(A, "If you lack recent, hands-on USCE → prioritize hands-on USCE"),
                *NO_HANDS_ON_SITUATIONS, *MONEY_SITUATIONS),
    ),
    Rule(
        id="R6_low_scores",
        headline=(
            "no amount of research makes up for weak scores: invest in recent clinical work "
            "and excellent letters first"
        ),
        precedence=40, verdict=Verdict.USCE_FIRST,
        conditions=f"Step 2 CK below {LOW_STEP2_CK} or a Step 1 fail",
        when=((_c("step2_ck", "<", LOW_STEP2_CK),), (_c("step1", "==", "fail"),)),
        rationale="Research rarely compensates for weak scores: invest in recent clinical work, "
        "excellent US letters and realistic targeting before research.",
        quotes=(_q(A, "But as a rule, no amount of generic research makes up for very low exams."),
                _q(A, "If your scores are weak, you should invest heavily in: recent clinical "
                   "work, excellent letters, and realistic specialty/program targeting before you "
                   "chase more research."), *MONEY_SITUATIONS),
    ),
    Rule(
        id="R7_competitive_foundation",
        headline="for a very competitive specialty you need both research and USCE",
        precedence=50, verdict=Verdict.RESEARCH_AND_USCE,
        conditions="competitive specialty with 2+ months hands-on USCE and 2+ US letters",
        when=((COMPETITIVE, *FOUNDATION),),
        rationale="Your clinical base is in place and your specialty is research-heavy: a serious "
        "research block now weighs heavily, while you keep some clinical work going.",
        quotes=(_q(B, "Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may "
                   "even slightly edge first if you already have some USCE.",
                   _c("specialty", "in", ("radiology", "dermatology", "neurosurgery",
                                          "orthopedics"))),
                _q(B, "| Aiming very competitive specialty | Research + USCE both |"),
                *COMPETITIVE_SITUATIONS),
    ),
    Rule(
        id="R8_foundation_academic",
        headline="with an academic aim, prioritize a research position next",
        precedence=55, verdict=Verdict.ADD_RESEARCH,
        conditions="2+ months hands-on USCE, 2+ US letters, aiming for academic programs",
        when=((*FOUNDATION, _c("academic_aim", "==", True)),),
        rationale="You have solved the USCE problem and aim for academic programs: research is "
        "now the lever that moves you up, ideally in your specialty with a strong PI letter.",
        quotes=(_q(B, "Yes, absolutely prioritize a research position next"),
                _q(B, "Once you have solid USCE and letters, research becomes the lever that moves "
                   "you toward stronger and more academic programs."),
                _q(B, "| Strong USCE, no research | Add research (if aiming academic) |",
                   NO_RESEARCH),
                # (the card on adding research says the "game-changer" sentence in its words)
                *FOUNDATION_SITUATIONS[1:]),
    ),
    Rule(
        id="R9_foundation_in_place",
        headline="you already have USCE and good letters, so add research",
        precedence=60, verdict=Verdict.ADD_RESEARCH,
        conditions="2+ months hands-on USCE and 2+ US letters",
        when=(FOUNDATION,),
        rationale="Your clinical foundation (hands-on USCE and US letters) is in place: research "
        "on top of it is the next lever, above all for academic programs.",
        quotes=(_q(A, "If you already have 3+ months of strong USCE + good letters → consider "
                   "adding research"),  # the rule's basis: it reads "3+" as "about 2–3+"
                _q(B, "Aim for at least 8–12 weeks of meaningful, supervised USCE and 2–3 strong "
                   "US clinical letters."),
                *FOUNDATION_SITUATIONS),
    ),
    Rule(
        id="R10_afford_only_one",
        headline="if you can only afford one, choose USCE, not research",
        precedence=70, verdict=Verdict.USCE_FIRST,
        conditions="can afford only one of the two, foundation not yet in place",
        when=((_c("can_afford_only_one", "==", True),),),
        rationale="If you can only afford one, choose hands-on USCE: without it many programs "
        "screen you out, while research helps you climb once you are in.",
        quotes=(_q(B, "USCE. Every time, for almost all IMGs."),
                _q(B, "If you can only afford one major US experience, it should almost always be "
                   "USCE, not research.")),
    ),
    Rule(
        id="R11_money_tight",
        headline=(
            "with money tight, choose a short USCE rotation that writes letters over unpaid "
            "research"
        ),
        precedence=72, verdict=Verdict.USCE_FIRST,
        conditions="money is tight, foundation not yet in place",
        when=((_c("money_tight", "==", True),),),
        rationale="With tight finances, a short hands-on rotation that produces a strong US letter "
        "is the better spend than a long unpaid research position.",
        quotes=(_q(B, "Unpaid research for 12 months with no side income is brutal."),
                _q(B, "Choose a 4–8 week USCE rotation at a place known to actually write "
                   "letters")),
    ),
    Rule(
        id="R12_competitive_some_usce",
        headline="aiming for a very competitive specialty means research and USCE, both",
        precedence=80, verdict=Verdict.RESEARCH_AND_USCE,
        conditions="competitive specialty with some hands-on USCE",
        when=((COMPETITIVE, _c(HOU, ">", 0)),),
        rationale="Your specialty is research-heavy and you already have some hands-on USCE: you "
        "need both, with research weighing heavily, but never drop clinical work to zero.",
        quotes=(_q(A, "Aiming for derm/plastics with some USCE | Heavy research",
                   _c("specialty", "in", ("dermatology", "plastic surgery"))),
                _q(B, "| Aiming very competitive specialty | Research + USCE both |"),
                _q(B, "Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may "
                   "even slightly edge first if you already have some USCE.",
                   _c("specialty", "in", ("radiology", "dermatology", "neurosurgery",
                                          "orthopedics"))),
                _q(B, "You still need demonstrated clinical ability somewhere in your file."),
                *COMPETITIVE_SITUATIONS),
    ),
    Rule(
        id="R13_few_us_letters",
        headline="without strong US letters, the USCE and LOR stages are your priority",
        precedence=90, verdict=Verdict.USCE_FIRST,
        conditions="some hands-on USCE but fewer than 2 US letters",
        when=((_c(HOU, ">", 0), _c(LET, "<", FOUNDATION_LETTERS)),),
        rationale="You have some hands-on USCE but not yet 2–3 strong US letters: more hands-on "
        "USCE with a letter focus comes before research.",
        quotes=(_q(A, "Strong scores, 1–2 US letters, no pubs | Balanced, but USCE",
                   _c(LET, ">=", 1), NO_RESEARCH, STRONG),
                _q(B, "If you’re answering “No” at the USCE or LOR stages, that’s your priority."),
                *SOME_USCE_SITUATIONS),
    ),
    Rule(
        id="R14_below_minimum_usce",
        headline="get to the minimum reasonable target of solid, hands-on USCE first",
        precedence=92, verdict=Verdict.USCE_FIRST,
        conditions="under 2 months of hands-on USCE",
        when=((_c(HOU, ">", 0), _c(HOU, "<", FOUNDATION_MONTHS)),),
        rationale="Under two months of hands-on USCE is below the minimum programs look for: build "
        "it to 2–3 months before adding research.",
        quotes=(_q(A, "2–3 months of solid, hands-on USCE (with strong performance) is the "
                   "minimum reasonable target"),
                _q(B, "You’re aiming for at least 8–12 weeks of real USCE if possible."),
                *SOME_USCE_SITUATIONS),
    ),
    Rule(
        id="R15_few_letters_usce_unknown",
        headline="with zero or weak US clinical letters, clinical experience first",
        precedence=95, verdict=Verdict.USCE_FIRST,
        conditions="fewer than 2 US letters, hands-on months unknown, not a competitive specialty",
        when=((_c(HOU, "is unknown"), _c(LET, "<", FOUNDATION_LETTERS),
               _c("specialty_class", "!=", "competitive", if_unknown=True)),),
        rationale="Without strong US clinical letters, clinical experience comes first: hands-on "
        "USCE is where those letters come from.",
        quotes=(_q(A, "Do I have zero or weak US clinical letters?"),
                _q(A, "If you said yes to any of those: clinical experience first."),
                *SOME_USCE_SITUATIONS),
    ),
)  # fmt: skip
RULES = tuple(sorted(RULES, key=lambda r: r.precedence))
_BY_ID = {rule.id: rule for rule in RULES}


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id.

    Raises:
        KeyError: no such rule.
    """
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id {rule_id!r}; known: {', '.join(_BY_ID)}") from None


def holds(cond: Cond, profile: Profile) -> bool:
    """Whether one clause holds for the profile (an unknown fact gives `cond.if_unknown`)."""
    value = getattr(profile, cond.fact, None)
    if cond.op == "is unknown":
        return value is None
    if value is None:
        return cond.if_unknown
    try:
        return bool(_OPS[cond.op](value, cond.value))
    except TypeError:  # e.g. a numeric op on a malformed value: the clause simply does not hold
        return False


def matches(rule: Rule, profile: Profile) -> bool:
    """Whether any alternative of the rule's condition holds for the profile."""
    return any(all(holds(c, profile) for c in alt) for alt in rule.when)


def missing_facts(profile: Profile) -> list[str]:
    """Plain-language facts that would let the rules decide, most decisive first."""
    hands, letters = profile.usce_hands_on_months, profile.us_letters
    if hands is None:
        return [HANDS_ON_FACT] + ([LETTERS_FACT] if letters is None else [])
    if hands >= FOUNDATION_MONTHS and letters is None:
        return [LETTERS_FACT] + ([SPECIALTY_FACT] if profile.specialty_class is None else [])
    return [HANDS_ON_FACT]  # only reachable with malformed values such as NaN months


def decide(profile: Profile) -> Decision:
    """Apply the rule table to a profile; the first rule that matches (by precedence) wins.

    Args:
        profile: applicant facts; None fields are unknown.

    Returns:
        A Decision: the verdict and rule, or verdict None with the facts that would decide it.
    """
    trace: list[str] = []
    for rule in RULES:
        if matches(rule, profile):
            trace.append(f"{rule.id}: fired -> {rule.verdict}")
            fitting = tuple(q for q in rule.quotes if all(holds(c, profile) for c in q.when))
            return Decision(
                verdict=rule.verdict, rule=rule, missing_facts=[], trace=trace, quotes=fitting
            )
        trace.append(f"{rule.id}: no match")
    trace.append("no rule fired: a deciding fact is unknown")
    return Decision(verdict=None, rule=None, missing_facts=missing_facts(profile), trace=trace)
