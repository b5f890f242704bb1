"""The ONNX query encoder (issue 19): the same vectors as sentence-transformers, a fallback to it
whenever the export cannot be had or used, stored card vectors, and an `advisor ask` that never
imports torch."""

from __future__ import annotations

import json
import logging
import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from ingest.embedder import FakeEmbedder, MiniLMEmbedder, embed_cached
from ingest.onnx_encoder import encoder_file, weights_file
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODELS = Path(os.environ["ADVISOR_MODEL_DIR"])  # set by conftest: one export per run


def _texts(count: int) -> list[str]:
    """Questions as applicants write them, then article sentences: short, long, emoji, markup."""
    rows = (ROOT / "evals/datasets/forum_gold.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(row)["question"] for row in rows]
    for article in sorted((ROOT / "corpus").glob("*.txt")):
        texts += [p for p in article.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return ["", " ", "x" * 5000, *texts][:count]


@pytest.mark.real
def test_onnx_vectors_match_sentence_transformers_on_200_texts() -> None:
    onnx = MiniLMEmbedder(onnx_dir=SHARED_MODELS)
    assert onnx.prepare() == "onnx"
    reference = MiniLMEmbedder(runtime="sentence-transformers")
    assert reference.prepare() == "sentence-transformers"
    texts = _texts(200)
    assert len(texts) == 200
    a, b = onnx.embed(texts), reference.embed(texts)
    cosines = np.sum(a * b, axis=1)
    assert float(cosines.min()) >= 0.9999, texts[int(cosines.argmin())][:80]
    assert onnx.fingerprint == reference.fingerprint  # same model: stored vectors stay valid


@pytest.mark.real
def test_a_failed_export_falls_back_to_sentence_transformers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object) -> float:
        raise RuntimeError("exporter exploded")

    monkeypatch.setattr("ingest.embedder.export", broken)
    embedder = MiniLMEmbedder(onnx_dir=tmp_path)
    with caplog.at_level(logging.WARNING):
        assert embedder.prepare() == "sentence-transformers"
    assert "exporter exploded" in caplog.text
    assert embedder.embed(["still answers"]).shape == (1, 384)
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


@pytest.mark.real
def test_a_damaged_export_is_dropped_and_the_reference_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = MiniLMEmbedder(onnx_dir=tmp_path)
    graph = encoder_file(tmp_path, embedder.fingerprint)
    graph.write_bytes(b"not an onnx graph")
    weights_file(graph).write_bytes(b"\0" * 64)
    with caplog.at_level(logging.WARNING):
        assert embedder.prepare() == "sentence-transformers"
    assert "unusable" in caplog.text
    assert not graph.exists()  # the next start exports it again
    assert embedder.embed(["hello"]).shape == (1, 384)


class Counting(FakeEmbedder):
    calls = 0

    def embed(self, texts):  # type: ignore[no-untyped-def]
        Counting.calls += 1
        return super().embed(texts)


def test_card_vectors_are_embedded_once_and_read_after(tmp_path: Path) -> None:
    embedder = Counting()
    texts = ["how long should research be", "does a case report count"]
    first = embed_cached(embedder, texts, tmp_path, "cards")
    again = embed_cached(embedder, texts, tmp_path, "cards")
    assert Counting.calls == 1 and np.array_equal(first, again)
    # Other texts (an edited cards.toml): embedded anew, the stale file removed.
    embed_cached(embedder, [*texts, "a new phrasing"], tmp_path, "cards")
    assert Counting.calls == 2 and len(list(tmp_path.glob("cards-*.npy"))) == 1
    # A damaged file costs an embedding, not an error.
    next(tmp_path.glob("cards-*.npy")).write_bytes(b"garbage")
    embed_cached(embedder, [*texts, "a new phrasing"], tmp_path, "cards")
    assert Counting.calls == 3


def test_an_unwritable_folder_still_gives_the_vectors(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    vectors = embed_cached(FakeEmbedder(), ["a", "b"], blocked, "cards")
    assert vectors.shape == (2, 256)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("onnx") / "data"
    run_ingest(Settings(corpus_dir=ROOT / "corpus", data_dir=folder, embedder="minilm"))
    return folder


@pytest.mark.real
def test_advisor_ask_does_not_import_torch(data: Path) -> None:
    probe = (
        "import sys\n"
        "from assistant.cli import app\n"
        "sys.argv = ['advisor', 'ask', 'how long should research be?', '--data-dir', sys.argv[1]]\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', "
        "'llama_cpp', 'langchain_openai') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "ADVISOR_LLM": "grounded"}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY []" in done.stdout, done.stdout[-500:]
    assert "6–12" in done.stdout or "6-12" in done.stdout  # it answered


def _ask(data: Path, stderr: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "advisor"), "ask", "how many US letters do I need?"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=ROOT,
        env={**os.environ, "ADVISOR_DATA_DIR": str(data), "TERM": "xterm", "COLUMNS": "100"},
    )


@pytest.mark.real
def test_a_spinner_shows_on_a_terminal_and_never_in_a_pipe(data: Path) -> None:
    piped = _ask(data, subprocess.PIPE)
    answer, errors = piped.communicate(timeout=120)
    assert piped.returncode == 0 and errors == b"", errors[-500:]
    assert b"letters" in answer

    primary, secondary = pty.openpty()  # stderr alone is a terminal; stdout stays a pipe
    shown = _ask(data, secondary)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    answer = shown.stdout.read() if shown.stdout else b""
    shown.wait(timeout=120)
    os.close(primary)
    assert shown.returncode == 0
    assert b"Loading the index" in seen, seen[-300:]
    assert b"Loading" not in answer and b"letters" in answer  # the answer alone on stdout
