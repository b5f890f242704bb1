"""Retrieval comparison: our hybrid retriever vs the naive LangChain pipeline.

    python -m evals.retrieval_compare [--split dev|heldout|all] [--k 4] [--data-dir DIR]

Same labelled questions, same embedding model; prints hit@k, recall@k and MRR per retriever
(plus dense-only and BM25-only ablations of ours) as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever, RetrievalConfig
from assistant.text.citations import locate
from evals.baseline import NaiveRAG
from evals.cases import load_cases, retrieval_query
from evals.metrics.retrieval import Span, hit_at_k, mean, recall_at_k, reciprocal_rank
from ingest.embedder import embedder_for
from ingest.index import IndexMissing, IndexSnapshot, open_index
from ingest.pipeline import run_ingest


def open_or_build_index(settings: Settings) -> IndexSnapshot:
    """The index in the data dir, built from the corpus first if there is none."""
    try:
        return open_index(settings.data_dir, settings.chroma_url)
    except IndexMissing:
        run_ingest(settings)
        return open_index(settings.data_dir, settings.chroma_url)


def gold_spans(case: dict[str, Any], texts: dict[str, str]) -> list[Span]:
    spans = []
    for gold in case.get("gold") or []:
        text = texts.get(gold["doc_id"], "")
        where = locate(gold["phrase"], text)
        if where:
            spans.append(Span(gold["doc_id"], *where))
    return spans


def score(
    cases: Sequence[dict[str, Any]],
    search: Callable[[str], list[Span]],
    texts: dict[str, str],
    k: int,
) -> dict[str, float]:
    hits, recalls, rrs, times = [], [], [], []
    for case in cases:
        gold = gold_spans(case, texts)
        if not gold:
            continue
        started = time.perf_counter()
        ranked = search(retrieval_query(case))
        times.append((time.perf_counter() - started) * 1000)
        hits.append(hit_at_k(ranked, gold, k))
        recalls.append(recall_at_k(ranked, gold, k))
        rrs.append(reciprocal_rank(ranked[:10], gold))
    times.sort()
    return {
        "cases": len(hits),
        f"hit@{k}": round(mean(hits), 3),
        f"recall@{k}": round(mean(recalls), 3),
        "mrr@10": round(mean(rrs), 3),
        "p50_ms": round(times[len(times) // 2], 2) if times else 0.0,
    }


def main(argv: list[str] | None = None) -> dict[str, dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    index = open_or_build_index(settings)
    embedder = embedder_for(settings)
    cases = [c for c in load_cases(split=args.split) if c.get("gold")]
    canonical = {k: d.text for k, d in index.documents.items()}

    results: dict[str, dict[str, float]] = {}
    naive = NaiveRAG(settings.corpus_dir, embedder)

    def naive_search(q: str) -> list[Span]:
        return [Span(h.doc_id, h.start, h.end) for h in naive.retrieve(q, k=10)]

    results["naive LangChain (1000/200, dense top-k)"] = score(
        cases, naive_search, naive.raw, args.k
    )
    base = RetrievalConfig()
    variants = {
        "ours: hybrid RRF + synonyms": base,
        "ours: hybrid RRF, no synonyms": replace(base, use_synonyms=False),
        "ours: dense only": replace(base, sparse_weight=0.0),
        "ours: BM25 only": replace(base, dense_weight=0.0),
    }
    for name, config in variants.items():
        retriever = HybridRetriever(index, embedder, config)

        def ours(q: str, r: HybridRetriever = retriever) -> list[Span]:
            return [Span(s.chunk.doc_id, s.chunk.start, s.chunk.end) for s in r.retrieve(q, 10)]

        results[name] = score(cases, ours, canonical, args.k)

    if args.json:
        print(json.dumps(results, indent=2))
    else:
        keys = list(next(iter(results.values())))
        print(f"Retrieval on the {args.split} split ({len(cases)} labelled questions)\n")
        print("| retriever | " + " | ".join(keys) + " |")
        print("|---|" + "---|" * len(keys))
        for name, row in results.items():
            print(f"| {name} | " + " | ".join(str(row[k]) for k in keys) + " |")
    return results


if __name__ == "__main__":
    main()
