"""HTTP query latency and throughput on a warm `advisor serve`, with the server's peak RSS.

Sequential pass 1 sends every eval case once (new questions: the query-embedding cache
misses); later passes repeat them (cache hits). Then N concurrent clients for a fixed time each.
"""

from __future__ import annotations

from functools import partial

from evals.bench.context import Context, Row, SectionResult
from evals.bench.load import concurrent, sequential
from evals.bench.server import RssSampler, first_answer, rss_mb, start_advisor, wait_until
from evals.bench.stats import summarize


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    bodies = ctx.bodies()
    proc, base = start_advisor(cfg.data_dir, {"ADVISOR_EMBEDDER": cfg.embedder})
    with proc, RssSampler(proc.pid) as sampler:
        wait_until(proc, partial(first_answer, base, "warm-up: what counts as USCE?"))
        idle_mb = rss_mb(proc.pid).get("VmRSS")
        passes = [sequential(base, bodies) for _ in range(cfg.sequential_passes)]
        loads = [concurrent(base, bodies, n, cfg.load_seconds) for n in cfg.clients]
        peak_mb = sampler.peak_mb()

    first, repeat = passes[0], passes[1:]
    cold = summarize(first.latencies_ms)
    warm = summarize([ms for p in repeat for ms in p.latencies_ms])
    retrieve = summarize(first.server_retrieve_ms)
    metrics = {
        "api_p50_ms": cold.get("p50"),
        "api_p95_ms": cold.get("p95"),
        "api_cached_p50_ms": warm.get("p50"),
        "api_cached_p95_ms": warm.get("p95"),
        "api_retrieve_p50_ms": retrieve.get("p50"),
        "sequential_errors": sum(p.errors for p in passes),
        "server_idle_rss_mb": idle_mb,
        "server_peak_rss_mb": peak_mb,
    }
    rows = [
        Row(f"/api/ask sequential p50, new questions ({cold['n']})", cold.get("p50"), "ms"),
        Row("/api/ask sequential p95, new questions", cold.get("p95"), "ms"),
        Row(
            "/api/ask sequential p50 / p95, repeated questions (cache hits)",
            f"{warm.get('p50')} / {warm.get('p95')}",
            "ms",
        ),
        Row(
            "retrieval inside the server (timings_ms.retrieve) p50, new questions",
            retrieve.get("p50"),
            "ms",
        ),
    ]
    for load in loads:
        lat = summarize(load.latencies_ms)
        metrics[f"rps_{load.clients}"] = load.rps
        metrics[f"errors_{load.clients}"] = load.errors
        rows.append(
            Row(
                f"{load.clients} concurrent client(s), {load.seconds:.0f} s: throughput "
                f"({load.done} requests, {load.errors} errors, p50 {lat.get('p50')} ms)",
                load.rps,
                "req/s",
            )
        )
    rows += [
        Row("server RSS after warm-up", idle_mb, "MB"),
        Row("server peak RSS (VmHWM and 10 Hz samples, through all the load)", peak_mb, "MB"),
    ]
    detail = {
        "sequential_first": cold,
        "sequential_repeat": warm,
        "server_retrieve": retrieve,
        "loads": [
            {
                "clients": x.clients,
                "seconds": round(x.seconds, 2),
                "done": x.done,
                "errors": x.errors,
                "rps": x.rps,
                "latency": summarize(x.latencies_ms),
            }
            for x in loads
        ],
        "rss_samples": len(sampler.samples),
    }
    return SectionResult(metrics, rows, detail)
