"""Chroma adapter: embedded `PersistentClient` by default, a Chroma server when a URL is set.

Embeddings are always passed explicitly and collections are created without an embedding
function: Chroma's default one downloads a model, which must never happen here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np


class VectorStoreError(RuntimeError):
    """Chroma is unreachable or the collection is missing; the message says what to do."""


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


class VectorStore:
    """One Chroma collection of chunk vectors (cosine space)."""

    def __init__(self, client: Any, name: str, *, create: bool = False) -> None:
        self.client = client
        self.name = name
        try:
            if create:
                self.collection = client.create_collection(
                    name=name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
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
        try:
            result = self.collection.query(
                query_embeddings=[np.asarray(vector, dtype=np.float32)],
                n_results=k,
                include=["distances"],
            )
        except Exception as exc:
            raise VectorStoreError(f"Chroma query failed: {exc}") from exc
        ids = result["ids"][0]
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def count(self) -> int:
        return int(self.collection.count())


def drop_collection(client: Any, name: str) -> None:
    """Delete a collection if it exists (old generations after a swap)."""
    # Already gone is fine: deletion is best-effort cleanup.
    with contextlib.suppress(Exception):
        client.delete_collection(name=name)
