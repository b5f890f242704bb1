"""Chunk-size sweep: which max_chars retrieves the gold evidence best on the dev split?

    python -m evals.chunk_sweep [--sizes 300,450,600,700,850,1000,1300] [--split dev]

Bigger chunks trivially "contain" more gold, so besides hit@4 and MRR the sweep reports
hit@budget: gold found within the first 2,800 characters of retrieved text (what four
700-character chunks hold), the context a composer or a model actually reads.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever
from evals.cases import load_cases, retrieval_query
from evals.metrics.retrieval import Span, covers, hit_at_k, mean, reciprocal_rank
from evals.retrieval_compare import gold_spans
from ingest.embedder import get_embedder
from ingest.index import open_index
from ingest.pipeline import run_ingest

BUDGET = 2800


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,450,600,700,850,1000,1300")
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [c for c in load_cases(split=args.split) if c.get("gold")]
    embedder = get_embedder("minilm")
    print(f"Chunk-size sweep on the {args.split} split ({len(cases)} labelled questions)\n")
    print("| max_chars | min_chars | chunks | median chars | hit@4 | hit@budget | MRR@10 |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        min_chars = max(80, size // 5)
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedder="minilm")
            run_ingest(settings, max_chars=size, min_chars=min_chars, embedder=embedder)
            index = open_index(settings.data_dir)
            retriever = HybridRetriever(index, embedder)
            texts = {k: d.text for k, d in index.documents.items()}
            hits, budget_hits, rrs = [], [], []
            for case in cases:
                gold = gold_spans(case, texts)
                ranked = [
                    Span(s.chunk.doc_id, s.chunk.start, s.chunk.end)
                    for s in retriever.retrieve(retrieval_query(case), 10)
                ]
                hits.append(hit_at_k(ranked, gold, 4))
                rrs.append(reciprocal_rank(ranked, gold))
                used, found = 0, 0.0
                for item in ranked:
                    if used >= BUDGET:
                        break
                    used += item.end - item.start
                    if any(covers(item, g) for g in gold):
                        found = 1.0
                        break
                budget_hits.append(found)
            lengths = [c.end - c.start for c in index.chunks]
            print(
                f"| {size} | {min_chars} | {len(index.chunks)} | {statistics.median(lengths):.0f} "
                f"| {mean(hits):.3f} | {mean(budget_hits):.3f} | {mean(rrs):.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
