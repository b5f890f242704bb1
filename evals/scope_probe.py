"""The independent scope probe (evals/datasets/scope_mixed.jsonl): in scope, out of scope, or both
in one message, measured from outside on the intent the service acts on.

    python -m evals.scope_probe --split dev        # per-case misses shown: tune on these
    python -m evals.scope_probe --split heldout    # figures only: never tune on held-out
    python -m evals.scope_probe --file scope_traps.jsonl --split dev   # one file only

Figures (issue 16, item 6):
- in-scope answered: messages labelled in_scope that are not refused;
- out-of-scope refused: messages labelled out_of_scope that are refused;
- topic named: of those refusals, the share whose reason names the labelled topic;
- mixed answered: messages labelled mixed that are answered (not refused) ...
- ... and left-out ask named: of those, the share with a not-covered ask of the labelled topic.

scope_mixed.jsonl: 240 messages by a helper who read only the five articles and design.md, never
the code; the split (every third id held out) was fixed before writing. scope_mixed_b.jsonl: 300
more by another such helper, all dev. scope_traps.jsonl: 240 messages built to trap a careless
scope check (in scope under an out-of-scope surface and the reverse), by a third such helper
(session 16; every third id held out); read with --file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assistant.domain import intent as reasons
from assistant.domain.intent import classify
from evals.cases import DATASETS, load_jsonl

# The first set has a held-out part (every third id); the second, written later by another
# helper from the articles alone, is all dev.
FILES = (DATASETS / "scope_mixed.jsonl", DATASETS / "scope_mixed_b.jsonl")
# The refusal reasons that name each labelled topic. Score reporting and attempts on the
# transcript are logistics in the code and "usmle" in the labels; both name the topic.
TOPIC_REASONS: dict[str, set[str]] = {
    "clinical": {reasons.REASON_CLINICAL},
    "programs": {reasons.REASON_SPECIFICS},
    "statistics": {reasons.REASON_STATISTICS},
    "documents": {reasons.REASON_DOCUMENTS},
    "usmle": {reasons.REASON_EXAMS, reasons.REASON_LOGISTICS},
    "visa": {reasons.REASON_VISA, reasons.REASON_LOGISTICS},
    # (ERAS fees are fees; a rotation's insurance and immunizations are its paperwork)
    "logistics": {reasons.REASON_LOGISTICS, reasons.REASON_PRICES, reasons.REASON_ONBOARDING},
    "vendor": {reasons.REASON_VENDOR},
    "other_country": {reasons.REASON_ABROAD},
    "unrelated": {reasons.REASON_UNRELATED},
}


def load(split: str, files: Iterable[Path] = FILES) -> list[dict[str, Any]]:
    rows = [row for path in files if path.exists() for row in load_jsonl(path)]
    return [r for r in rows if split == "all" or r.get("split") == split]


def score(rows: Iterable[dict[str, Any]]) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """{figure: (hits, total)} and one line per miss."""
    counts: dict[str, list[int]] = {
        k: [0, 0]
        for k in (
            "in_scope_answered",
            "out_of_scope_refused",
            "topic_named",
            "mixed_answered",
            "left_out_named",
        )
    }
    misses: list[str] = []

    def tally(name: str, ok: bool, miss: str) -> None:
        counts[name][1] += 1
        counts[name][0] += ok
        if not ok:
            misses.append(miss)

    for row in rows:
        intent = classify(row["message"])
        label, topic, rid = row["label"], row.get("topic"), row["id"]
        named = TOPIC_REASONS.get(topic or "", set())
        if label == "in_scope":
            tally("in_scope_answered", intent.in_scope, f"{rid}: refused ({intent.reason})")
        elif label == "out_of_scope":
            tally("out_of_scope_refused", not intent.in_scope, f"{rid}: answered ({topic})")
            if not intent.in_scope:
                tally(
                    "topic_named",
                    intent.reason in named,
                    f"{rid}: {topic} refused as {intent.reason!r}",
                )
        else:
            tally(
                "mixed_answered",
                intent.in_scope,
                f"{rid}: mixed refused as {intent.reason!r} ({topic})",
            )
            if intent.in_scope:
                left = [item.reason for item in intent.not_covered]
                tally(
                    "left_out_named",
                    bool(named & set(left)),
                    f"{rid}: {topic} not named (left out: {left})",
                )
    return {k: (v[0], v[1]) for k, v in counts.items()}, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.scope_probe",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument(
        "--file",
        help="one dataset file under evals/datasets (default: scope_mixed.jsonl and "
        "scope_mixed_b.jsonl together)",
    )
    args = parser.parse_args(argv)
    files = (DATASETS / Path(args.file).name,) if args.file else FILES
    if args.file and not files[0].exists():
        print(f"no dataset file {files[0]}", file=sys.stderr)
        return 1
    rows = load(args.split, files)
    if not rows:
        print(f"no rows for split {args.split!r} in {', '.join(map(str, files))}", file=sys.stderr)
        return 1
    figures, misses = score(rows)
    print(f"{'messages':<24} {len(rows)}")
    for name, (hits, total) in figures.items():
        share = f"{hits / total:.3f}" if total else "n/a"
        print(f"{name:<24} {share} ({hits}/{total})")
    if args.split != "heldout":
        print(f"\n{len(misses)} misses:")
        for line in misses:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
