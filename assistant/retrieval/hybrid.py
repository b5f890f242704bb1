"""Hybrid retrieval: dense (Chroma, MiniLM) + BM25, fused by weighted reciprocal rank fusion.

Both lists see the question with its domain synonyms expanded ("LOR" → "letter of
recommendation"), because the articles and the applicants spell things differently.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.core.types import Chunk, ScoredChunk
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.text.evidence import Span, span_key, spans_of
from assistant.text.stance import stances
from assistant.text.synonyms import expand_query, spell_out
from ingest.embedder import Embedder
from ingest.index import IndexSnapshot
from ingest.sparse import tokenize

# Indexes up to this size get their quotable spans split and classified at start-up.
WARM_CHUNKS = 5000


@dataclass(frozen=True)
class RetrievalConfig:
    candidates: int = 30  # per list, before fusion
    rrf_k: int = 60
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    use_synonyms: bool = True
    per_document: int | None = None  # chunks of one document before the others get a turn


def _best_ranks(rankings: Sequence[Sequence[str]]) -> dict[str, int]:
    best: dict[str, int] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking, start=1):
            best[cid] = min(rank, best.get(cid, rank))
    return best


def _capped(
    fused: list[tuple[str, float]], by_id: Mapping[str, Chunk], per_document: int | None
) -> list[tuple[str, float]]:
    """At most `per_document` chunks of one document in a row of the ranking; the rest move
    after the others (not dropped), so one repetitive document cannot take every slot."""
    if not per_document:
        return fused
    counts: dict[str, int] = {}
    first: list[tuple[str, float]] = []
    later: list[tuple[str, float]] = []
    for cid, score in fused:
        chunk = by_id.get(cid)
        doc = chunk.doc_id if chunk is not None else ""
        counts[doc] = counts.get(doc, 0) + 1
        (first if counts[doc] <= per_document else later).append((cid, score))
    return first + later


class HybridRetriever:
    """Retrieves chunks of one index snapshot; the query-embedding cache pays off for repeats."""

    def __init__(
        self,
        index: IndexSnapshot,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
        cache_size: int = 2048,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._cache.get(text)
        if vector is None:
            vector = self.embedder.embed([text])[0]
            self._cache[text] = vector
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(text)
        return vector

    def dense(self, query: str, k: int) -> list[tuple[str, float]]:
        return self.index.store.query(self.embed_query(query), k=min(k, len(self.index.chunks)))

    def sparse(self, query: str, k: int) -> list[tuple[str, float]]:
        return self.index.sparse.search(tokenize(query), k=k)

    def retrieve(self, question: str, k: int) -> list[ScoredChunk]:
        """The `k` best chunks for `question`, best first."""
        return self.retrieve_all([(question, 1.0)], k)

    def retrieve_all(self, queries: Sequence[tuple[str, float]], k: int) -> list[ScoredChunk]:
        """The `k` best chunks for several weighted queries at once, best first.

        A long message is not one query (issue 17): its asks, searched apart, and the topic of
        the verdict find passages the whole message buries. Each query gives a dense and a BM25
        ranking, all fused by weighted RRF; the dense queries are embedded in one batch.
        """
        cfg = self.config
        queries = [(q, w) for q, w in queries if q.strip() and w > 0] or [(" ", 1.0)]
        rankings: list[list[str]] = []
        weights: list[float] = []
        if cfg.dense_weight > 0:
            # Dense: abbreviations spelled out in place (as at ingest).
            texts = [spell_out(q) if cfg.use_synonyms else q for q, _ in queries]
            self._embed_missing(texts)
            vectors = [self.embed_query(text) for text in texts]
            candidates = min(cfg.candidates, len(self.index.chunks))
            for ranking, (_, weight) in zip(
                self.index.store.query_many(vectors, candidates), queries, strict=True
            ):
                rankings.append([cid for cid, _ in ranking])
                weights.append(cfg.dense_weight * weight)
        if cfg.sparse_weight > 0:
            # BM25: every other spelling appended, so either form of a term matches.
            for query, weight in queries:
                text = expand_query(query) if cfg.use_synonyms else query
                rankings.append([cid for cid, _ in self.sparse(text, cfg.candidates)])
                weights.append(cfg.sparse_weight * weight)
        fused = reciprocal_rank_fusion(rankings, k=cfg.rrf_k, weights=weights)
        fused = _capped(fused, self.index.by_id, cfg.per_document)
        n_dense = len(queries) if cfg.dense_weight > 0 else 0
        dense_rank = _best_ranks(rankings[:n_dense])
        sparse_rank = _best_ranks(rankings[n_dense:])
        out = []
        for cid, score in fused[:k]:
            chunk = self.index.by_id.get(cid)
            if chunk is None:  # Chroma and the snapshot disagree: skip rather than fail
                continue
            out.append(
                ScoredChunk(
                    chunk=chunk,
                    score=score,
                    dense_rank=dense_rank.get(cid),
                    sparse_rank=sparse_rank.get(cid),
                )
            )
        return out

    def prefetch(self, queries: Sequence[str], extra: Sequence[str] = ()) -> None:
        """Embed, in one batch, the dense forms of `queries` (as `retrieve_all` will) and the
        `extra` texts as written (for other lookups by `embed_query`)."""
        cfg = self.config
        dense = [spell_out(q) if cfg.use_synonyms else q for q in queries]
        self._embed_missing([*dense, *extra])

    def _embed_missing(self, texts: Sequence[str]) -> None:
        """Embed the texts not in the cache, in one batch."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(missing) > 1:
            for text, vector in zip(missing, self.embedder.embed(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def warm_up(self) -> None:
        """Start-up work, so the first questions do not pay for it: load the query model, and
        split and classify (stance) every quotable sentence of an index of moderate size (about
        0.3 s for the corpus) rather than inside the first answers that quote them."""
        self.embed_query("warm-up")
        if len(self.index.chunks) <= WARM_CHUNKS:
            for chunk in self.index.chunks:
                for span in spans_of(chunk):
                    stances(span.text)

    def span_similarity(self, query: str) -> Callable[[Span], float | None]:
        """Cosine similarity of a quotable sentence to the query, from vectors built at ingest."""
        vector = self.embed_query(spell_out(query))
        spans = self.index.span_vectors

        def similarity(span: Span) -> float | None:
            stored = spans.get(span_key(span))
            return None if stored is None else float(stored @ vector)

        return similarity

    def best_dense_similarity(self, question: str) -> float:
        """Cosine similarity of the best chunk: a cheap "does the corpus cover this?" signal."""
        hits = self.dense(spell_out(question), 1)
        return hits[0][1] if hits else 0.0
