"""Data safety: ingests while a server answers, damaged, read-only and full data dirs, metadata
edits, and a health check that tells the truth (issue 14, items 5 to 10)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.api.app import create_app
from assistant.cli import app as cli
from assistant.core.settings import Settings
from ingest.index import (
    DataDirNotWritable,
    IndexCorrupt,
    Layout,
    WriteFailed,
    open_index,
)
from ingest.pipeline import run_ingest
from ingest.vectors import VectorStore
from tests.conftest import BIN, ChromaServer, advisor_server

QUESTION = "I graduated in 2018 with no US clinical experience: research or rotations first?"
DOC = "types-of-usce"


def _generations(data_dir: Path) -> set[str]:
    return {p.name for p in data_dir.iterdir() if p.is_dir() and p.name.startswith("gen-")}


def _touch_corpus(corpus: Path, n: int) -> None:
    with (corpus / f"{DOC}.txt").open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nAn added closing paragraph, number {n}, for the re-ingest test.\n")


# ---------------------------------------------------------------------------------------------
# Item 5: a generation in use is never deleted


def test_a_generation_in_use_survives_later_ingests(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    served = open_index(fake_settings.data_dir)  # what a running server holds
    name = served.manifest.generation
    for n in range(3):
        _touch_corpus(fake_settings.corpus_dir, n)
        summary = run_ingest(fake_settings)
    assert name in _generations(fake_settings.data_dir)
    assert name in summary.in_use_generations
    vector = served.vectors[0]
    assert served.store.query(vector, 3)  # still answers after three ingests
    served.close()
    _touch_corpus(fake_settings.corpus_dir, 9)
    run_ingest(fake_settings)
    assert name not in _generations(fake_settings.data_dir)  # released: now it may go
    assert len(_generations(fake_settings.data_dir)) == 2  # the active one and its previous


def test_a_lease_ends_with_its_process(fake_settings: Settings, tmp_path: Path) -> None:
    """A server killed with SIGKILL never pins its generation."""
    run_ingest(fake_settings)
    name = Layout(fake_settings.data_dir).current_name()
    script = (
        "import sys, time\n"
        "from ingest.index import open_index\n"
        f"index = open_index(__import__('pathlib').Path({str(fake_settings.data_dir)!r}))\n"
        "print('open', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "ADVISOR_EMBEDDER": "fake"}
    holder = subprocess.Popen([str(BIN / "python"), "-c", script], stdout=subprocess.PIPE, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        for n in range(2):
            _touch_corpus(fake_settings.corpus_dir, n)
            run_ingest(fake_settings)
        assert name in _generations(fake_settings.data_dir)
    finally:
        holder.kill()
        holder.wait(10)
    _touch_corpus(fake_settings.corpus_dir, 5)
    run_ingest(fake_settings)
    assert name not in _generations(fake_settings.data_dir)


def test_the_app_switches_to_a_new_generation_by_itself(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    with TestClient(create_app(fake_settings)) as client:
        first = client.get("/api/health").json()["index"]["generation"]
        _touch_corpus(fake_settings.corpus_dir, 1)
        new = run_ingest(fake_settings).generation
        deadline = time.monotonic() + 20
        seen = first
        while seen != new and time.monotonic() < deadline:
            assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200
            seen = client.get("/api/health").json()["index"]["generation"]
            time.sleep(0.2)
        assert seen == new
        text = client.get(f"/api/documents/{DOC}").json()["text"]
        assert "number 1, for the re-ingest test" in text


class _Clients:
    """`n` threads asking questions and one polling health, counting every outcome."""

    def __init__(self, base: str, data_dir: Path, n: int = 4) -> None:
        self.base, self.data_dir, self.n = base, data_dir, n
        self.outcomes: Counter[str] = Counter()
        self.errors: list[str] = []
        self.lies: list[str] = []
        self.served: list[str] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> _Clients:
        for i in range(self.n):
            self._threads.append(threading.Thread(target=self._ask, args=(i,), daemon=True))
        self._threads.append(threading.Thread(target=self._health, daemon=True))
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)

    def _ask(self, i: int) -> None:
        questions = [QUESTION, "What counts as hands-on USCE?", "Is an observership enough?"]
        with httpx.Client(base_url=self.base, timeout=30, trust_env=False) as client:
            k = 0
            while not self._stop.is_set():
                k += 1
                body = {"question": f"{questions[(i + k) % 3]} ({k})"}
                try:
                    r = client.post("/api/ask", json=body)
                    self.outcomes[str(r.status_code)] += 1
                    if r.status_code != 200:
                        self.errors.append(f"{r.status_code} {r.text[:200]}")
                except httpx.HTTPError as exc:
                    self.outcomes["transport"] += 1
                    self.errors.append(repr(exc))

    def _health(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30, trust_env=False) as client:
            while not self._stop.is_set():
                h = client.get("/api/health").json()
                generation = (h.get("index") or {}).get("generation")
                if not h["ready"]:
                    self.lies.append(f"not ready: {h.get('detail')}")
                elif generation not in _generations(self.data_dir):
                    self.lies.append(f"ready on {generation}, which is gone")
                else:
                    self.served.append(generation)
                time.sleep(0.1)


@pytest.mark.real
@pytest.mark.parametrize("mode", ["embedded", "chroma-server"])
def test_ingests_while_a_server_answers(
    mode: str, corpus_copy: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Three ingests under four clients: zero errors, and health names what it serves."""
    env = {
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_CORPUS_DIR": str(corpus_copy),
        "ADVISOR_RATE_LIMIT": "100000/minute",
    }
    if mode == "chroma-server":
        env["ADVISOR_CHROMA_URL"] = request.getfixturevalue("chroma_server")
    data = tmp_path / "data"
    cmd = [str(BIN / "advisor"), "ingest", "--data-dir", str(data)]
    run_env = {**os.environ, **env}
    subprocess.run(cmd, env=run_env, check=True, capture_output=True)
    with advisor_server(data, env=env, log=tmp_path / "serve.log") as server:
        with _Clients(server.url, data) as clients:
            time.sleep(1.0)
            for n in range(3):
                _touch_corpus(corpus_copy, n)
                done = subprocess.run(cmd, env=run_env, capture_output=True, text=True)
                assert done.returncode == 0, done.stderr
                time.sleep(1.5)  # questions keep coming on the new generation
            final = Layout(data).current_name()
            deadline = time.monotonic() + 15
            while (not clients.served or clients.served[-1] != final) and (
                time.monotonic() < deadline
            ):
                time.sleep(0.2)
        print(
            f"\n{mode}: {sum(clients.outcomes.values())} asks {dict(clients.outcomes)}, "
            f"{len(clients.served)} health checks over {len(set(clients.served))} generations"
        )
        assert clients.outcomes["200"] > 50
        assert clients.errors == []
        assert clients.lies == []
        assert clients.served[-1] == final  # it follows CURRENT by itself
        assert len(set(clients.served)) >= 2


