"""The on-disk index: generations built aside and swapped in atomically.

Layout under the data dir (default `.data/`)::

    CURRENT              name of the active generation (replaced atomically with os.replace)
    gen-<time>-<rand>/   manifest.json (written last), documents.json, chunks.jsonl,
                         vectors.npy, spans.npy + span_keys.txt (sentence vectors for
                         ranking quotes), bm25/, chroma/ (embedded mode only)
    .ingest.lock         held while an ingest runs

A generation is complete only when its manifest exists, and only a complete generation is ever
named in CURRENT, so a crash or SIGKILL mid-ingest leaves the previous index serving.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from assistant.types import Chunk, Document, DocumentMeta
from ingest.sparse import SparseIndex
from ingest.vectors import VectorStore, drop_collection, make_client

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"


class IndexMissing(RuntimeError):
    """No index has been built yet."""


class IndexCorrupt(RuntimeError):
    """The index exists but cannot be read."""


class DocEntry(BaseModel):
    sha256: str
    source_path: str
    title: str
    chunks: int
    removed_lines: int = 0


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    generation: str
    created: float
    embedder: str
    embedder_fingerprint: str
    pipeline: dict[str, Any]  # cleaner/chunker versions and parameters
    chroma_url: str | None = None
    collection: str
    documents: dict[str, DocEntry] = Field(default_factory=dict)

    @property
    def chunk_count(self) -> int:
        return sum(d.chunks for d in self.documents.values())


class Layout:
    """Paths and the CURRENT pointer of one data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir

    def current_name(self) -> str | None:
        pointer = self.root / CURRENT
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        return name or None

    def gen_dir(self, name: str) -> Path:
        return self.root / name

    def new_name(self) -> str:
        return f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"

    def activate(self, name: str) -> None:
        """Point CURRENT at a complete generation, atomically."""
        tmp = self.root / f".{CURRENT}.{secrets.token_hex(4)}"
        tmp.write_text(name + "\n", encoding="utf-8")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / CURRENT)

    def stale_generations(self, keep: set[str]) -> list[Path]:
        if not self.root.exists():
            return []
        return [
            p
            for p in self.root.iterdir()
            if p.is_dir() and p.name.startswith("gen-") and p.name not in keep
        ]

    @contextmanager
    def lock(self) -> Iterator[None]:
        """One ingest at a time per data dir; a second one fails fast with a clear message."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".ingest.lock").open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RuntimeError(
                    f"another ingest is running on {self.root}; wait for it to finish"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def collection_name(generation: str) -> str:
    return f"advisor-{generation}"


def write_generation(
    layout: Layout,
    manifest: Manifest,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    span_vectors: dict[str, np.ndarray] | None = None,
) -> None:
    """Write every part of a generation, the manifest last (it marks the generation complete)."""
    gen = layout.gen_dir(manifest.generation)
    gen.mkdir(parents=True, exist_ok=False)
    docs = {d.meta.doc_id: d.model_dump() for d in documents}
    (gen / "documents.json").write_text(json.dumps(docs, ensure_ascii=False), encoding="utf-8")
    with (gen / "chunks.jsonl").open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(chunk.model_dump_json() + "\n")
    np.save(gen / "vectors.npy", vectors.astype(np.float32))
    span_vectors = span_vectors or {}
    (gen / "span_keys.txt").write_text("\n".join(span_vectors), encoding="utf-8")
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    np.save(
        gen / "spans.npy",
        np.stack(list(span_vectors.values())).astype(np.float32)
        if span_vectors
        else np.zeros((0, dim), dtype=np.float32),
    )
    SparseIndex.build([c.id for c in chunks], [_index_text(c) for c in chunks]).save(gen / "bm25")
    client = make_client(path=gen / "chroma", url=manifest.chroma_url)
    if manifest.chroma_url:
        drop_collection(client, manifest.collection)  # leftovers of a killed run
    store = VectorStore(client, manifest.collection, create=True)
    store.add(
        [c.id for c in chunks],
        vectors,
        [{"doc_id": c.doc_id, "section": c.section[:500], "kind": c.kind} for c in chunks],
    )
    tmp = gen / f".{MANIFEST}.tmp"
    tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, gen / MANIFEST)


def _index_text(chunk: Chunk) -> str:
    # The section path carries words (e.g. "FAQs > Does observership count as USCE?") that the
    # chunk body may not repeat; indexing it helps BM25 find the right FAQ answer.
    return f"{chunk.title}\n{chunk.section}\n{chunk.text}"


def read_manifest(layout: Layout) -> Manifest | None:
    name = layout.current_name()
    if name is None:
        return None
    path = layout.gen_dir(name) / MANIFEST
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexCorrupt(
            f"the index in {layout.root} is damaged ({type(exc).__name__}); "
            "run `advisor ingest --rebuild`"
        ) from exc


def remove_generation(layout: Layout, path: Path, chroma_url: str | None) -> None:
    if chroma_url:
        # The server may be gone; the files still go.
        with contextlib.suppress(Exception):
            drop_collection(make_client(url=chroma_url), collection_name(path.name))
    shutil.rmtree(path, ignore_errors=True)


def read_span_vectors(gen: Path) -> dict[str, np.ndarray]:
    """Sentence vectors by span key ("chunk_id:start:end"); empty for older generations."""
    keys_file = gen / "span_keys.txt"
    if not keys_file.exists():
        return {}
    keys = [k for k in keys_file.read_text(encoding="utf-8").split("\n") if k]
    matrix = np.load(gen / "spans.npy")
    if len(keys) != len(matrix):
        raise ValueError("span vectors and keys disagree")
    return dict(zip(keys, matrix, strict=True))


@dataclass
class IndexSnapshot:
    """Everything a query needs from one generation, loaded once."""

    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    vectors: np.ndarray
    sparse: SparseIndex
    span_vectors: dict[str, np.ndarray]
    store: VectorStore

    @property
    def metas(self) -> dict[str, DocumentMeta]:
        return {k: d.meta for k, d in self.documents.items()}


def open_index(data_dir: Path, chroma_url: str | None = None) -> IndexSnapshot:
    """Open the active generation; raise IndexMissing / IndexCorrupt with the fix in the text."""
    layout = Layout(data_dir)
    manifest = read_manifest(layout)
    if manifest is None:
        raise IndexMissing(f"no index in {data_dir} yet: run `advisor ingest` first")
    gen = layout.gen_dir(manifest.generation)
    try:
        raw_docs = json.loads((gen / "documents.json").read_text(encoding="utf-8"))
        documents = {k: Document.model_validate(v) for k, v in raw_docs.items()}
        with (gen / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = [Chunk.model_validate_json(line) for line in handle if line.strip()]
        vectors = np.load(gen / "vectors.npy")
        sparse = SparseIndex.load(gen / "bm25")
        span_vectors = read_span_vectors(gen)
    except (OSError, ValueError, ValidationError) as exc:
        raise IndexCorrupt(
            f"the index in {data_dir} is damaged ({type(exc).__name__}: {exc}); "
            "run `advisor ingest --rebuild`"
        ) from exc
    url = chroma_url if chroma_url is not None else manifest.chroma_url
    if (url or None) != (manifest.chroma_url or None):
        raise IndexCorrupt(
            f"the index in {data_dir} was built for Chroma at {manifest.chroma_url or 'embedded'}"
            f", not {url or 'embedded'}: run `advisor ingest --rebuild`"
        )
    store = VectorStore(make_client(path=gen / "chroma", url=url), manifest.collection)
    if len(chunks) != len(vectors) or len(chunks) != len(sparse):
        raise IndexCorrupt(
            f"the index in {data_dir} is inconsistent; run `advisor ingest --rebuild`"
        )
    return IndexSnapshot(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        by_id={c.id: c for c in chunks},
        vectors=vectors,
        sparse=sparse,
        span_vectors=span_vectors,
        store=store,
    )
