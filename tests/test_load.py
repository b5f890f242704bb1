"""Load: 60 seconds of 32 concurrent clients on 127.0.0.1 against a real `advisor serve`
subprocess (fake-embedder index), with the eval questions mixed over every answering route.

Asserted: zero errors (every response a 2xx, every stream ends with its `final` event) and the
server's resident memory stays under its start plus MEMORY_BOUND_MB. Latency is reported
(p50/p95/p99, printed with `pytest -s`), never asserted: it depends on the machine.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from evals.cases import load_cases
from tests.api_support import ROOT, fake_index_dir
from tests.conftest import advisor_server

pytestmark = [pytest.mark.real, pytest.mark.timeout(300)]

CLIENTS = 32
SECONDS = 60.0
MEMORY_BOUND_MB = 300.0


def rss_mb(pid: int) -> float:
    """Resident set size of a process, from /proc (no psutil needed)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def requests() -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, path, JSON body): the eval questions over the routes, plus document reads."""
    mix: list[tuple[str, str, dict[str, Any] | None]] = []
    for i, case in enumerate(load_cases(split="all")):
        body: dict[str, Any] = {"question": case["question"]}
        if case.get("profile"):
            body["profile"] = case["profile"]
        if case.get("history"):
            body["history"] = case["history"]
        if i % 5 == 3:
            mix.append(("POST", "/api/ask/stream", body))
        elif i % 5 == 4:
            messages = [*case.get("history", []), {"role": "user", "content": case["question"]}]
            mix.append(("POST", "/v1/chat/completions", {"messages": messages}))
        else:
            mix.append(("POST", "/api/ask", body))
        if i % 10 == 0:
            mix.append(("GET", "/api/documents/types-of-usce", None))
    return mix


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    by_route: Counter[str] = field(default_factory=Counter)


async def run_load(base: str, mix: list, clients: int, seconds: float) -> Results:
    results = Results()
    deadline = time.monotonic() + seconds

    async def client(k: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(
            base_url=base, timeout=120, limits=limits, trust_env=False
        ) as http:
            i = k * 7
            while time.monotonic() < deadline:
                method, path, body = mix[i % len(mix)]
                i += 1
                started = time.perf_counter()
                try:
                    r = await http.request(method, path, json=body)
                    ok = r.is_success and (not path.endswith("stream") or "event: final" in r.text)
                    results.statuses[str(r.status_code)] += 1
                    if not ok:
                        results.errors.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
                except httpx.HTTPError as exc:
                    results.statuses[type(exc).__name__] += 1
                    results.errors.append(f"{method} {path}: {type(exc).__name__}: {exc}")
                results.latencies.append(time.perf_counter() - started)
                results.by_route[path.split("/types")[0]] += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_sixty_seconds_of_32_clients(tmp_path: Path) -> None:
    env = {
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_CORPUS_DIR": str(ROOT / "corpus"),
        "ADVISOR_RATE_LIMIT": "100000000/minute",
    }
    mix = requests()
    with advisor_server(fake_index_dir(), env=env, log=tmp_path / "serve.log") as server:
        # Warm up (lazy imports, caches, thread pool) before the memory baseline is taken.
        asyncio.run(run_load(server.url, mix, clients=CLIENTS, seconds=3))
        start_rss = rss_mb(server.pid)
        samples = [start_rss]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append(rss_mb(server.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.monotonic()
        results = asyncio.run(run_load(server.url, mix, clients=CLIENTS, seconds=SECONDS))
        elapsed = time.monotonic() - began
        stop.set()
        sampler.join(timeout=5)
        samples.append(rss_mb(server.pid))
        assert server.proc.poll() is None, server.log_text()

    n = len(results.latencies)
    peak = max(samples)
    print(
        f"\nload: {CLIENTS} clients x {elapsed:.0f} s: {n} requests ({n / elapsed:.1f}/s), "
        f"{len(results.errors)} errors, statuses {dict(results.statuses)}\n"
        f"  routes {dict(results.by_route)}\n"
        f"  latency p50 {statistics.median(results.latencies) * 1000:.0f} ms, "
        f"p95 {percentile(results.latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(results.latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(results.latencies) * 1000:.0f} ms\n"
        f"  server RSS start {start_rss:.0f} MB, peak {peak:.0f} MB, end {samples[-1]:.0f} MB "
        f"(bound start + {MEMORY_BOUND_MB:.0f} MB)"
    )
    assert n > CLIENTS  # the clients really ran
    assert results.errors == [], results.errors[:5]
    assert peak <= start_rss + MEMORY_BOUND_MB, samples
