"""Does the answer answer? Metrics over an Answer and multi-passage gold (issue 18; pure).

Verbatim quotes support themselves, so citation validity says nothing about whether the answer
addresses the question. These figures do, against gold that lists every passage of the articles
that answers (the articles repeat their advice):

- evidence recall: the answer cites at least one gold passage;
- lead relevance: the answer's lead (its first direct answer or recommendation) cites a gold
  passage;
- numeric answered: for a "how long / how many" question, the lead or one of the direct answers
  holds a number that a gold passage holds;
- facts request only: an information question answered with nothing but a request for facts;
- facts asked on information: an information question (no decision in it) whose answer asks for
  the applicant's facts at all (a needless "Which applies to you?");
- plan steps supported: each plan step is judged supported by the sentences it cites;
- follow-up repeats: a follow-up that asks something else than the decision (labelled so),
  whose answer shows the earlier turn's recommendation block again although no fact changed
  (the same verdict and the same facts read); counted over those follow-ups whose earlier
  turn, answered on its own, got a recommendation.

A citation and a gold passage match when they are in the same document and overlap by at least
half of the shorter of the two (quotes are sentences; gold phrases are sentences or parts).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.text.support import strip_markers, support
from evals.metrics.retrieval import Span

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


# "How long / how many" in a case without a `numeric` label.
_NUMERIC_ASK = re.compile(r"\bhow\s+(?:many|long|much|recent|old)\b", re.I)


def case_kind(case: Mapping[str, Any]) -> str:
    """decision | follow_up | information | multi_part: the label, or read from the case."""
    if case.get("kind"):
        return str(case["kind"])
    if case.get("expected_verdict") or case.get("expected_missing"):
        return "decision"
    return "follow_up" if case.get("history") else "information"


def asks_number(case: Mapping[str, Any]) -> bool:
    if "numeric" in case:
        return bool(case["numeric"])
    return bool(_NUMERIC_ASK.search(str(case.get("question", ""))))


@dataclass(frozen=True)
class AnswerScore:
    """One case's figures; None where the metric does not apply to the case."""

    evidence: bool | None
    lead: bool | None
    numeric: bool | None
    facts_only: bool | None
    facts_asked: bool | None
    plan_steps: int
    plan_supported: int
    repeats: bool | None = None


def matches(cited: Span, gold: Span) -> bool:
    if cited.doc_id != gold.doc_id:
        return False
    overlap = min(cited.end, gold.end) - max(cited.start, gold.start)
    shorter = min(cited.end - cited.start, gold.end - gold.start)
    return overlap > 0 and overlap >= 0.5 * shorter


def numbers(text: str) -> set[str]:
    """The numbers of a text, as written ("8–12" gives 8 and 12)."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def lead_block(blocks: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The block that answers first: the first direct answer or recommendation."""
    for block in blocks:
        if block.get("kind") in ("direct_answer", "recommendation"):
            return block
    return None


def score_answer(
    answer: Mapping[str, Any],
    gold: Sequence[Span],
    gold_texts: Sequence[str],
    *,
    kind: str,
    numeric: bool,
    plan_support: Sequence[bool] = (),
    earlier: Mapping[str, Any] | None = None,
) -> AnswerScore:
    """Score one Answer (as JSON) against its gold spans and their texts; `earlier`: for a
    follow-up, the Answer its earlier turn got on its own (`earlier_turn`)."""
    spans = {c["n"]: Span(c["doc_id"], c["start"], c["end"]) for c in answer.get("citations") or []}
    blocks = answer.get("blocks") or []

    def cites_gold(numbers_cited: Sequence[int]) -> bool:
        return any(matches(spans[n], g) for n in numbers_cited if n in spans for g in gold)

    lead = lead_block(blocks)
    lead_refs = list(lead.get("citations") or []) if lead else []
    if lead is not None and lead.get("kind") == "recommendation":
        lead_refs += [n for item in lead.get("items") or [] for n in item.get("citations") or []]
    gold_numbers = set().union(*(numbers(t) for t in gold_texts)) if gold_texts else set()
    kinds = {b.get("kind") for b in blocks}
    # the blocks that answer: the lead and every direct answer (a multi-part message's "how
    # many …?" is answered by its own direct answer)
    answering = [b for b in blocks if b.get("kind") == "direct_answer"] + ([lead] if lead else [])
    information = kind in ("information", "multi_part")
    return AnswerScore(
        evidence=cites_gold(list(spans)) if gold else None,
        # an answer without blocks (the naive pipeline's) has no lead to judge
        lead=cites_gold(lead_refs) if gold and blocks else None,
        # (citation markers are not numbers of the answer: "[6]" does not answer "6–12 months")
        numeric=(
            any(numbers(strip_markers(b.get("text", ""))) & gold_numbers for b in answering)
            if numeric
            else None
        ),
        facts_only=(
            "missing_facts" in kinds and not kinds & {"direct_answer", "recommendation"}
            if information and blocks
            else None
        ),
        facts_asked="missing_facts" in kinds if kind == "information" and blocks else None,
        plan_steps=len(plan_support),
        plan_supported=sum(plan_support),
        repeats=repeats_recommendation(answer, earlier) if earlier is not None else None,
    )


