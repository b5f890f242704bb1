"""End to end over real HTTP: `advisor serve` in a subprocess on 127.0.0.1 (real MiniLM index),
the official `openai` client against /v1/chat/completions, an SSE client against
/api/ask/stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from httpx_sse import connect_sse
from openai import OpenAI

from assistant.core.settings import Settings
from assistant.core.types import Answer
from ingest.pipeline import run_ingest
from tests.conftest import advisor_server

pytestmark = pytest.mark.real
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    run_ingest(Settings(corpus_dir=ROOT / "corpus", data_dir=data, embedder="minilm"))
    env = {"ADVISOR_EMBEDDER": "minilm", "ADVISOR_RATE_LIMIT": "1000/minute"}
    with advisor_server(data, env=env, log=root / "server.log") as live:
        yield live.url


def test_openai_client_non_streaming(server: str) -> None:
    client = OpenAI(base_url=f"{server}/v1", api_key="not-needed", max_retries=0, timeout=30)
    assert [m.id for m in client.models.list()] == ["img-advisor"]
    reply = client.chat.completions.create(
        model="img-advisor",
        messages=[
            {
                "role": "user",
                "content": "I graduated in 2016 with no USCE and want IM. "
                "Research or rotations first?",
            }
        ],
    )
    content = reply.choices[0].message.content or ""
    assert content.startswith("**Recommendation (")
    extra = Answer.model_validate((reply.model_extra or {})["img_advisor"])
    assert extra.recommendation and extra.recommendation.verdict.value == "USCE_URGENT"
    assert all(c.verified for c in extra.citations)


def test_openai_client_streaming(server: str) -> None:
    client = OpenAI(base_url=f"{server}/v1", api_key="not-needed", max_retries=0, timeout=30)
    stream = client.chat.completions.create(
        model="img-advisor",
        messages=[{"role": "user", "content": "Do observerships count as hands-on USCE?"}],
        stream=True,
    )
    pieces, extra = [], None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        extra = (chunk.model_extra or {}).get("img_advisor", extra)
    text = "".join(pieces)
    assert "**Sources**" in text and len(pieces) > 3
    assert extra is not None and Answer.model_validate(extra).citations


def test_sse_client_ask_stream(server: str) -> None:
    events: list[tuple[str, str]] = []
    with (
        httpx.Client(timeout=30) as client,
        connect_sse(
            client,
            "POST",
            f"{server}/api/ask/stream",
            json={
                "question": "I can only afford one: paid research or an unpaid externship? "
                "No USCE yet."
            },
        ) as source,
    ):
        for sse in source.iter_sse():
            events.append((sse.event, sse.data))
    names = [name for name, _ in events]
    assert names[0] == "meta" and names[-1] == "final" and "error" not in names
    final = Answer.model_validate_json(events[-1][1])
    assert final.recommendation and final.recommendation.verdict.value == "USCE_FIRST"
    assert json.loads(events[0][1])["recommendation"]["verdict"] == "USCE_FIRST"


def test_errors_over_http(server: str) -> None:
    r = httpx.post(f"{server}/api/ask", json={"question": ""})
    assert r.status_code == 422 and r.json()["error"] == "question is empty"
    r = httpx.get(f"{server}/api/documents/unknown")
    assert r.status_code == 404
