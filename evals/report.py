"""Eval reports: report.json (everything), report.md (the summary) and report.html (with charts).

The JSON document is the single source. The Markdown and the HTML are rendered from it, so a
report can be re-rendered from an old report.json without re-running anything.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.gate import Check
from evals.judge import judge_metrics
from evals.metrics.answers import DEFINITIONS as ANSWER_DEFINITIONS
from evals.runner import EvalRun
from evals.scoring import METRICS, CaseScore, Figure

WORST = 10  # failures shown per backend


def summary_metrics(run: EvalRun) -> tuple[tuple[str, str, str], ...]:
    """The summary rows of this run: METRICS, then the judge's when a judge ran."""
    return METRICS + judge_metrics({n: b.summary for n, b in run.backends.items()})


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "hits": figure.hits, "total": figure.total}


def _case(score: CaseScore) -> dict[str, Any]:
    data = dataclasses.asdict(score)
    for key in ("recall", "precision", "supported", "validity"):
        ratio = getattr(score, key)
        data[key] = {"hits": ratio.hits, "total": ratio.total}
    data["citations_valid"] = {str(n): ok for n, ok in score.citations_valid.items()}
    data["problems"] = score.problems()
    data["severity"] = score.severity()
    return data


def _by_category(scores: Sequence[CaseScore]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for score in scores:
        row = table.setdefault(score.category, {"cases": 0, "with_problems": 0})
        row["cases"] += 1
        row["with_problems"] += bool(score.problems())
    return dict(sorted(table.items()))


def _agreement(modes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mode, splits in modes.items():
        out[mode] = {}
        for split, item in splits.items():
            a = item["agreement"]
            out[mode][split] = {
                "pairs": a.total,
                "accuracy": a.accuracy.value,
                "agree": a.accuracy.hits,
                "precision": a.precision.value,
                "recall": a.recall.value,
                "kappa": a.kappa,
                "true_pos": a.true_pos,
                "false_pos": a.false_pos,
                "false_neg": a.false_neg,
                "true_neg": a.true_neg,
                "disagreements": list(item["disagreements"]),
            }
    return out


def to_dict(
    run: EvalRun, checks: Sequence[Check] | None = None, command: str = ""
) -> dict[str, Any]:
    """The whole run as plain JSON-able data (the content of report.json)."""
    backends: dict[str, Any] = {}
    for name, result in run.backends.items():
        worst = sorted(
            (s for s in result.scores if s.severity() > 0), key=lambda s: (-s.severity(), s.case_id)
        )[:WORST]
        backends[name] = {
            "summary": {k: _figure(f) for k, f in result.summary.items()},
            "by_category": _by_category(result.scores),
            "worst": [s.case_id for s in worst],
            "cases": [_case(s) for s in result.scores],
        }
    gate = None
    if checks is not None:
        gate = {
            "passed": all(c.passed for c in checks),
            "checks": [
                {
                    **dataclasses.asdict(c),
                    "passed": c.passed,
                    "met": c.met,
                    "status": c.status,
                    "shortfall": c.shortfall,
                }
                for c in checks
            ],
        }
    return {
        "meta": {
            "split": run.split,
            "dataset": run.dataset,
            "cases": len(run.case_ids),
            "started_at": run.started_at,
            "seconds": run.seconds,
            "settings": run.settings,
            "command": command,
            "judge": run.judge,
        },
        "metrics": [
            {"key": k, "label": label, "kind": kind} for k, label, kind in summary_metrics(run)
        ],
        "backends": backends,
        "unavailable": dict(run.unavailable),
        "gate": gate,
        "agreement": _agreement(run.agreement),
    }


def format_value(value: float | None, kind: str) -> str:
    """A figure as the reports print it."""
    if value is None:
        return "n/a"
    if kind == "count":
        return str(int(value))
    if kind == "ms":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _cell(figure: Mapping[str, Any], kind: str) -> str:
    text = format_value(figure.get("value"), kind)
    if figure.get("hits") is not None and figure.get("total") is not None:
        text += f" ({figure['hits']}/{figure['total']})"
    return text


def to_markdown(data: Mapping[str, Any]) -> str:
    """report.md: summary table, gate, scorer agreement, worst failures."""
    meta = data["meta"]
    names = list(data["backends"])
    lines = [
        f"# Eval report: {meta['split']} split, {meta['cases']} cases",
        "",
        f"`{meta['command']}`" if meta.get("command") else "",
        f"Started {meta['started_at']}, {meta['seconds']} s; embedder "
        f"`{meta['settings'].get('embedder')}`, index `{meta['settings'].get('generation')}`.",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for metric in data["metrics"]:
        cells = [
            _cell(data["backends"][n]["summary"][metric["key"]], metric["kind"]) for n in names
        ]
        lines.append(f"| {metric['label']} (`{metric['key']}`) | " + " | ".join(cells) + " |")
    lines += ["", "Definitions of the first five (evals/metrics/answers.py):", ""]
    lines += [f"- `{key}`: {text}." for key, text in ANSWER_DEFINITIONS.items()]
    lines += [
        "- The naive pipeline has no lead, plan or facts request: only its evidence recall "
        "(one of its four chunks covers a gold passage) is scored."
    ]
    for name, why in data["unavailable"].items():
        lines += ["", f"**{name}: unavailable.** {why}"]
    if meta.get("judge"):
        lines += ["", judge_note(meta["judge"])]

    gate = data.get("gate")
    if gate is not None:
        lines += ["", f"## Gate: {'PASS' if gate['passed'] else 'FAIL'}", ""]
        for c in gate["checks"]:
            value = c["value"]
            got = "n/a" if value is None else f"{value:.4g}"
            if c.get("total") is not None:
                got += f" ({c['hits']}/{c['total']})"
            verdict = {"pass": "pass", "known": "*below target (known)*"}.get(
                c.get("status", ""), "**FAIL**"
            )
            miss = "" if c["met"] or c["shortfall"] is None else f", misses by {c['shortfall']:.4g}"
            if c["status"] == "known" and c.get("known"):
                miss += f"; recorded at {c['known']['floor']:.4g}: {c['known']['why']}"
            note = f" ({c['note']})" if c.get("note") else ""
            lines.append(
                f"- {verdict} {c['backend']} `{c['metric']}` = {got}{note}, "
                f"needs {c['op']} {c['threshold']:g}{miss}"
            )

    lines += ["", "## Support scorer vs the hand-labelled pairs", ""]
    lines += ["| scorer | pairs | agree | accuracy | precision | recall | kappa | disagreements |"]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for mode, splits in data["agreement"].items():
        for split, a in splits.items():
            lines.append(
                f"| {mode}, {split} | {a['pairs']} | {a['agree']} | "
                + " | ".join(
                    format_value(a[k], "share")
                    for k in ("accuracy", "precision", "recall", "kappa")
                )
                + " | "
                f"{', '.join(a['disagreements']) or '-'} |"
            )

    for name, backend in data["backends"].items():
        cases = {c["case_id"]: c for c in backend["cases"]}
        if not backend["worst"]:
            continue
        lines += ["", f"## Worst failures: {name}", ""]
        for case_id in backend["worst"]:
            case = cases[case_id]
            lines.append(f"- **{case_id}** ({case['category']}): {'; '.join(case['problems'])}")
            for sentence in case["sentences"]:
                if sentence["structural"] is None and not sentence["cited_support"]:
                    why = "; ".join(sentence["reasons"])
                    lines.append(f"  - unsupported: “{sentence['claim']}” ({why})")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def judge_note(judge: Mapping[str, Any]) -> str:
    """One line on the optional RAGAS judge: which model, how much it judged, its warnings."""
    note = (
        f"RAGAS judge `{judge['model']}`: {judge['answers']} answers in "
        f"{judge['seconds']} s; indicative only, never gated."
    )
    return note + "".join(f" Warning: {w}." for w in judge.get("warnings") or [])


def write_reports(
    run: EvalRun, out_dir: Path, checks: Sequence[Check] | None = None, command: str = ""
) -> dict[str, Path]:
    """Write report.json, report.md and report.html into `out_dir` (created if needed)."""
    from evals.report_html import to_html

    out_dir.mkdir(parents=True, exist_ok=True)
    data = to_dict(run, checks, command)
    paths = {
        "json": out_dir / "report.json",
        "md": out_dir / "report.md",
        "html": out_dir / "report.html",
    }
    paths["json"].write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["md"].write_text(to_markdown(data), encoding="utf-8")
    paths["html"].write_text(to_html(data), encoding="utf-8")
    return paths
