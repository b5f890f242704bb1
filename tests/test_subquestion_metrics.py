"""The sub-question metrics (evals/metrics/subquestions.py) on hand-made answers."""

from __future__ import annotations

from typing import Any

from evals.metrics.retrieval import Span
from evals.metrics.subquestions import quotes_it, score_message, summarize

GOLD = [Span("doc", 100, 160)]
SUBS = [
    {"quote": "how many letters do I need", "covered": True},
    {"quote": "when is the ERAS deadline this year", "covered": False},
]


def answer(blocks: list[dict[str, Any]], cited: dict[int, tuple[int, int]]) -> dict[str, Any]:
    citations = [{"n": n, "doc_id": "doc", "start": a, "end": b} for n, (a, b) in cited.items()]
    return {"blocks": blocks, "citations": citations}


def note(asked: str) -> dict[str, Any]:
    return {"kind": "notice", "code": "not_covered", "text": f"Not answered here: “{asked}”."}


def test_an_answer_cites_gold_and_names_the_uncovered_ask() -> None:
    a = answer(
        [
            {"kind": "direct_answer", "text": "2–3 letters [1]", "citations": [1], "asks": "x"},
            note("when is the ERAS deadline this yr"),
        ],
        {1: (100, 160)},
    )
    scores = score_message(a, SUBS, [GOLD, []])
    assert [(s.answered, s.named) for s in scores] == [(True, False), (False, True)]
    figures = summarize(scores)
    assert figures["sub_questions_addressed"]["value"] == 1.0
    assert figures["covered_wrongly_named"]["value"] == 0.0


def test_gold_only_in_the_trailing_quotes_does_not_answer() -> None:
    a = answer(
        [
            {"kind": "direct_answer", "text": "Something else [1]", "citations": [1]},
            {"kind": "evidence", "items": [{"text": "“q” [2]", "citations": [2]}]},
        ],
        {1: (0, 50), 2: (100, 160)},
    )
    scores = score_message(a, SUBS, [GOLD, []])
    assert [(s.answered, s.named) for s in scores] == [(False, False), (False, False)]
    assert summarize(scores)["sub_questions_addressed"]["value"] == 0.0


def test_a_covered_ask_named_as_not_covered_is_counted_wrong() -> None:
    a = answer([note("how many US letters do I need?")], {})
    scores = score_message(a, SUBS, [GOLD, []])
    assert scores[0].named and not scores[0].answered
    assert summarize(scores)["covered_wrongly_named"]["hits"] == 1


def test_a_declined_message_names_every_ask() -> None:
    a = {"blocks": [], "citations": [], "abstained": True}
    assert all(s.named for s in score_message(a, SUBS, [GOLD, []]))


def test_a_note_quotes_an_ask_by_its_content_words() -> None:
    assert quotes_it("when is the ERAS deadline this yr", "when is the ERAS deadline this year")
    assert not quotes_it("how much does a visa cost", "when is the ERAS deadline this year")
    assert not quotes_it("is it ok?", "is that ok?")  # nothing but filler: no match
