"""The `ollama:MODEL` backend end to end: the real ChatOllama client over HTTP on 127.0.0.1,
streaming and not, against a server that speaks Ollama's chat API with the bundled SmolLM2
(tests/ollama_shim.py says why a shim and not the Ollama daemon)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.llm.backends import chat_model, parse_backend
from assistant.llm.llamacpp import bundled_gguf
from assistant.service import Advisor
from ingest.pipeline import run_ingest
from tests.ollama_shim import create_shim
from tests.test_llm_real import QUESTION, assert_guarded, assert_streams_guarded
from tests.web_support import LiveServer

pytestmark = [pytest.mark.real, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def ollama() -> Iterator[LiveServer]:
    live = LiveServer(create_shim(bundled_gguf())).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, ollama: LiveServer) -> Settings:
    settings = Settings(
        corpus_dir=Path("corpus"),
        data_dir=tmp_path_factory.mktemp("ollama") / "data",
        embedder="fake",  # what is real here is the model and the Ollama client
        llm_max_tokens=96,
        llm_timeout_s=120,
        ollama_url=ollama.url,
    )
    run_ingest(settings)
    return settings


def test_chat_ollama_talks_to_the_server(ollama: LiveServer, settings: Settings) -> None:
    model = chat_model(parse_backend("ollama:smollm2"), settings)
    reply = model.invoke("Say hello in one short sentence.")
    assert isinstance(reply.content, str) and reply.content.strip()
    chunks = [c.content for c in model.stream("Count from one to five.")]
    assert len(chunks) > 1 and "".join(map(str, chunks)).strip()
    sent = ollama.app.state.requests[-1]
    # The settings reach the server: greedy, seeded, bounded.
    assert sent["options"]["temperature"] == 0 and sent["options"]["num_predict"] == 96


def test_ollama_backend_guarded_streaming_and_not(settings: Settings) -> None:
    advisor = Advisor(settings)
    answer = advisor.ask(QUESTION, llm="ollama:smollm2")
    assert_guarded(answer, advisor, "ollama:smollm2")

    assert_streams_guarded(advisor, "ollama:smollm2")


def test_unknown_ollama_model_falls_back_with_a_notice(settings: Settings) -> None:
    answer = Advisor(settings).ask(QUESTION, llm="ollama:no-such-model")
    assert answer.backend == "grounded" and answer.recommendation is not None
    assert any(n.startswith("llm_unavailable: ollama:no-such-model") for n in answer.notices)
    assert "Traceback" not in " ".join(answer.notices)
