#!/usr/bin/env python3
"""Validate the hand-written eval datasets (stdlib only).

    python evals/datasets/check_datasets.py [--corpus DIR] [--quiet]

Checks questions.jsonl and support_pairs.jsonl in this folder:
schema and types, unique ids, every gold phrase / passage found verbatim in its document's BODY
(not in the table of contents, image captions, byline, advertisement or call to action that
ingest removes), category minimums, the dev/held-out balance, and that held-out questions are not
near-copies of dev questions. Exit status 1 if any error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "corpus"

CATEGORIES = {
    "factual": 25,
    "scenario": 25,
    "cross_document": 10,
    "paraphrase": 8,
    "follow_up": 6,
    "wrong_premise": 8,
    "prompt_injection": 8,
    "out_of_scope": 12,
}
VERDICTS = {"USCE_FIRST", "USCE_URGENT", "ADD_RESEARCH", "RESEARCH_AND_USCE"}
SPLITS = {"dev", "heldout"}
PROFILE_FIELDS: dict[str, Any] = {
    "graduation_year": int,
    "years_since_graduation": (int, float),
    "is_student": bool,
    "step1": str,
    "step2_ck": int,
    "usce_hands_on_months": (int, float),
    "usce_other_months": (int, float),
    "usce_types": list,
    "us_letters": int,
    "specialty": str,
    "specialty_class": str,
    "home_clinical_recent": bool,
    "research_output": int,
    "unmatched_before": bool,
    "visa": str,
    "can_afford_only_one": bool,
    "money_tight": bool,
    "academic_aim": bool,
}
Q_REQUIRED = {
    "id": str,
    "split": str,
    "category": str,
    "question": str,
    "expect_abstain": bool,
    "expected_missing": bool,
    "gold": list,
}
Q_OPTIONAL = {
    "profile": dict,
    "history": list,
    "must_not": list,
    "notes": str,
    "verdict_reason": str,
}
SP_REQUIRED = {
    "id": str,
    "split": str,
    "sentence": str,
    "passage": str,
    "doc_id": str,
    "supported": bool,
    "why": str,
}
ID_RE = {"questions": re.compile(r"^[a-z]+-\d{3}$"), "support": re.compile(r"^sp-\d{3}$")}

# Parts of documents that ingest removes (not "body"): a phrase must be found outside them.
#   prefix_until: everything before this marker (e.g. a table of contents)
#   suffix_from:  everything from this marker on (advertisement, call to action)
#   drop_lines:   lines whose stripped text equals one of these (byline, logo, tag line)
#   drop_line_contains: lines containing this (image captions)
EXCLUDED: dict[str, dict[str, Any]] = {
    "clinical-research-unmatched-imgs": {"prefix_until": "Being an unmatched IMG can feel"},
    "clinical-experience-for-imgs": {
        "suffix_from": "\noverview\n",
        "drop_lines": [
            "Residency Advisor Logo Residency Advisor",
            "International Medical Graduates Clinical Experience Residency "
            "Applications U.S. Healthcare System Professional Networking",
        ],
        "drop_line_contains": [" - International Medical Gr"],
    },
    "types-of-usce": {
        "suffix_from": "Need Help Securing High-Quality USCE?",
        "drop_lines": ["- Ash Eighaei Sedeh MD", "- Mar 22", "- 3 min read"],
    },
}


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warn  {where}: {msg}")


def load_corpus(corpus: Path, rep: Report) -> tuple[dict[str, str], dict[str, str]]:
    """Return ({doc_id: raw text}, {doc_id: body text with removed parts dropped})."""
    raw, body = {}, {}
    for path in sorted(corpus.glob("*.txt")):
        doc_id = path.stem
        text = path.read_text(encoding="utf-8")
        raw[doc_id] = text
        rules = EXCLUDED.get(doc_id, {})
        b = text
        if "prefix_until" in rules:
            i = b.find(rules["prefix_until"])
            if i < 0:
                rep.err(doc_id, f"body marker not found: {rules['prefix_until']!r}")
            else:
                b = b[i:]
        if "suffix_from" in rules:
            i = b.find(rules["suffix_from"])
            if i < 0:
                rep.err(doc_id, f"suffix marker not found: {rules['suffix_from']!r}")
            else:
                b = b[:i]
        drop = set(rules.get("drop_lines", []))
        contains = rules.get("drop_line_contains", [])
        for d in drop:
            if d not in (ln.strip() for ln in text.splitlines()):
                rep.err(doc_id, f"excluded line not found: {d!r}")
        b = "\n".join(
            ln
            for ln in b.split("\n")
            if ln.strip() not in drop and not any(c in ln for c in contains)
        )
        body[doc_id] = b
    if not raw:
        rep.err(str(corpus), "no corpus documents found")
    return raw, body


def read_jsonl(path: Path, rep: Report) -> list[dict]:
    rows: list[dict] = []
    if not path.exists():
        rep.err(path.name, "file missing")
        return rows
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            rep.err(f"{path.name}:{n}", "blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            rep.err(f"{path.name}:{n}", f"invalid JSON: {e}")
            continue
        if not isinstance(obj, dict):
            rep.err(f"{path.name}:{n}", "line is not a JSON object")
            continue
        rows.append(obj)
    return rows


def check_types(
    where: str,
    obj: dict,
    required: dict,
    optional: dict,
    rep: Report,
    extra_ok: frozenset[str] = frozenset(),
) -> None:
    for k, t in required.items():
        if k not in obj:
            rep.err(where, f"missing field {k!r}")
        elif not isinstance(obj[k], t):
            rep.err(where, f"field {k!r} should be {t.__name__}")
    for k, t in optional.items():
        if k in obj and not isinstance(obj[k], t):
            rep.err(where, f"field {k!r} should be {t.__name__}")
    unknown = set(obj) - set(required) - set(optional) - set(extra_ok)
    if unknown:
        rep.err(where, f"unknown fields {sorted(unknown)}")


def check_span(
    where: str,
    doc_id: str,
    span: str,
    raw: dict,
    body: dict,
    rep: Report,
    min_len: int,
    max_len: int,
    allow_newline: bool,
) -> None:
    if doc_id not in raw:
        rep.err(where, f"unknown doc_id {doc_id!r}")
        return
    if not (min_len <= len(span) <= max_len):
        rep.err(where, f"length {len(span)} outside {min_len}-{max_len}: {span[:60]!r}")
    if not allow_newline and "\n" in span:
        rep.err(where, "phrase spans a line break")
    if span != span.strip():
        rep.err(where, "leading/trailing whitespace")
    if span not in raw[doc_id]:
        rep.err(where, f"not verbatim in {doc_id}: {span[:80]!r}")
    elif span not in body[doc_id]:
        rep.err(
            where, f"only found outside the body (TOC/caption/byline/ad) of {doc_id}: {span[:80]!r}"
        )


def tokens(s: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", s.lower()))


def check_questions(rows: list[dict], raw: dict, body: dict, rep: Report) -> None:
    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            rep.err(f"questions {i}", f"duplicate id ({c}x)")
    by_id = {r.get("id"): r for r in rows}
    for r in rows:
        w = f"questions {r.get('id', '?')}"
        check_types(w, r, Q_REQUIRED, Q_OPTIONAL, rep, extra_ok=frozenset({"expected_verdict"}))
        if "expected_verdict" not in r:
            rep.err(w, "missing field 'expected_verdict' (use null)")
        if not ID_RE["questions"].match(str(r.get("id", ""))):
            rep.err(w, "id should look like 'fact-001'")
        cat, split = r.get("category"), r.get("split")
        if cat not in CATEGORIES:
            rep.err(w, f"bad category {cat!r}")
        if split not in SPLITS:
            rep.err(w, f"bad split {split!r}")
        if not str(r.get("question", "")).strip():
            rep.err(w, "empty question")
        # abstention
        if r.get("expect_abstain") is not (cat == "out_of_scope"):
            rep.err(w, "expect_abstain must be true exactly for out_of_scope")
        # verdicts
        v = r.get("expected_verdict")
        if v is not None and v not in VERDICTS:
            rep.err(w, f"bad expected_verdict {v!r}")
        if v is not None and not r.get("verdict_reason"):
            rep.err(w, "expected_verdict without verdict_reason")
        if r.get("expected_missing") and v is not None:
            rep.err(w, "expected_missing=true requires expected_verdict=null")
        if cat == "out_of_scope" and (v is not None or r.get("expected_missing")):
            rep.err(w, "out_of_scope cannot carry a verdict")
        # profile
        prof = r.get("profile")
        if isinstance(prof, dict):
            for k, val in prof.items():
                if k not in PROFILE_FIELDS:
                    rep.err(w, f"unknown profile field {k!r}")
                elif not isinstance(val, PROFILE_FIELDS[k]) or (
                    isinstance(val, bool) and PROFILE_FIELDS[k] in (int, (int, float))
                ):
                    rep.err(w, f"profile field {k!r} has wrong type")
        # history
        hist = r.get("history")
        if cat == "follow_up" and not hist:
            rep.err(w, "follow_up needs a history")
        if isinstance(hist, list):
            for t in hist:
                if (
                    not isinstance(t, dict)
                    or t.get("role") not in ("user", "assistant")
                    or not isinstance(t.get("content"), str)
                    or not t["content"].strip()
                    or set(t) != {"role", "content"}
                ):
                    rep.err(w, f"bad history turn {t!r}")
            if hist and hist[0].get("role") != "user":
                rep.err(w, "history should start with a user turn")
        # gold
        gold = r.get("gold", [])
        if cat == "out_of_scope":
            if gold:
                rep.err(w, "out_of_scope must have empty gold")
        else:
            if not 1 <= len(gold) <= 3:
                rep.err(w, f"needs 1-3 gold items, has {len(gold)}")
            for j, g in enumerate(gold):
                gw = f"{w} gold[{j}]"
                if not isinstance(g, dict) or set(g) != {"doc_id", "phrase"}:
                    rep.err(gw, "gold item must be {doc_id, phrase}")
                    continue
                check_span(gw, g["doc_id"], g["phrase"], raw, body, rep, 20, 200, False)
            docs = {g.get("doc_id") for g in gold if isinstance(g, dict)}
            if cat == "cross_document" and len(docs) < 2:
                rep.err(w, "cross_document needs gold from at least two documents")
            if len(gold) != len({(g.get("doc_id"), g.get("phrase")) for g in gold}):
                rep.err(w, "duplicate gold item")
        # must_not
        mn = r.get("must_not")
        if mn is not None and (not all(isinstance(s, str) and s.strip() for s in mn) or not mn):
            rep.err(w, "must_not must be a non-empty list of strings")
        if cat == "wrong_premise" and not mn:
            rep.err(w, "wrong_premise needs must_not")
        # paraphrase must name its twin (same split, so held-out stays independent of dev)
        if cat == "paraphrase":
            refs = re.findall(r"\b[a-z]+-\d{3}\b", r.get("notes", ""))
            if not refs:
                rep.err(w, "paraphrase notes must name the other case id")
            for ref in refs:
                if ref not in by_id:
                    rep.err(w, f"paraphrase refers to unknown id {ref}")
                elif by_id[ref].get("split") != split:
                    rep.err(w, f"paraphrase twin {ref} is in another split")
                elif by_id[ref].get("expected_verdict") != r.get("expected_verdict"):
                    rep.err(w, f"paraphrase verdict differs from {ref}")

    # counts and balance
    table: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        table[str(r.get("category"))][str(r.get("split"))] += 1
    for cat, minimum in CATEGORIES.items():
        total = sum(table[cat].values())
        if total < minimum:
            rep.err("questions", f"category {cat}: {total} < minimum {minimum}")
        for s in SPLITS:
            if table[cat][s] == 0:
                rep.err("questions", f"category {cat} has no {s} cases")
        if total:
            frac = table[cat]["dev"] / total
            if not 0.45 <= frac <= 0.75:
                rep.err("questions", f"category {cat}: dev fraction {frac:.2f} outside 0.45-0.75")
    if len(rows) < 100:
        rep.err("questions", f"only {len(rows)} cases (< 100)")
    dev = sum(1 for r in rows if r.get("split") == "dev")
    if rows and not 0.55 <= dev / len(rows) <= 0.65:
        rep.err("questions", f"dev fraction {dev / len(rows):.2f} outside 0.55-0.65")
    scen = [r for r in rows if r.get("category") == "scenario"]
    if sum(1 for r in scen if r.get("expected_missing")) < 4:
        rep.err("questions", "need >= 4 scenario cases with expected_missing")
    for s in SPLITS:
        got = {r.get("expected_verdict") for r in scen if r.get("split") == s}
        for v in VERDICTS - got:
            rep.err("questions", f"verdict {v} missing from {s} scenario cases")
        if not any(r.get("expected_missing") for r in scen if r.get("split") == s):
            rep.err("questions", f"no expected_missing scenario case in {s}")

    # held-out must not be near-copies of dev
    dev_rows = [r for r in rows if r.get("split") == "dev"]
    for h in (r for r in rows if r.get("split") == "heldout"):
        th = tokens(h.get("question", ""))
        for d in dev_rows:
            td = tokens(d.get("question", ""))
            if th and td:
                jac = len(th & td) / len(th | td)
                if jac >= 0.6:
                    rep.err(
                        f"questions {h.get('id')}",
                        f"near-copy of dev {d.get('id')} (token Jaccard {jac:.2f})",
                    )
                elif jac >= 0.45:
                    rep.warn(
                        f"questions {h.get('id')}",
                        f"similar to dev {d.get('id')} (token Jaccard {jac:.2f})",
                    )

    print("questions.jsonl: category x split")
    print(f"  {'category':<18}{'dev':>6}{'heldout':>9}{'total':>7}{'min':>6}")
    for cat, minimum in CATEGORIES.items():
        cc = table[cat]
        print(f"  {cat:<18}{cc['dev']:>6}{cc['heldout']:>9}{sum(cc.values()):>7}{minimum:>6}")
    print(
        f"  {'TOTAL':<18}{dev:>6}{len(rows) - dev:>9}{len(rows):>7}"
        f"   (dev {dev / max(len(rows), 1):.0%})"
    )
    vt: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        key = r.get("expected_verdict") or ("null+missing" if r.get("expected_missing") else None)
        if key:
            vt[key][r.get("split")] += 1
    print("  expected verdicts (all categories):")
    for k in sorted(vt):
        print(f"    {k:<20} dev {vt[k]['dev']:>2}  heldout {vt[k]['heldout']:>2}")
    ng = sum(len(r.get("gold", [])) for r in rows)
    print(
        f"  gold phrases: {ng}; with explicit profile: "
        f"{sum(1 for r in rows if r.get('profile'))}; with history: "
        f"{sum(1 for r in rows if r.get('history'))}"
    )


def count_sentences(s: str) -> int:
    parts = re.split(r"(?<=[.!?:])[\"”’)]*\s+|\n+", s.strip())
    return len([p for p in parts if re.search(r"\w", p)])


def check_support(rows: list[dict], raw: dict, body: dict, rep: Report) -> None:
    ids = Counter(r.get("id") for r in rows)
    for i, c in ids.items():
        if c > 1:
            rep.err(f"support {i}", f"duplicate id ({c}x)")
    for r in rows:
        w = f"support {r.get('id', '?')}"
        check_types(w, r, SP_REQUIRED, {}, rep)
        if not ID_RE["support"].match(str(r.get("id", ""))):
            rep.err(w, "id should look like 'sp-001'")
        if r.get("split") not in SPLITS:
            rep.err(w, f"bad split {r.get('split')!r}")
        p = r.get("passage", "")
        if isinstance(p, str) and isinstance(r.get("doc_id"), str):
            check_span(w, r["doc_id"], p, raw, body, rep, 20, 600, True)
            n = count_sentences(p)
            if not 1 <= n <= 4:
                rep.err(w, f"passage should be 1-4 sentences, looks like {n}")
        if not str(r.get("sentence", "")).strip():
            rep.err(w, "empty sentence")
    n = len(rows)
    if n < 60:
        rep.err("support", f"only {n} pairs (< 60)")
    t = Counter((r.get("split"), r.get("supported")) for r in rows)
    true = t[("dev", True)] + t[("heldout", True)]
    dev = t[("dev", True)] + t[("dev", False)]
    if n and not 0.4 <= true / n <= 0.6:
        rep.err("support", f"supported fraction {true / n:.2f} outside 0.4-0.6")
    if n and not 0.55 <= dev / n <= 0.65:
        rep.err("support", f"dev fraction {dev / n:.2f} outside 0.55-0.65")
    for s in SPLITS:
        for lab in (True, False):
            if not t[(s, lab)]:
                rep.err("support", f"no supported={lab} pairs in {s}")
    print("support_pairs.jsonl: split x label")
    print(f"  {'split':<9}{'true':>6}{'false':>7}{'total':>7}")
    for s in ("dev", "heldout"):
        print(f"  {s:<9}{t[(s, True)]:>6}{t[(s, False)]:>7}{t[(s, True)] + t[(s, False)]:>7}")
    print(
        f"  {'TOTAL':<9}{true:>6}{n - true:>7}{n:>7}   (dev {dev / max(n, 1):.0%}, "
        f"supported {true / max(n, 1):.0%})"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--quiet", action="store_true", help="do not print warnings")
    args = ap.parse_args()
    rep = Report()
    raw, body = load_corpus(args.corpus, rep)
    check_questions(read_jsonl(HERE / "questions.jsonl", rep), raw, body, rep)
    check_support(read_jsonl(HERE / "support_pairs.jsonl", rep), raw, body, rep)
    if not args.quiet:
        for m in rep.warnings:
            print(m)
    for m in rep.errors:
        print(m)
    print(
        f"{'FAIL' if rep.errors else 'OK'}: {len(rep.errors)} error(s), "
        f"{len(rep.warnings)} warning(s)"
    )
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
