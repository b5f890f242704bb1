"""What a sentence recommends doing first: research, clinical experience, or both (pure).

The guard uses this to drop sentences that contradict the rules' verdict, and the evals use it
to score verdict agreement of raw model text. It errs on the side of finding a stance: a false
positive costs the answer one sentence of prose, a false negative could let a model talk an
applicant into the wrong plan.

Ranking and one-sided preference ("USCE before research", "focus on research") come from the
support scorer's own detectors, so "what ranks research against clinical experience" has one
definition in the project; the patterns here add the ways models phrase advice.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from assistant.core.types import Verdict

# The support scorer's own detectors, reused on purpose (see the module docstring): the same
# synonym canonicalisation ("U.S. clinical experience" -> "usce"), negation and comparison rules.
from assistant.text.support import (
    canonical_form,
    comparison_of,
    is_negated,
    preference_of,
    strip_markers,
)


class Stance(StrEnum):
    RESEARCH_FIRST = "research_first"  # research ahead of clinical, or research recommended
    CLINICAL_FIRST = "clinical_first"  # clinical ahead of research, or clinical recommended
    DROP_CLINICAL = "drop_clinical"  # clinical experience unnecessary, or research replaces it
    BOTH = "both"  # both recommended together


# Stances that contradict each verdict. RESEARCH_AND_USCE allows research edging first (its own
# source: "research may even slightly edge first if you already have some USCE") but not
# clinical first or clinical dropped; ADD_RESEARCH means the clinical part is done.
CONTRADICTS: dict[Verdict, frozenset[Stance]] = {
    Verdict.USCE_URGENT: frozenset({Stance.RESEARCH_FIRST, Stance.DROP_CLINICAL}),
    Verdict.USCE_FIRST: frozenset({Stance.RESEARCH_FIRST, Stance.DROP_CLINICAL}),
    Verdict.RESEARCH_AND_USCE: frozenset({Stance.CLINICAL_FIRST, Stance.DROP_CLINICAL}),
    Verdict.ADD_RESEARCH: frozenset({Stance.CLINICAL_FIRST}),
}
# The stances that express each verdict (used to score agreement).
EXPRESSES: dict[Verdict, frozenset[Stance]] = {
    Verdict.USCE_URGENT: frozenset({Stance.CLINICAL_FIRST}),
    Verdict.USCE_FIRST: frozenset({Stance.CLINICAL_FIRST}),
    Verdict.RESEARCH_AND_USCE: frozenset({Stance.BOTH, Stance.RESEARCH_FIRST}),
    Verdict.ADD_RESEARCH: frozenset({Stance.RESEARCH_FIRST}),
}

_CLINICAL = r"(?:usce|clinical|handson|rotations?|externships?|subi|clerkships?|electives?)"
_RESEARCH = r"(?:research|publications?|papers?|pubs)"
_ENTITY = re.compile(rf"\b(?:(?P<research>{_RESEARCH})|(?P<clinical>{_CLINICAL}))\b")

_DROP_CLINICAL = re.compile(
    rf"\b(?:do\s*n[o']?t|dont|does\s*n[o']?t|wo\s*n't|never|no)\s+(?:really\s+)?need\s+"
    rf"(?:any\s+|more\s+|much\s+)?{_CLINICAL}"
    rf"|\b{_CLINICAL}(?:\s+experience)?\s+(?:is|are)\s+(?:not|n't|no\s+longer)\s+(?:really\s+)?"
    r"(?:necessary|needed|required|important|essential|worth)"
    rf"|\bskip\s+(?:the\s+|your\s+)?{_CLINICAL}"
    rf"|\b(?:instead\s+of|rather\s+than|in\s+place\s+of)\s+(?:\w+\s+){{0,2}}{_CLINICAL}"
)
# "Research can make up for no USCE": dropping clinical, unless negated ("no amount of research
# makes up for…", "research rarely replaces…").
_COMPENSATES = re.compile(
    rf"\b{_RESEARCH}\s+(?:alone\s+)?(?:can\s+|will\s+)?(?:compensates?|makes?\s+up|substitutes?"
    r"|replaces?|is\s+enough|is\s+sufficient)"
)
# Advice cues followed by what is advised: "I recommend research", "you should do USCE".
_ADVISE = re.compile(
    r"\b(?:recommend(?:ed)?|suggest(?:ed)?|advise[ds]?|should|need\s+to|must|ought\s+to|"
    r"prioriti[sz]e|invest\s+in|pursue|go\s+for|add(?:ing)?|chase|"
    r"(?:best|right|smartest|wisest)\s+(?:option|choice|move|step|way\s+forward|plan|path)\s+is)\b"
)
# "<thing> is the best / next / right step": the thing comes before the cue.
_VERDICTIVE = re.compile(
    r"\b(?:is|are|would\s+be|remains?)\s+(?:\w+\s+){0,2}(?:best|better|ideal|priority|key|"
    r"crucial|essential|most\s+important|way\s+to\s+go|right\s+(?:choice|move|step)|"
    r"next\s+(?:step|lever|move)|the\s+answer|top\s+priority|great|good\s+idea|worth\s+it|"
    r"the\s+way\s+forward)\b"
)
_BOTH = re.compile(
    rf"\bboth\b|\b{_RESEARCH}\s+(?:and|plus|\+|on\s+top\s+of|alongside)\s+(?:\w+\s+){{0,2}}"
    rf"{_CLINICAL}|\b{_CLINICAL}\s+(?:and|plus|\+)\s+(?:\w+\s+){{0,2}}{_RESEARCH}"
)
# "research comes later", "get USCE now": clinical first, said without a comparison word.
_LATER = re.compile(
    rf"\b{_RESEARCH}\s+(?:\w+\s+){{0,2}}(?:comes?\s+later|can\s+wait|later|second|afterwards?)\b"
)
_URGENT = re.compile(
    rf"\b{_CLINICAL}(?:\s+experience)?\s*,?\s+(?:now|urgently|asap|immediately)\b"
    rf"|\b{_CLINICAL}(?:\s+experience)?\s+(?:is|are)\s+(?:\w+\s+)?urgent\b"
)
# Telling the reader the clinical part is done ("You already solved the USCE problem", "You
# already have good USCE locked in") says research is next: said to someone the rules send to
# clinical work, it is false of them. (A condition, "if you already have USCE", returned above.)
_CLINICAL_DONE = re.compile(
    r"\byou(?:'ve|’ve| have)? already (?:have|got|solved|done|finished|secured|locked in)\b"
    r"(?:\s+\S+){0,3}?\s+\W?(?:usce|handson)\b(?!\W*\s+(?:letters?|lors?)\b)"
)
# Between an advice cue and the thing advised, a comparison word means the thing may be the
# loser ("it should come before research"): left to the comparison rule.
_COMPARATIVE_GAP = re.compile(r"\b(?:before|over|than|instead|rather|after|ahead)\b")
# "Once you have USCE, research is the next step": a general sequence, clinical then research,
# consistent with every verdict. Not when the condition is negated ("if you have no USCE").
_CONDITIONAL = re.compile(
    rf"\b(?:once|after|when|if)\s+you(?:'ve|\s+have|\s+already\s+have|\s+get|\s+complete|"
    rf"\s+finish|\s+secure)\b(?P<cond>[^,;]{{0,40}}?)\b{_CLINICAL}"
)


def _name(match: re.Match[str]) -> str:
    return "research" if match.group("research") else "clinical"


def _as_stance(entity: str) -> Stance:
    return Stance.RESEARCH_FIRST if entity == "research" else Stance.CLINICAL_FIRST


# Cached: the composer checks every candidate quote of every answer, and quotes repeat.
@lru_cache(maxsize=65_536)
def stances(sentence: str) -> frozenset[Stance]:
    """The recommendations a sentence makes about research versus clinical experience.

    Args:
        sentence: One answer sentence; citation markers are ignored.

    Returns:
        The stances found (empty for a neutral or purely factual sentence).
    """
    canonical = canonical_form(strip_markers(sentence))
    found: set[Stance] = set()
    compensates = _COMPENSATES.search(canonical)
    if compensates and is_negated(canonical[: compensates.end()]):
        compensates = None  # "no amount of research makes up for…"
    if compensates or _DROP_CLINICAL.search(canonical):
        found.add(Stance.DROP_CLINICAL)
    entities = {_name(m) for m in _ENTITY.finditer(canonical)}
    if _BOTH.search(canonical) and entities >= {"research", "clinical"}:
        found.add(Stance.BOTH)
    conditional = _CONDITIONAL.search(canonical)
    if conditional and not is_negated(conditional.group("cond") + " " + conditional.group()):
        return frozenset(found)  # a general sequence, clinical first by construction
    if _LATER.search(canonical) or _URGENT.search(canonical):
        found.add(Stance.CLINICAL_FIRST)
    if _CLINICAL_DONE.search(canonical):
        found.add(Stance.RESEARCH_FIRST)  # "you already solved the USCE problem": research next
    pair = comparison_of(canonical)
    if pair is not None:
        found.add(_as_stance(pair[0]))
        return frozenset(found)
    if (preferred := preference_of(canonical)) is not None:
        found.add(_as_stance(preferred))
    # Negation is judged on the words between the cue and the thing advised, so "if you have
    # no USCE, research is the best step" still recommends research.
    for m in _ADVISE.finditer(canonical):
        after = _ENTITY.search(canonical, m.end(), m.end() + 50)
        if after is None:
            continue
        gap = canonical[m.end() : after.start()]
        if not _COMPARATIVE_GAP.search(gap) and not is_negated(
            canonical[max(0, m.start() - 12) : after.start()]
        ):
            found.add(_as_stance(_name(after)))
        break
    for m in _VERDICTIVE.finditer(canonical):
        before = list(_ENTITY.finditer(canonical, max(0, m.start() - 40), m.start()))
        if not before:
            continue
        if not is_negated(canonical[before[-1].start() : m.end()]):
            found.add(_as_stance(_name(before[-1])))
        break
    return frozenset(found)


def contradiction(sentence: str, verdict: Verdict | None) -> Stance | None:
    """The stance of `sentence` that contradicts `verdict`, if any.

    Args:
        sentence: One answer sentence.
        verdict: The rules' verdict, or None (then nothing can contradict it).

    Returns:
        The first contradicting stance, or None.
    """
    if verdict is None:
        return None
    bad = stances(sentence) & CONTRADICTS[verdict]
    return min(bad) if bad else None


def personal_advice(sentence: str) -> bool:
    """True when a sentence tells *this* reader what to do first ("you should do research")."""
    text = strip_markers(sentence).lower()
    return bool(re.search(r"\byou(?:r|'re|'ll)?\b|\bi\s+recommend\b", text)) and bool(
        stances(sentence) - {Stance.BOTH}
    )
