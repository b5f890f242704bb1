"""The hybrid retriever's multi-query entry point (issue 17): one query through `retrieve_all` is
exactly `retrieve`, several queries are embedded in one batch and fused by weight, and the
per-document cap moves a document's extra chunks back without dropping them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever, RetrievalConfig
from ingest.embedder import get_embedder
from ingest.index import IndexSnapshot, open_index
from ingest.pipeline import run_ingest

QUESTIONS = [
    "Is an observership hands-on?",
    "how many months of USCE before research for IM",
    "yog 2016, no usce, working in pharma: research or rotations?",
]


class CountingEmbedder:
    """The fake embedder, counting calls and texts: batching is observable."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.embed(texts)  # type: ignore[attr-defined]


@pytest.fixture
def index(fake_settings: Settings) -> IndexSnapshot:
    run_ingest(fake_settings)
    return open_index(fake_settings.data_dir)


def ids(results: Sequence[object]) -> list[str]:
    return [r.chunk.id for r in results]  # type: ignore[attr-defined]


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_query_through_retrieve_all_is_retrieve(
    index: IndexSnapshot, fake_settings: Settings, question: str
) -> None:
    embedder = get_embedder(fake_settings.embedder)
    single = HybridRetriever(index, embedder).retrieve(question, 8)
    fused = HybridRetriever(index, embedder).retrieve_all([(question, 1.0)], 8)
    assert [(r.chunk.id, r.score, r.dense_rank, r.sparse_rank) for r in single] == [
        (r.chunk.id, r.score, r.dense_rank, r.sparse_rank) for r in fused
    ]


def test_several_queries_are_embedded_in_one_batch(
    index: IndexSnapshot, fake_settings: Settings
) -> None:
    embedder = CountingEmbedder(get_embedder(fake_settings.embedder))
    retriever = HybridRetriever(index, embedder)  # type: ignore[arg-type]
    retriever.retrieve_all([(q, 1.0) for q in QUESTIONS], 6)
    assert embedder.calls == [len(QUESTIONS)]
    retriever.retrieve_all([(q, 1.0) for q in QUESTIONS], 6)  # cached: no new call
    assert embedder.calls == [len(QUESTIONS)]


def test_a_query_weighted_zero_or_blank_changes_nothing(
    index: IndexSnapshot, fake_settings: Settings
) -> None:
    retriever = HybridRetriever(index, get_embedder(fake_settings.embedder))
    alone = ids(retriever.retrieve_all([(QUESTIONS[0], 1.0)], 8))
    assert ids(retriever.retrieve_all([(QUESTIONS[0], 1.0), (QUESTIONS[2], 0.0)], 8)) == alone
    assert ids(retriever.retrieve_all([(QUESTIONS[0], 1.0), ("   ", 1.0)], 8)) == alone


def test_a_second_query_brings_in_its_own_best_chunk(
    index: IndexSnapshot, fake_settings: Settings
) -> None:
    retriever = HybridRetriever(index, get_embedder(fake_settings.embedder))
    first = ids(retriever.retrieve_all([(QUESTIONS[0], 1.0)], 8))
    second_best = ids(retriever.retrieve_all([(QUESTIONS[2], 1.0)], 1))[0]
    both = ids(retriever.retrieve_all([(QUESTIONS[0], 1.0), (QUESTIONS[2], 10.0)], 8))
    assert second_best in both
    assert both != first


@pytest.mark.parametrize("cap", [1, 2])
def test_the_per_document_cap_reorders_but_drops_nothing(
    index: IndexSnapshot, fake_settings: Settings, cap: int
) -> None:
    embedder = get_embedder(fake_settings.embedder)
    question = QUESTIONS[1]
    plain = HybridRetriever(index, embedder).retrieve(question, 40)
    capped = HybridRetriever(
        index, embedder, replace(RetrievalConfig(), per_document=cap)
    ).retrieve(question, 40)
    assert sorted(ids(plain)) == sorted(ids(capped))
    found = [r.chunk.doc_id for r in plain]
    first = sum(min(cap, found.count(doc)) for doc in set(found))
    head = [r.chunk.doc_id for r in capped[:first]]
    assert all(head.count(doc) <= cap for doc in set(found))
    assert capped[0].chunk.id == plain[0].chunk.id


def test_prefetch_embeds_the_searches_and_extra_texts_in_one_batch(
    index: IndexSnapshot, fake_settings: Settings
) -> None:
    embedder = CountingEmbedder(get_embedder(fake_settings.embedder))
    retriever = HybridRetriever(index, embedder)  # type: ignore[arg-type]
    retriever.prefetch(QUESTIONS[:2], extra=["a card text"])
    assert embedder.calls == [3]
    retriever.retrieve_all([(q, 1.0) for q in QUESTIONS[:2]], 4)
    retriever.embed_query("a card text")
    assert embedder.calls == [3]  # everything was cached by the one batch
