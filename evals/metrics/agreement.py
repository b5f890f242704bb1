"""Agreement of the support scorer with hand-labelled (sentence, passage, supported) pairs (pure).

"Supported" is the positive class. Accuracy is the share of pairs where scorer and label agree.
Precision and recall are about supported verdicts. A scorer that calls wrong sentences supported
has low precision, which is the failure that lets an unsupported answer through. Cohen's kappa
corrects accuracy for chance agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evals.metrics.ratio import Ratio


@dataclass(frozen=True)
class Agreement:
    """Confusion counts and the figures derived from them."""

    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def total(self) -> int:
        return self.true_pos + self.false_pos + self.false_neg + self.true_neg

    @property
    def accuracy(self) -> Ratio:
        return Ratio(self.true_pos + self.true_neg, self.total)

    @property
    def precision(self) -> Ratio:
        return Ratio(self.true_pos, self.true_pos + self.false_pos)

    @property
    def recall(self) -> Ratio:
        return Ratio(self.true_pos, self.true_pos + self.false_neg)

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa; None when undefined (no pairs, or chance agreement is certain)."""
        n = self.total
        if not n:
            return None
        observed = (self.true_pos + self.true_neg) / n
        label_pos = (self.true_pos + self.false_neg) / n
        said_pos = (self.true_pos + self.false_pos) / n
        chance = label_pos * said_pos + (1 - label_pos) * (1 - said_pos)
        return None if chance == 1 else (observed - chance) / (1 - chance)


def agreement(labels: Sequence[bool], predictions: Sequence[bool]) -> Agreement:
    """Confusion counts of `predictions` against `labels` (same order, same length).

    Args:
        labels: Hand labels: does the passage support the sentence?
        predictions: The scorer's verdicts.

    Returns:
        The `Agreement`.
    """
    if len(labels) != len(predictions):
        raise ValueError(f"{len(labels)} labels but {len(predictions)} predictions")
    pairs = list(zip(labels, predictions, strict=True))
    return Agreement(
        true_pos=sum(1 for y, p in pairs if y and p),
        false_pos=sum(1 for y, p in pairs if not y and p),
        false_neg=sum(1 for y, p in pairs if y and not p),
        true_neg=sum(1 for y, p in pairs if not y and not p),
    )
