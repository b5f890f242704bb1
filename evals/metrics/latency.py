"""Latency percentiles (pure).

Percentiles use linear interpolation between the two nearest ranks, numpy's default, so p50 of
an even count is the mean of the middle two.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) of `values`; None when there are none.

    Args:
        values: Measurements, in any order.
        q: Percentile, 0 to 100.

    Returns:
        The interpolated percentile, or None for no values.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def p50_p95(values: Sequence[float]) -> tuple[float | None, float | None]:
    """Median and 95th percentile."""
    return percentile(values, 50), percentile(values, 95)
