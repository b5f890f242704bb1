"""Does the answer answer the question? (issue 18) Evidence recall, lead relevance, numeric
questions answered, information questions answered only with a request for facts, and plan steps
supported, for the grounded service and, where it can be scored, the naive LangChain pipeline.

    python -m evals.answer_quality --dataset forum --split dev --show     # tune on this
    python -m evals.answer_quality --dataset forum --split heldout        # figures only
    python -m evals.answer_quality --dataset eval --split heldout
    python -m evals.answer_quality --dataset forum_b --split dev --show   # the second forum set
    python -m evals.answer_quality --dataset forum_c --split dev --show   # the third (session 12)
    python -m evals.answer_quality --dataset forum_d --split dev --show   # the fourth (session 13)
    python -m evals.answer_quality --dataset forum_e --split dev --show   # the fifth (session 14)
    python -m evals.answer_quality --dataset forum_f --split dev --show   # the sixth (session 15)
    python -m evals.answer_quality --dataset forum_g --split dev --show   # the seventh (session 16)
    python -m evals.answer_quality --dataset forum_h --split dev --show   # the eighth (session 17)
    python -m evals.answer_quality --dataset forum_i --split dev --show   # the ninth (session 18)

Gold lists every passage that answers: the `forum_gold*.jsonl` sets as written,
the eval questions with their `gold` plus `also_gold` from `questions_gold_more.jsonl`
(evals/cases.py). Definitions:
evals/metrics/answers.py. The naive pipeline has no lead, plan or facts request, so only its
evidence recall (one of its four chunks covers a gold passage) is shown.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.text.citations import locate
from evals.cases import DATASETS, QUESTIONS, load_cases
from evals.metrics.answers import (
    AnswerScore,
    asks_number,
    case_kind,
    earlier_turn,
    plan_support,
    score_answer,
    summarize,
)
from evals.metrics.retrieval import Span

FORUM = DATASETS / "forum_gold.jsonl"
FORUM_B = DATASETS / "forum_gold_b.jsonl"
FORUM_C = DATASETS / "forum_gold_c.jsonl"
FORUM_D = DATASETS / "forum_gold_d.jsonl"
FORUM_E = DATASETS / "forum_gold_e.jsonl"
FORUM_F = DATASETS / "forum_gold_f.jsonl"
FORUM_G = DATASETS / "forum_gold_g.jsonl"
FORUM_H = DATASETS / "forum_gold_h.jsonl"
FORUM_I = DATASETS / "forum_gold_i.jsonl"
DATASET_FILES = {
    "forum": FORUM,
    "forum_b": FORUM_B,
    "forum_c": FORUM_C,
    "forum_d": FORUM_D,
    "forum_e": FORUM_E,
    "forum_f": FORUM_F,
    "forum_g": FORUM_G,
    "forum_h": FORUM_H,
    "forum_i": FORUM_I,
    "eval": QUESTIONS,
}


def load(dataset: str, split: str) -> list[dict[str, Any]]:
    """Cases with gold (the eval's out-of-scope cases have none)."""
    path = DATASET_FILES[dataset]
    return [
        c for c in load_cases(path, split=split) if c.get("gold") and not c.get("expect_abstain")
    ]


def gold_of(case: Mapping[str, Any], texts: Mapping[str, str]) -> tuple[list[Span], list[str]]:
    spans, phrases = [], []
    for gold in case.get("gold") or []:
        where = locate(gold["phrase"], texts.get(gold["doc_id"], ""))
        if where:
            spans.append(Span(gold["doc_id"], *where))
            phrases.append(gold["phrase"])
    return spans, phrases


def run(
    backend: Any, cases: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], dict[str, Any], AnswerScore]]:
    rows = []
    for case in cases:
        answer = backend.run(case).answer.model_dump(mode="json")
        before = earlier_turn(case)
        earlier = backend.run(before).answer.model_dump(mode="json") if before else None
        gold, phrases = gold_of(case, backend.texts)
        score = score_answer(
            answer,
            gold,
            phrases,
            kind=case_kind(case),
            numeric=asks_number(case),
            plan_support=plan_support(answer),
            earlier=earlier,
        )
        rows.append((case, answer, score))
    return rows


