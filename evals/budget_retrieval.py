"""Retrieval at an equal text budget (issue 17): the project's retriever against the naive
LangChain pipeline, on forum-style questions with multi-passage gold.

    python -m evals.budget_retrieval --dataset forum --split dev
    python -m evals.budget_retrieval --dataset forum --split heldout    # never tune on it
    python -m evals.budget_retrieval --dataset eval --split heldout

The naive pipeline (RecursiveCharacterTextSplitter 1000/200, MiniLM dense, top 4) reads about
4,000 characters. Ours is scored on its best chunks up to the same number of characters
("hit@budget": at least one gold passage among them; "mrr@budget": 1/rank of the first), and at
hit@4. A chunk is a hit when it covers at least half of a gold phrase (evals/metrics/retrieval.py),
and every gold passage counts: the articles repeat their advice.

Variants of ours, all in the same run: the message as one query; what the service searches (the
message, and for a decision the deciding rule's rationale at a low weight:
assistant/retrieval/searches.py); a fuller plan (also each in-scope ask of a multi-part message,
which lowered hit and MRR on both dev sets, so the service does not search asks apart); and a
per-document cap. All fused by weighted RRF in one `retrieve_all` call.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.retrieval.hybrid import HybridRetriever, RetrievalConfig
from assistant.retrieval.searches import FOCUS_WEIGHT as SERVICE_FOCUS_WEIGHT
from evals.baseline import NaiveRAG
from evals.cases import DATASETS, QUESTIONS, load_cases
from evals.metrics.retrieval import Span, first_relevant_rank, mean
from evals.retrieval_compare import gold_spans, open_or_build_index
from ingest.embedder import embedder_for

FORUM = DATASETS / "forum_gold.jsonl"
# Query-plan weights in the rank fusion: the message keeps the most, it is what was written.
MESSAGE_WEIGHT, ASK_WEIGHT, FOCUS_WEIGHT = 1.0, 0.7, 0.5
MAX_ASKS = 4  # more asks than this are a list of facts, not questions
BUDGET = 4000  # characters: the naive pipeline's four 1,000-character chunks


def within_budget(ranked: Sequence[Span], budget: int = BUDGET) -> list[Span]:
    """The best chunks whose lengths add up to at most `budget` characters (at least one)."""
    out: list[Span] = []
    used = 0
    for span in ranked:
        length = span.end - span.start
        if out and used + length > budget:
            break
        out.append(span)
        used += length
    return out


def score(
    cases: Sequence[dict[str, Any]],
    search: Callable[[dict[str, Any]], list[Span]],
    texts: dict[str, str],
    *,
    budgeted: bool,
) -> dict[str, Any]:
    """hit@4, hit and MRR at the budget (or at 4 for the naive pipeline), chunks and characters
    read, by question kind too."""
    rows: list[tuple[str, float, float, float, int, int]] = []
    for case in cases:
        gold = gold_spans(case, texts)
        if not gold:
            continue
        ranked = search(case)
        window = within_budget(ranked) if budgeted else ranked[:4]
        rank = first_relevant_rank(window, gold)
        rows.append(
            (
                case.get("kind") or case.get("category") or "?",
                1.0 if first_relevant_rank(ranked[:4], gold) else 0.0,
                1.0 if rank else 0.0,
                1.0 / rank if rank else 0.0,
                len(window),
                sum(s.end - s.start for s in window),
            )
        )
    kinds = sorted({r[0] for r in rows})
    return {
        "cases": len(rows),
        "hit@4": round(mean([r[1] for r in rows]), 3),
        "hit@budget": round(mean([r[2] for r in rows]), 3),
        "mrr@budget": round(mean([r[3] for r in rows]), 3),
        "chunks": statistics.median([r[4] for r in rows]) if rows else 0,
        "chars": statistics.median([r[5] for r in rows]) if rows else 0,
        "by_kind": {k: round(mean([r[2] for r in rows if r[0] == k]), 3) for k in kinds},
    }


def load(dataset: str, split: str) -> list[dict[str, Any]]:
    path = FORUM if dataset == "forum" else QUESTIONS
    return [c for c in load_cases(path, split=split) if c.get("gold")]


def message(case: dict[str, Any]) -> str:
    """The text the service retrieves on: a follow-up borrows its earlier turn (as the service's
    `standalone_question` does), a question stands alone."""
    from assistant.service import standalone_question

    return standalone_question(case["question"], case.get("history") or None)


def query_plan(
    question: str,
    history: Sequence[dict[str, str]] | None,
    text: str,
    *,
    ask_weight: float = ASK_WEIGHT,
    focus_weight: float = FOCUS_WEIGHT,
) -> list[tuple[str, float]]:
    """The weighted searches for one message: `text` (the standalone question), each in-scope
    ask of a message with several parts, and for a decision question the deciding rule's
    rationale (the verdict's topic). A weight of 0 leaves that kind out."""
    import datetime as dt

    from assistant.core.types import Profile
    from assistant.domain.clarify import decide_or_ask
    from assistant.domain.intent import classify, with_situation
    from assistant.domain.profile import merge_profile, read_profile

    year = dt.date.today().year
    turns = [t["content"] for t in history or [] if t.get("role") == "user"]
    intent = classify(question, history=turns or None)
    profile = Profile()
    for said in [*turns, question]:
        profile = merge_profile(
            profile, read_profile(said, current_year=year).profile, current_year=year
        )
    intent = with_situation(intent, profile, explicit=False)
    queries = [(text, MESSAGE_WEIGHT)]
    seen = {" ".join(text.lower().split())}
    for ask in intent.asks[:MAX_ASKS] if ask_weight > 0 else ():
        key = " ".join(ask.lower().split())
        if key not in seen and len(key.split()) >= 3:
            queries.append((ask, ask_weight))
            seen.add(key)
    if intent.prioritisation and focus_weight > 0:
        decision = decide_or_ask(profile, {}, current_year=year)[0]
        if decision is not None and decision.rule is not None:
            queries.append((decision.rule.rationale, focus_weight))
    return queries


def main(argv: list[str] | None = None) -> dict[str, dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["forum", "eval"], default="forum")
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    index = open_or_build_index(settings)
    embedder = embedder_for(settings)
    cases = load(args.dataset, args.split)
    canonical = {k: d.text for k, d in index.documents.items()}
    naive = NaiveRAG(settings.corpus_dir, embedder)

    def naive_search(case: dict[str, Any]) -> list[Span]:
        hits = naive.retrieve(
            " ".join(
                [
                    *(t["content"] for t in case.get("history") or [] if t["role"] == "user"),
                    case["question"],
                ]
            ),
            k=4,
        )
        return [Span(h.doc_id, h.start, h.end) for h in hits]

    results: dict[str, dict[str, Any]] = {
        "naive LangChain (1000/200, dense top 4)": score(
            cases, naive_search, naive.raw, budgeted=False
        )
    }
    base = RetrievalConfig()
    service = {"ask_weight": 0.0, "focus_weight": SERVICE_FOCUS_WEIGHT}
    plan = {"ask_weight": ASK_WEIGHT, "focus_weight": FOCUS_WEIGHT}
    variants: dict[str, tuple[RetrievalConfig, dict[str, float] | None]] = {
        "ours: the message as one query": (base, None),
        f"ours, the service: message + verdict topic at {SERVICE_FOCUS_WEIGHT}": (base, service),
        "ours: message + asks 0.7 + verdict topic 0.5": (base, plan),
        "ours: one query, 2 per document first": (replace(base, per_document=2), None),
    }
    for name, (config, planned) in variants.items():
        retriever = HybridRetriever(index, embedder, config)

        def ours(
            case: dict[str, Any],
            r: HybridRetriever = retriever,
            planned: dict[str, float] | None = planned,
        ) -> list[Span]:
            text = message(case)
            queries = (
                query_plan(case["question"], case.get("history"), text, **planned)
                if planned is not None
                else [(text, 1.0)]
            )
            return [
                Span(s.chunk.doc_id, s.chunk.start, s.chunk.end)
                for s in r.retrieve_all(queries, 20)
            ]

        results[name] = score(cases, ours, canonical, budgeted=True)

    keys = ["cases", "hit@4", "hit@budget", "mrr@budget", "chunks", "chars"]
    print(
        f"Retrieval on {args.dataset} / {args.split} ({len(cases)} questions with gold); "
        f"budget {BUDGET} characters\n"
    )
    print("| retriever | " + " | ".join(keys) + " | hit by kind |")
    print("|---|" + "---|" * (len(keys) + 1))
    for name, row in results.items():
        kinds = ", ".join(f"{k} {v}" for k, v in row["by_kind"].items())
        print(f"| {name} | " + " | ".join(str(row[k]) for k in keys) + f" | {kinds} |")
    return results


if __name__ == "__main__":
    main()
