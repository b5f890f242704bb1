"""BM25 index (bm25s) over chunk texts, with one tokenizer shared by indexing and querying."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import Stemmer

from assistant.text.stopwords import BM25_STOPWORDS

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def tokenize(text: str) -> list[str]:
    """Lowercase stemmed words; hyphenated forms kept whole *and* split (sub-internship)."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.lower()):
        word = match.group()
        parts = [word, *word.split("-")] if "-" in word else [word]
        tokens.extend(_stem(p) for p in parts if p and p not in BM25_STOPWORDS)
    return tokens


class SparseIndex:
    """BM25 over a fixed list of chunk ids; `search` returns (chunk_id, score) best first."""

    def __init__(self, retriever: bm25s.BM25, ids: Sequence[str]) -> None:
        self._retriever = retriever
        self.ids = list(ids)
        self._vocab = set(retriever.vocab_dict) if retriever.vocab_dict else set()

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str]) -> SparseIndex:
        retriever = bm25s.BM25()
        # Empty documents still need a slot so row numbers stay aligned with `ids`.
        corpus = [tokenize(t) or ["\x00empty"] for t in texts]
        if corpus:
            retriever.index(corpus, show_progress=False)
        return cls(retriever, ids)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory), show_progress=False)
        (directory / "ids.txt").write_text("\n".join(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> SparseIndex:
        retriever = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        ids = (directory / "ids.txt").read_text(encoding="utf-8").split("\n")
        return cls(retriever, ids)

    def search(self, tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
        known = [t for t in tokens if t in self._vocab]
        if not known or not self.ids:
            return []
        k = min(k, len(self.ids))
        # n_threads=0: a plain map; any other value starts a thread pool per query (~1 ms).
        rows, scores = self._retriever.retrieve([known], k=k, show_progress=False, n_threads=0)
        out: list[tuple[str, float]] = []
        for row, score in zip(rows[0], scores[0], strict=True):
            if float(score) > 0:
                out.append((self.ids[int(row)], float(score)))
        return out

    def __len__(self) -> int:
        return len(self.ids)