def verdict_agreement(
    rows: Sequence[tuple[Mapping[str, Any], Mapping[str, Any], AnswerScore]],
) -> tuple[int, int, int] | None:
    """For a set with verdict labels (`forum_gold_c.jsonl`, `forum_gold_d.jsonl`): of the
    messages labelled as asking what this applicant should do, how many get the labelled
    verdict (None: facts missing), and how many of those labels the labeller marked
    ambiguous."""
    labelled = [(c, a) for c, a, _ in rows if c.get("prioritisation")]
    if not labelled:
        return None
    right = sum(
        ((a.get("recommendation") or {}).get("verdict")) == c.get("expected_verdict")
        for c, a in labelled
    )
    unsure = sum(str(c.get("verdict_why", "")).startswith("AMBIGUOUS") for c, _ in labelled)
    return right, len(labelled), unsure


def _cell(figure: Mapping[str, Any]) -> str:
    if figure["value"] is None:
        return "—"
    return f"{figure['value']:.3f} ({figure['hits']}/{figure['total']})"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(DATASET_FILES), default="forum")
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--show", action="store_true", help="list the misses (dev only)")
    parser.add_argument("--out", type=Path, help="write every answer and score as JSON lines")
    args = parser.parse_args(argv)

    from evals.backends import AdvisorBackend, BaselineBackend
    from ingest.embedder import embedder_for
    from ingest.index import open_index

    settings = Settings()
    index = open_index(settings.data_dir, settings.chroma_url)
    embedder = embedder_for(settings)
    cases = load(args.dataset, args.split)
    ours = run(AdvisorBackend("grounded", settings, index, embedder), cases)
    titles = {k: d.meta.title for k, d in index.documents.items()}
    naive = run(BaselineBackend(settings, embedder, titles), cases)

    figures = summarize([s for _, _, s in ours])
    naive_figures = summarize([s for _, _, s in naive])
    print(f"Answers on {args.dataset} / {args.split}: {len(cases)} questions with gold\n")
    print("| metric | grounded | naive LangChain |")
    print("|---|---|---|")
    for name, figure in figures.items():
        other = _cell(naive_figures[name]) if name == "evidence_recall" else "n/a"
        print(f"| {name.replace('_', ' ')} | {_cell(figure)} | {other} |")
    by_kind = []
    for kind in sorted({case_kind(c) for c in cases}):
        figure = summarize([s for c, _, s in ours if case_kind(c) == kind])
        by_kind.append(
            f"{kind}: evidence {_cell(figure['evidence_recall'])}, "
            f"lead {_cell(figure['lead_relevance'])}"
        )
    print("\nBy kind (grounded): " + "; ".join(by_kind))
    verdicts = verdict_agreement(ours)
    if verdicts:
        right, total, unsure = verdicts
        print(
            f"\nVerdicts on the labelled decisions: {right}/{total} right "
            f"({unsure} of them labelled ambiguous by the labeller)"
        )
    if args.show and args.split != "heldout":
        print("\nMisses:")
        for case, answer, score in ours:
            problems = [
                name
                for name, bad in (
                    ("no gold cited", score.evidence is False),
                    ("lead off-gold", score.lead is False),
                    ("no number", score.numeric is False),
                    ("facts request only", score.facts_only is True),
                    ("plan step unsupported", score.plan_supported < score.plan_steps),
                )
                if bad
            ]
            if problems:
                lead = next(
                    (
                        b.get("text", "")
                        for b in answer.get("blocks") or []
                        if b.get("kind") in ("direct_answer", "recommendation")
                    ),
                    "",
                )
                print(
                    f"  {case['id']} [{case.get('kind')}] {', '.join(problems)}: "
                    f"{case['question'][:110]!r}\n      lead: {lead[:160]!r}"
                )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as fh:
            for case, answer, score in ours:
                fh.write(
                    json.dumps({"id": case["id"], "answer": answer, "score": score.__dict__}) + "\n"
                )
    return {"grounded": figures, "naive": naive_figures}


if __name__ == "__main__":
    main()
