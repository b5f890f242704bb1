"""HTTP latency of POST /api/ask (grounded) against a real `advisor serve` on 127.0.0.1.

    python -m evals.api_latency [--requests 200] [--concurrency 16] [--seconds 20]

Starts the server on a free port with the index in ADVISOR_DATA_DIR (default .data), sends the
eval questions round-robin: first sequentially (median, p95), then from N concurrent clients for
a fixed time (requests/s, errors). Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from evals.cases import load_cases


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _questions() -> list[str]:
    return [c["question"] for c in load_cases(split="all") if not c.get("history")]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))]


async def _load(base: str, questions: list[str], clients: int, seconds: float) -> tuple[int, int]:
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            i = offset
            while time.perf_counter() < deadline:
                r = await client.post("/api/ask", json={"question": questions[i % len(questions)]})
                done += 1
                errors += r.status_code != 200
                i += clients

    await asyncio.gather(*(worker(k) for k in range(clients)))
    return done, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "ADVISOR_RATE_LIMIT": "1000000/minute"}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("advisor")), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).json().get("ready"):
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        questions = _questions()
        latencies = []
        with httpx.Client(base_url=base, timeout=30) as client:
            client.post("/api/ask", json={"question": questions[0]})  # warm-up
            for i in range(args.requests):
                started = time.perf_counter()
                r = client.post("/api/ask", json={"question": questions[i % len(questions)]})
                latencies.append((time.perf_counter() - started) * 1000)
                r.raise_for_status()
        started = time.perf_counter()
        done, errors = asyncio.run(_load(base, questions, args.concurrency, args.seconds))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=15)
    print("| measure | value |\n|---|---|")
    print(f"| sequential requests | {args.requests} |")
    print(f"| /api/ask p50 | {statistics.median(latencies):.1f} ms |")
    print(f"| /api/ask p95 | {_percentile(latencies, 0.95):.1f} ms |")
    print(f"| {args.concurrency} concurrent clients, {args.seconds:.0f} s | "
          f"{done / elapsed:.1f} req/s, {errors} errors of {done} |")


if __name__ == "__main__":
    main()
