"""Facts said two ways: decide anyway when it makes no difference, otherwise ask (pure).

An applicant who writes "YOG 2019… no wait, I graduated 2018?" or "I don't have USCE. Just
2 months as an extern" has stated a deciding fact two ways. Profile reading leaves such a fact
unknown and reports both readings (`ProfileReading.conflicts`). Here each reading is tried in
the rules: when every reading gives the same verdict, that verdict stands (7 or 8 years out,
the advice is the same); when they differ, the answer asks which is right and says what each
would mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.core.types import Profile, Verdict
from assistant.domain.rules import Decision, decide

# What a fact is about, in the words of the question the answer asks.
FACT_TOPIC = {
    "graduation_year": "when you graduated",
    "usce_hands_on_months": "your hands-on US clinical experience",
}


@dataclass(frozen=True)
class Reading:
    """One way the message states a fact, and the verdict the rules give with it."""

    value: Any
    said: str  # the writer's own words for it
    verdict: Verdict | None


@dataclass(frozen=True)
class Clarification:
    """A deciding fact stated two ways, with what each reading would mean."""

    fact: str
    readings: list[Reading]

    @property
    def topic(self) -> str:
        return FACT_TOPIC.get(self.fact, self.fact.replace("_", " "))


def with_value(profile: Profile, fact: str, value: Any, *, current_year: int) -> Profile:
    """The profile with one fact set (a graduation year brings its years since graduation)."""
    update: dict[str, Any] = {fact: value}
    if fact == "graduation_year":
        update["years_since_graduation"] = float(max(0, current_year - value))
        update["is_student"] = value > current_year
    return profile.model_copy(update=update)


def decide_or_ask(
    profile: Profile,
    conflicts: Mapping[str, Sequence[tuple[Any, str]]],
    *,
    current_year: int,
) -> tuple[Decision, list[Clarification]]:
    """The rules' decision, or what to ask when a fact said two ways decides it.

    Args:
        profile: the facts read, a contradicted fact left unknown.
        conflicts: per contradicted fact, each value with the words it was read from.
        current_year: to turn a graduation year into years since graduation.

    Returns:
        The decision and the clarifications to ask. When every reading gives the same verdict,
        that decision and nothing to ask; when they differ, no verdict, and the questions.
    """
    if not conflicts:
        return decide(profile), []

    def tried(fact: str, value: Any) -> Profile:
        return with_value(profile, fact, value, current_year=current_year)

    asks = [
        Clarification(
            fact,
            [Reading(value, words, decide(tried(fact, value)).verdict) for value, words in said],
        )
        for fact, said in conflicts.items()
    ]
    verdicts = {r.verdict for ask in asks for r in ask.readings}
    if len(verdicts) == 1 and None not in verdicts:  # every reading means the same: decide
        settled = profile
        for ask in asks:
            settled = with_value(
                settled, ask.fact, ask.readings[0].value, current_year=current_year
            )
        return decide(settled), []
    decision = decide(profile)
    # The readings disagree: no verdict, whatever the rest of the profile would give alone.
    undecided = Decision(
        verdict=None,
        rule=None,
        missing_facts=[f"which is right about {ask.topic}" for ask in asks],
        trace=[*decision.trace, "a deciding fact is stated two ways: ask"],
    )
    return undecided, asks
