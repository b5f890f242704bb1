"""Retrieval latency in-process: our hybrid retriever against the naive LangChain pipeline
(evals/baseline.py) on the same questions, with the same loaded embedding model.

Both embed every query (ours starts with an empty query-embedding cache); a second pass of
ours shows what the cache saves on repeated questions.
"""

from __future__ import annotations

import time

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever
from evals.baseline import NaiveRAG
from evals.bench.context import Context, Row, SectionResult
from evals.bench.retrieval_timing import timed
from evals.bench.stats import ratio, summarize
from ingest.embedder import get_embedder
from ingest.index import open_index


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    queries = ctx.queries()
    top_k = Settings().top_k
    index = open_index(cfg.data_dir)
    embedder = ctx.embedder
    started = time.perf_counter()
    naive = NaiveRAG(cfg.corpus_dir, embedder)
    naive_build_s = time.perf_counter() - started
    ours = HybridRetriever(index, embedder)
    ours_ms = timed(lambda q: ours.retrieve(q, top_k), queries)
    cached_ms = timed(lambda q: ours.retrieve(q, top_k), queries)
    naive_ms = timed(lambda q: naive.retrieve(q, k=4), queries)
    embed_ms = timed(lambda q: embedder.embed([q]), queries)
    # The reference runtime on the same questions (issue 19): sentence-transformers on torch.
    reference = get_embedder(cfg.embedder, runtime="sentence-transformers")
    reference.embed(["warm-up"])
    reference_ms = timed(lambda q: reference.embed([q]), queries)
    s_ours, s_cached, s_naive, s_embed, s_reference = (
        summarize(x) for x in (ours_ms, cached_ms, naive_ms, embed_ms, reference_ms)
    )
    runtime = str(getattr(embedder, "runtime", embedder.name))
    versus_naive = ratio(s_ours["p50"], s_naive["p50"])
    metrics: dict[str, object] = {
        "retrieve_p50_ms": s_ours["p50"],
        "retrieve_p95_ms": s_ours["p95"],
        "retrieve_cached_p50_ms": s_cached["p50"],
        "naive_retrieve_p50_ms": s_naive["p50"],
        "query_embed_p50_ms": s_embed["p50"],
        "query_embed_reference_p50_ms": s_reference["p50"],
        "query_embed_runtime": runtime,
        "retrieve_vs_naive": versus_naive,
    }
    n = len(queries)
    rows = [
        Row(
            f"query embedding alone (MiniLM, 1 text, {runtime}) p50, {n} questions",
            s_embed["p50"],
            "ms",
            "sentence-transformers (torch)",
            s_reference["p50"],
            ratio(s_embed["p50"], s_reference["p50"]),
        ),
        Row(
            "hybrid retrieval p50 (embed + Chroma + BM25 + fusion), new questions",
            s_ours["p50"],
            "ms",
            "naive LangChain dense top-4",
            s_naive["p50"],
            versus_naive,
        ),
        Row(
            "hybrid retrieval p95, new questions",
            s_ours["p95"],
            "ms",
            "naive LangChain p95",
            s_naive["p95"],
            ratio(s_ours["p95"], s_naive["p95"]),
        ),
        Row(
            "hybrid retrieval p50, repeated questions (query-embedding cache hit)",
            s_cached["p50"],
            "ms",
            "same, cache miss",
            s_ours["p50"],
            ratio(s_cached["p50"], s_ours["p50"]),
        ),
    ]
    detail = {
        "ours": s_ours,
        "ours_cached": s_cached,
        "naive": s_naive,
        "embed": s_embed,
        "naive_build_s": round(naive_build_s, 2),
        "naive_chunks": len(naive.chunks),
    }
    return SectionResult(metrics, rows, detail)
