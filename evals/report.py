"""Eval reports: report.json (the figures), report.md (the summary) and report.html (with charts).

All three are written from one document, `to_dict`. report.json is compact by default: the
figures, the gate and each case's outcome. The worst failures are shown in full in report.md and
report.html; report.json names them. `advisor eval --full-json` puts every case's Answer and
sentence judgements into report.json as well.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.gate import Check
from evals.judge import judge_metrics
from evals.plain_text import plain_text
from evals.report_sections import DEFINITIONS, sections
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


def _outcome(score: CaseScore) -> dict[str, Any]:
    """One case in the compact report.json: what happened, not the Answer itself."""
    return {
        "case_id": score.case_id,
        "category": score.category,
        "error": score.error,
        "problems": score.problems(),
        "severity": score.severity(),
        "verdict": score.verdict,
        "verdict_ok": score.verdict_ok,
        "abstained": score.abstained,
        "expect_abstain": score.expect_abstain,
        "answers": None if score.answers is None else dataclasses.asdict(score.answers),
        "retrieval": score.retrieval,
        "latency_ms": score.latency_ms,
        "judge": score.judge,
    }


def failure_detail(score: CaseScore) -> dict[str, Any]:
    """A worst failure as its card shows it: every judgement, and the citations of the Answer."""
    data = _case(score)
    answer = data.pop("answer") or {}
    keep = ("n", "title", "doc_id", "start", "end", "quote")
    data["citations"] = [{k: c[k] for k in keep} for c in answer.get("citations") or []]
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
    run: EvalRun, checks: Sequence[Check] | None = None, command: str = "", *, full: bool = False
) -> dict[str, Any]:
    """The run as plain JSON-able data: report.json, plus the worst failures' cards (`failures`)
    that report.md and report.html show.

    Args:
        run: The eval run.
        checks: The gate's checks, or None when the gate did not run.
        command: The invocation, for the header.
        full: Every case with its Answer and sentence judgements (megabytes) instead of each
            case's outcome.
    """
    backends: dict[str, Any] = {}
    for name, result in run.backends.items():
        worst = sorted(
            (s for s in result.scores if s.severity() > 0), key=lambda s: (-s.severity(), s.case_id)
        )[:WORST]
        backends[name] = {
            "summary": {k: _figure(f) for k, f in result.summary.items()},
            "unscored": dict(result.unscored),
            "by_category": _by_category(result.scores),
            "worst": [s.case_id for s in worst],
            "failures": [failure_detail(s) for s in worst],
            "cases": [(_case if full else _outcome)(s) for s in result.scores],
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
            "full": full,
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


def _cell(figure: Mapping[str, Any], kind: str, unscored: str | None = None) -> str:
    if unscored:
        return f"n/a — {unscored}"
    text = format_value(figure.get("value"), kind)
    if figure.get("hits") is not None and figure.get("total") is not None:
        text += f" ({figure['hits']}/{figure['total']})"
    return text


def to_markdown(data: Mapping[str, Any]) -> str:
    """report.md: the figures by section with their definitions, gate, agreement, failures."""
    meta = data["meta"]
    names = list(data["backends"])
    lines = [
        f"# Eval report: {meta['split']} split, {meta['cases']} cases",
        "",
        f"`{meta['command']}`" if meta.get("command") else "",
        f"Started {meta['started_at']}, {meta['seconds']} s; embedder "
        f"`{meta['settings'].get('embedder')}`, index `{meta['settings'].get('generation')}`.",
    ]
    for name, why in data["unavailable"].items():
        lines += ["", f"**{name}: unavailable.** {why}"]
    metrics = {m["key"]: m for m in data["metrics"]}
    for section, keys in sections(list(metrics)):
        lines += ["", f"## {section.title}", ""] + ([section.intro, ""] if section.intro else [])
        lines += ["| metric | " + " | ".join(names) + " | definition |"]
        lines += ["|---|" + "---|" * len(names) + "---|"]
        for key in keys:
            metric = metrics[key]
            cells = [
                _cell(
                    data["backends"][n]["summary"][key],
                    metric["kind"],
                    (data["backends"][n].get("unscored") or {}).get(key),
                )
                for n in names
            ]
            lines.append(
                f"| {metric['label']} (`{key}`) | "
                + " | ".join(cells)
                + f" | {DEFINITIONS.get(key, '')} |"
            )
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
        if not backend["failures"]:
            continue
        lines += ["", f"## Worst failures: {name}", ""]
        for case in backend["failures"]:
            lines.append(
                f"- **{case['case_id']}** ({case['category']}): {'; '.join(case['problems'])}"
            )
            for sentence in case["sentences"]:
                if sentence["structural"] is None and not sentence["cited_support"]:
                    why = "; ".join(sentence["reasons"])
                    # plain text: a quoted table row must not turn into Markdown table markup
                    lines.append(f"  - unsupported: “{plain_text(sentence['claim'])}” ({why})")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def judge_note(judge: Mapping[str, Any]) -> str:
    """One line on the optional RAGAS judge: which model, how much it judged, its warnings."""
    note = (
        f"RAGAS judge `{judge['model']}`: {judge['answers']} answers in "
        f"{judge['seconds']} s; indicative only, never gated."
    )
    return note + "".join(f" Warning: {w}." for w in judge.get("warnings") or [])


def _without_failures(data: Mapping[str, Any]) -> dict[str, Any]:
    backends = {
        name: {k: v for k, v in backend.items() if k != "failures"}
        for name, backend in data["backends"].items()
    }
    return {**data, "backends": backends}


def write_reports(
    run: EvalRun,
    out_dir: Path,
    checks: Sequence[Check] | None = None,
    command: str = "",
    *,
    full_json: bool = False,
) -> dict[str, Path]:
    """Write report.json, report.md and report.html into `out_dir` (created if needed).

    `full_json` puts every case's Answer and sentence judgements into report.json.
    """
    from evals.report_html import to_html

    out_dir.mkdir(parents=True, exist_ok=True)
    data = to_dict(run, checks, command, full=full_json)
    paths = {
        "json": out_dir / "report.json",
        "md": out_dir / "report.md",
        "html": out_dir / "report.html",
    }
    # The failure cards are in report.md and report.html; report.json names them in `worst` (and
    # with --full-json holds their cases in full among the others).
    saved = _without_failures(data)
    paths["json"].write_text(json.dumps(saved, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["md"].write_text(to_markdown(data), encoding="utf-8")
    paths["html"].write_text(to_html(data), encoding="utf-8")
    return paths
