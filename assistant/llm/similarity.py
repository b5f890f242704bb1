"""Embedding similarity for the guard: each text embedded once per process, in batches.

The guard compares every model sentence with several sources; one embedder call per text cost
1.8 s per answer on the dev questions (median, 2 CPU cores), one batched call per answer a
fraction of that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from assistant.text.support import strip_markers
from assistant.text.synonyms import spell_out


def _normalise(text: str) -> str:
    """As the index embeds text: abbreviations spelled out; citation markers carry no meaning."""
    return spell_out(strip_markers(text))


class EmbeddingSimilarity:
    """Cosine similarity of two texts from unit-normalised embeddings, with a bounded cache.

    Callable as `similarity(a, b)`; `prepare(texts)` embeds the texts not yet seen in one batch
    (the guard calls it with every sentence and source before judging).
    """

    def __init__(
        self,
        embed: Callable[[Sequence[str]], np.ndarray],
        *,
        normalise: Callable[[str], str] = _normalise,
        max_cached: int = 8192,
    ) -> None:
        self._embed = embed
        self._normalise = normalise
        self._max = max_cached
        self._vectors: dict[str, np.ndarray] = {}

    def prepare(self, texts: Iterable[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if not missing:
            return
        if len(self._vectors) + len(missing) > self._max:
            self._vectors.clear()  # simple and rare: a long-running server refills it
        vectors = self._embed([self._normalise(t) for t in missing])
        self._vectors.update(zip(missing, vectors, strict=True))

    def __call__(self, a: str, b: str) -> float | None:
        self.prepare([a, b])
        return float(self._vectors[a] @ self._vectors[b])
