"""The sub-question probe (evals/datasets/subquestions_*.jsonl): is each ask of a multi-part
message answered, or named as not covered by the articles? (issue 18, "sub-questions answered")

    python -m evals.subquestion_probe --split dev --show   # per-ask misses: tune on these
    python -m evals.subquestion_probe --split heldout      # figures only: never tune on held-out

Each message's asks are labelled by a helper who read only the five articles, never the code:
the words that ask it, whether the articles answer it, and every passage that does. The split
(every third id held out) was fixed before writing. Definitions: evals/metrics/subquestions.py.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evals.cases import DATASETS, load_jsonl
from evals.metrics.subquestions import DEFINITIONS, SubQuestionScore, score_message, summarize
from evals.scoring import gold_spans  # a sub-question's gold, as a case's

FILES = ("subquestions_a.jsonl",)
# What the eval report measures: both probes (b is all held-out, so a dev run sees a's dev part).
REPORT_FILES = ("subquestions_a.jsonl", "subquestions_b.jsonl")


def load(split: str, files: Iterable[str] = FILES) -> list[dict[str, Any]]:
    rows = [row for name in files for row in load_jsonl(DATASETS / name)]
    return [r for r in rows if split == "all" or r.get("split") == split]


def score_rows(
    rows: Sequence[Mapping[str, Any]], answers: Mapping[str, Mapping[str, Any]], texts: Any
) -> list[tuple[Mapping[str, Any], list[SubQuestionScore]]]:
    """Each row's sub-questions scored against the Answer JSON it got (by row id)."""
    return [
        (
            row,
            score_message(
                answers[row["id"]],
                row["sub_questions"],
                [gold_spans(sub, texts) for sub in row["sub_questions"]],
            ),
        )
        for row in rows
    ]


def measure(backend: Any, split: str) -> dict[str, dict[str, Any]]:
    """The sub-question figures of an eval backend (`evals.backends.AdvisorBackend`) on the
    probes' messages of `split`, for the eval report."""
    rows = load(split, REPORT_FILES)
    answers = {
        row["id"]: backend.run(
            {"question": row["question"], "history": row.get("history")}
        ).answer.model_dump(mode="json")
        for row in rows
    }
    return summarize([s for _, scores in score_rows(rows, answers, backend.texts) for s in scores])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--file", action="append", help="a probe file in evals/datasets/")
    parser.add_argument("--show", action="store_true", help="list the misses (not on held-out)")
    args = parser.parse_args(argv)

    from assistant.core.settings import Settings
    from assistant.service import Advisor

    advisor = Advisor(Settings())
    rows = load(args.split, args.file or FILES)
    answers = {
        row["id"]: advisor.ask(row["question"], history=row.get("history")).model_dump(mode="json")
        for row in rows
    }
    scored = score_rows(rows, answers, advisor.texts)
    figures = summarize([s for _, scores in scored for s in scores])
    names = ", ".join(args.file or FILES)
    print(f"Sub-questions on {names} / {args.split}: {len(rows)} messages\n")
    print("| metric | value | definition |\n|---|---|---|")
    for name, figure in figures.items():
        value = "—" if figure["value"] is None else f"{figure['value']:.3f}"
        print(f"| {name} | {value} ({figure['hits']}/{figure['total']}) | {DEFINITIONS[name]} |")
    if args.show and args.split != "heldout":
        print("\nMisses:")
        for row, scores in scored:
            for sub, s in zip(row["sub_questions"], scores, strict=True):
                if (s.covered and not s.answered) or s.named != (not s.covered):
                    what = (
                        "wrongly named"
                        if s.covered and s.named
                        else "not answered"
                        if s.covered
                        else "not named"
                    )
                    print(f"  {row['id']} {what}: {sub.get('quote', '')[:100]!r}")
    return figures


if __name__ == "__main__":
    main()
