"""The sub-question probes (evals/datasets/subquestions_a.jsonl, subquestions_b.jsonl): well
formed, the split fixed by id before any tuning (b: all held-out), every ask's words found in its
message, every gold phrase verbatim on one line of its article, and the scoring of a real
answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.subquestion_probe import gold_spans, load, score_rows

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = {p.stem: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt")}


FILES = {"subquestions_a.jsonl": 120, "subquestions_b.jsonl": 96}


@pytest.mark.parametrize(("name", "size"), FILES.items())
def test_messages_are_well_formed_with_the_split_fixed_by_id(name: str, size: int) -> None:
    rows = load("all", [name])
    assert len(rows) == size and len({r["id"] for r in rows}) == size
    for row in rows:
        number = int(row["id"].split("-")[1])
        held_out = name == "subquestions_b.jsonl" or number % 3 == 0
        assert row["split"] == ("heldout" if held_out else "dev"), row["id"]
        assert 2 <= len(row["sub_questions"]) <= 4, row["id"]
        for sub in row["sub_questions"]:
            assert sub["quote"] and sub["quote"] in row["question"], (row["id"], sub["quote"])
            assert bool(sub["gold"]) == sub["covered"], (row["id"], sub["quote"])
    subs = [s for r in rows for s in r["sub_questions"]]
    assert 0.5 <= sum(s["covered"] for s in subs) / len(subs) <= 0.7


@pytest.mark.parametrize("name", FILES)
def test_every_gold_phrase_is_verbatim_on_one_line_of_its_article(name: str) -> None:
    for row in load("all", [name]):
        for sub in row["sub_questions"]:
            for gold in sub["gold"]:
                lines = ARTICLES[gold["doc_id"]].splitlines()
                assert any(gold["phrase"] in line for line in lines), (row["id"], gold["phrase"])
                assert gold_spans({"gold": [gold]}, ARTICLES), (row["id"], gold["phrase"])


def test_a_real_answers_asks_are_scored_one_by_one() -> None:
    """A hand-made answer to the first dev message: its first covered ask answered by a direct
    answer citing one of its gold passages; nothing named, so no uncovered ask is named."""
    row = next(r for r in load("dev") if r["sub_questions"][0]["covered"])
    gold = row["sub_questions"][0]["gold"][0]
    start = ARTICLES[gold["doc_id"]].index(gold["phrase"])
    citation = {
        "n": 1,
        "doc_id": gold["doc_id"],
        "start": start,
        "end": start + len(gold["phrase"]),
    }
    answer = {
        "blocks": [{"kind": "direct_answer", "text": "… [1]", "citations": [1]}],
        "citations": [citation],
    }
    ((_, scores),) = score_rows([row], {row["id"]: answer}, ARTICLES)
    assert scores[0].answered and not any(s.named for s in scores)
