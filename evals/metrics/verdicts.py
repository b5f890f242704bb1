"""Verdict accuracy against the labelled cases (pure).

A case has a verdict expectation when it is a prioritisation question. Either the labels name a
verdict, or they mark the deciding facts as missing (`expected_missing`). Verdict accuracy is
the share of those cases answered correctly:

- expected verdict V: the answer's recommendation is V;
- expected missing: no recommendation, and the answer names the missing facts.

Other cases (factual questions, out of scope) have no expectation. A verdict given there is
counted separately as spurious: reported, not part of accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable

from evals.metrics.ratio import Ratio


def verdict_correct(
    expected: str | None, expected_missing: bool, got: str | None, named_missing: bool
) -> bool | None:
    """Whether the verdict is right; None when the case has no verdict expectation.

    Args:
        expected: The labelled verdict, or None.
        expected_missing: The labels say the deciding facts are missing.
        got: The answer's verdict, or None.
        named_missing: The answer lists the facts that would decide it.

    Returns:
        True or False for prioritisation cases, None otherwise.
    """
    if expected is not None:
        return got == expected
    if expected_missing:
        return got is None and named_missing
    return None


def spurious_verdict(expected: str | None, expected_missing: bool, got: str | None) -> bool:
    """A verdict on a case that expects none (not a prioritisation question)."""
    return expected is None and not expected_missing and got is not None


def verdict_accuracy(results: Iterable[bool | None]) -> Ratio:
    """Share of correct verdicts among cases with an expectation (None entries are skipped)."""
    return Ratio.of(r for r in results if r is not None)
