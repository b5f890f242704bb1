"""`advisor eval`: load cases, run the backends, write the reports, check the gate.

assistant/cli.py parses the options and calls `eval_command`. Everything a user sees here is one
clear line per problem; the exit code is the command's.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.cli import stage_progress
from assistant.core.settings import Settings
from evals.cases import QUESTIONS, load_cases
from evals.gate import THRESHOLDS, Check, check, load_shortfalls, load_thresholds
from evals.judge import JudgeConfig, JudgeError, require_ragas, run_judge
from evals.report import format_value, summary_metrics, write_reports
from evals.runner import EvalRun, run_eval

SPLITS = ("dev", "heldout", "all")


class EvalError(RuntimeError):
    """The eval cannot run as asked; the message says why."""


def command_line(
    llm: Sequence[str],
    dataset: Path,
    split: str,
    out: Path,
    check_gate: bool,
    baseline: bool,
    strict: bool = False,
    judge: bool = False,
    full_json: bool = False,
) -> str:
    """The invocation, for the report header (so a figure can be reproduced)."""
    parts = ["advisor", "eval", *(f"--llm={name}" for name in llm), f"--split={split}"]
    if dataset != QUESTIONS:
        parts.append(f"--dataset={dataset}")
    parts.append(f"--out={out}")
    if check_gate:
        parts.append("--check")
    if strict:
        parts.append("--strict")
    if not baseline:
        parts.append("--no-baseline")
    if judge:
        parts.append("--judge")
    if full_json:
        parts.append("--full-json")
    return shlex.join(parts)


def _cases(dataset: Path, split: str) -> list[dict]:
    if split not in SPLITS:
        raise EvalError(f"--split must be one of {', '.join(SPLITS)}, not {split!r}")
    try:
        cases = load_cases(dataset, split=split)
    except OSError as exc:
        raise EvalError(f"cannot read {dataset}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{dataset} is not JSONL: line {exc.lineno}: {exc.msg}") from None
    if not cases:
        raise EvalError(f"no cases in {dataset} for split {split!r}")
    return cases


def summary_table(run: EvalRun, checks: Sequence[Check] | None) -> Table:
    failed = {(c.backend, c.metric) for c in checks or [] if not c.met}
    table = Table(title=f"{run.split} split, {len(run.case_ids)} cases")
    table.add_column("metric")
    for name in run.backends:
        table.add_column(name, justify="right")
    for key, label, kind in summary_metrics(run):
        cells = []
        for name, backend in run.backends.items():
            figure = backend.summary[key]
            text = format_value(figure.value, kind)
            if key in backend.unscored:  # the baseline gives no verdict: n/a, not 0.000
                text = "n/a"
            elif figure.hits is not None and figure.total is not None:
                text += f" ({figure.hits}/{figure.total})"
            cells.append(f"[bold red]{text}[/]" if (name, key) in failed else text)
        table.add_row(label, *cells)
    return table


def eval_command(
    *,
    llm: Sequence[str] | None,
    dataset: Path | None,
    split: str,
    out: Path,
    check_gate: bool,
    baseline: bool = True,
    data_dir: Path | None = None,
    thresholds: Path | None = None,
    strict: bool = False,
    judge: bool = False,
    full_json: bool = False,
    out_console: Console | None = None,
    err_console: Console | None = None,
) -> int:
    """Run the eval as `advisor eval` does and return the exit code.

    Args:
        llm: Backend names; default `grounded`.
        dataset: Questions JSONL; default evals/datasets/questions.jsonl.
        split: `dev`, `heldout` or `all`.
        out: Folder for report.json, report.md and report.html.
        check_gate: Exit 1 when a gated figure misses its threshold.
        baseline: Also run the naive LangChain baseline.
        data_dir: Index folder (default from settings).
        thresholds: Gate file (default evals/thresholds.toml).
        strict: Gate on the targets alone, ignoring evals/known_shortfalls.toml.
        judge: Add RAGAS faithfulness and answer relevancy from the judge model set by
            `ADVISOR_JUDGE_*` (evals/judge.py); never gated.
        full_json: Every case's Answer and sentence judgements in report.json.
        out_console: Where the summary goes (stdout).
        err_console: Where problems and the progress bar go (stderr).

    Returns:
        0 on success, 1 when the gate fails or the eval cannot run.
    """
    from ingest.index import IndexCorrupt, IndexMissing

    out_console = out_console or Console(soft_wrap=True)
    err_console = err_console or Console(stderr=True, soft_wrap=True)
    names = list(llm or ["grounded"])
    dataset = dataset or QUESTIONS
    try:
        cases = _cases(dataset, split)
        gate_table = load_thresholds(thresholds or THRESHOLDS) if check_gate else None
        # The recorded shortfalls belong to the default targets, not to a custom gate file.
        known = load_shortfalls() if check_gate and not strict and thresholds is None else None
    except (EvalError, OSError, ValueError) as exc:
        err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        return 1
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    judge_config = JudgeConfig.from_settings(settings) if judge else None
    if judge:
        # Checked before the run, which takes minutes: a judge that cannot start is a typo.
        try:
            if judge_config is None:
                raise JudgeError(
                    "--judge needs a judge model: set ADVISOR_JUDGE_MODEL (and "
                    "ADVISOR_JUDGE_BASE_URL for a local OpenAI-compatible server)"
                )
            require_ragas()
        except JudgeError as exc:
            err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
            return 1

    with stage_progress(err_console, prefix="eval ") as progress:
        try:
            run = run_eval(
                cases,
                names,
                settings,
                baseline=baseline,
                split=split,
                dataset=str(dataset),
                progress=progress,
            )
        except (IndexMissing, IndexCorrupt) as exc:
            err_console.print(f"[bold red]Error:[/] {exc}", highlight=False)
            return 1
        if judge_config is not None:
            run_judge(run, judge_config, settings.embedder, progress)

    for why in run.unavailable.values():
        err_console.print(f"[yellow]unavailable[/] {why}", highlight=False)
    for warning in (run.judge or {}).get("warnings", []):
        err_console.print(f"[yellow]judge:[/] {escape(warning)}", highlight=False)
    checks = (
        check({n: b.summary for n, b in run.backends.items()}, gate_table, known)
        if gate_table
        else None
    )
    invocation = command_line(
        names, dataset, split, out, check_gate, baseline, strict, judge, full_json
    )
    paths = write_reports(run, out, checks, invocation, full_json=full_json)
    out_console.print(summary_table(run, checks))
    out_console.print(f"reports: {paths['md']}  {paths['html']}  {paths['json']}", highlight=False)
    if checks is None:
        return 0
    failed = [c for c in checks if not c.passed]
    colours = {"pass": "green", "known": "yellow", "FAIL": "bold red"}
    for c in checks:
        out_console.print(f"[{colours[c.status]}]{c.status}[/] {c.describe()}", highlight=False)
    if failed:
        err_console.print(
            f"[bold red]Gate failed:[/] {len(failed)} of {len(checks)} thresholds missed "
            f"({', '.join(f'{c.backend} {c.metric}' for c in failed)})",
            highlight=False,
        )
        return 1
    below = [c for c in checks if c.status == "known"]
    if below:
        out_console.print(
            f"[green]Gate passed[/] with {len(below)} known shortfall(s) below target, none worse "
            f"than recorded ({', '.join(f'{c.backend} {c.metric}' for c in below)}); "
            "`--strict` checks the targets alone.",
            highlight=False,
        )
    else:
        out_console.print("[green]Gate passed.[/]")
    return 0
