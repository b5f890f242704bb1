"""Which of the applicant's own options the verdict picks (issue 18; pure, no I/O).

"Options for that month: (a) 4wk hands-on IM externship (b) 4wk observership at Mayo (c) a research
elective. Which one?" deserves "take the hands-on externship" first, not only "hands-on USCE
first". When a message that weighs the options names a concrete hands-on rotation beside an
observership-like experience or a research position, `pick_option` says which of them the verdict
points to, in sentences that cite the source sentences they rest on (a test support-checks every
one). "My plan: research year, then externships. Thoughts?" deserves "put hands-on USCE first"
when the verdict is clinical-first (`judge_plan`). Neither decides anything itself: the verdict
comes from the rules table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Verdict
from assistant.domain.plan import USCE_VERDICTS
from assistant.domain.rules import Quote

A, B = "hands-on-usce-vs-research", "prioritize-usce-or-research"

# A research elective or rotation is research, not clinical work: read first and taken out.
_RESEARCH = re.compile(
    r"\bresearch\s+(?:position|job|fellow\w*|year|assistant|asst|associate|coordinator|spot|"
    r"elective|rotation|block|role|gig|offer|program\w*)\b|\b(?:lab|crc)\b|\bresearch\b",
    re.IGNORECASE,
)
_HANDS_ON = re.compile(
    r"\b(?P<kind>externships?|sub[\s-]?i\b|sub[\s-]?internships?|acting\s+internships?"
    r"|clerkships?|electives?|hands[\s-]?on\s+(?:rotations?|months?|blocks?))",
    re.IGNORECASE,
)
_WATCHING = re.compile(
    r"\bobserverships?\b|\bshadowing\b|\bvirtual\s+(?:rotations?|electives?)\b|\btelehealth\b",
    re.IGNORECASE,
)
_RESEARCH_PLACE = re.compile(r"\bresearch\s+(?:elective|rotation)s?\b", re.IGNORECASE)

# Words that set options against each other, and words that make a rotation one already done.
_SETS_OUT_OPTIONS = re.compile(
    r"\b(?:or|vs\.?|versus|either|options?|offers?|offered|choices?|choose|pick)\b|\(b\)|\bb\)",
    re.IGNORECASE,
)
_HAD_AFTER = re.compile(r"\W*(?:\w+\W+)?(?:done|completed|finished)\b", re.IGNORECASE)
_HAD = re.compile(r"\b(?:did|done|completed?|finished|had|have)\b[^.;!?\n]*$", re.IGNORECASE)

_KIND_NAMES = {
    "extern": "externship",
    "sub": "sub-internship",
    "acting": "acting internship",
    "clerk": "clerkship",
    "elect": "elective",
    "hands": "rotation",
}

# The source sentences each kind of pick rests on.
_TAKE_HANDS_ON = (
    Quote(doc_id=A, text="Take the externship every time."),
    Quote(doc_id=B, text="Hands-on clerkships, externships, and sub-internships are ideal."),
)
_NOT_ROBUST = (
    Quote(
        doc_id=B,
        text="If your “US experience” is a single 2-week observership or an online rotation, "
        "that doesn’t count as robust USCE.",
    ),
)
_ADD_RESEARCH = (
    Quote(
        doc_id=A,
        text="If you already have 3+ months of strong USCE + good letters → consider adding "
        "research",
    ),
)
_BOTH_RESEARCH_EDGE = (
    Quote(
        doc_id=B,
        text="- Radiology, Dermatology, Neurosurgery, Ortho: You need both; research may even "
        "slightly edge first if you already have some USCE.",
    ),
)


_SEQUENCE = (
    Quote(doc_id=A, text="- Secure hands-on USCE + letters"),
    Quote(doc_id=A, text="- Once that is solid, add research on top, not instead"),
)
# A plan the applicant lays out for judging: its name, and the order of its steps.
_PLAN_CUE = re.compile(
    r"\bplan(?:ning|ned)?\b|\border\b|\bsequence\b|\btimeline\b|\brate\s+(?:it|this|my)\b",
    re.IGNORECASE,
)
# "No research at all", "skip research": research the plan leaves out.
_NO_RESEARCH = re.compile(
    r"\b(?:no|without|skip(?:ping)?|zero|not\s+doing)\s+(?:any\s+)?research\b", re.IGNORECASE
)
_THEN = re.compile(
    r"\bthen\b|->|→|\bfollowed\s+by\b|\bafter\s+that\b|\bafterwards\b", re.IGNORECASE
)
# Steps of a plan: one after another, or research given a length ("12 mo neuro research").
_STEPS = re.compile(
    _THEN.pattern + r"|\b\d+\s*(?:mo|mos|months?|yrs?|years?)\b[^.;\n]{0,25}\bresearch\b"
    r"|\bresearch\s+(?:year|block)\b",
    re.IGNORECASE,
)


# Offers laid out for a choice without a question that weighs them ("Got 2 offers, need to reply
# by Friday: (a) … or (b) …"): the choice is the message's, asked or not.
_OFFERS_LAID_OUT = re.compile(
    r"\b(?:\d|two|three|both)\s+(?:offers|options)\b|\boffers?\s*:|\(a\)|(?:^|\s)a\)\s"
    r"|\boption\s+(?:a|1)\b|\boffer\s+1\b",
    re.IGNORECASE,
)


_WHICH_COUNT = re.compile(r"\bcounts?\b", re.IGNORECASE)


def lays_out_offers(message: str) -> bool:
    """Whether the message sets out offers or options to choose between (not a list of
    experiences asked about: "which of these count? a) shadowing b) a sub-I …")."""
    return bool(_OFFERS_LAID_OUT.search(message)) and not _WHICH_COUNT.search(message)


@dataclass(frozen=True)
class Pick:
    """The option the verdict points to, in sentences each with the quotes it rests on."""

    option: str
    sentences: tuple[tuple[str, tuple[Quote, ...]], ...]


def pick_option(message: str, verdict: Verdict | None) -> Pick | None:
    """The applicant's option the verdict points to, or None when the message does not set a
    concrete hands-on rotation against an observership-like experience or research (or sets
    them out but the verdict picks none of them)."""
    if verdict is None:
        return None
    text = _RESEARCH_PLACE.sub(" research position ", message)
    if not _SETS_OUT_OPTIONS.search(text):
        return None
    hands = _planned(text, _HANDS_ON)
    watching = bool(_WATCHING.search(text))
    research = bool(_RESEARCH.search(text))
    if verdict in USCE_VERDICTS:
        if hands is None or not (watching or research):
            return None
        kind = _KIND_NAMES[
            next(k for k in _KIND_NAMES if hands.group("kind").lower().startswith(k))
        ]
        sentences: list[tuple[str, tuple[Quote, ...]]] = [
            (
                f"Take the hands-on {kind}: hands-on clerkships, externships and "
                "sub-internships are ideal.",
                _TAKE_HANDS_ON,
            )
        ]
        if watching:
            sentences.append(
                ("An observership or an online rotation doesn’t count as robust USCE.", _NOT_ROBUST)
            )
        # (that research can wait is the plan's step for every USCE verdict: not said twice)
        return Pick(kind, tuple(sentences))
    if not research or (hands is None and not watching):
        return None
    if verdict is Verdict.ADD_RESEARCH:
        return Pick(
            "research",
            (
                (
                    "Take the research: with 3+ months of strong USCE and good letters, consider "
                    "adding research.",
                    _ADD_RESEARCH,
                ),
            ),
        )
    return Pick(
        "research",
        (
            (
                "Take the research: you need both, and research may even edge first if you "
                "already have some USCE.",
                _BOTH_RESEARCH_EDGE,
            ),
        ),
    )


def _planned(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """The first mention of a kind of experience that is not already done."""
    return next(
        (
            m
            for m in pattern.finditer(text)
            if not _HAD.search(text[max(0, m.start() - 30) : m.start()])
            and not _HAD_AFTER.match(text, m.end())
        ),
        None,
    )


def judge_plan(message: str, verdict: Verdict | None) -> Pick | None:
    """Whether a plan the applicant lays out ("my plan: research year, then externships") agrees
    with the verdict. Clinical-first: "put hands-on USCE first" when research comes first or
    nothing hands-on is planned, "that order is right" when the hands-on rotation leads (or is
    the whole plan). Research verdicts: "that plan fits" when it holds research, "add research"
    when it holds only rotations. None without a verdict or a plan of research or rotations."""
    if verdict is None or not _PLAN_CUE.search(message):
        return None
    text = _NO_RESEARCH.sub(" ", _RESEARCH_PLACE.sub(" research position ", message))
    research = _planned(text, _RESEARCH)
    hands = _planned(text, _HANDS_ON)
    clinical_first = verdict in USCE_VERDICTS
    if clinical_first:
        said = _clinical_first_order(text, research, hands)
    elif research is not None and hands is None and not _STEPS.search(text):
        said = None  # "I plan to apply next year: research or USCE first?" lays out no plan
    else:
        said = _research_plan(verdict, research, hands)
    if said is None:
        return None
    sentences = [said]
    if _WATCHING.search(text) and clinical_first:
        sentences.append(
            ("An observership or an online rotation doesn’t count as robust USCE.", _NOT_ROBUST)
        )
    return Pick("plan", tuple(sentences))


def _clinical_first_order(
    text: str, research: re.Match[str] | None, hands: re.Match[str] | None
) -> tuple[str, tuple[Quote, ...]] | None:
    if research is None:
        if hands is None:
            return None
        return (
            "That plan is right: secure hands-on USCE and letters first; research can be added "
            "on top once that is solid, not instead.",
            _SEQUENCE,
        )
    if hands is None and not _THEN.search(text):
        return None
    if hands is not None and hands.start() < research.start():
        return (
            "That order is right: secure hands-on USCE and letters first, and once that is "
            "solid, add research on top, not instead.",
            _SEQUENCE,
        )
    return (
        "Put hands-on USCE first: secure hands-on USCE and letters, and once that is solid, "
        "add research on top, not instead.",
        _SEQUENCE,
    )


def _research_plan(
    verdict: Verdict, research: re.Match[str] | None, hands: re.Match[str] | None
) -> tuple[str, tuple[Quote, ...]] | None:
    if verdict is Verdict.ADD_RESEARCH:
        if research is not None:
            return (
                "That plan fits: with 3+ months of strong USCE and good letters, consider adding "
                "research.",
                _ADD_RESEARCH,
            )
        if hands is not None:
            return (
                "Add research to that plan: with 3+ months of strong USCE and good letters, "
                "consider adding research.",
                _ADD_RESEARCH,
            )
        return None
    if research is not None and hands is not None:
        return (
            "That plan fits: you need both, and research may even edge first if you already "
            "have some USCE.",
            _BOTH_RESEARCH_EDGE,
        )
    if hands is not None:
        return (
            "Add research to that plan: you need both, and research may even edge first if you "
            "already have some USCE.",
            _BOTH_RESEARCH_EDGE,
        )
    if research is not None:
        return (
            "Keep clinical work in that plan too: you need both, though research may even edge "
            "first if you already have some USCE.",
            _BOTH_RESEARCH_EDGE,
        )
    return None
