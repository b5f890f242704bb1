"""Shared fixtures: a throwaway corpus copy, settings pointing at tmp dirs, a Chroma server, and
one helper that runs a server subprocess (`advisor serve`, llama.cpp server) until it is ready."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
BIN = Path(sys.executable).parent

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# One ONNX export of the bundled encoder for the whole run (about 10 s, 90 MB), shared by every
# test's throwaway data dir and the servers the tests start, instead of one per data dir.
os.environ.setdefault(
    "ADVISOR_MODEL_DIR", str(Path(tempfile.gettempdir()) / f"advisor-test-models-{os.getuid()}")
)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    """Settings with the deterministic fake embedder and a private data dir."""
    return Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data", embedder="fake")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout:.0f} s")


def stop_process(proc: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it lingers; always reaped."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def _tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return log.read_text(encoding="utf-8", errors="replace")[-2000:]


@dataclass
class ServerProcess:
    """A server subprocess on 127.0.0.1 and where it logs."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path | None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return _tail(self.log)


@contextmanager
def server_process(
    cmd: Sequence[str],
    *,
    ready_url: str,
    ready: Callable[[httpx.Response], bool] = lambda r: r.status_code == 200,
    url: str | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 120.0,
) -> Iterator[ServerProcess]:
    """Run `cmd` until GET `ready_url` satisfies `ready`, yield it, stop it afterwards.

    Fails the test (with the end of the server's log) when the process exits or is not ready
    within `timeout` seconds. Output goes to `log` (or is discarded).
    """
    with log.open("wb") if log else open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(
            list(cmd), env=dict(env or os.environ), stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=5, trust_env=False) as client:
            while True:
                try:
                    if ready(client.get(ready_url)):
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None:
                    pytest.fail(f"{cmd[0]} exited with {proc.returncode}:\n{_tail(log)}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{cmd[0]} not ready after {timeout:.0f} s:\n{_tail(log)}")
                time.sleep(0.3)
        yield ServerProcess(proc, url or ready_url.rsplit("/", 1)[0], log)
    finally:
        stop_process(proc)


@contextmanager
def advisor_server(
    data_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 120.0,
) -> Iterator[ServerProcess]:
    """`advisor serve` on a free 127.0.0.1 port over `data_dir`, once /api/health says ready.

    `env` adds ADVISOR_* settings to this process's environment; the base URL is `.url`.
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [str(BIN / "advisor"), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    with server_process(
        cmd,
        ready_url=f"{base}/api/health",
        ready=lambda r: r.status_code == 200 and r.json().get("ready") is True,
        url=base,
        env={**os.environ, **(env or {})},
        log=log,
        timeout=timeout,
    ) as server:
        yield server


class ChromaServer:
    """`chroma run` on 127.0.0.1; can be killed and restarted on the same port and path."""

    def __init__(self, path: Path, port: int | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> ChromaServer:
        self.proc = subprocess.Popen(
            [
                str(BIN / "chroma"),
                "run",
                "--path",
                str(self.path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2, trust_env=False) as client:
            while True:
                try:
                    if client.get(f"{self.url}/api/v2/heartbeat").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise TimeoutError(f"chroma did not start on port {self.port}")
                time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-request, as in a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, timeout=10)


@pytest.fixture
def chroma_process(tmp_path: Path) -> Iterator[ChromaServer]:
    """A real, restartable Chroma server on 127.0.0.1, stopped after the test."""
    server = ChromaServer(tmp_path / "chroma-server").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def chroma_server(chroma_process: ChromaServer) -> str:
    """The URL of a real Chroma server on 127.0.0.1, started for the test and stopped after."""
    return chroma_process.url


# ---------------------------------------------------------------------------------------------
# The chat page in a real Chromium (tests/test_web*.py). Imports are lazy: tests.web_support
# imports this module.


@pytest.fixture(scope="module")
def app_server() -> Iterator[str]:
    """The app on the fake-embedder index of corpus/ (shared with the API tests), in a thread."""
    from assistant.api.app import create_app
    from tests.api_support import fake_settings
    from tests.web_support import LiveServer

    live = LiveServer(create_app(fake_settings())).start()
    try:
        yield live.url
    finally:
        live.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless chromium driven by Playwright, for one test module."""
    from playwright.sync_api import sync_playwright

    from tests.web_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def tab_factory(browser: Any) -> Iterator[Callable[..., Any]]:
    """New isolated browser contexts (fresh storage) as `Tab`s; closed after the test."""
    from tests.web_support import Tab

    contexts = []

    def make(
        base_url: str,
        *,
        width: int = 1280,
        height: int = 900,
        bypass_csp: bool = False,
        permissions: list[str] | None = None,
    ) -> Tab:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            bypass_csp=bypass_csp,
            service_workers="block",
            reduced_motion="reduce",  # instant scrolling: screenshots show the settled page
        )
        if permissions:
            context.grant_permissions(permissions, origin=base_url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Tab(context.new_page()).watch()

    yield make
    for context in contexts:
        context.close()
