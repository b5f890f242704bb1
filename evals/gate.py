"""The CI gate: a backend's summary figures against evals/thresholds.toml.

A figure that is undefined (None) never passes. A gated backend that was not run does not pass
either: a gate that was never checked has not been passed.

Known shortfalls (evals/known_shortfalls.toml) are figures that are below their target today.
Each records the value measured when it was written down, and why the target is missed. The gate
lets such a figure stay below its target (reported as a known shortfall, never as a pass) but
fails it the moment it drops below the recorded value: a ratchet, so CI catches every regression
while the target itself is never lowered. `strict` ignores the file: targets only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evals.scoring import Figure

THRESHOLDS = Path(__file__).resolve().with_name("thresholds.toml")
KNOWN_SHORTFALLS = Path(__file__).resolve().with_name("known_shortfalls.toml")


@dataclass(frozen=True)
class Shortfall:
    """A figure known to miss its target: the value measured when recorded, and why."""

    floor: float
    why: str


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
    known: Shortfall | None = None

    @property
    def met(self) -> bool:
        """The figure reaches its target."""
        if self.value is None:
            return False
        return self.value >= self.threshold if self.op == ">=" else self.value <= self.threshold

    @property
    def passed(self) -> bool:
        """Met, or a known shortfall that has not got worse than its recorded value."""
        if self.met:
            return True
        if self.value is None or self.known is None:
            return False
        floor = self.known.floor
        return self.value >= floor if self.op == ">=" else self.value <= floor

    @property
    def status(self) -> str:
        """ "pass", "known" (below target, not below its recorded value) or "FAIL"."""
        return "pass" if self.met else ("known" if self.passed else "FAIL")

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
        if not self.met and self.shortfall is not None:
            line += f": misses by {self.shortfall:.4g}"
        if self.known is not None and not self.met:
            if self.passed:
                line += f" (known shortfall, recorded at {self.known.floor:.4g}: {self.known.why})"
            else:
                line += f" (worse than its recorded {self.known.floor:.4g}: a regression)"
        elif self.known is not None:
            line += " (listed as a known shortfall: remove it from known_shortfalls.toml)"
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


def load_shortfalls(path: Path = KNOWN_SHORTFALLS) -> dict[tuple[str, str], Shortfall]:
    """{(backend, metric): Shortfall} from [BACKEND] tables of `metric = {floor, why}`."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    known = {}
    for backend, metrics in data.items():
        for metric, entry in metrics.items():
            if not isinstance(entry, dict) or "floor" not in entry or not entry.get("why"):
                raise ValueError(f"{path.name}: {backend}.{metric} needs a floor and a why")
            known[(backend, metric)] = Shortfall(float(entry["floor"]), str(entry["why"]))
    return known


def check(
    summaries: Mapping[str, Mapping[str, Figure]],
    thresholds: Mapping[str, list[tuple[str, str, float]]],
    known: Mapping[tuple[str, str], Shortfall] | None = None,
) -> list[Check]:
    """Every threshold of every gated backend, passed or not.

    Args:
        summaries: backend -> its summary figures (`evals.scoring.summarize`).
        thresholds: `load_thresholds()`.
        known: `load_shortfalls()`, or None for the targets alone (strict).

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
            shortfall = (known or {}).get((backend, metric))
            checks.append(
                Check(
                    backend,
                    metric,
                    op,
                    threshold,
                    figure.value,
                    figure.hits,
                    figure.total,
                    known=shortfall,
                )
            )
    return checks
