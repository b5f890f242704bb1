"""Run eval cases through one or more backends and score every answer.

    run = run_eval(load_cases(split="heldout"), ["grounded"], Settings(), split="heldout")

The index and the embedder are opened once and shared by every backend. A backend that cannot
run here is listed in `unavailable` with the reason, and the others still run. A case that
raises is recorded as an error: it counts in `errors` and fails the gate.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.core.settings import Settings
from evals import subquestion_probe
from evals.backends import AdvisorBackend, Backend, BackendUnavailable, BaselineBackend
from evals.calibration import scorer_agreement
from evals.metrics.answers import earlier_turn
from evals.scoring import CaseScore, Figure, score_case, score_error, summarize
from ingest.embedder import embedder_for
from ingest.index import open_index

# (backend, cases done, cases in all) after each case; for a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class BackendRun:
    name: str
    scores: list[CaseScore]
    summary: dict[str, Figure]
    unscored: dict[str, str] = field(default_factory=dict)  # key -> why (Backend.unscored)


@dataclass
class EvalRun:
    """Everything one `advisor eval` invocation measured."""

    split: str
    dataset: str
    case_ids: list[str]
    backends: dict[str, BackendRun] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    agreement: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    seconds: float = 0.0
    judge: dict[str, Any] | None = None  # the optional RAGAS judge's run (evals/judge.py)


def run_backend(
    backend: Backend, cases: Sequence[Mapping[str, Any]], progress: Progress | None = None
) -> BackendRun:
    """Every case through one backend, each answer scored."""
    scores: list[CaseScore] = []
    for done, case in enumerate(cases, start=1):
        try:
            outcome = backend.run(case)
            # a follow-up's earlier turn on its own: does the follow-up repeat its advice?
            before = earlier_turn(case)
            earlier = backend.run(before).answer if before is not None else None
        except Exception as exc:  # one broken case must not hide the others' figures
            scores.append(score_error(case, backend.name, f"{type(exc).__name__}: {exc}"))
        else:
            scores.append(
                score_case(
                    case,
                    outcome.answer,
                    backend=backend.name,
                    retrieved=outcome.retrieved,
                    texts=backend.texts,
                    latency_ms=outcome.latency_ms,
                    earlier=earlier,
                )
            )
        if progress is not None:
            progress(backend.name, done, len(cases))
    return BackendRun(backend.name, scores, summarize(scores), dict(backend.unscored))


def run_eval(
    cases: Sequence[Mapping[str, Any]],
    backends: Sequence[str],
    settings: Settings,
    *,
    baseline: bool = True,
    split: str = "all",
    dataset: str = "",
    progress: Progress | None = None,
) -> EvalRun:
    """Evaluate `cases` with each named backend (and the naive baseline).

    Args:
        cases: Eval cases (rows of questions.jsonl).
        backends: Advisor backend names (`grounded`, `local`, `openai:MODEL`, ...).
        settings: Settings; its index must exist (`advisor ingest`).
        baseline: Also run the naive LangChain baseline.
        split: The split the cases come from (for the report and the scorer agreement).
        dataset: Where the cases come from (for the report).
        progress: Called after each case.

    Returns:
        The `EvalRun`.

    Raises:
        ingest.index.IndexMissing: No index at `settings.data_dir`.
    """
    started = time.perf_counter()
    index = open_index(settings.data_dir, settings.chroma_url)
    embedder = embedder_for(settings)
    run = EvalRun(
        split=split,
        dataset=dataset,
        case_ids=[c["id"] for c in cases],
        settings={
            "embedder": settings.embedder,
            "data_dir": str(settings.data_dir),
            "corpus_dir": str(settings.corpus_dir),
            "top_k": settings.top_k,
            "generation": index.manifest.generation,
            "index_embedder": index.manifest.embedder,
        },
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    chosen: list[Backend] = []
    for name in dict.fromkeys(backends):
        try:
            chosen.append(AdvisorBackend(name, settings, index, embedder))
        except BackendUnavailable as exc:
            run.unavailable[name] = str(exc)
    if baseline:
        titles = {doc_id: meta.title for doc_id, meta in index.metas.items()}
        chosen.append(BaselineBackend(settings, embedder, titles))
    for backend in chosen:
        run.backends[backend.name] = run_backend(backend, cases, progress)
        if isinstance(backend, AdvisorBackend):
            # each ask of a multi-part message, on the sub-question probes of the same split
            figures = subquestion_probe.measure(backend, split)
            run.backends[backend.name].summary.update(
                {k: Figure(f["value"], f["hits"], f["total"]) for k, f in figures.items()}
            )
    run.agreement = scorer_agreement(split, embedder=embedder, embedder_name=settings.embedder)
    run.seconds = round(time.perf_counter() - started, 2)
    return run
