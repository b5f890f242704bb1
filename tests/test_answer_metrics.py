"""The answer metrics (evals/metrics/answers.py): evidence recall, lead relevance, numbers,
facts-request-only, on hand-made answers."""

from __future__ import annotations

from typing import Any

from evals.metrics.answers import case_kind, earlier_turn, score_answer, summarize
from evals.metrics.retrieval import Span

GOLD = [Span("doc", 100, 160)]
TEXTS = ["Research blocks of 6–12 months are typical after USCE."]


def answer(blocks: list[dict[str, Any]], cited: dict[int, tuple[int, int]]) -> dict[str, Any]:
    citations = [
        {"n": n, "doc_id": "doc", "start": a, "end": b, "quote": "q"} for n, (a, b) in cited.items()
    ]
    return {"blocks": blocks, "citations": citations}


def test_a_lead_that_cites_gold_with_its_number() -> None:
    a = answer(
        [{"kind": "direct_answer", "text": "6–12 months [1]", "citations": [1]}], {1: (100, 160)}
    )
    s = score_answer(a, GOLD, TEXTS, kind="information", numeric=True)
    assert (s.evidence, s.lead, s.numeric, s.facts_only) == (True, True, True, False)


def test_gold_cited_only_in_the_evidence_is_not_a_relevant_lead() -> None:
    a = answer(
        [
            {"kind": "direct_answer", "text": "Something else [1]", "citations": [1]},
            {"kind": "evidence", "items": [{"text": "q [2]", "citations": [2]}]},
        ],
        {1: (0, 50), 2: (110, 150)},
    )
    s = score_answer(a, GOLD, TEXTS, kind="information", numeric=True)
    assert (s.evidence, s.lead, s.numeric) == (True, False, False)


def test_a_request_for_facts_alone_is_counted_for_information_questions() -> None:
    a = answer([{"kind": "missing_facts", "text": "Tell me more", "items": []}], {})
    s = score_answer(a, GOLD, TEXTS, kind="information", numeric=False)
    assert s.facts_only is True and s.evidence is False
    assert score_answer(a, GOLD, TEXTS, kind="decision", numeric=False).facts_only is None


def test_any_request_for_facts_on_an_information_question_is_counted() -> None:
    """An answer that answers, then asks "Which applies to you?" of a question without a
    decision in it, still asks needlessly; of a multi-part or decision question it may not."""
    a = answer(
        [
            {"kind": "direct_answer", "text": "6–12 months [1]", "citations": [1]},
            {"kind": "missing_facts", "text": "Which applies to you?", "items": []},
        ],
        {1: (100, 160)},
    )
    assert score_answer(a, GOLD, TEXTS, kind="information", numeric=False).facts_asked is True
    assert score_answer(a, GOLD, TEXTS, kind="multi_part", numeric=False).facts_asked is None
    plain = answer([{"kind": "direct_answer", "text": "x [1]", "citations": [1]}], {1: (0, 9)})
    assert score_answer(plain, GOLD, TEXTS, kind="information", numeric=False).facts_asked is False


def test_an_answer_without_blocks_has_no_lead_to_judge() -> None:
    a = answer([], {1: (100, 160)})
    s = score_answer(a, GOLD, TEXTS, kind="information", numeric=False)
    assert s.evidence is True and s.lead is None and s.facts_only is None
    assert summarize([s])["lead_relevance"]["value"] is None


def test_kind_from_the_case() -> None:
    assert case_kind({"kind": "multi_part"}) == "multi_part"
    assert case_kind({"expected_verdict": "USCE_FIRST"}) == "decision"
    assert case_kind({"history": [{"role": "user", "content": "x"}]}) == "follow_up"
    assert case_kind({"question": "what is a sub-I?"}) == "information"


def test_a_citation_marker_is_not_a_number_of_the_answer() -> None:
    a = answer(
        [{"kind": "direct_answer", "text": "It depends [6]", "citations": [6]}], {6: (100, 160)}
    )
    s = score_answer(a, GOLD, TEXTS, kind="information", numeric=True)
    assert s.lead is True and s.numeric is False


def _rec(verdict: str) -> dict[str, Any]:
    return {"kind": "recommendation", "verdict": verdict, "text": "USCE first. [1]"}


def test_a_follow_up_repeats_an_unchanged_recommendation() -> None:
    """Shown again with the same verdict from the same facts: a repeat. A fact that changed,
    or a verdict that moved, makes it news; no recommendation before, nothing to repeat."""
    before = {"blocks": [_rec("USCE_FIRST")], "profile": {"usce_months": 1}}
    again = {"blocks": [_rec("USCE_FIRST")], "profile": {"usce_months": 1}, "citations": []}
    answered = {"blocks": [{"kind": "direct_answer", "text": "x"}], "profile": {"usce_months": 1}}
    changed = {"blocks": [_rec("USCE_FIRST")], "profile": {"usce_months": 2}, "citations": []}
    moved = {"blocks": [_rec("ADD_RESEARCH")], "profile": {"usce_months": 1}, "citations": []}

    def repeats(now: dict[str, Any], earlier: dict[str, Any]) -> bool | None:
        return score_answer(
            now, GOLD, TEXTS, kind="follow_up", numeric=False, earlier=earlier
        ).repeats

    assert repeats(again, before) is True
    assert repeats(answered, before) is False
    assert repeats(changed, before) is False
    assert repeats(moved, before) is False
    assert repeats(again, {"blocks": [], "profile": {}}) is None
    assert score_answer(again, GOLD, TEXTS, kind="follow_up", numeric=False).repeats is None
    pooled = summarize(
        [score_answer(again, GOLD, TEXTS, kind="follow_up", numeric=False, earlier=before)]
    )
    assert pooled["follow_up_repeats"] == {"value": 1.0, "hits": 1, "total": 1}


def test_a_follow_ups_earlier_turn_is_its_last_user_turn() -> None:
    history = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "reply"},
        {"role": "user", "content": "second"},
        {"role": "assistant", "content": "reply 2"},
    ]
    earlier = earlier_turn({"question": "third", "history": history})
    assert earlier is not None
    assert earlier["question"] == "second" and earlier["history"] == history[:2]
    assert earlier_turn({"question": "alone"}) is None
    # a follow-up that asks the decision again is answered by the recommendation: no repeat
    assert (
        earlier_turn({"question": "so what first?", "history": history, "prioritisation": True})
        is None
    )
    assert (
        earlier_turn({"question": "x", "history": history, "expected_verdict": "USCE_FIRST"})
        is None
    )
