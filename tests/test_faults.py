"""Faults: Chroma dies under load and comes back, the LLM endpoint hangs, the index is corrupt.

The two ingest faults of issue 9 live beside the ingest code, in tests/test_ingest.py:
`test_sigkill_mid_ingest_leaves_old_index_serving` (an ingest SIGKILLed mid-way leaves the
previous generation serving, the next ingest completes) and `test_corrupt_index_names_the_fix`
(a damaged manifest raises an error naming `advisor ingest --rebuild`, a plain ingest repairs
it). Here the corrupt index is checked at the surfaces a user meets: the API and the CLI.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli import app as cli
from assistant.core.settings import Settings
from ingest.index import Layout
from ingest.pipeline import run_ingest
from tests.api_support import fake_settings as api_settings
from tests.conftest import ChromaServer, advisor_server
from tests.web_support import parse_sse

QUESTIONS = [
    "I graduated in 2016 with no USCE and want IM. Research or rotations first?",
    "Do observerships count as hands-on USCE?",
    "I have 3 months of externships and 3 US letters, aiming at academic IM: research next?",
    "What is a sub-internship?",
    "I can only afford one: paid research or an unpaid externship? No USCE yet.",
]
STORE_DOWN = "the vector store is unreachable; try again shortly"


# ---------------------------------------------------------------------------------------------
# Chroma server killed while requests are in flight


@dataclass
class Call:
    started: float
    ended: float
    status: int | None  # None: the HTTP request itself failed (connection reset, timeout)
    error: str | None = None


@dataclass
class Load:
    """Clients posting questions in a loop until stopped; every call is recorded."""

    base: str
    clients: int = 6
    calls: list[Call] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _client(self, k: int) -> None:
        with httpx.Client(base_url=self.base, timeout=30, trust_env=False) as client:
            i = k
            while not self.stop.is_set():
                started = time.monotonic()
                try:
                    r = client.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
                    status: int | None = r.status_code
                    error = r.json().get("error") if status != 200 else None
                except httpx.HTTPError as exc:
                    status, error = None, f"{type(exc).__name__}: {exc}"
                self.calls.append(Call(started, time.monotonic(), status, error))
                i += self.clients

    @contextmanager
    def running(self) -> Iterator[Load]:
        threads = [threading.Thread(target=self._client, args=(k,)) for k in range(self.clients)]
        for t in threads:
            t.start()
        try:
            yield self
        finally:
            self.stop.set()
            for t in threads:
                t.join(timeout=60)


def stream_error(base: str) -> tuple[str, dict]:
    """The last SSE event of one /api/ask/stream call."""
    with httpx.Client(timeout=30, trust_env=False) as client:
        r = client.post(f"{base}/api/ask/stream", json={"question": QUESTIONS[1]})
    name, data = parse_sse(r.text)[-1]
    return name, data


@pytest.mark.server
@pytest.mark.real
@pytest.mark.timeout(240)
def test_chroma_killed_mid_flight_gives_503_then_answers_resume(
    tmp_path: Path, chroma_process: ChromaServer
) -> None:
    settings = Settings(
        corpus_dir=Path("corpus"),
        data_dir=tmp_path / "data",
        embedder="fake",
        chroma_url=chroma_process.url,
    )
    run_ingest(settings)
    env = {
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_CHROMA_URL": chroma_process.url,
        "ADVISOR_RATE_LIMIT": "1000000/minute",
    }
    with advisor_server(settings.data_dir, env=env, log=tmp_path / "serve.log") as server:
        with Load(server.url).running() as load:
            time.sleep(2.0)
            killed = time.monotonic()
            chroma_process.kill()
            time.sleep(3.0)
            down_stream = stream_error(server.url)
            restarted = time.monotonic()
            chroma_process.start()
            deadline = restarted + 60
            while not any(c.status == 200 and c.started > restarted for c in load.calls):
                assert time.monotonic() < deadline, "answers did not resume within 60 s"
                time.sleep(0.05)
            recovered = min(
                c.ended for c in load.calls if c.status == 200 and c.started > restarted
            )
            time.sleep(2.0)
        assert server.proc.poll() is None, server.log_text()  # no crash
        health = httpx.get(f"{server.url}/api/health", timeout=10, trust_env=False).json()

    calls = load.calls
    statuses = {c.status for c in calls}
    failed = [c for c in calls if c.status not in (200, 503)]
    assert not failed, failed[:5]  # no 5xx but the 503, no reset connection, no timeout
    assert statuses == {200, 503}
    assert {c.error for c in calls if c.status == 503} == {STORE_DOWN}
    in_flight = [c for c in calls if c.started < killed < c.ended]
    assert in_flight, "no request was in flight when Chroma was killed"
    during = [c for c in calls if killed + 0.5 < c.started and c.ended < restarted]
    assert during and all(c.status == 503 for c in during)
    after = [c for c in calls if c.started > recovered]
    assert after and all(c.status == 200 for c in after)
    assert down_stream == (
        "error",
        {"error": STORE_DOWN, "detail": "the search index (Chroma) did not answer"},
    )
    assert health["ready"] is True
    print(
        f"\nchroma kill: {len(calls)} requests, {len(in_flight)} in flight at the kill, "
        f"{sum(c.status == 503 for c in calls)} x 503, {len(failed)} other errors, "
        f"recovery {recovered - restarted:.2f} s after the restart "
        f"(chroma start included), {len(after)} answers after"
    )


# ---------------------------------------------------------------------------------------------
# LLM endpoint that accepts the connection and never answers


class HangingServer:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the test is over
                return
            self.accepted.append(conn)

    def __enter__(self) -> HangingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()
        self._thread.join(timeout=5)


@pytest.mark.timeout(120)
def test_hanging_llm_endpoint_times_out_to_the_grounded_answer() -> None:
    timeout_s = 1.0
    with HangingServer() as hang:
        settings = api_settings(
            llm_base_url=f"http://127.0.0.1:{hang.port}/v1",
            llm_timeout_s=timeout_s,
            allowed_llms=["openai:x"],  # requests may only choose enabled backends
        )
        with TestClient(create_app(settings)) as client:
            question = QUESTIONS[0]
            grounded = client.post("/api/ask", json={"question": question}).json()
            started = time.monotonic()
            r = client.post("/api/ask", json={"question": question, "llm": "openai:x"})
            elapsed = time.monotonic() - started
            stream = client.post("/api/ask/stream", json={"question": question, "llm": "openai:x"})
        accepted = len(hang.accepted)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["backend"] == "grounded"
    assert body["answer"] == grounded["answer"]
    assert body["recommendation"] == grounded["recommendation"]
    [notice] = [n for n in body["notices"] if n.startswith("llm_unavailable")]
    assert "did not respond in time" in notice and "showing the grounded answer" in notice
    assert accepted >= 1  # the model was really called, and really hung
    # Two attempts of `timeout_s` each, plus slack for a loaded machine: the call was
    # abandoned, not waited out.
    assert elapsed < 2 * timeout_s + 10
    events = parse_sse(stream.text)
    assert events[0][0] == "meta" and events[-1][0] == "final"
    final = events[-1][1]
    assert final["backend"] == "grounded"
    assert any(n.startswith("llm_unavailable") for n in final["notices"])
    print(
        f"\nhanging LLM: {accepted} connections accepted, never answered; "
        f"grounded answer after {elapsed:.2f} s (timeout {timeout_s:g} s, 2 attempts)"
    )


# ---------------------------------------------------------------------------------------------
# Corrupt index at the surfaces (the index-level test is in tests/test_ingest.py)


def corrupt(settings: Settings) -> None:
    run_ingest(settings)
    layout = Layout(settings.data_dir)
    gen = layout.gen_dir(layout.current_name() or "")
    (gen / "chunks.jsonl").write_text('{"id": "half a line', encoding="utf-8")


def test_corrupt_index_is_a_503_naming_the_rebuild(fake_settings: Settings) -> None:
    corrupt(fake_settings)
    with TestClient(create_app(fake_settings)) as client:
        r = client.post("/api/ask", json={"question": QUESTIONS[1]})
        health = client.get("/api/health").json()
    assert r.status_code == 503
    assert r.json()["error"] == "the assistant is not ready"
    assert "advisor ingest --rebuild" in r.json()["detail"]
    assert "Traceback" not in r.text
    assert health["ready"] is False and "advisor ingest --rebuild" in health["detail"]


def test_corrupt_index_cli_names_the_rebuild(fake_settings: Settings) -> None:
    corrupt(fake_settings)
    result = CliRunner().invoke(
        cli,
        ["ask", QUESTIONS[1], "--data-dir", str(fake_settings.data_dir)],
        env={"ADVISOR_EMBEDDER": "fake", "ADVISOR_CORPUS_DIR": str(fake_settings.corpus_dir)},
    )
    assert result.exit_code == 1
    assert "advisor ingest --rebuild" in result.output
    assert "Traceback" not in result.output
