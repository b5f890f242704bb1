"""`advisor eval` and `advisor bench`: the eval suite's commands, added to the product's CLI by
entry point (pyproject `advisor.commands`), so that the product never imports `evals`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import DataDirOpt


def commands() -> typer.Typer:
    """`eval` and `bench`, for the `advisor` command line (assistant/cli.py adds them)."""
    app = typer.Typer()
    app.command("eval")(eval_)
    app.command()(bench)
    return app


def eval_(
    llm: Annotated[
        list[str] | None,
        typer.Option(
            "--llm",
            help="Backend to evaluate, repeatable: grounded (default), local, openai:MODEL, "
            "ollama:MODEL.",
        ),
    ] = None,
    dataset: Annotated[
        Path | None,
        typer.Option(help="Questions JSONL (default evals/datasets/questions.jsonl)."),
    ] = None,
    split: Annotated[
        str, typer.Option(help="dev (tune on it), heldout (never tune on it) or all.")
    ] = "dev",
    out: Annotated[
        Path, typer.Option(help="Folder for report.json, report.md, report.html.")
    ] = Path("artifacts/eval"),
    check: Annotated[
        bool,
        typer.Option("--check", help="Exit 1 when a figure misses evals/thresholds.toml."),
    ] = False,
    baseline: Annotated[
        bool, typer.Option(help="Also run the naive LangChain baseline beside each figure.")
    ] = True,
    thresholds: Annotated[
        Path | None, typer.Option(help="Gate file (default evals/thresholds.toml).")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="With --check: targets only; known shortfalls (evals/known_shortfalls.toml) fail.",
        ),
    ] = False,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Also RAGAS faithfulness and answer relevancy from the judge model set by "
            "ADVISOR_JUDGE_MODEL / ADVISOR_JUDGE_BASE_URL (needs the [judge] extra; not gated).",
        ),
    ] = False,
    full_json: Annotated[
        bool,
        typer.Option(
            "--full-json",
            help="report.json with every case's Answer and sentence judgements (megabytes); "
            "by default each case's outcome and the worst failures only.",
        ),
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Score backends on the eval cases; write report.json, report.md and report.html."""
    from evals.cli import eval_command

    code = eval_command(
        llm=llm,
        dataset=dataset,
        split=split,
        out=out,
        check_gate=check,
        baseline=baseline,
        data_dir=data_dir,
        thresholds=thresholds,
        strict=strict,
        judge=judge,
        full_json=full_json,
    )
    raise typer.Exit(code)


def bench(
    quick: Annotated[
        bool, typer.Option("--quick", help="One to two minutes, fewer repeats.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder for bench.json and bench.md (artifacts/bench).")
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(help="Comma list of sections: ingest,coldstart,query,retrieval,scale."),
    ] = None,
    scale_sizes: Annotated[
        str | None, typer.Option(help="Synthetic index sizes in chunks, e.g. 10000,100000.")
    ] = None,
    chroma_server: Annotated[
        bool, typer.Option(help="Also build and query the scale indexes in a Chroma server.")
    ] = True,
) -> None:
    """Measure ingest, cold start, /api/ask latency and throughput, memory and scale."""
    from evals.bench.__main__ import parse_sizes, run_cli

    code = run_cli(
        quick=quick,
        out=out,
        only=only,
        scale_sizes=parse_sizes(scale_sizes) if scale_sizes else None,
        chroma_server=chroma_server,
    )
    raise typer.Exit(code)
