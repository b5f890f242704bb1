"""Ingest: model load, full corpus ingest, embedding throughput, no-op re-ingest (in-process
and as the `advisor ingest` command a user runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from assistant.core.settings import Settings
from assistant.service import store_card_vectors
from evals.bench.context import Context, Row, SectionResult
from evals.bench.server import BENCH_ENV, BIN
from evals.bench.stats import median, ratio
from ingest.index import open_index
from ingest.pipeline import embed_text, run_ingest


def settings(ctx: Context) -> Settings:
    return Settings(
        corpus_dir=ctx.cfg.corpus_dir, data_dir=ctx.cfg.data_dir, embedder=ctx.cfg.embedder
    )


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    shutil.rmtree(cfg.data_dir, ignore_errors=True)
    started = time.perf_counter()
    embedder = ctx.embedder
    embedder.embed(["model warm-up"])
    load_s = time.perf_counter() - started

    summary = run_ingest(settings(ctx), rebuild=True, embedder=embedder)
    full_s = summary.seconds
    # `advisor ingest` then embeds the answer cards' phrasings for the server's first start
    t0 = time.perf_counter()
    store_card_vectors(settings(ctx), embedder)
    cards_s = time.perf_counter() - t0
    chunks = open_index(cfg.data_dir).chunks
    texts = [embed_text(c) for c in chunks]
    rates = []
    for _ in range(cfg.repeats):
        t0 = time.perf_counter()
        embedder.embed(texts)
        rates.append(len(texts) / (time.perf_counter() - t0))

    noop_in_process, noop_cli = [], []
    for _ in range(cfg.repeats):
        again = run_ingest(settings(ctx), embedder=embedder)
        assert not again.changed_anything, "re-ingest of an unchanged corpus changed the index"
        noop_in_process.append(again.seconds)
        t0 = time.perf_counter()
        subprocess.run(
            [
                str(BIN / "advisor"),
                "ingest",
                "--json",
                "--data-dir",
                str(cfg.data_dir),
                "--corpus",
                str(cfg.corpus_dir),
            ],
            env={**os.environ, **BENCH_ENV, "ADVISOR_EMBEDDER": cfg.embedder},
            check=True,
            capture_output=True,
        )
        noop_cli.append(time.perf_counter() - t0)

    rate = median(rates, 1)
    noop_cli_s, noop_s = median(noop_cli), median(noop_in_process, 4)
    metrics = {
        "model_load_s": round(load_s, 2),
        "ingest_full_s": round(full_s, 2),
        "cards_embed_s": round(cards_s, 2),
        "chunks": summary.chunks,
        "embed_chunks_per_s": rate,
        "noop_reingest_s": noop_s,
        "noop_reingest_cli_s": noop_cli_s,
    }
    rows = [
        Row(f"embedding model load ({embedder.name})", round(load_s, 2), "s"),
        Row(
            f"full ingest of the corpus ({summary.documents} docs, {summary.chunks} chunks "
            "+ quotable sentences), model warm",
            round(full_s, 2),
            "s",
        ),
        Row(
            "answer cards' phrasings embedded after the ingest (what `advisor ingest` adds, "
            "for the first server start)",
            round(cards_s, 2),
            "s",
        ),
        Row("embedding throughput (chunk texts, batch 64)", rate, "chunks/s"),
        Row(
            "no-op re-ingest, in-process",
            noop_s,
            "s",
            "full ingest",
            round(full_s, 2),
            ratio(noop_s, full_s, 4),
        ),
        Row(
            "no-op re-ingest, `advisor ingest` wall time",
            noop_cli_s,
            "s",
            "full ingest",
            round(full_s, 2),
            ratio(noop_cli_s, full_s, 3),
        ),
    ]
    detail = {
        "embed_rates": rates,
        "noop_in_process_s": noop_in_process,
        "noop_cli_s": noop_cli,
        "summary": summary.as_dict(),
    }
    return SectionResult(metrics, rows, detail)
