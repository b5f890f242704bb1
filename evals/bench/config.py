"""What a bench run measures and how long it may take: the quick and full presets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

SECTIONS = ("ingest", "coldstart", "query", "retrieval", "scale")


@dataclass(frozen=True)
class BenchConfig:
    out: Path = Path("artifacts/bench")
    corpus_dir: Path = Path("corpus")
    embedder: str = "minilm"
    sections: tuple[str, ...] = SECTIONS
    seed: int = 0
    quick: bool = False
    repeats: int = 3  # no-op re-ingests, cold starts, embedding-throughput passes
    sequential_passes: int = 2  # pass 1 misses the query-embedding cache, later passes hit it
    clients: tuple[int, ...] = (1, 8, 16, 32)
    load_seconds: float = 15.0
    scale_sizes: tuple[int, ...] = (10_000, 100_000)
    scale_server: bool = True  # also build and query each scale index in a Chroma server
    scale_questions: int = 60
    keep_work: bool = False  # keep the indexes under OUT/work after the run

    @property
    def work(self) -> Path:
        return self.out / "work"

    @property
    def data_dir(self) -> Path:
        return self.work / "data"


def preset(quick: bool, **overrides: object) -> BenchConfig:
    """The full run (6-9 minutes on 2 cores) or `--quick` (1-2 minutes)."""
    base = BenchConfig()
    if quick:
        base = replace(
            base,
            quick=True,
            repeats=1,
            sequential_passes=2,
            load_seconds=3.0,
            scale_sizes=(2_000,),
            scale_questions=20,
        )
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
