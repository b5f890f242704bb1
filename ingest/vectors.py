"""Chroma adapter: embedded `PersistentClient` by default, a Chroma server when a URL is set.

Embeddings are always passed explicitly and collections are created without an embedding
function: Chroma's default one downloads a model, which must never happen here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

log = logging.getLogger(__name__)


class VectorStoreError(RuntimeError):
    """Chroma is unreachable or the collection is missing; the message says what to do."""


class StoreDamaged(RuntimeError):
    """The stored vectors cannot be read (missing folder, corrupt database, missing collection
    on a reachable server): only a rebuild helps."""


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_client(*, path: Path | None = None, url: str | None = None) -> Any:
    """A Chroma client for an embedded directory or a server URL (http://HOST:PORT)."""
    import chromadb

    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if not parsed.hostname:
            raise VectorStoreError(f"ADVISOR_CHROMA_URL {url!r} is not a URL like http://HOST:PORT")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=_chroma_settings(),
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise VectorStoreError(f"Chroma server at {url} is unreachable: {exc}") from exc
    if path is None:
        raise VectorStoreError("A Chroma path or URL is required.")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())


# The index graph is approximate: with Chroma's defaults the same query against the same index
# could, from one process to the next, miss a chunk ranked about 15th (its graph is loaded or
# built with several threads), and an answer's quotes changed with it. A search list longer than
# any corpus this serves (the five articles make about 110 chunks) makes the search exhaustive,
# so retrieval is repeatable; one build thread makes the graph itself the same every build.
HNSW = {"space": "cosine", "ef_search": 1000, "ef_construction": 200, "num_threads": 1}


class VectorStore:
    """One Chroma collection of chunk vectors (cosine space)."""

    def __init__(self, client: Any, name: str, *, create: bool = False) -> None:
        self.client = client
        self.name = name
        self.private_copy: Path | None = None  # a private copy of a read-only folder
        try:
            if create:
                self.collection = client.create_collection(
                    name=name,
                    embedding_function=None,
                    configuration={"hnsw": HNSW},
                )
            else:
                self.collection = client.get_collection(name=name, embedding_function=None)
        except Exception as exc:
            raise VectorStoreError(f"Chroma collection {name!r} is not available: {exc}") from exc

    def add(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        batch = max(1, min(5000, int(self.client.get_max_batch_size())))
        for i in range(0, len(ids), batch):
            self.collection.add(
                ids=list(ids[i : i + batch]),
                embeddings=vectors[i : i + batch].astype(np.float32),
                metadatas=list(metadatas[i : i + batch]),
            )

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first."""
        return self.query_many([vector], k)[0]

    def query_many(self, vectors: Sequence[np.ndarray], k: int) -> list[list[tuple[str, float]]]:
        """`query` for several vectors in one call (one round of Chroma's per-call work, about
        1 ms, instead of one per vector); the rankings in the vectors' order."""
        try:
            result = self.collection.query(
                query_embeddings=[np.asarray(v, dtype=np.float32) for v in vectors],
                n_results=k,
                include=["distances"],
            )
        except Exception as exc:
            raise VectorStoreError(f"Chroma query failed: {exc}") from exc
        out = []
        for row, ids in enumerate(result["ids"]):
            distances = result["distances"][row] if result.get("distances") else [0.0] * len(ids)
            out.append([(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)])
        return out

    def count(self) -> int:
        return int(self.collection.count())

    def close(self) -> None:
        """Release the client (an embedded database's files, a read-only copy); idempotent.

        Embedded clients of one folder share one Chroma system, stopped when its last client
        closes, so a generation deleted after a swap leaves no open database files behind.
        """
        close = getattr(self.client, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()
        copy, self.private_copy = self.private_copy, None
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)


def drop_collection(client: Any, name: str) -> None:
    """Delete a collection if it exists (old generations after a swap)."""
    # Already gone is fine: deletion is best-effort cleanup.
    with contextlib.suppress(Exception):
        client.delete_collection(name=name)


def open_store(
    collection: str, *, path: Path | None = None, url: str | None = None, expected: int
) -> VectorStore:
    """Open a generation's collection and check that it holds `expected` vectors.

    Embedded mode reads `path`; a folder this process cannot write (a read-only mount) is opened
    from a private temporary copy, since Chroma writes to its database even to read it.

    Raises:
        VectorStoreError: the Chroma server is unreachable (it may come back).
        StoreDamaged: the folder or collection is missing or unreadable (rebuild needed).
    """
    if url:
        client = make_client(url=url)
        try:
            client.heartbeat()
        except Exception as exc:
            raise VectorStoreError(f"Chroma server at {url} is unreachable: {exc}") from exc
        try:
            store = VectorStore(client, collection)
        except VectorStoreError:
            raise StoreDamaged(
                f"the Chroma server at {url} has no collection {collection!r}"
            ) from None
        return _checked(store, expected)
    if path is None or not path.is_dir():
        raise StoreDamaged("the vector store folder (chroma/) of the index is missing")
    if not _writable(path):
        return _checked(_open_copy(path, collection), expected, embedded=True)
    try:
        return _checked(_open_embedded(path, collection), expected, embedded=True)
    except StoreDamaged as exc:
        if "readonly" not in str(exc).replace(" ", "").replace("-", "").lower():
            raise
        return _checked(_open_copy(path, collection), expected, embedded=True)


def _writable(path: Path) -> bool:
    files = [path, *path.glob("*.sqlite3")]
    return all(os.access(p, os.W_OK) for p in files)


def _open_embedded(path: Path, collection: str, *, private: bool = False) -> VectorStore:
    client = None
    try:
        client = make_client(path=path)
        store = VectorStore(client, collection)
    except Exception as exc:
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        raise StoreDamaged(f"the vector store cannot be read ({short_error(exc)})") from exc
    store.private_copy = path if private else None
    return store


def _open_copy(path: Path, collection: str) -> VectorStore:
    copy = Path(tempfile.mkdtemp(prefix="advisor-readonly-")) / "chroma"
    try:
        shutil.copytree(path, copy, copy_function=shutil.copyfile)
        for part in [copy, *copy.rglob("*")]:  # copytree keeps the folders' read-only modes
            part.chmod(0o700 if part.is_dir() else 0o600)
    except OSError as exc:
        shutil.rmtree(copy.parent, ignore_errors=True)
        raise StoreDamaged(f"the read-only vector store cannot be copied ({exc.strerror})") from exc
    log.info("data dir is read-only: serving Chroma from a private copy in %s", copy)
    try:
        return _open_embedded(copy, collection, private=True)
    except StoreDamaged:
        shutil.rmtree(copy.parent, ignore_errors=True)
        raise


def _checked(store: VectorStore, expected: int, *, embedded: bool = False) -> VectorStore:
    """The store, if it counts `expected` vectors. Counting is also the first read: a corrupt
    embedded database often opens and fails only then (damaged), a server may not answer."""
    try:
        count = store.count()
    except Exception as exc:
        store.close()
        if embedded:
            raise StoreDamaged(f"the vector store cannot be read ({short_error(exc)})") from exc
        raise VectorStoreError(f"Chroma did not answer: {short_error(exc)}") from exc
    if count != expected:
        store.close()
        raise StoreDamaged(f"the vector store holds {count} vectors, the index {expected}")
    return store


def short_error(exc: BaseException) -> str:
    """An exception in one line for a message: its type and first line, at most 200 chars."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200]
