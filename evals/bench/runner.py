"""Runs the sections in order and writes OUT/bench.json and OUT/bench.md."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import Any

from evals.bench import machine, report
from evals.bench.config import BenchConfig
from evals.bench.context import Context, SectionResult
from evals.bench.sections import coldstart, ingest, query, retrieval, scale

log = logging.getLogger(__name__)
RUNNERS: dict[str, Callable[[Context], SectionResult]] = {
    "ingest": ingest.run,
    "coldstart": coldstart.run,
    "query": query.run,
    "retrieval": retrieval.run,
    "scale": scale.run,
}


def _ensure_index(ctx: Context) -> None:
    """Sections after `ingest` read its index; build it when that section was skipped."""
    from assistant.service import store_card_vectors
    from ingest.pipeline import run_ingest

    run_ingest(ingest.settings(ctx), embedder=ctx.embedder)
    store_card_vectors(ingest.settings(ctx), ctx.embedder)


def _command_line(argv: list[str]) -> str:
    """How this run was started, as a user would retype it."""
    if argv and os.path.basename(argv[0]) == "advisor":  # argv: advisor bench --quick …
        return " ".join(["advisor", *argv[1:]])
    return " ".join(["python -m evals.bench", *argv[1:]])


def run(cfg: BenchConfig, say: Callable[[str], None] = print) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cfg.out.mkdir(parents=True, exist_ok=True)
    ctx = Context.create(cfg)
    results: dict[str, Any] = {
        "command": _command_line(sys.argv),
        "config": {
            k: str(v) if not isinstance(v, (int, float, bool, tuple)) else v
            for k, v in dataclasses.asdict(cfg).items()
        },
        "machine": machine.describe(),
        "sections": {},
    }
    metrics: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        if "ingest" not in cfg.sections:
            _ensure_index(ctx)
        for name in cfg.sections:
            say(f"bench: {name} …")
            t0 = time.perf_counter()
            try:
                section = RUNNERS[name](ctx)
            except Exception as exc:  # one broken section must not lose the others' figures
                log.exception("section %s failed", name)
                results["sections"][name] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            metrics.update(section.metrics)
            results["sections"][name] = {
                "seconds": round(time.perf_counter() - t0, 1),
                "metrics": section.metrics,
                "rows": [dataclasses.asdict(r) for r in section.rows],
                "detail": section.detail,
            }
            say(f"bench: {name} done in {time.perf_counter() - t0:.0f} s")
    finally:
        if not cfg.keep_work:
            shutil.rmtree(cfg.work, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["metrics"] = metrics
    results["targets"] = report.evaluate(metrics)
    (cfg.out / "bench.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (cfg.out / "bench.md").write_text(report.render(results))
    return results
