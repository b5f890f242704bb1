"""Hybrid retrieval: dense (Chroma, MiniLM) + BM25, fused by weighted reciprocal rank fusion.

Both lists see the question with its domain synonyms expanded ("LOR" → "letter of
recommendation"), because the articles and the applicants spell things differently.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.core.types import ScoredChunk
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
        cfg = self.config
        # Dense: abbreviations spelled out in place (as at ingest). BM25: every other spelling
        # appended, so either form of a term matches.
        dense_query = spell_out(question) if cfg.use_synonyms else question
        sparse_query = expand_query(question) if cfg.use_synonyms else question
        dense = self.dense(dense_query, cfg.candidates) if cfg.dense_weight > 0 else []
        sparse = self.sparse(sparse_query, cfg.candidates) if cfg.sparse_weight > 0 else []
        fused = reciprocal_rank_fusion(
            [[cid for cid, _ in dense], [cid for cid, _ in sparse]],
            k=cfg.rrf_k,
            weights=[cfg.dense_weight, cfg.sparse_weight],
        )
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, start=1)}
        sparse_rank = {cid: r for r, (cid, _) in enumerate(sparse, start=1)}
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
