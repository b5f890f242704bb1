"""The on-disk index: generations built aside and swapped in atomically.

Layout under the data dir (default `.data/`)::

    CURRENT              name of the active generation (replaced atomically with os.replace)
    gen-<time>-<rand>/   manifest.json (written last), documents.json, chunks.jsonl,
                         vectors.npy, spans.npy + span_keys.txt (sentence vectors for
                         ranking quotes), bm25/, chroma/ (embedded mode only),
                         .lease (readers hold a shared lock on it: ingest/lease.py)
    .ingest.lock         held while an ingest runs

A generation is complete only when its manifest exists, and only a complete generation is ever
named in CURRENT, so a crash or SIGKILL mid-ingest leaves the previous index serving. A failed
write (a full disk, say) removes its partial generation at once. Old generations are deleted only
when no reader (a server, `advisor ask`) holds a lease on them.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import functools
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from assistant.core.types import Chunk, Document, DocumentMeta
from ingest import lease
from ingest.lease import LEASE_FILE, GenerationGone, Lease
from ingest.sparse import SparseIndex
from ingest.vectors import (
    StoreDamaged,
    VectorStore,
    VectorStoreError,
    drop_collection,
    make_client,
    open_store,
    short_error,
)

FORMAT_VERSION = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"


class IndexMissing(RuntimeError):
    """No index has been built yet."""


class IndexCorrupt(RuntimeError):
    """The index exists but cannot be read."""


class DataDirNotWritable(RuntimeError):
    """Ingest cannot write to the data dir; the message names it."""


class WriteFailed(RuntimeError):
    """Writing a new generation failed (disk full, I/O error); it was removed, the previous
    generation is still active."""


class DocEntry(BaseModel):
    sha256: str
    meta_sha256: str | None = None  # metadata.toml entry; None in indexes built before it
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
        try:
            tmp.write_text(name + "\n", encoding="utf-8")
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, self.root / CURRENT)
        finally:
            tmp.unlink(missing_ok=True)

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
        """One ingest at a time per data dir; a second one fails fast with a clear message.

        Raises:
            DataDirNotWritable: the folder cannot be written (read-only mount, permissions).
        """
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / ".ingest.lock").open("w")
        except OSError as exc:
            raise DataDirNotWritable(
                f"the data folder {self.root} is not writable ({exc.strerror}); ingest needs "
                "write access to it (a read-only index can still be served)"
            ) from None
        with handle:
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
    """Write every part of a generation, the manifest last (it marks the generation complete).

    Raises:
        WriteFailed: a write failed (disk full, I/O error); the partial generation is removed
            (its folder and, on a Chroma server, its collection), so it fills no disk.
    """
    gen = layout.gen_dir(manifest.generation)
    try:
        gen.mkdir(parents=True, exist_ok=False)
        (gen / LEASE_FILE).touch()
        _write_parts(gen, manifest, documents, chunks, vectors, span_vectors)
    except Exception as exc:
        remove_generation(layout, gen, manifest.chroma_url)
        raise WriteFailed(
            f"writing the new index in {layout.root} failed ({_why(exc)}); it was removed and "
            "the previous index is still active"
        ) from exc


def _why(exc: BaseException) -> str:
    # "No space left on device" says it all; Chroma's SQLite errors need their type.
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else short_error(exc)


def _write_parts(
    gen: Path,
    manifest: Manifest,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    span_vectors: dict[str, np.ndarray] | None,
) -> None:
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
    return _read_manifest_of(layout, name)


def _read_manifest_of(layout: Layout, name: str) -> Manifest:
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


def remove_unused_generations(layout: Layout, keep: set[str], chroma_url: str | None) -> list[str]:
    """Delete every generation not in `keep` that no reader holds a lease on.

    Returns:
        The names of the generations kept because a reader (a running server) still uses them;
        a later ingest deletes them once they are released.
    """
    in_use = []
    for stale in layout.stale_generations(keep):
        with lease.unused(stale) as free:
            if free:
                remove_generation(layout, stale, chroma_url)
            else:
                in_use.append(stale.name)
    return sorted(in_use)


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
    """Everything a query needs from one generation, loaded once.

    It holds a lease on its generation (no ingest deletes it meanwhile) until `close()`.
    """

    manifest: Manifest
    documents: dict[str, Document]
    chunks: list[Chunk]
    by_id: dict[str, Chunk]
    vectors: np.ndarray
    sparse: SparseIndex
    span_vectors: dict[str, np.ndarray]
    store: VectorStore
    lease: Lease = field(default_factory=lambda: Lease(None))

    @property
    def metas(self) -> dict[str, DocumentMeta]:
        return {k: d.meta for k, d in self.documents.items()}

    @functools.cached_property
    def texts(self) -> dict[str, str]:
        """Canonical document texts by id: what citations are verified against."""
        return {k: d.text for k, d in self.documents.items()}

    @functools.cached_property
    def _section_starts(self) -> dict[str, list[tuple[int, str]]]:
        starts: dict[str, list[tuple[int, str]]] = {}
        for chunk in sorted(self.chunks, key=lambda c: (c.doc_id, c.start)):
            starts.setdefault(chunk.doc_id, []).append((chunk.start, chunk.section))
        return starts

    def section_at(self, doc_id: str, offset: int) -> str:
        """The section path of the chunk that holds `offset` of a document ("" if none)."""
        starts = self._section_starts.get(doc_id, [])
        i = bisect.bisect_right(starts, (offset, "\uffff")) - 1
        return starts[i][1] if i >= 0 else ""

    def close(self) -> None:
        """Release the vector store and the lease; the generation may be deleted after this."""
        self.store.close()
        self.lease.release()


def open_index(data_dir: Path, chroma_url: str | None = None) -> IndexSnapshot:
    """Open the active generation and take a lease on it.

    Raises:
        IndexMissing: nothing was ever ingested here.
        IndexCorrupt: the index cannot be read; the message names `advisor ingest --rebuild`.
        VectorStoreError: the Chroma server is unreachable (it may come back).
    """
    layout = Layout(data_dir)
    for _ in range(3):
        name = layout.current_name()
        if name is None:
            raise IndexMissing(f"no index in {data_dir} yet: run `advisor ingest` first")
        try:
            held = lease.acquire(layout.gen_dir(name))
        except GenerationGone:
            if layout.current_name() != name:
                continue  # an ingest swapped generations meanwhile: read CURRENT again
            raise IndexCorrupt(
                f"the index in {data_dir} names generation {name}, which is missing: "
                "run `advisor ingest --rebuild`"
            ) from None
        try:
            return _load(layout, name, held, chroma_url)
        except IndexCorrupt:
            held.release()
            if layout.current_name() != name:
                continue
            raise
        except BaseException:
            held.release()
            raise
    raise IndexCorrupt(f"the index in {data_dir} kept changing while it was opened; try again")


def _load(layout: Layout, name: str, held: Lease, chroma_url: str | None) -> IndexSnapshot:
    data_dir = layout.root
    manifest = _read_manifest_of(layout, name)
    gen = layout.gen_dir(name)
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
    if len(chunks) != len(vectors) or len(chunks) != len(sparse):
        raise IndexCorrupt(
            f"the index in {data_dir} is inconsistent; run `advisor ingest --rebuild`"
        )
    try:
        store = open_store(manifest.collection, path=gen / "chroma", url=url, expected=len(chunks))
    except StoreDamaged as exc:
        raise IndexCorrupt(
            f"the index in {data_dir} is damaged ({exc}); run `advisor ingest --rebuild`"
        ) from exc
    return IndexSnapshot(
        manifest=manifest,
        documents=documents,
        chunks=chunks,
        by_id={c.id: c for c in chunks},
        vectors=vectors,
        sparse=sparse,
        span_vectors=span_vectors,
        store=store,
        lease=held,
    )


def check_active(data_dir: Path, chroma_url: str | None) -> str | None:
    """Why the active generation cannot serve: None when it can, when there is none, or when
    the Chroma server is down (that is no reason to rebuild).

    An embedded index is checked with the standard library alone (its files, and SQLite's own
    integrity check of Chroma's database), so that a no-op `advisor ingest` never pays for
    importing Chroma; a Chroma-server index is opened for real.
    """
    if chroma_url:
        try:
            open_index(data_dir, chroma_url).close()
        except IndexCorrupt as exc:
            return str(exc)
        except (IndexMissing, VectorStoreError):
            return None
        return None
    layout = Layout(data_dir)
    try:
        manifest = read_manifest(layout)
    except IndexCorrupt as exc:
        return str(exc)
    if manifest is None:
        return None
    gen = layout.gen_dir(manifest.generation)
    for part in ("documents.json", "chunks.jsonl", "vectors.npy", "bm25"):
        if not (gen / part).exists():
            return f"{part} of the index is missing"
    return _embedded_store_problem(gen / "chroma" / "chroma.sqlite3", manifest.collection)


def _embedded_store_problem(database: Path, collection: str) -> str | None:
    if not database.is_file():
        return "the vector store folder (chroma/) of the index is missing"
    try:
        # A file URI needs an absolute path; the default data dir (.data) is relative.
        with contextlib.closing(
            sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        ) as db:
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "the vector store database fails its integrity check"
            query = "SELECT COUNT(*) FROM collections WHERE name = ?"
            found = db.execute(query, (collection,)).fetchone()[0]
    except sqlite3.Error as exc:
        return f"the vector store cannot be read ({type(exc).__name__}: {exc})"
    return None if found else f"the vector store has no collection {collection!r}"
