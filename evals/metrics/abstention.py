"""Abstention precision and recall (pure).

Abstaining is the positive class. Precision: of the answers that abstained, the share that
should have. Recall: of the cases that should abstain (out of scope), the share that did.
Precision is undefined (None) for a backend that never abstains, and recall is undefined for a
split with no out-of-scope case. An undefined value never passes a gate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evals.metrics.ratio import Ratio


@dataclass(frozen=True)
class AbstentionScores:
    precision: Ratio
    recall: Ratio


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> AbstentionScores:
    """Precision and recall from (expected to abstain, did abstain) pairs."""
    items = list(pairs)
    true_pos = sum(1 for want, did in items if want and did)
    return AbstentionScores(
        precision=Ratio(true_pos, sum(1 for _, did in items if did)),
        recall=Ratio(true_pos, sum(1 for want, _ in items if want)),
    )
