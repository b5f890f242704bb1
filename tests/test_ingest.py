"""Ingest end to end on real Chroma (embedded), with the fast deterministic embedder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.settings import Settings
from ingest.index import Layout, open_index
from ingest.loader import CorpusError
from ingest.pipeline import NothingToIngest, run_ingest

DOC_IDS = {
    "hands-on-usce-vs-research",
    "prioritize-usce-or-research",
    "clinical-experience-for-imgs",
    "types-of-usce",
    "clinical-research-unmatched-imgs",
}


def test_first_ingest_builds_a_consistent_index(fake_settings: Settings) -> None:
    summary = run_ingest(fake_settings)
    assert set(summary.added) == DOC_IDS
    assert summary.full_rebuild_reason == "no previous index"
    index = open_index(fake_settings.data_dir)
    assert set(index.documents) == DOC_IDS
    assert index.store.count() == len(index.chunks) == summary.chunks
    assert all(n > 0 for n in summary.chunks_per_document.values())
    # Offsets index into the canonical text stored with the index.
    for chunk in index.chunks:
        assert index.documents[chunk.doc_id].text[chunk.start : chunk.end] == chunk.text
    # Metadata made it through, including the commercial-interest flag.
    assert index.documents["types-of-usce"].meta.commercial_interest is True
    assert index.documents["clinical-research-unmatched-imgs"].meta.stance == "research_positive"


def test_noop_reingest_changes_nothing(fake_settings: Settings) -> None:
    first = run_ingest(fake_settings)
    files_before = sorted(p.name for p in fake_settings.data_dir.iterdir())
    second = run_ingest(fake_settings)
    assert not second.changed_anything
    assert second.generation == first.generation
    assert set(second.unchanged) == DOC_IDS
    assert second.embedded_chunks == 0
    assert sorted(p.name for p in fake_settings.data_dir.iterdir()) == files_before


def test_changed_document_replaces_only_its_chunks(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    before = open_index(fake_settings.data_dir)
    path = fake_settings.corpus_dir / "types-of-usce.txt"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\nPostscript: hands-on rotations with strong letters beat observerships.\n",
        encoding="utf-8",
    )
    summary = run_ingest(fake_settings)
    assert summary.changed == ["types-of-usce"]
    assert summary.embedded_chunks <= summary.chunks_per_document["types-of-usce"]
    assert summary.embedded_chunks >= 1
    after = open_index(fake_settings.data_dir)
    others_before = {c.id for c in before.chunks if c.doc_id != "types-of-usce"}
    others_after = {c.id for c in after.chunks if c.doc_id != "types-of-usce"}
    assert others_before == others_after
    assert "Postscript" in after.documents["types-of-usce"].text
    assert after.store.count() == len(after.chunks)


def test_removed_document_loses_its_chunks(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    (fake_settings.corpus_dir / "types-of-usce.txt").unlink()
    summary = run_ingest(fake_settings)
    assert summary.removed == ["types-of-usce"]
    index = open_index(fake_settings.data_dir)
    assert "types-of-usce" not in index.documents
    assert all(c.doc_id != "types-of-usce" for c in index.chunks)
    assert index.store.count() == len(index.chunks)


def test_embedding_model_change_triggers_full_reembed(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    other = fake_settings.model_copy(update={"embedder": "fake:other-model"})
    summary = run_ingest(other)
    assert summary.full_rebuild_reason and "embedding model changed" in summary.full_rebuild_reason
    assert summary.embedded_chunks == summary.chunks


def test_failed_ingest_keeps_previous_index(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_ingest(fake_settings)
    (fake_settings.corpus_dir / "types-of-usce.txt").unlink()

    import ingest.pipeline as pipeline

    def explode(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "write_generation", explode)
    with pytest.raises(OSError):
        run_ingest(fake_settings)
    index = open_index(fake_settings.data_dir)
    assert index.manifest.generation == first.generation
    assert "types-of-usce" in index.documents
    monkeypatch.undo()
    assert run_ingest(fake_settings).removed == ["types-of-usce"]


SLOW_INGEST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from assistant.core.settings import Settings
    from ingest.embedder import FakeEmbedder
    from ingest.pipeline import run_ingest

    class SlowEmbedder(FakeEmbedder):
        def embed(self, texts):
            print("embedding", flush=True)
            time.sleep(0.5)
            return super().embed(texts)

    settings = Settings(corpus_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2]), embedder="fake")
    run_ingest(settings, rebuild=True, embedder=SlowEmbedder(salt="slow"))
    """
)


