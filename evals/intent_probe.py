"""Decision or information? (issue 18) The intent probe: 120 pairs of messages on the same topic
with nearly the same words, one asking what this applicant should do about clinical experience
and research (a prioritisation), one asking for information ("usce vs research, which do IM
programs screen on?", "does a QI project count as research or clinical?"), in twelve wording
families ("X vs Y", "worth it", "do I still need", "matters more", follow-ups that doubt the
advice or ask something new, …). Written by a helper who read only the five articles and the
verdict table, never the code; split by pair before writing (every third pair held out).

    python -m evals.intent_probe --split dev --show     # tune on this
    python -m evals.intent_probe --split heldout        # figures only

Scored on the service's reading of each message (the intent after the applicant's facts are
read): a prioritisation asks for the facts or gives a verdict; information must not ("Which
applies to you?" on an information question is the failure this measures).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.cases import DATASETS

PAIRS = DATASETS / "intent_pairs.jsonl"


def load(split: str, path: Path = PAIRS) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if split == "all" or r["split"] == split]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--show", action="store_true", help="list the misses (not on heldout)")
    args = parser.parse_args(argv)

    from assistant.core.settings import Settings
    from assistant.service import Advisor

    advisor = Advisor(Settings())
    cases = load(args.split)
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    counts = {"decision_read": 0, "decisions": 0, "information_read": 0, "informations": 0}
    misses = []
    for case in cases:
        intent = advisor.intent_for(case["message"], history=case.get("history"))
        read = intent.in_scope and intent.prioritisation
        right = read == case["prioritisation"]
        kind = "decision" if case["prioritisation"] else "information"
        counts[f"{kind}s"] += 1
        counts[f"{kind}_read"] += right
        by_family[case["family"]][0] += right
        by_family[case["family"]][1] += 1
        if not right:
            misses.append(case)
    total = len(cases)
    right = counts["decision_read"] + counts["information_read"]
    print(f"Intent probe / {args.split}: {total} messages, {right}/{total} read right")
    print(f"- decisions read as decisions: {counts['decision_read']}/{counts['decisions']}")
    print(
        f"- information read as information: {counts['information_read']}/{counts['informations']}"
    )
    print("- by family: " + ", ".join(f"{f} {h}/{n}" for f, (h, n) in sorted(by_family.items())))
    if args.show and args.split != "heldout":
        for case in misses:
            label = "decision" if case["prioritisation"] else "information"
            print(f"  {case['id']} [{case['family']}] labelled {label}: {case['message'][:110]!r}")
    return {"right": right, "total": total, **counts}


if __name__ == "__main__":
    main()
