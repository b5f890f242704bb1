"""Loading eval cases (evals/datasets/*.jsonl) as plain data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATASETS = Path(__file__).resolve().parent / "datasets"
QUESTIONS = DATASETS / "questions.jsonl"
SUPPORT_PAIRS = DATASETS / "support_pairs.jsonl"
# Every other passage of the articles that answers each eval question (the articles repeat their
# advice), labelled by a helper who read only the articles and the questions (issue 17).
MORE_GOLD = DATASETS / "questions_gold_more.jsonl"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_cases(path: Path = QUESTIONS, split: str = "all") -> list[dict[str, Any]]:
    """Cases of one split: `dev` (tune on it), `heldout` (never tune on it) or `all`."""
    if split not in ("dev", "heldout", "all"):
        raise ValueError(f"split must be dev, heldout or all, not {split!r}")
    cases = load_jsonl(path)
    if path == QUESTIONS and MORE_GOLD.exists():
        more = {row["id"]: row.get("also_gold") or [] for row in load_jsonl(MORE_GOLD)}
        cases = [
            {**c, "gold": [*c["gold"], *more.get(c["id"], [])]} if c.get("gold") else c
            for c in cases
        ]
    return [c for c in cases if split == "all" or c.get("split") == split]


def retrieval_query(case: dict[str, Any]) -> str:
    """The text a retriever sees: the question, plus earlier user turns for follow-ups."""
    turns = [t["content"] for t in case.get("history") or [] if t.get("role") == "user"]
    return " ".join([*turns, case["question"]])
