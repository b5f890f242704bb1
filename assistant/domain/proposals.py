"""Facts a language model proposes for a message, accepted only on the deterministic reading's
terms (issue 16, item 7). Pure: no model, no I/O.

A model reads phrasing the patterns were never shown, but it also invents. So a proposed fact
is used only when:
- it names a fact the rules read (`PROPOSABLE`) with a value of the right type and range;
- its evidence is words of the message itself (found verbatim, ignoring case and spacing);
- the deterministic reading did not read that fact, or read the same value (the reading wins:
  a different value is a contradiction and is dropped), and did not find the fact stated two
  ways (that stays a question for the applicant);
- a number comes with a number in its evidence, and hands-on months never rest on words about
  observing, shadowing, volunteering or virtual work (the sources' line, which the reading also
  draws).
Each proposal that is not used comes back with the reason, for logs and tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assistant.core import lexicon
from assistant.core.types import Profile
from assistant.domain.profile import FactSpan, ProfileReading, merge_profile, normalize_specialty

# What a model may propose: the facts the rules read, stated by the applicant. Derived facts
# (years since graduation, specialty class, how long ago the last USCE was) follow from these.
PROPOSABLE: dict[str, str] = {
    "graduation_year": "year the applicant graduated from medical school (e.g. 2019)",
    "is_student": "true if still a medical student, false if graduated",
    "usce_hands_on_months": "months of hands-on US clinical experience already completed "
    "(externships, sub-internships, clerkships, electives with patient care); observerships, "
    "shadowing, volunteering and virtual rotations are 0 here",
    "usce_other_months": "months of US observerships, shadowing or virtual rotations completed",
    "last_usce_year": "year of the most recent hands-on US clinical experience",
    "us_letters": "number of US letters of recommendation the applicant has",
    "specialty": "the specialty the applicant is applying to (e.g. internal medicine)",
    "home_clinical_recent": "true if the applicant works clinically now or did in the last year",
    "research_output": "number of publications, abstracts or posters",
    "unmatched_before": "true if the applicant applied before and did not match",
    "can_afford_only_one": "true if the applicant can afford only one of research or USCE",
    "academic_aim": "true if the applicant aims at academic or university programs",
}
_NUMERIC = frozenset(
    {
        "graduation_year",
        "usce_hands_on_months",
        "usce_other_months",
        "last_usce_year",
        "us_letters",
        "research_output",
    }
)
_NUMBER_WORDS = "|".join(sorted(map(re.escape, lexicon.load().number_words), key=len, reverse=True))
_HAS_NUMBER = re.compile(
    rf"\d|\b(?:{_NUMBER_WORDS}|one|half|couple|pair|trio|dozen|both|single|no|zero|none)\b"
    r"|\ban?\s+(?:month|week|year|letter|lor|paper|poster|publication)",
    re.IGNORECASE,
)
# The sources' line: observing is not hands-on, whatever a model makes of it.
_NOT_HANDS_ON = re.compile(
    r"observ|shadow|volunteer|virtual|tele-?(?:rotation|health|medicine)|online|remote", re.I
)


@dataclass(frozen=True)
class ProposedFact:
    """One fact as a model proposed it: the field, its value, and the words it rests on."""

    name: str
    value: Any
    evidence: str


@dataclass(frozen=True)
class Rejected:
    """A proposal that was not used, and why."""

    fact: ProposedFact
    reason: str


def accept_proposals(
    message: str,
    reading: ProfileReading,
    proposals: Iterable[ProposedFact],
    *,
    current_year: int,
    own: str | None = None,
) -> tuple[ProfileReading, list[Rejected]]:
    """The reading with the proposals that pass every check added, and the ones that did not.

    Args:
        message: The message the reading and the proposals are about.
        reading: The deterministic reading of `message`.
        proposals: What a model proposed (any values: they are validated here).
        current_year: For the facts derived from a year.
        own: `message` with other people's sentences blanked (`attribution.applicant_only`,
            same offsets): a proposal's words must be the applicant's, not "my roommate has 3
            LoRs". None: the whole message.
    """
    known = reading.profile.known()
    added: dict[str, Any] = {}
    evidence = dict(reading.evidence)
    rejected: list[Rejected] = []
    for fact in proposals:
        reason, value, span = _check(message, fact, known, reading.conflicts, added, own)
        if reason is not None:
            rejected.append(Rejected(fact, reason))
            continue
        if value is None or span is None:  # the same value the reading found: nothing to add
            continue
        added[fact.name] = value
        evidence[fact.name] = span
    if not added:
        return reading, rejected
    profile = merge_profile(reading.profile, added, current_year=current_year)
    if "last_usce_year" in added and profile.usce_years_ago is None:
        ago = float(max(0, current_year - added["last_usce_year"]))
        profile = profile.model_copy(update={"usce_years_ago": ago})
    for derived, source in (
        ("years_since_graduation", "graduation_year"),
        ("usce_years_ago", "last_usce_year"),
        ("specialty_class", "specialty"),
    ):
        if source in added and getattr(profile, derived) is not None:
            evidence[derived] = evidence[source]
    return ProfileReading(profile, evidence, reading.conflicts), rejected


def _check(
    message: str,
    fact: ProposedFact,
    known: Mapping[str, Any],
    conflicts: Mapping[str, Any],
    added: Mapping[str, Any],
    own: str | None = None,
) -> tuple[str | None, Any, FactSpan | None]:
    """(why it is rejected or None, the validated value or None if already known, its span)."""
    if fact.name not in PROPOSABLE:
        return "not a fact the rules read", None, None
    if fact.name in conflicts:
        return "the message states this fact two ways", None, None
    if fact.name in added:
        return "proposed twice", None, None
    try:
        value = getattr(Profile.model_validate({fact.name: fact.value}), fact.name)
    except ValidationError:
        return "not a valid value", None, None
    if value is None:
        return "no value", None, None
    span = _find(message, fact.evidence)
    if span is None:
        return "its evidence is not in the message", None, None
    if own is not None:
        mine = _find(own, fact.evidence)
        if mine is None:
            return "its evidence is about someone other than the applicant", None, None
        span = FactSpan(mine.start, mine.end, message[mine.start : mine.end])
    if fact.name in _NUMERIC and not _HAS_NUMBER.search(span.text):
        return "a number without a number in its evidence", None, None
    if fact.name == "usce_hands_on_months" and value > 0 and _NOT_HANDS_ON.search(span.text):
        return "observing, shadowing, volunteering or virtual work is not hands-on", None, None
    if fact.name == "specialty":
        named = normalize_specialty(str(value))
        if named is None:
            return "not a specialty the articles name", None, None
        value = named[0]
    if fact.name in known:
        if _same(known[fact.name], value):
            return None, None, None
        return "contradicts the deterministic reading", None, None
    return None, value, span


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 0.05
    return bool(a == b)


def _find(message: str, words: str) -> FactSpan | None:
    """Where `words` occur in `message`, ignoring case and runs of whitespace; None if nowhere."""
    tokens = str(words or "").split()
    if not tokens or sum(len(t) for t in tokens) < 2:
        return None
    pattern = r"\s+".join(map(re.escape, tokens))
    m = re.search(pattern, message, re.IGNORECASE)
    if m is None:
        return None
    return FactSpan(m.start(), m.end(), message[m.start() : m.end()])
