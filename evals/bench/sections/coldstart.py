"""Cold start: from launching a process to its first answer.

`advisor serve` is polled with POST /api/ask until it answers 200; `advisor ask --json` is
timed to exit. Both load Python, torch, the model and the index from scratch each time.
"""

from __future__ import annotations

import os
import subprocess
import time
from functools import partial

from evals.bench.context import Context, Row, SectionResult
from evals.bench.server import BENCH_ENV, BIN, first_answer, start_advisor, wait_until
from evals.bench.stats import median


def run(ctx: Context) -> SectionResult:
    cfg = ctx.cfg
    question = ctx.cases[0]["question"]
    env = {"ADVISOR_EMBEDDER": cfg.embedder}
    serve_s: list[float] = []
    for _ in range(cfg.repeats):
        proc, base = start_advisor(cfg.data_dir, env)
        with proc:
            serve_s.append(wait_until(proc, partial(first_answer, base, question), every_s=0.1))
    ask_s: list[float] = []
    for _ in range(cfg.repeats):
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "advisor"), "ask", question, "--json", "--data-dir", str(cfg.data_dir)],
            env={**os.environ, **BENCH_ENV, **env},
            check=True,
            capture_output=True,
        )
        ask_s.append(time.perf_counter() - started)
    metrics = {"cold_start_serve_s": median(serve_s, 2), "cold_start_ask_s": median(ask_s, 2)}
    rows = [
        Row("`advisor serve` start → first /api/ask answer", metrics["cold_start_serve_s"], "s"),
        Row("`advisor ask QUESTION --json` start → exit", metrics["cold_start_ask_s"], "s"),
    ]
    return SectionResult(metrics, rows, {"serve_s": serve_s, "ask_s": ask_s})
