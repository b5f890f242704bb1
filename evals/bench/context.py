"""What the sections share: the config, the questions, the loaded embedder, the result shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.settings import Settings
from evals.bench.config import BenchConfig
from evals.cases import load_cases, retrieval_query
from ingest.embedder import Embedder, get_embedder


@dataclass
class Row:
    """One line of the Markdown table: a measure, and optionally its baseline and the ratio."""

    measure: str
    value: float | int | str | None
    unit: str = ""
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None


@dataclass
class SectionResult:
    metrics: dict[str, Any] = field(default_factory=dict)  # flat numbers the targets read
    rows: list[Row] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)  # raw figures for bench.json


@dataclass
class Context:
    cfg: BenchConfig
    cases: list[dict[str, Any]]
    _embedder: Embedder | None = None

    @classmethod
    def create(cls, cfg: BenchConfig) -> Context:
        return cls(cfg, load_cases(split="all"))

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            # As the product embeds: the ONNX export kept beside the bench's index.
            folder = Settings(data_dir=self.cfg.data_dir).encoder_dir
            self._embedder = get_embedder(self.cfg.embedder, folder)
        return self._embedder

    def bodies(self) -> list[dict[str, Any]]:
        """/api/ask request bodies: every eval case as a user would send it."""
        return [
            {k: c[k] for k in ("question", "profile", "history") if c.get(k)} for c in self.cases
        ]

    def queries(self, limit: int | None = None) -> list[str]:
        """Retrieval queries (follow-ups carry their earlier turns), distinct, in case order."""
        seen = dict.fromkeys(retrieval_query(c) for c in self.cases)
        return list(seen)[:limit]
