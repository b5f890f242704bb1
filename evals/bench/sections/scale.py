"""Scale: synthetic indexes of 10k and 100k chunks, embedded Chroma against a Chroma server.

Each index is written by the real `write_generation` (chunks, vectors, BM25, Chroma) and
opened by the real `open_index`; queries go through the real retriever and the grounded
Advisor. Vectors are derived from the real corpus's chunk embeddings (see synthetic.py), so
the embedding model costs nothing here; its throughput is measured in the ingest section.
"""

from __future__ import annotations

import os
import shutil
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever
from assistant.service import Advisor
from assistant.text.synonyms import expand_query, spell_out
from evals.bench.context import Context, Row, SectionResult
from evals.bench.retrieval_timing import timed
from evals.bench.server import chroma_up, rss_mb, start_chroma, wait_until
from evals.bench.stats import ratio, summarize
from evals.bench.synthetic import derived_vectors, synthetic_corpus, vocabulary
from ingest.index import (
    DocEntry,
    Layout,
    Manifest,
    collection_name,
    open_index,
    remove_generation,
    write_generation,
)
from ingest.loader import load_corpus
from ingest.pipeline import pipeline_params
from ingest.sparse import tokenize


def build(
    data_dir: Path, corpus: Any, vectors: np.ndarray, embedder: Any, url: str | None
) -> float:
    """Write and activate one generation; seconds taken."""
    shutil.rmtree(data_dir, ignore_errors=True)
    layout = Layout(data_dir)
    data_dir.mkdir(parents=True)
    name = layout.new_name()
    counts: dict[str, int] = {}
    for chunk in corpus.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    manifest = Manifest(
        generation=name,
        created=time.time(),
        embedder=embedder.name,
        embedder_fingerprint=embedder.fingerprint,
        pipeline=pipeline_params(),
        chroma_url=url,
        collection=collection_name(name),
        documents={
            d.meta.doc_id: DocEntry(
                sha256=d.raw_sha256,
                source_path=d.source_path,
                title=d.meta.title,
                chunks=counts[d.meta.doc_id],
            )
            for d in corpus.documents
        },
    )
    started = time.perf_counter()
    write_generation(layout, manifest, corpus.documents, corpus.chunks, vectors, {})
    layout.activate(name)
    return time.perf_counter() - started


def measure(ctx: Context, data_dir: Path, url: str | None, queries: list[str]) -> dict[str, Any]:
    """Open the index, then time dense, BM25, hybrid retrieval and the grounded Advisor."""
    started = time.perf_counter()
    index = open_index(data_dir, url)
    open_s = time.perf_counter() - started
    embedder, top_k = ctx.embedder, Settings().top_k
    vectors = [embedder.embed([spell_out(q)])[0] for q in queries]
    dense_ms = timed(lambda v: index.store.query(v, 30), vectors)
    sparse_ms = timed(lambda q: index.sparse.search(tokenize(expand_query(q)), 30), queries)
    retriever = HybridRetriever(index, embedder)  # empty cache: each query is embedded
    hybrid_ms = timed(lambda q: retriever.retrieve(q, top_k), queries)
    advisor = Advisor(
        Settings(data_dir=data_dir, embedder=ctx.cfg.embedder, chroma_url=url),
        index=index,
        embedder=embedder,
    )
    ask_ms = timed(lambda q: advisor.ask(q), queries)
    return {
        "open_s": round(open_s, 2),
        "dense": summarize(dense_ms),
        "bm25": summarize(sparse_ms),
        "hybrid": summarize(hybrid_ms),
        "ask": summarize(ask_ms),
        "bench_rss_mb": rss_mb(os.getpid()).get("VmRSS"),
    }


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    sources, _ = load_corpus(cfg.corpus_dir, max_bytes=int(Settings().max_file_mb * 1e6))
    vocab = vocabulary(s.text for s in sources)
    base = open_index(cfg.data_dir).vectors
    queries = ctx.queries(cfg.scale_questions)
    result = SectionResult(detail={"vocabulary_words": len(vocab.words), "sizes": {}})
    chroma = None
    if cfg.scale_server:
        chroma, url = start_chroma(cfg.work / "chroma-server")
        wait_until(chroma, partial(chroma_up, url), timeout_s=60)
    try:
        for n in cfg.scale_sizes:
            started = time.perf_counter()
            corpus = synthetic_corpus(vocab, n, seed=cfg.seed)
            vectors = derived_vectors(base, n, seed=cfg.seed)
            generate_s = time.perf_counter() - started
            modes: dict[str, Any] = {}
            for mode, mode_url in [("embedded", None)] + ([("server", url)] if chroma else []):
                data_dir = cfg.work / f"scale-{n}-{mode}"
                build_s = build(data_dir, corpus, vectors, ctx.embedder, mode_url)
                modes[mode] = {
                    "build_s": round(build_s, 2),
                    **measure(ctx, data_dir, mode_url, queries),
                }
                if not cfg.keep_work:
                    layout = Layout(data_dir)
                    name = layout.current_name()
                    if name:
                        remove_generation(layout, layout.gen_dir(name), mode_url)
                    shutil.rmtree(data_dir, ignore_errors=True)
            result.detail["sizes"][n] = {"generate_s": round(generate_s, 2), **modes}
            _rows(result, n, modes)
        if chroma:
            result.detail["chroma_server_peak_rss_mb"] = rss_mb(chroma.pid).get("VmHWM")
    finally:
        if chroma:
            chroma.stop()
    return result


def size_label(n: int) -> str:
    """100000 → "100k"; sizes that are not whole thousands stay as they are."""
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _rows(result: SectionResult, n: int, modes: dict[str, Any]) -> None:
    emb, srv = modes["embedded"], modes.get("server")
    k = size_label(n)
    result.metrics[f"scale_{k}_build_s"] = emb["build_s"]
    result.metrics[f"scale_{k}_hybrid_p50_ms"] = emb["hybrid"]["p50"]
    result.metrics[f"scale_{k}_ask_p50_ms"] = emb["ask"]["p50"]
    result.rows += [
        Row(
            f"{k} chunks: index build (files, BM25, embedded Chroma)",
            emb["build_s"],
            "s",
            "Chroma server",
            srv and srv["build_s"],
            srv and ratio(emb["build_s"], srv["build_s"]),
        ),
        Row(f"{k} chunks: open index", emb["open_s"], "s", "Chroma server", srv and srv["open_s"]),
    ]
    for part, label in (
        ("dense", "dense query (Chroma top-30, vector given)"),
        ("bm25", "BM25 query (top-30)"),
        ("hybrid", "hybrid retrieval incl. query embedding"),
        ("ask", "grounded answer, in-process (Advisor.ask)"),
    ):
        value, other = emb[part]["p50"], srv and srv[part]["p50"]
        result.rows.append(
            Row(
                f"{k} chunks: {label} p50", value, "ms", "Chroma server", other, ratio(value, other)
            )
        )
    if srv:
        result.metrics[f"scale_{k}_server_hybrid_p50_ms"] = srv["hybrid"]["p50"]