# ---------------------------------------------------------------------------------------------
# Item 6: metadata.toml edits


def test_metadata_edits_apply_without_reembedding(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    meta = fake_settings.corpus_dir / "metadata.toml"
    text = meta.read_text(encoding="utf-8")
    start = text.index(f"[documents.{DOC}]")
    section_end = text.find("\n[", start + 1)
    section = text[start : section_end if section_end > 0 else len(text)]
    edited = section.replace("commercial_interest = true", "commercial_interest = false")
    assert edited != section, "the fixture expects types-of-usce to be commercial"
    meta.write_text(text.replace(section, edited), encoding="utf-8")

    summary = run_ingest(fake_settings)
    assert summary.changed_anything
    assert summary.metadata_changed == [DOC]
    assert summary.embedded_chunks == 0  # nothing re-embedded
    assert open_index(fake_settings.data_dir).documents[DOC].meta.commercial_interest is False
    assert not run_ingest(fake_settings).changed_anything  # and then it is up to date


# ---------------------------------------------------------------------------------------------
# Item 7: a corrupt or missing vector store


def _garble_chroma(settings: Settings) -> None:
    gen = Layout(settings.data_dir).gen_dir(Layout(settings.data_dir).current_name() or "")
    database = gen / "chroma" / "chroma.sqlite3"
    database.write_bytes(os.urandom(database.stat().st_size))


def _remove_chroma(settings: Settings) -> None:
    gen = Layout(settings.data_dir).gen_dir(Layout(settings.data_dir).current_name() or "")
    shutil.rmtree(gen / "chroma")


@pytest.mark.parametrize("damage", [_garble_chroma, _remove_chroma])
def test_a_damaged_vector_store_names_the_fix_everywhere(
    fake_settings: Settings, damage: Any
) -> None:
    run_ingest(fake_settings)
    damage(fake_settings)

    with pytest.raises(IndexCorrupt, match="advisor ingest --rebuild"):
        open_index(fake_settings.data_dir)
    result = CliRunner().invoke(
        cli,
        ["ask", QUESTION, "--data-dir", str(fake_settings.data_dir)],
        env={"ADVISOR_EMBEDDER": "fake", "ADVISOR_CORPUS_DIR": str(fake_settings.corpus_dir)},
    )
    assert result.exit_code == 1
    assert "advisor ingest --rebuild" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    with TestClient(create_app(fake_settings)) as client:  # start-up does not fail
        r = client.post("/api/ask", json={"question": QUESTION})
        health = client.get("/api/health").json()
    assert r.status_code == 503 and "advisor ingest --rebuild" in r.json()["detail"]
    assert health["ready"] is False

    summary = run_ingest(fake_settings)  # a plain ingest notices and rebuilds
    assert summary.full_rebuild_reason is not None
    assert summary.full_rebuild_reason.startswith("previous index was damaged")
    index = open_index(fake_settings.data_dir)
    assert index.store.count() == len(index.chunks)


# ---------------------------------------------------------------------------------------------
# Item 8: a read-only data dir


@pytest.fixture
def readonly_data(fake_settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """A built data dir that cannot be written: a read-only bind mount (root ignores mode
    bits), or, for other users, a folder without write bits."""
    run_ingest(fake_settings)
    data = tmp_path / "readonly"
    data.mkdir()
    if os.geteuid() != 0:
        shutil.copytree(fake_settings.data_dir, data, dirs_exist_ok=True)
        for path in [data, *data.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        yield data
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755)
        return
    source = str(fake_settings.data_dir)
    for step in (["--bind", source, str(data)], ["-o", "remount,ro,bind", str(data)]):
        made = subprocess.run(["mount", *step], capture_output=True, text=True)
        if made.returncode != 0:
            subprocess.run(["umount", str(data)], capture_output=True)
            pytest.skip(f"cannot make a read-only bind mount here: {made.stderr.strip()}")
    try:
        yield data
    finally:
        subprocess.run(["umount", "-l", str(data)], check=False)


@pytest.mark.real
def test_a_read_only_index_serves_and_ingest_says_why_not(
    readonly_data: Path, fake_settings: Settings, tmp_path: Path
) -> None:
    data = readonly_data
    before = {str(p): p.stat().st_mtime_ns for p in data.rglob("*")}
    env = {
        **os.environ,
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_CORPUS_DIR": str(fake_settings.corpus_dir),
    }
    ingest = subprocess.run(
        [str(BIN / "advisor"), "ingest", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert ingest.returncode == 1
    assert "not writable" in ingest.stderr and "Traceback" not in ingest.stderr
    assert len(ingest.stderr.strip().splitlines()) == 1, ingest.stderr

    ask = subprocess.run(
        [str(BIN / "advisor"), "ask", QUESTION, "--json", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["recommendation"]["verdict"] == "USCE_URGENT"
    assert answer["citations"] and all(c["verified"] for c in answer["citations"])
    assert "Traceback" not in ask.stderr

    with advisor_server(data, env=env, log=tmp_path / "serve.log") as server:
        r = httpx.post(f"{server.url}/api/ask", json={"question": QUESTION}, timeout=30)
        assert r.status_code == 200 and r.json()["citations"]
        assert httpx.get(f"{server.url}/api/health").json()["ready"] is True
    assert {str(p): p.stat().st_mtime_ns for p in data.rglob("*")} == before  # nothing written


# ---------------------------------------------------------------------------------------------
# Item 9: a full disk mid-ingest


def test_a_full_disk_mid_ingest_leaves_the_old_index_serving(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_ingest(fake_settings)
    _touch_corpus(fake_settings.corpus_dir, 1)

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(VectorStore, "add", full)
    with pytest.raises(WriteFailed, match="No space left on device") as failure:
        run_ingest(fake_settings)
    assert "previous index is still active" in str(failure.value)
    assert len(str(failure.value).splitlines()) == 1
    assert _generations(fake_settings.data_dir) == {first.generation}  # the partial one is gone
    assert open_index(fake_settings.data_dir).manifest.generation == first.generation
    monkeypatch.undo()
    assert run_ingest(fake_settings).generation != first.generation  # and the next one works


@pytest.mark.real
def test_a_really_full_disk_mid_ingest(tmp_path: Path, corpus_copy: Path) -> None:
    """The same on a real 3 MB filesystem: the ingest needs more, fails with one line, and
    leaves the folder as it was, so the old index still opens."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.decode().strip()}")
    try:
        small = Settings(corpus_dir=corpus_copy, data_dir=mount / "data", embedder="fake")
        first = run_ingest(small)
        for n in range(200):  # grow one document well past what is left
            _touch_corpus(corpus_copy, n)
        with (corpus_copy / "big.txt").open("w", encoding="utf-8") as handle:
            for n in range(4000):
                handle.write(f"Paragraph {n}: hands-on rotations and letters matter.\n\n")
        result = CliRunner().invoke(
            cli,
            ["ingest", "--data-dir", str(small.data_dir), "--corpus", str(corpus_copy)],
            env={"ADVISOR_EMBEDDER": "fake"},
        )
        assert result.exit_code == 1, result.output
        assert "previous index is still active" in result.output
        assert "Traceback" not in result.output
        assert _generations(small.data_dir) == {first.generation}
        index = open_index(small.data_dir)
        assert index.manifest.generation == first.generation
        assert index.store.count() == len(index.chunks)
        index.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_an_unwritable_data_dir_is_one_line(tmp_path: Path, fake_settings: Settings) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    settings = fake_settings.model_copy(update={"data_dir": blocker / "data"})
    with pytest.raises(DataDirNotWritable, match="not writable"):
        run_ingest(settings)


# ---------------------------------------------------------------------------------------------
# Item 10: health checks the store it serves from


@pytest.mark.real
@pytest.mark.server
def test_health_is_not_ready_while_chroma_is_down(
    chroma_process: ChromaServer, corpus_copy: Path, tmp_path: Path
) -> None:
    settings = Settings(
        corpus_dir=corpus_copy,
        data_dir=tmp_path / "data",
        embedder="fake",
        chroma_url=chroma_process.url,
    )
    run_ingest(settings)
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/health").json()["ready"] is True
        chroma_process.kill()
        health = client.get("/api/health").json()
        assert health["ready"] is False and "unavailable" in health["detail"]
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 503
        chroma_process.start()
        assert client.get("/api/health").json()["ready"] is True
        assert client.post("/api/ask", json={"question": QUESTION}).status_code == 200


def test_a_relative_data_dir_works(
    fake_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default data dir is relative (`.data`): ingest, its re-check and reads must work."""
    monkeypatch.chdir(tmp_path)
    settings = fake_settings.model_copy(update={"data_dir": Path("rel-data")})
    first = run_ingest(settings)
    again = run_ingest(settings)  # the no-op path validates the active generation
    assert not again.changed_anything and again.generation == first.generation
    index = open_index(settings.data_dir)
    assert index.store.count() == len(index.chunks)
    index.close()
