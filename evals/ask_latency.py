"""Warm per-question latency of `advisor ask --jsonl` (models loaded once).

    python -m evals.ask_latency [--repeat 3]

Feeds every eval question through the real CLI in one process and reports the median and p95 of
each Answer's `timings_ms.total` (the first answer is dropped: it pays for warm-up), plus the
whole batch's wall time per question including start-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from evals.cases import load_cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    args = parser.parse_args(argv)
    cases = load_cases(split="all")
    lines = [
        json.dumps({k: c[k] for k in ("question", "profile", "history") if c.get(k)}) for c in cases
    ] * args.repeat
    advisor = Path(sys.executable).with_name("advisor")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(advisor), "ask", "--jsonl", "-"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    totals = sorted(a["timings_ms"]["total"] for a in answers[1:] if "timings_ms" in a)
    retrieve = sorted(a["timings_ms"]["retrieve"] for a in answers[1:] if "timings_ms" in a)
    p95 = totals[int(0.95 * (len(totals) - 1))]
    print(f"{len(answers)} answers ({len(cases)} questions x {args.repeat}), one process")
    print(f"per-answer total:    median {statistics.median(totals):.1f} ms, p95 {p95:.1f} ms")
    print(f"per-answer retrieve: median {statistics.median(retrieve):.1f} ms")
    print(f"batch wall time incl. start-up: {wall:.1f} s ({1000 * wall / len(answers):.1f} ms/q)")


if __name__ == "__main__":
    main()
