"""Ingest: load → clean → chunk → embed (only what changed) → write a generation → swap.

Chunk ids are content hashes of (doc_id, offsets, text), so an unchanged document yields the
same ids and its vectors are reused; a changed document re-embeds only the chunks that changed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.settings import Settings
from assistant.core.types import Chunk, Document
from assistant.text.evidence import span_key, spans_of
from assistant.text.synonyms import spell_out
from ingest import chunking, clean
from ingest.embedder import Embedder, embedder_for
from ingest.index import (
    DocEntry,
    IndexCorrupt,
    Layout,
    Manifest,
    WriteFailed,
    check_active,
    collection_name,
    read_manifest,
    read_span_vectors,
    remove_generation,
    remove_unused_generations,
    write_generation,
)
from ingest.loader import Problem, SourceFile, load_corpus

Progress = Callable[[str, int, int], None]  # (stage, done, total)

# Chosen by the sweep in evals/chunk_sweep.py (see docs/ingest.md): retrieval MRR and hit@4 on
# the dev questions peak here.
MAX_CHARS = 700
MIN_CHARS = 150
EMBED_BATCH = 64
EMBED_TEXT_VERSION = "section+text+spelled-out;spans-v1"


class NothingToIngest(RuntimeError):
    """No usable document: the previous index (if any) stays active."""


@dataclass
class IngestSummary:
    data_dir: str
    corpus_dir: str
    generation: str | None
    documents: int = 0
    chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    metadata_changed: list[str] = field(default_factory=list)  # same text, new metadata.toml
    unchanged: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    reused_chunks: int = 0
    full_rebuild_reason: str | None = None
    cleaned_lines: dict[str, int] = field(default_factory=dict)  # reason -> count
    chunks_per_document: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Old generations a running server still reads: kept, deleted by a later ingest.
    in_use_generations: list[str] = field(default_factory=list)
    # What embeds questions and chunks: "onnx" (the export, made at the first ingest) or
    # "sentence-transformers" (the reference; the fallback when the export fails).
    encoder: str = ""
    seconds: float = 0.0

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.removed
            or self.metadata_changed
            or self.full_rebuild_reason
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "changed_anything": self.changed_anything}


def pipeline_params(max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS) -> dict[str, Any]:
    return {
        "cleaner": clean.CLEANER_VERSION,
        "chunker": chunking.CHUNKER_VERSION,
        "max_chars": max_chars,
        "min_chars": min_chars,
        "embed_text": EMBED_TEXT_VERSION,
    }


def embed_text(chunk: Chunk) -> str:
    """What the embedder sees: the section path gives a list item or table row its topic, and
    abbreviations the model never learned ("USCE", "LOR") get their long form beside them."""
    return spell_out(f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text)


def prepare(
    source: SourceFile, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS
) -> tuple[Document, list[Chunk], Counter[str]]:
    """Clean and chunk one source file (pure apart from reading the already-loaded text)."""
    hints = clean.CleanHints(**source.hints) if source.hints else None
    result = clean.clean(source.text, hints)
    meta = source.meta
    if meta.author is None and result.author:
        meta = meta.model_copy(update={"author": result.author})
    document = Document(
        meta=meta, source_path=str(source.path), raw_sha256=source.sha256, text=result.text
    )
    chunks = chunking.chunk_document(
        source.doc_id, source.meta.title, result.text, max_chars=max_chars, min_chars=min_chars
    )
    return document, chunks, Counter(r.reason for r in result.removed)


def _old_vectors(layout: Layout, manifest: Manifest | None) -> dict[str, np.ndarray]:
    """Vectors of the active generation by chunk id, for reuse."""
    if manifest is None:
        return {}
    gen = layout.gen_dir(manifest.generation)
    try:
        ids = [
            Chunk.model_validate_json(line).id
            for line in (gen / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        vectors = np.load(gen / "vectors.npy")
    except (OSError, ValueError):
        return {}  # unreadable: everything is re-embedded, nothing is lost
    if len(ids) != len(vectors):
        return {}
    return dict(zip(ids, vectors, strict=True))


def run_ingest(
    settings: Settings,
    *,
    corpus_dir: Path | None = None,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    max_chars: int = MAX_CHARS,
    min_chars: int = MIN_CHARS,
) -> IngestSummary:
    """Bring the index in line with the corpus; a no-op when nothing changed."""
    started = time.perf_counter()
    corpus_dir = corpus_dir or settings.corpus_dir
    layout = Layout(settings.data_dir)
    summary = IngestSummary(str(settings.data_dir), str(corpus_dir), None)
    sources, problems = load_corpus(corpus_dir, max_bytes=int(settings.max_file_mb * 1e6))
    embedder = embedder or embedder_for(settings)

    with layout.lock():
        try:
            old = read_manifest(layout)
        except IndexCorrupt:
            old, rebuild = None, True
            summary.full_rebuild_reason = "previous index was damaged"
        # A manifest can be intact while the rest is not (a corrupt Chroma database, a deleted
        # folder): the active generation is opened to be sure, and rebuilt if it cannot serve.
        same_store = old is not None and (old.chroma_url or None) == (settings.chroma_url or None)
        damage = check_active(layout.root, settings.chroma_url) if same_store else None
        if damage:
            summary.full_rebuild_reason = f"previous index was damaged: {damage}"
            old, rebuild = None, True
        params = pipeline_params(max_chars, min_chars)
        if rebuild and not summary.full_rebuild_reason:
            summary.full_rebuild_reason = "--rebuild requested"
        elif old is None and not summary.full_rebuild_reason:
            summary.full_rebuild_reason = "no previous index"
        elif old is not None and old.embedder_fingerprint != embedder.fingerprint:
            summary.full_rebuild_reason = (
                f"embedding model changed ({old.embedder_fingerprint} → {embedder.fingerprint})"
            )
        elif old is not None and old.pipeline != params:
            summary.full_rebuild_reason = "cleaning or chunking settings changed"
        elif old is not None and (old.chroma_url or None) != (settings.chroma_url or None):
            summary.full_rebuild_reason = "Chroma location changed"

        documents: list[Document] = []
        chunks: list[Chunk] = []
        cleaned: Counter[str] = Counter()
        for source in sources:
            document, doc_chunks, removed = prepare(source, max_chars, min_chars)
            if not doc_chunks:
                problems.append(Problem(str(source.path), "no text left after cleaning, skipped"))
                continue
            documents.append(document)
            chunks.extend(doc_chunks)
            cleaned.update(removed)
            summary.chunks_per_document[source.doc_id] = len(doc_chunks)
            previous = old.documents.get(source.doc_id) if old else None
            if previous is None:
                summary.added.append(source.doc_id)
            elif previous.sha256 != source.sha256:
                summary.changed.append(source.doc_id)
            elif previous.meta_sha256 != metadata_hash(source):
                summary.metadata_changed.append(source.doc_id)
            else:
                summary.unchanged.append(source.doc_id)
        if old is not None:
            kept = {d.meta.doc_id for d in documents}
            summary.removed = sorted(set(old.documents) - kept)
        summary.problems = [str(p) for p in problems]
        summary.cleaned_lines = dict(cleaned)
        summary.documents, summary.chunks = len(documents), len(chunks)

        if not documents:
            raise NothingToIngest(
                f"no usable document in {corpus_dir}"
                + (f" ({len(problems)} skipped: {problems[0]})" if problems else "")
                + ("; the previous index is still active" if old else "")
            )
        # The ONNX export is made here, once per model build, so that no question waits for it.
        if progress:
            progress("preparing the encoder", 0, 1)
        summary.encoder = embedder.prepare()
        if progress:
            progress("preparing the encoder", 1, 1)
        if not summary.changed_anything and old is not None:
            summary.generation = old.generation
            summary.reused_chunks = len(chunks)
            summary.seconds = time.perf_counter() - started
            return summary

        reuse = {} if summary.full_rebuild_reason else _old_vectors(layout, old)
        vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
        todo = [i for i, c in enumerate(chunks) if c.id not in reuse]
        for i, c in enumerate(chunks):
            if c.id in reuse:
                vectors[i] = reuse[c.id]
        for begin in range(0, len(todo), EMBED_BATCH):
            batch = todo[begin : begin + EMBED_BATCH]
            vectors[batch] = embedder.embed([embed_text(chunks[i]) for i in batch])
            if progress:
                progress("embedding", min(begin + EMBED_BATCH, len(todo)), len(todo))
        summary.embedded_chunks, summary.reused_chunks = len(todo), len(chunks) - len(todo)
        span_vectors = _span_vectors(
            chunks,
            embedder,
            {} if summary.full_rebuild_reason else _old_spans(layout, old),
            progress,
        )

        generation = layout.new_name()
        manifest = Manifest(
            generation=generation,
            created=time.time(),
            embedder=embedder.name,
            embedder_fingerprint=embedder.fingerprint,
            pipeline=params,
            chroma_url=settings.chroma_url,
            collection=collection_name(generation),
            documents={
                s.doc_id: _entry(s, summary.chunks_per_document[s.doc_id])
                for s in sources
                if s.doc_id in summary.chunks_per_document
            },
        )
        if progress:
            progress("writing index", 0, 1)
        write_generation(layout, manifest, documents, chunks, vectors, span_vectors)
        try:
            layout.activate(generation)
        except OSError as exc:
            remove_generation(layout, layout.gen_dir(generation), settings.chroma_url)
            raise WriteFailed(
                f"switching to the new index failed ({exc.strerror}); it was removed and the "
                "previous index is still active"
            ) from exc
        # The previous generation stays for a rollback; older ones go unless a running server
        # still holds a lease on them.
        keep = {generation} | ({old.generation} if old else set())
        summary.in_use_generations = remove_unused_generations(layout, keep, settings.chroma_url)
        if progress:
            progress("writing index", 1, 1)
        summary.generation = generation
        summary.seconds = time.perf_counter() - started
        return summary


def _old_spans(layout: Layout, manifest: Manifest | None) -> dict[str, np.ndarray]:
    if manifest is None:
        return {}
    try:
        return read_span_vectors(layout.gen_dir(manifest.generation))
    except (OSError, ValueError):
        return {}


def _span_vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    reuse: dict[str, np.ndarray],
    progress: Progress | None,
) -> dict[str, np.ndarray]:
    """Vectors of every quotable sentence, so answers can pick the quotes closest in meaning
    to a question without embedding anything at query time."""
    spans = [(span_key(s), s.text) for c in chunks for s in spans_of(c)]
    out = {key: reuse[key] for key, _ in spans if key in reuse}
    todo = [(key, text) for key, text in spans if key not in out]
    for begin in range(0, len(todo), EMBED_BATCH):
        batch = todo[begin : begin + EMBED_BATCH]
        for (key, _), vector in zip(
            batch, embedder.embed([spell_out(t) for _, t in batch]), strict=True
        ):
            out[key] = vector
        if progress:
            progress("embedding sentences", min(begin + EMBED_BATCH, len(todo)), len(todo))
    return {key: out[key] for key, _ in spans}


def metadata_hash(source: SourceFile) -> str:
    """Fingerprint of a document's metadata.toml entry (incl. cleaning hints): a changed title
    or commercial-interest flag makes a new generation without re-embedding anything."""
    data = {"meta": source.meta.model_dump(mode="json"), "hints": source.hints}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _entry(source: SourceFile, chunk_count: int) -> DocEntry:
    return DocEntry(
        sha256=source.sha256,
        meta_sha256=metadata_hash(source),
        source_path=str(source.path),
        title=source.meta.title,
        chunks=chunk_count,
    )
