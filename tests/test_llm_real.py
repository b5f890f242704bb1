"""Real language models: the bundled SmolLM2-135M in-process (`local`), and the same GGUF behind
`python -m llama_cpp.server` on loopback, reached through ChatOpenAI (`openai:`).

SmolLM2-135M is weak: these tests do not expect good prose. They check the plumbing (a real
draft streams in, the guard judges it) and the promise: whatever the model wrote, every citation
shown is verified and nothing shown contradicts the rules' verdict.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.core.settings import Settings
from assistant.core.types import Answer, Verdict
from assistant.llm.backends import chat_model, parse_backend
from assistant.llm.facts import propose_facts
from assistant.llm.llamacpp import bundled_gguf
from assistant.service import Advisor
from assistant.text.stance import contradiction
from evals.llm_compare import claim_sentences
from ingest.pipeline import run_ingest
from tests.conftest import free_port, server_process

pytestmark = [pytest.mark.real, pytest.mark.timeout(300)]

QUESTION = "I graduated in 2023, I have no USCE and no US letters, and I want IM. Research first?"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("llm-real")
    # The fake embedder keeps set-up fast: what is real here is the language model.
    settings = Settings(
        corpus_dir=Path("corpus"),
        data_dir=root / "data",
        embedder="fake",
        llm_max_tokens=96,
        llm_timeout_s=120,
    )
    run_ingest(settings)
    return settings


def assert_guarded(answer: Answer, advisor: Advisor, backend: str) -> None:
    assert answer.guard is not None and answer.guard["draft"].strip(), answer.notices
    assert answer.backend == backend, answer.notices
    assert answer.recommendation is not None
    assert answer.recommendation.verdict is Verdict.USCE_FIRST
    for c in answer.citations:
        assert c.verified and advisor.texts[c.doc_id][c.start : c.end]
    # Claim sentences as the evals count them (the reported disagreement of sources excluded).
    for sentence, _ in claim_sentences(answer.answer):
        assert contradiction(sentence, Verdict.USCE_FIRST) is None, sentence
    reported = len(answer.guard["kept"]) + len(answer.guard["dropped"])
    assert reported >= 1 and all(d["reason"] for d in answer.guard["dropped"])


def assert_streams_guarded(advisor: Advisor, backend: str) -> None:
    """Tokens stream, then the final Answer: guarded, its draft exactly the streamed text."""
    events: list[dict[str, Any]] = wire(advisor.ask_stream(QUESTION, llm=backend))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "meta" and kinds[-1] == "final" and kinds.count("token") > 1
    final = Answer.model_validate(events[-1]["data"])
    assert_guarded(final, advisor, backend)
    streamed = "".join(e["data"]["text"] for e in events if e["event"] == "token")
    assert final.guard is not None and streamed == final.guard["draft"]


def test_local_backend_answers_guarded_and_reproducibly(settings: Settings) -> None:
    advisor = Advisor(settings)
    first = advisor.ask(QUESTION, llm="local")
    assert_guarded(first, advisor, "local")
    # Greedy decoding, yet llama.cpp's drafts differ between calls (batching and cache state
    # change the floating-point path), so each call is checked on its own: guarded, and the
    # streamed tokens are exactly the draft the guard judged.
    again = advisor.ask(QUESTION, llm="local")
    assert_guarded(again, advisor, "local")

    events = wire(advisor.ask_stream(QUESTION, llm="local"))
    tokens = [e["data"]["text"] for e in events if e["event"] == "token"]
    assert events[0]["event"] == "meta" and events[-1]["event"] == "final"
    final = Answer.model_validate(events[-1]["data"])
    assert final.guard is not None
    assert len(tokens) > 1 and "".join(tokens) == final.guard["draft"]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` serving the bundled GGUF on 127.0.0.1, for this module."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(bundled_gguf()),
        "--model_alias",
        "smollm2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--verbose",
        "False",
    ]
    with server_process(
        cmd,
        ready_url=f"{base}/models",
        ready=lambda r: r.status_code == 200 and bool(r.json().get("data")),
        url=base,
        log=tmp_path_factory.mktemp("llama-server") / "server.log",
    ) as live:
        yield live.url


def test_chat_openai_against_llama_cpp_server(llama_server: str, settings: Settings) -> None:
    model = chat_model(
        parse_backend("openai:smollm2"), settings.model_copy(update={"llm_base_url": llama_server})
    )
    reply = model.invoke("Say hello in one short sentence.")
    assert isinstance(reply.content, str) and reply.content.strip()
    chunks = [c.content for c in model.stream("Count from one to five.")]
    assert len(chunks) > 1 and "".join(map(str, chunks)).strip()


def test_openai_backend_streaming_and_not(llama_server: str, settings: Settings) -> None:
    advisor = Advisor(settings.model_copy(update={"llm_base_url": llama_server}))
    answer = advisor.ask(QUESTION, llm="openai:smollm2")
    assert_guarded(answer, advisor, "openai:smollm2")

    assert_streams_guarded(advisor, "openai:smollm2")


def test_model_assisted_reading_through_the_llama_cpp_server(
    llama_server: str, settings: Settings
) -> None:
    """The real structured-output call (a forced tool call that llama.cpp turns into a grammar):
    SmolLM2-135M proposes whatever it proposes; only facts whose words are in the message and
    that the reading does not contradict are used, so the answer still stands on the rules."""
    live = settings.model_copy(update={"llm_base_url": llama_server, "llm_max_tokens": 160})
    model = chat_model(parse_backend("openai:smollm2"), live)
    message = (
        "I graduated in 2021, did 3 months of hands-on IM externships and have 3 US letters. "
        "Research next?"
    )
    proposals = propose_facts(model, message)  # parsed, not just text: the schema held
    assert isinstance(proposals, list)

    advisor = Advisor(live.model_copy(update={"llm_read_facts": True}))
    answer = advisor.ask(message, llm="openai:smollm2")
    grounded = advisor.ask(message)
    # The deterministic reading is never overturned, and every fact points at the message.
    assert {k: answer.profile[k] for k in grounded.profile} == grounded.profile
    for fact, span in answer.profile_evidence.items():
        assert message[span.start : span.end] == span.text, fact
    assert answer.recommendation is not None and grounded.recommendation is not None
    if answer.profile == grounded.profile:
        assert answer.recommendation.verdict == grounded.recommendation.verdict


def as_wire(event: Any) -> dict[str, Any]:
    """A typed stream event as the API sends it: its kind and its JSON payload."""
    return {"event": event.kind, "data": event.payload()}


def wire(events: Any) -> list[dict[str, Any]]:
    return [as_wire(e) for e in events]
