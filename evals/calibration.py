"""The support scorer against the hand-labelled pairs of evals/datasets/support_pairs.jsonl.

The scorer's weights and threshold were set on the dev pairs only (see assistant/text/support.py).
The held-out pairs measure how well that generalises and are never used to tune it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.text.support import support
from evals.cases import SUPPORT_PAIRS, load_jsonl
from evals.metrics.agreement import Agreement, agreement
from ingest.embedder import Embedder

LEXICAL = "lexical (what the metrics use)"


def pair_splits(split: str) -> list[str]:
    """The pair splits that go with a question split: the same one, or both for `all`."""
    return ["dev", "heldout", "all"] if split == "all" else [split]


def _cosines(pairs: Sequence[dict[str, Any]], embedder: Embedder) -> list[float]:
    vectors = embedder.embed([p["sentence"] for p in pairs] + [p["passage"] for p in pairs])
    a, b = vectors[: len(pairs)], vectors[len(pairs) :]
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return [float(x) for x in (a * b).sum(axis=1) / np.where(norms == 0, 1, norms)]


def scorer_agreement(
    split: str,
    *,
    path: Path = SUPPORT_PAIRS,
    embedder: Embedder | None = None,
    embedder_name: str = "",
) -> dict[str, dict[str, Any]]:
    """Agreement of `assistant.text.support.support` with the labels, per pair split and mode.

    Args:
        split: The question split being evaluated (`dev`, `heldout` or `all`).
        path: The labelled pairs.
        embedder: When given, also score with the embedding cosine blended in (the guard can).
        embedder_name: Its name, for the label.

    Returns:
        {mode: {pair split: {"agreement": Agreement, "disagreements": [pair ids]}}}.
    """
    pairs = load_jsonl(path)
    modes: dict[str, dict[str, Any]] = {LEXICAL: {}}
    cosine = (
        dict(zip([p["id"] for p in pairs], _cosines(pairs, embedder), strict=True))
        if (embedder is not None)
        else {}
    )
    if cosine:
        modes[f"lexical + {embedder_name or 'embedding'} cosine"] = {}
    for pair_split in pair_splits(split):
        chosen = [p for p in pairs if pair_split == "all" or p.get("split") == pair_split]
        labels = [bool(p["supported"]) for p in chosen]
        for mode, table in modes.items():
            predictions = [
                support(p["sentence"], p["passage"], similarity=cosine.get(p["id"])).supported
                if mode != LEXICAL
                else support(p["sentence"], p["passage"]).supported
                for p in chosen
            ]
            result: Agreement = agreement(labels, predictions)
            wrong = [p["id"] for p, y, h in zip(chosen, labels, predictions, strict=True) if y != h]
            table[pair_split] = {"agreement": result, "disagreements": wrong}
    return modes
