"""The independent applicant probe (evals/datasets/applicants_*.jsonl): how well the assistant
reads real applicants' messages, measured from outside.

    python -m evals.applicant_probe --split dev        # per-case misses shown: tune on these
    python -m evals.applicant_probe --split heldout    # figures only: never tune on held-out

Figures (issue 16's acceptance):
- facts read exactly: of the labelled facts the Profile has a field for, the share the
  assistant read with the labelled value (numbers equal within 0.05, specialties by name);
- invented facts: Profile facts the message does not state (not labelled, not ambiguous);
- verdict right: decision messages with an expected verdict that got exactly that verdict;
- research-leaning errors: ADD_RESEARCH or RESEARCH_AND_USCE where the label is USCE_FIRST or
  USCE_URGENT (the harmful direction);
- missing asked: messages labelled "missing" that got no verdict;
- in-scope refused / out-of-scope answered.

The probe was written by helpers who never read the code or the eval sets; the split (every
third id held out) was fixed before labelling.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evals.cases import DATASETS, load_jsonl

FILES = ("applicants_a.jsonl", "applicants_b.jsonl")
# Labelled facts that have a Profile field, compared one to one.
FIELDS = (
    "years_since_graduation",
    "is_student",
    "usce_hands_on_months",
    "usce_other_months",
    "us_letters",
    "specialty",
    "research_output",
    "unmatched_before",
    "home_clinical_recent",
    "academic_aim",
    "can_afford_only_one",
)
RESEARCH_LEANING = {"ADD_RESEARCH", "RESEARCH_AND_USCE"}
CLINICAL = {"USCE_FIRST", "USCE_URGENT"}


def load(split: str, files: Iterable[str] = FILES) -> list[dict[str, Any]]:
    rows = [
        row for name in files if (DATASETS / name).exists() for row in load_jsonl(DATASETS / name)
    ]
    return [r for r in rows if split == "all" or r.get("split") == split]


def same(field: str, expected: Any, got: Any) -> bool:
    if got is None:
        return False
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(expected) == bool(got) and isinstance(got, bool)
    if isinstance(expected, int | float):
        return isinstance(got, int | float) and abs(float(expected) - float(got)) <= 0.05
    if field == "specialty":  # one specialty by any of its names ("ENT", "otolaryngology")
        expected, got = (_specialty_name(str(v)) for v in (expected, got))
    return str(expected).strip().lower() == str(got).strip().lower()


def _specialty_name(name: str) -> str:
    from assistant.domain.profile import normalize_specialty

    known = normalize_specialty(name)
    return known[0] if known else name


def score(rows: list[dict[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The probe's figures from each row's label and the Answer JSON the assistant gave."""
    n: Counter[str] = Counter()
    misses: list[str] = []
    for row in rows:
        answer = answers[row["id"]]
        profile = answer.get("profile") or {}
        refused = bool(answer.get("abstained"))
        if row.get("out_of_scope"):
            n["out_of_scope"] += 1
            if not refused:
                n["out_of_scope_answered"] += 1
                misses.append(f"{row['id']}: out of scope, answered")
            continue
        n["in_scope"] += 1
        if refused:
            n["in_scope_refused"] += 1
            misses.append(f"{row['id']}: refused ({answer.get('abstain_reason')})")
            continue
        facts = row.get("facts") or {}
        for field in FIELDS:
            if field in facts:
                n["facts"] += 1
                if same(field, facts[field], profile.get(field)):
                    n["facts_right"] += 1
                else:
                    read = profile.get(field)
                    misses.append(f"{row['id']}: {field} expected {facts[field]!r}, read {read!r}")
        ambiguous = " ".join(row.get("ambiguous") or [])
        for field, value in profile.items():
            if field in FIELDS and field not in facts and field not in ambiguous:
                n["invented"] += 1
                misses.append(f"{row['id']}: invented {field}={value!r}")
        rec = answer.get("recommendation") or {}
        verdict = rec.get("verdict")
        expected = row.get("expected_verdict")
        if expected:
            n["verdicts"] += 1
            if verdict == expected:
                n["verdicts_right"] += 1
            else:
                misses.append(f"{row['id']}: verdict expected {expected}, got {verdict}")
            if expected in CLINICAL and verdict in RESEARCH_LEANING:
                n["research_leaning_errors"] += 1
        elif row.get("expected_missing"):
            n["missing"] += 1
            if verdict is None:
                n["missing_asked"] += 1
            else:
                misses.append(f"{row['id']}: expected missing facts, got {verdict}")

    def share(a: str, b: str) -> float | None:
        return round(n[a] / n[b], 3) if n[b] else None

    return {
        "messages": len(rows),
        "facts_read_exactly": share("facts_right", "facts"),
        "facts": n["facts"],
        "invented_facts": n["invented"],
        "verdict_right": share("verdicts_right", "verdicts"),
        "verdicts": n["verdicts"],
        "research_leaning_errors": n["research_leaning_errors"],
        "missing_asked": share("missing_asked", "missing"),
        "in_scope_refused": n["in_scope_refused"],
        "out_of_scope_answered": n["out_of_scope_answered"],
        "misses": misses,
    }


def run(split: str, data_dir: Path | None = None, files: Iterable[str] = FILES) -> dict[str, Any]:
    from assistant.core.settings import Settings
    from assistant.service import Advisor

    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    advisor = Advisor(settings)
    rows = load(split, files)
    answers = {r["id"]: advisor.ask(r["message"]).model_dump(mode="json") for r in rows}
    return score(rows, answers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.applicant_probe", description=__doc__)
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--file",
        action="append",
        dest="files",
        metavar="NAME",
        help="a probe file in evals/datasets in the same format (repeatable; default: "
        + ", ".join(FILES)
        + "), e.g. reading_traps_dev.jsonl",
    )
    args = parser.parse_args(argv)
    files = tuple(args.files or FILES)
    unknown = [n for n in files if Path(n).name != n or not (DATASETS / n).is_file()]
    if unknown:
        print(f"no such probe file in {DATASETS}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if not load(args.split, files):
        print(f"no {args.split} rows in {', '.join(files)}", file=sys.stderr)
        return 1
    result = run(args.split, args.data_dir, files)
    misses = result.pop("misses")
    for key, value in result.items():
        print(f"{key:26} {value}")
    if args.split == "dev":
        print(f"\n{len(misses)} misses:")
        for line in misses:
            print(" ", line)
    else:
        print(f"\n{len(misses)} misses (not shown: the held-out split is never tuned on)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
