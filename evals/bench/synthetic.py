"""A synthetic corpus for scale runs: documents from the real corpus vocabulary, by seed.

Words are drawn with the corpus's own frequencies (so BM25 posting lists have a realistic
shape), grouped into sentences, chunks and documents. Chunks are cut directly (`text ==
document.text[start:end]`), bypassing the sentence chunker, which the ingest section measures
on the real corpus. Vectors are perturbed copies of real chunk embeddings: the dense index has
the real embedding geometry without paying for a model on 100k texts.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assistant.core.types import Chunk, Document, DocumentMeta

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def probabilities(self) -> np.ndarray:
        counts = np.asarray(self.counts, dtype=np.float64)
        return counts / counts.sum()


@dataclass(frozen=True)
class SyntheticCorpus:
    documents: list[Document]
    chunks: list[Chunk]


def vocabulary(texts: Iterable[str]) -> Vocabulary:
    """Lower-cased words of the texts with their counts, most frequent first (ties by word)."""
    counts = Counter(w.lower() for text in texts for w in _WORD.findall(text))
    if not counts:
        raise ValueError("no words in the texts")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Vocabulary(tuple(w for w, _ in ranked), tuple(c for _, c in ranked))


def _sentence(words: list[str]) -> str:
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _chunk_text(vocab: Vocabulary, rng: np.random.Generator, probs: np.ndarray, n: int) -> str:
    picks = rng.choice(len(vocab.words), size=n, p=probs)
    words = [vocab.words[i] for i in picks]
    sentences, i = [], 0
    while i < len(words):
        size = int(rng.integers(8, 21))
        sentences.append(_sentence(words[i : i + size]))
        i += size
    return " ".join(sentences)


def synthetic_corpus(
    vocab: Vocabulary,
    n_chunks: int,
    *,
    seed: int = 0,
    chunks_per_doc: int = 40,
    words_per_chunk: int = 90,
) -> SyntheticCorpus:
    """`n_chunks` chunks in documents of `chunks_per_doc`; same seed, same corpus."""
    if n_chunks < 1 or chunks_per_doc < 1:
        raise ValueError("n_chunks and chunks_per_doc must be positive")
    rng = np.random.default_rng(seed)
    probs = vocab.probabilities
    documents: list[Document] = []
    chunks: list[Chunk] = []
    for d in range(0, n_chunks, chunks_per_doc):
        doc_id = f"synthetic-{seed}-{d // chunks_per_doc:05d}"
        title = f"Synthetic {doc_id}"
        parts: list[str] = []
        spans: list[tuple[int, int, str]] = []
        offset = 0
        for c in range(min(chunks_per_doc, n_chunks - d)):
            text = _chunk_text(
                vocab, rng, probs, int(rng.integers(words_per_chunk // 2, words_per_chunk * 3 // 2))
            )
            section = f"Part {c // 8 + 1}"
            spans.append((offset, offset + len(text), section))
            parts.append(text)
            offset += len(text) + 2  # "\n\n" between chunks
        body = "\n\n".join(parts)
        for start, end, section in spans:
            text = body[start:end]
            digest = hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode())
            chunks.append(
                Chunk(
                    id=digest.hexdigest()[:16],
                    doc_id=doc_id,
                    title=title,
                    section=section,
                    start=start,
                    end=end,
                    text=text,
                )
            )
        documents.append(
            Document(
                meta=DocumentMeta(doc_id=doc_id, title=title),
                source_path=f"synthetic://{doc_id}",
                raw_sha256=hashlib.sha256(body.encode()).hexdigest(),
                text=body,
            )
        )
    return SyntheticCorpus(documents, chunks)


def derived_vectors(
    base: np.ndarray, n: int, *, seed: int = 0, noise: float = 0.35, block: int = 20_000
) -> np.ndarray:
    """`n` unit vectors, each a real vector plus Gaussian noise (`noise` is the noise vector's
    expected norm relative to the unit base vector), built in blocks to bound memory."""
    if base.ndim != 2 or len(base) == 0:
        raise ValueError("base must be a non-empty 2-D array of vectors")
    rng = np.random.default_rng(seed)
    dim = base.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for begin in range(0, n, block):
        size = min(block, n - begin)
        rows = base[rng.integers(0, len(base), size=size)].astype(np.float32)
        rows += rng.standard_normal((size, dim), dtype=np.float32) * (noise / np.sqrt(dim))
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        out[begin : begin + size] = rows
    return out
