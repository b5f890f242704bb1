"""Helpers shared by the API tests: a fake-embedder index built once per process."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from assistant.core.settings import Settings
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def fake_index_dir() -> Path:
    """A data dir with the corpus ingested by the fake embedder (built once, reused)."""
    data = Path(tempfile.mkdtemp(prefix="advisor-api-")) / "data"
    run_ingest(Settings(corpus_dir=ROOT / "corpus", data_dir=data, embedder="fake"))
    return data


def fake_settings(**overrides: object) -> Settings:
    base: dict[str, object] = {
        "corpus_dir": ROOT / "corpus",
        "data_dir": fake_index_dir(),
        "embedder": "fake",
        "rate_limit": "10000/minute",
    }
    return Settings(**{**base, **overrides})
