"""Subprocesses on 127.0.0.1: `advisor serve` and `chroma run`, plus their memory from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

BIN = Path(sys.executable).parent
# All load comes from one address: the per-client limit would turn it into 429s.
BENCH_ENV = {"ADVISOR_RATE_LIMIT": "1000000/minute", "HF_HUB_OFFLINE": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> dict[str, float]:
    """Current (VmRSS) and peak (VmHWM) resident memory of a process, in MB; {} when gone."""
    out: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    except (OSError, ValueError):
        return {}
    return out


class RssSampler:
    """Samples a process's RSS on a thread; `peak_mb` is the max of the samples and VmHWM. Each
    sample also reads VmHWM (the kernel's running peak, reset at exec), so a process that has
    exited by the time `peak_mb` is asked still reports its peak up to its last sample."""

    def __init__(self, pid: int, every_s: float = 0.1) -> None:
        self.pid, self.every_s = pid, every_s
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            now = rss_mb(self.pid)
            if "VmRSS" in now:
                self.samples.append(max(now["VmRSS"], now.get("VmHWM", 0.0)))
            self._stop.wait(self.every_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak_mb(self) -> float:
        return max([*self.samples, rss_mb(self.pid).get("VmHWM", 0.0)], default=0.0)


class Process:
    """A subprocess started by the bench and stopped by it (never anything else)."""

    def __init__(self, args: list[str], env: Mapping[str, str] | None = None) -> None:
        self.args = args
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            args,
            env={**os.environ, **BENCH_ENV, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_advisor(data_dir: Path, env: Mapping[str, str] | None = None) -> tuple[Process, str]:
    port = free_port()
    args = [str(BIN / "advisor"), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    return Process(args, env), f"http://127.0.0.1:{port}"


def start_chroma(path: Path) -> tuple[Process, str]:
    port = free_port()
    args = [
        str(BIN / "chroma"),
        "run",
        "--path",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return Process(args), f"http://127.0.0.1:{port}"


def wait_until(proc: Process, probe: Any, timeout_s: float = 120.0, every_s: float = 0.05) -> float:
    """Seconds from the process's start until `probe()` is true.

    Raises:
        RuntimeError: the process exited, or `timeout_s` passed.
    """
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.args[0]} exited with {proc.proc.returncode}")
        try:
            if probe():
                return time.perf_counter() - proc.started
        except httpx.HTTPError:
            pass
        time.sleep(every_s)
    raise RuntimeError(f"not ready after {timeout_s:.0f} s: {' '.join(proc.args)}")


def first_answer(base: str, question: str) -> bool:
    """True once POST /api/ask answers 200 (the server is up and the index loaded)."""
    return httpx.post(f"{base}/api/ask", json={"question": question}, timeout=30).status_code == 200


def healthy(base: str) -> bool:
    return bool(httpx.get(f"{base}/api/health", timeout=2).json().get("ready"))


def chroma_up(base: str) -> bool:
    return httpx.get(f"{base}/api/v2/heartbeat", timeout=2).status_code == 200
