"""Cold start: from launching a process to its first answer.

`advisor serve` is polled with GET /api/health until it says ready, and then with POST /api/ask
until it answers 200; `advisor ask --json` is timed to exit, with its peak RSS (the kernel's
VmHWM, sampled every 20 ms). Each loads Python, the encoder and the index from scratch.
"""

from __future__ import annotations

import os
import subprocess
import time
from functools import partial

from evals.bench.context import Context, Row, SectionResult
from evals.bench.server import (
    BENCH_ENV,
    BIN,
    RssSampler,
    first_answer,
    healthy,
    start_advisor,
    wait_until,
)
from evals.bench.stats import median


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    question = ctx.cases[0]["question"]
    env = {"ADVISOR_EMBEDDER": cfg.embedder}
    ready_s: list[float] = []
    serve_s: list[float] = []
    for _ in range(cfg.repeats):
        started = time.perf_counter()
        proc, base = start_advisor(cfg.data_dir, env)
        with proc:
            wait_until(proc, partial(healthy, base), every_s=0.05)
            ready_s.append(time.perf_counter() - started)
            wait_until(proc, partial(first_answer, base, question), every_s=0.05)
            serve_s.append(time.perf_counter() - started)
    ask_s: list[float] = []
    ask_rss_mb: list[float] = []
    for _ in range(cfg.repeats):
        started = time.perf_counter()
        child = subprocess.Popen(
            [str(BIN / "advisor"), "ask", question, "--json", "--data-dir", str(cfg.data_dir)],
            env={**os.environ, **BENCH_ENV, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # VmHWM sampled, not the kernel's ru_maxrss: a forked child starts with its parent's
        # peak (this bench process, torch loaded: about 1 GB), which exec does not reset.
        with RssSampler(child.pid, every_s=0.02) as sampler:
            if child.wait():
                raise RuntimeError(f"advisor ask exited with {child.returncode}")
        ask_s.append(time.perf_counter() - started)
        ask_rss_mb.append(sampler.peak_mb())
    metrics = {
        "server_ready_s": median(ready_s, 2),
        "cold_start_serve_s": median(serve_s, 2),
        "cold_start_ask_s": median(ask_s, 2),
        "ask_peak_rss_mb": median(ask_rss_mb, 0),
    }
    rows = [
        Row("`advisor serve` start → /api/health ready", metrics["server_ready_s"], "s"),
        Row("`advisor serve` start → first /api/ask answer", metrics["cold_start_serve_s"], "s"),
        Row("`advisor ask QUESTION --json` start → exit", metrics["cold_start_ask_s"], "s"),
        Row("`advisor ask QUESTION --json` peak RSS", metrics["ask_peak_rss_mb"], "MB"),
    ]
    detail = {"ready_s": ready_s, "serve_s": serve_s, "ask_s": ask_s, "ask_rss_mb": ask_rss_mb}
    return SectionResult(metrics, rows, detail)