def asks_decision(case: Mapping[str, Any]) -> bool:
    """Whether the case asks what this applicant should do: its label, or a verdict expected."""
    if "prioritisation" in case:
        return bool(case["prioritisation"])
    return bool(case.get("expected_verdict") or case.get("expected_missing"))


def earlier_turn(case: Mapping[str, Any]) -> dict[str, Any] | None:
    """The earlier question of a follow-up that asks something else than the decision ("ok and
    how many letters do I need?"), as a case of its own: its last user turn, with the turns
    before it as history. None for any other case: a follow-up that asks the decision again is
    answered by the recommendation, so showing it is no repeat."""
    if asks_decision(case):
        return None
    history = list(case.get("history") or [])
    users = [i for i, turn in enumerate(history) if turn.get("role", "user") == "user"]
    if not users:
        return None
    last = users[-1]
    return {
        "question": str(history[last].get("content", "")),
        "history": history[:last],
        "profile": case.get("profile"),
    }


def _recommendation(answer: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((b for b in answer.get("blocks") or [] if b.get("kind") == "recommendation"), None)


def repeats_recommendation(answer: Mapping[str, Any], earlier: Mapping[str, Any]) -> bool | None:
    """Whether a follow-up's answer shows the earlier turn's recommendation block again with
    nothing changed: the same verdict from the same facts read. None when the earlier turn got
    no recommendation, so there is nothing to repeat."""
    before = _recommendation(earlier)
    if before is None:
        return None
    now = _recommendation(answer)
    return (
        now is not None
        and now.get("verdict") == before.get("verdict")
        and (answer.get("profile") or {}) == (earlier.get("profile") or {})
    )


DEFINITIONS: dict[str, str] = {
    "evidence_recall": "the answer cites at least one passage that answers the question "
    "(multi-passage gold)",
    "lead_relevance": "the answer's lead (its first direct answer or recommendation) cites such "
    "a passage",
    "numeric_answered": "a 'how long / how many' question's lead or one of its direct answers "
    "holds a number a gold passage holds",
    "facts_request_only": "information questions answered only with a request for facts "
    "(lower is better)",
    "facts_asked_on_information": "information questions (no decision in them) whose answer "
    "asks for the applicant's facts at all (lower is better)",
    "plan_steps_supported": "plan steps the support scorer judges supported by their citations",
    "follow_up_repeats": "follow-ups that ask something else than the decision, whose answer "
    "shows the earlier turn's recommendation again with the same verdict and the same facts "
    "read, of those whose earlier turn got one (lower is better)",
}


def plan_support(answer: Mapping[str, Any]) -> list[bool]:
    """Each plan step judged against the sentences it cites, joined."""
    quotes = {c["n"]: c["quote"] for c in answer.get("citations") or []}
    out = []
    for block in answer.get("blocks") or []:
        if block.get("kind") != "plan":
            continue
        for item in block.get("items") or []:
            cited = "\n".join(quotes[n] for n in item.get("citations") or [] if n in quotes)
            text = strip_markers(item["text"])
            out.append(bool(cited) and support(text, cited).supported)
    return out


def summarize(scores: Sequence[AnswerScore]) -> dict[str, Any]:
    """Shares over the cases each metric applies to, with their counts."""

    def share(values: list[bool | None]) -> dict[str, Any]:
        counted = [v for v in values if v is not None]
        hits = sum(counted)
        return {
            "value": round(hits / len(counted), 3) if counted else None,
            "hits": hits,
            "total": len(counted),
        }

    steps = sum(s.plan_steps for s in scores)
    return {
        "evidence_recall": share([s.evidence for s in scores]),
        "lead_relevance": share([s.lead for s in scores]),
        "numeric_answered": share([s.numeric for s in scores]),
        "facts_request_only": share([s.facts_only for s in scores]),
        "facts_asked_on_information": share([s.facts_asked for s in scores]),
        "plan_steps_supported": {
            "value": round(sum(s.plan_supported for s in scores) / steps, 3) if steps else None,
            "hits": sum(s.plan_supported for s in scores),
            "total": steps,
        },
        "follow_up_repeats": share([s.repeats for s in scores]),
    }
