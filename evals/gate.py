"""The CI gate: a backend's summary figures against evals/thresholds.toml.

A figure that is undefined (None) never passes. A gated backend that was not run does not pass
either: a gate that was never checked has not been passed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evals.scoring import Figure

THRESHOLDS = Path(__file__).resolve().with_name("thresholds.toml")


@dataclass(frozen=True)
class Check:
    """One figure of one backend against its threshold."""

    backend: str
    metric: str
    op: str  # ">=" or "<="
    threshold: float
    value: float | None
    hits: int | None = None
    total: int | None = None
    note: str = ""

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.threshold if self.op == ">=" else self.value <= self.threshold

    @property
    def shortfall(self) -> float | None:
        """How far the value is on the wrong side of the threshold (None when undefined)."""
        if self.value is None:
            return None
        gap = self.threshold - self.value if self.op == ">=" else self.value - self.threshold
        return max(0.0, gap)

    def describe(self) -> str:
        """One line: what was measured, what was needed, and by how much it misses."""
        if self.value is None:
            got = self.note or "undefined"
        else:
            counts = f" ({self.hits}/{self.total})" if self.total is not None else ""
            got = f"{self.value:.4g}{counts}"
        line = f"{self.backend} {self.metric} = {got}, needs {self.op} {self.threshold:g}"
        if not self.passed and self.shortfall is not None:
            line += f": misses by {self.shortfall:.4g}"
        return line


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, list[tuple[str, str, float]]]:
    """{backend: [(metric, op, threshold)]} from a TOML file of [BACKEND.min] / [BACKEND.max]."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    table: dict[str, list[tuple[str, str, float]]] = {}
    for backend, bounds in data.items():
        rows = table.setdefault(backend, [])
        for metric, value in (bounds.get("min") or {}).items():
            rows.append((metric, ">=", float(value)))
        for metric, value in (bounds.get("max") or {}).items():
            rows.append((metric, "<=", float(value)))
    return table


def check(
    summaries: Mapping[str, Mapping[str, Figure]],
    thresholds: Mapping[str, list[tuple[str, str, float]]],
) -> list[Check]:
    """Every threshold of every gated backend, passed or not.

    Args:
        summaries: backend -> its summary figures (`evals.scoring.summarize`).
        thresholds: `load_thresholds()`.

    Returns:
        One `Check` per threshold. A gated backend missing from `summaries` gets failing
        checks that say it was not run.
    """
    checks = []
    for backend, rows in thresholds.items():
        summary = summaries.get(backend)
        for metric, op, threshold in rows:
            if summary is None:
                checks.append(Check(backend, metric, op, threshold, None, note="not run"))
                continue
            figure = summary.get(metric)
            if figure is None:
                checks.append(Check(backend, metric, op, threshold, None, note="unknown metric"))
                continue
            checks.append(
                Check(backend, metric, op, threshold, figure.value, figure.hits, figure.total)
            )
    return checks
