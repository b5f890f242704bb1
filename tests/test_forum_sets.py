"""The eight independent forum sets (evals/datasets/forum_gold*.jsonl): well formed, their split
fixed by id before any tuning, every gold phrase verbatim on one line of its article, and no
held-out question a near-copy of a dev one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETS = [
    "forum_gold.jsonl",
    "forum_gold_b.jsonl",
    "forum_gold_c.jsonl",
    "forum_gold_d.jsonl",
    "forum_gold_e.jsonl",
    "forum_gold_f.jsonl",
    "forum_gold_g.jsonl",
    "forum_gold_h.jsonl",
    "forum_gold_i.jsonl",
]
KINDS = {"decision", "information", "multi_part", "follow_up"}
ARTICLES = {
    p.stem: p.read_text(encoding="utf-8").splitlines() for p in (ROOT / "corpus").glob("*.txt")
}


def rows(name: str) -> list[dict]:
    path = ROOT / "evals" / "datasets" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


@pytest.mark.parametrize("name", SETS)
def test_cases_are_well_formed_with_the_split_fixed_by_id(name: str) -> None:
    cases = rows(name)
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        number = int(case["id"].split("-")[1])
        assert case["split"] == ("heldout" if number % 3 == 0 else "dev"), case["id"]
        assert case["kind"] in KINDS, case["id"]
        assert case["question"].strip() and case["answer"].strip(), case["id"]
        assert isinstance(case["numeric"], bool), case["id"]
        assert bool(case.get("history")) == (case["kind"] == "follow_up"), case["id"]
        if case["kind"] == "multi_part":
            assert len(case.get("sub_questions") or []) >= 2, case["id"]
    assert {c["kind"] for c in cases if c["split"] == "heldout"} == KINDS


@pytest.mark.parametrize("name", SETS)
def test_every_gold_phrase_is_verbatim_on_one_line_of_its_article(name: str) -> None:
    for case in rows(name):
        assert case["gold"], case["id"]
        for gold in case["gold"]:
            lines = ARTICLES[gold["doc_id"]]
            assert any(gold["phrase"] in line for line in lines), (case["id"], gold["phrase"])


@pytest.mark.parametrize("name", SETS)
def test_no_held_out_question_is_a_near_copy_of_a_dev_question(name: str) -> None:
    cases = rows(name)
    dev = [tokens(c["question"]) for c in cases if c["split"] == "dev"]
    for case in (c for c in cases if c["split"] == "heldout"):
        mine = tokens(case["question"])
        closest = max(len(mine & other) / len(mine | other) for other in dev)
        assert closest < 0.6, (case["id"], closest)


@pytest.mark.parametrize(
    "name",
    [
        "forum_gold_c.jsonl",
        "forum_gold_d.jsonl",
        "forum_gold_e.jsonl",
        "forum_gold_f.jsonl",
        "forum_gold_g.jsonl",
        "forum_gold_h.jsonl",
        "forum_gold_i.jsonl",
    ],
)
def test_the_verdict_labels_are_consistent(name: str) -> None:
    verdicts = {"USCE_URGENT", "USCE_FIRST", "RESEARCH_AND_USCE", "ADD_RESEARCH", None}
    for case in rows(name):
        assert isinstance(case["prioritisation"], bool), case["id"]
        assert case["expected_verdict"] in verdicts, case["id"]
        assert case["verdict_why"].strip(), case["id"]
        if not case["prioritisation"]:
            assert case["expected_verdict"] is None and not case["expected_missing"], case["id"]
        if case["expected_verdict"] is not None:
            assert not case["expected_missing"], case["id"]
