"""A share with its counts kept, so figures pool across cases and splits exactly (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """`hits` out of `total`; `value` is None when nothing was counted (undefined, not 0).

    Attributes:
        hits: How many items passed.
        total: How many items were judged.
    """

    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.hits + other.hits, self.total + other.total)

    @classmethod
    def of(cls, flags: Iterable[bool]) -> Ratio:
        """The share of true flags."""
        items = list(flags)
        return cls(sum(1 for f in items if f), len(items))

    @classmethod
    def pooled(cls, ratios: Iterable[Ratio]) -> Ratio:
        """Micro-average: counts summed before dividing."""
        return sum(ratios, cls())
