"""HTTP latency of POST /api/ask (grounded) against a real `advisor serve` on 127.0.0.1.

    python -m evals.api_latency [--requests 200] [--concurrency 16] [--seconds 20]

A thin shortcut to the benchmark's query tools (`evals.bench.server`, `evals.bench.load`):
starts the server on a free port with the index in ADVISOR_DATA_DIR (default .data), sends the
eval questions round-robin, first sequentially (p50, p95), then from N concurrent clients for a
fixed time (requests/s, errors). Prints one Markdown table. The full suite is `advisor bench`.
"""

from __future__ import annotations

import argparse
import itertools
from functools import partial

from assistant.core.settings import Settings
from evals.bench.load import concurrent, sequential
from evals.bench.server import first_answer, start_advisor, wait_until
from evals.bench.stats import summarize
from evals.cases import load_cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    bodies = [{"question": c["question"]} for c in load_cases(split="all") if not c.get("history")]
    proc, base = start_advisor(Settings().data_dir)
    with proc:
        wait_until(proc, partial(first_answer, base, bodies[0]["question"]))
        seq = sequential(base, list(itertools.islice(itertools.cycle(bodies), args.requests)))
        load = concurrent(base, bodies, args.concurrency, args.seconds)
    lat = summarize(seq.latencies_ms)
    print("| measure | value |\n|---|---|")
    print(f"| sequential requests | {args.requests} ({seq.errors} errors) |")
    print(f"| /api/ask p50 | {lat.get('p50')} ms |")
    print(f"| /api/ask p95 | {lat.get('p95')} ms |")
    print(
        f"| {args.concurrency} concurrent clients, {args.seconds:.0f} s | "
        f"{load.rps} req/s, {load.errors} errors of {load.done} |"
    )


if __name__ == "__main__":
    main()
