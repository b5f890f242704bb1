"""The intent probe's data (evals/datasets/intent_pairs.jsonl): pairs that differ in one label,
split by pair as fixed before it was written."""

from __future__ import annotations

from collections import defaultdict

from evals.intent_probe import load


def test_every_pair_has_one_decision_and_one_information_message_in_one_split() -> None:
    rows = load("all")
    assert len(rows) == 240 and len({r["id"] for r in rows}) == 240
    pairs: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        pairs[row["pair"]].append(row)
        assert row["message"].strip()
        assert ("history" in row) == (row["family"] == "follow_up"), row["id"]
    for number, pair in pairs.items():
        assert sorted(r["prioritisation"] for r in pair) == [False, True], number
        split = "heldout" if number % 3 == 0 else "dev"
        assert {r["split"] for r in pair} == {split}, number


def test_the_splits_partition_the_probe() -> None:
    dev, heldout = load("dev"), load("heldout")
    assert len(dev) == 160 and len(heldout) == 80
    assert not {r["id"] for r in dev} & {r["id"] for r in heldout}