def test_sigkill_mid_ingest_leaves_old_index_serving(fake_settings: Settings) -> None:
    first = run_ingest(fake_settings)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SLOW_INGEST,
            str(fake_settings.corpus_dir),
            str(fake_settings.data_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "embedding"  # it is mid-way now
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    index = open_index(fake_settings.data_dir)
    assert index.manifest.generation == first.generation
    assert index.store.count() == len(index.chunks)
    again = run_ingest(fake_settings, rebuild=True)
    assert again.generation != first.generation
    assert open_index(fake_settings.data_dir).manifest.generation == again.generation


def test_corrupt_index_names_the_fix(fake_settings: Settings) -> None:
    run_ingest(fake_settings)
    layout = Layout(fake_settings.data_dir)
    gen = layout.gen_dir(layout.current_name() or "")
    (gen / "manifest.json").write_text("{not json", encoding="utf-8")
    from ingest.index import IndexCorrupt

    with pytest.raises(IndexCorrupt, match="advisor ingest --rebuild"):
        open_index(fake_settings.data_dir)
    summary = run_ingest(fake_settings)  # a plain ingest repairs it
    assert summary.full_rebuild_reason == "previous index was damaged"
    assert open_index(fake_settings.data_dir).store.count() > 0


def test_bad_inputs_are_reported_and_the_rest_ingested(fake_settings: Settings) -> None:
    corpus = fake_settings.corpus_dir
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (corpus / "latin1.txt").write_bytes("Résumé advice for IMGs".encode("latin-1"))
    (corpus / "copy.md").write_bytes((corpus / "types-of-usce.txt").read_bytes())
    with (corpus / "huge.txt").open("wb") as handle:
        handle.write(b"USCE matters. " * (50 * 1024 * 1024 // 14))
    summary = run_ingest(fake_settings)
    problems = "\n".join(summary.problems)
    assert "empty.txt: empty file" in problems
    assert "binary.txt: binary file" in problems
    assert "latin1.txt: not UTF-8 text" in problems
    assert "copy.md: same content as" in problems
    assert "huge.txt: 52.4 MB is over the 20 MB limit" in problems
    assert set(summary.added) == DOC_IDS


def test_missing_corpus_dir_is_one_clear_error(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=tmp_path / "nope", data_dir=tmp_path / "d", embedder="fake")
    with pytest.raises(CorpusError, match="does not exist"):
        run_ingest(settings)


def test_nothing_usable_fails_and_keeps_old_index(fake_settings: Settings, tmp_path: Path) -> None:
    first = run_ingest(fake_settings)
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_bytes(b"\x00\x00")
    with pytest.raises(NothingToIngest, match="previous index is still active"):
        run_ingest(fake_settings, corpus_dir=junk)
    assert open_index(fake_settings.data_dir).manifest.generation == first.generation


def test_cli_ingest_json_and_exit_codes(tmp_path: Path, corpus_copy: Path) -> None:
    runner = CliRunner()
    env = {"ADVISOR_EMBEDDER": "fake"}
    data = tmp_path / "cli-data"
    result = runner.invoke(
        app, ["ingest", "--corpus", str(corpus_copy), "--data-dir", str(data), "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 5 and summary["changed_anything"] is True
    # the answer cards' phrasings are embedded beside the index: no server start waits for them
    models = Settings(data_dir=data, embedder="fake").encoder_dir
    assert len(list(models.glob("cards-*.npy"))) == 1
    result = runner.invoke(
        app, ["ingest", "--corpus", str(corpus_copy), "--data-dir", str(data)], env=env
    )
    assert result.exit_code == 0
    assert "nothing changed" in result.stdout
    result = runner.invoke(
        app, ["ingest", "--corpus", str(tmp_path / "missing"), "--data-dir", str(data)], env=env
    )
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.server
def test_chroma_server_mode(fake_settings: Settings, chroma_server: str) -> None:
    settings = fake_settings.model_copy(update={"chroma_url": chroma_server})
    summary = run_ingest(settings)
    index = open_index(settings.data_dir, chroma_server)
    assert index.store.count() == summary.chunks
    hits = index.store.query(index.vectors[0], k=3)
    assert hits[0][0] == index.chunks[0].id
    assert not run_ingest(settings).changed_anything
    (settings.corpus_dir / "types-of-usce.txt").unlink()
    assert run_ingest(settings).removed == ["types-of-usce"]
    assert open_index(settings.data_dir, chroma_server).store.count() < summary.chunks


@pytest.mark.real
def test_real_minilm_ingest_and_dense_query(tmp_path: Path, corpus_copy: Path) -> None:
    from ingest.embedder import get_embedder

    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data", embedder="minilm")
    started = time.perf_counter()
    summary = run_ingest(settings)
    assert time.perf_counter() - started < 300
    index = open_index(settings.data_dir)
    assert index.vectors.shape[1] == 384
    query = get_embedder("minilm").embed(
        ["Do observerships count as hands-on clinical experience?"]
    )
    hits = index.store.query(query[0], k=5)
    texts = " ".join(index.by_id[cid].text.lower() for cid, _ in hits)
    assert "observership" in texts
    assert summary.embedded_chunks == summary.chunks


@pytest.mark.real
def test_dense_search_is_exact_so_retrieval_is_repeatable(
    tmp_path: Path, corpus_copy: Path
) -> None:
    """Chroma's graph search is approximate: with its defaults a chunk ranked about 15th could
    be missed in one process and found in the next, and an answer's quotes changed with it. The
    collection's search list is longer than the corpus, so its top 30 is the exact top 30."""
    import numpy as np

    settings = Settings(corpus_dir=corpus_copy, data_dir=tmp_path / "data", embedder="minilm")
    run_ingest(settings)
    index = open_index(settings.data_dir)
    vectors = index.vectors / np.linalg.norm(index.vectors, axis=1, keepdims=True)
    rng = np.random.default_rng(7)
    for _ in range(300):
        # a query near the corpus: a mix of three chunks' vectors, as real questions are
        query = vectors[rng.choice(len(vectors), 3, replace=False)].sum(axis=0)
        query = query / np.linalg.norm(query)
        exact = [index.chunks[i].id for i in np.argsort(-(vectors @ query))[:30]]
        found = [cid for cid, _ in index.store.query(query, k=30)]
        assert set(found) == set(exact)
