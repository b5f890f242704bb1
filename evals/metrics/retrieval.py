"""Retrieval metrics over span-level gold evidence (pure).

A retrieved item is relevant to a gold phrase when it is from the same document and its span
covers at least half of the phrase's span: fair to chunkers of any size, including the naive
baseline whose chunks overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int


def covers(item: Span, gold: Span, min_fraction: float = 0.5) -> bool:
    if item.doc_id != gold.doc_id:
        return False
    overlap = min(item.end, gold.end) - max(item.start, gold.start)
    return overlap > 0 and overlap >= min_fraction * (gold.end - gold.start)


def first_relevant_rank(ranked: Sequence[Span], gold: Sequence[Span]) -> int | None:
    for rank, item in enumerate(ranked, start=1):
        if any(covers(item, g) for g in gold):
            return rank
    return None


def hit_at_k(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    rank = first_relevant_rank(ranked[:k], gold)
    return 1.0 if rank is not None else 0.0


def recall_at_k(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    if not gold:
        return 0.0
    found = sum(1 for g in gold if any(covers(item, g) for item in ranked[:k]))
    return found / len(gold)


def reciprocal_rank(ranked: Sequence[Span], gold: Sequence[Span]) -> float:
    rank = first_relevant_rank(ranked, gold)
    return 1.0 / rank if rank else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
