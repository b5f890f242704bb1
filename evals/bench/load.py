"""HTTP load on /api/ask: a sequential pass and time-bounded concurrent async clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

Body = dict[str, Any]


@dataclass
class SequentialResult:
    latencies_ms: list[float] = field(default_factory=list)
    server_retrieve_ms: list[float] = field(default_factory=list)
    errors: int = 0


def sequential(base: str, bodies: Sequence[Body], timeout_s: float = 30.0) -> SequentialResult:
    """One request at a time, each body once; latency is the client's wall time."""
    out = SequentialResult()
    with httpx.Client(base_url=base, timeout=timeout_s) as client:
        for body in bodies:
            started = time.perf_counter()
            try:
                response = client.post("/api/ask", json=body)
            except httpx.HTTPError:
                out.errors += 1
                continue
            out.latencies_ms.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                out.errors += 1
            else:
                out.server_retrieve_ms.append(response.json()["timings_ms"]["retrieve"])
    return out


@dataclass
class LoadResult:
    clients: int
    seconds: float
    done: int
    errors: int
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return round((self.done - self.errors) / self.seconds, 1) if self.seconds else 0.0


async def _concurrent(
    base: str, bodies: Sequence[Body], clients: int, seconds: float
) -> LoadResult:
    done = errors = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker(offset: int) -> None:
            nonlocal done, errors
            i = offset
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.post("/api/ask", json=bodies[i % len(bodies)])
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - started) * 1000)
                done += 1
                i += clients

        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.perf_counter() - started
    return LoadResult(clients, elapsed, done, errors, latencies)


def concurrent(base: str, bodies: Sequence[Body], clients: int, seconds: float) -> LoadResult:
    """`clients` connections sending round-robin bodies until `seconds` pass (requests in
    flight then finish, so the elapsed time is measured, not assumed)."""
    return asyncio.run(_concurrent(base, bodies, clients, seconds))
