"""What the runner evaluates: answer backends by name, plus the naive LangChain baseline.

An Advisor backend is `Advisor(settings.model_copy(update={"llm": NAME}))`, the same object every
surface uses, so the evals score exactly what users see. `grounded` always exists. Other names
(`local`, `openai:MODEL`, `ollama:MODEL`) work once the Advisor implements them. Until then
they are reported as unavailable, with the reason, and the run goes on.

The baseline is a pseudo-backend. Its answer is its top-4 chunks, each sentence cited to the
chunk it comes from, and its citations are those chunks. That gives every figure a reference
beside it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.core.settings import Settings
from assistant.core.types import Answer, Citation, Timings
from assistant.text.citations import quote_matches
from assistant.text.support import split_sentences
from evals.cases import retrieval_query
from evals.metrics.retrieval import Span
from ingest.embedder import Embedder
from ingest.index import IndexSnapshot

BASELINE = "naive-langchain"
BASELINE_K = 4
# Figures the baseline has no way to earn: a 0.000 there would only say that it never tries.
# Their values stay in its summary; the reports show n/a and the reason instead.
BASELINE_UNSCORED: Mapping[str, str] = {
    "lead_relevance": "the baseline has no lead",
    "numeric_answered": "the baseline has no lead or direct answer",
    "facts_request_only": "the baseline never asks for facts",
    "facts_asked_on_information": "the baseline never asks for facts",
    "plan_steps_supported": "the baseline gives no plan",
    "follow_up_repeats": "the baseline gives no recommendation",
    "sub_questions_addressed": "not measured: the baseline answers no ask on its own",
    "covered_answered": "not measured: the baseline answers no ask on its own",
    "not_covered_named": "not measured: the baseline names nothing as not covered",
    "covered_wrongly_named": "not measured: the baseline names nothing as not covered",
    "verdict_accuracy": "the baseline gives no verdict",
    "spurious_verdicts": "the baseline gives no verdict",
    "abstention_precision": "the baseline never abstains",
    "abstention_recall": "the baseline never abstains",
}
# Asked once to see which backend actually answers; not an eval case.
PROBE_QUESTION = "Tell me about US clinical experience for international medical graduates."


class BackendUnavailable(RuntimeError):
    """The backend cannot run here; the message says why and what to do."""


@dataclass
class Outcome:
    """A backend's answer to one case, with what it retrieved (ranked) and how long it took."""

    answer: Answer
    retrieved: list[Span]
    latency_ms: float


class Backend(Protocol):
    name: str
    texts: Mapping[str, str]  # doc_id -> the text its citation offsets index into
    # metric key -> why this backend cannot be scored on it (the report shows n/a and why)
    unscored: Mapping[str, str]

    def run(self, case: Mapping[str, Any]) -> Outcome: ...


class RecordingRetriever:
    """Wraps the Advisor's retriever and keeps its last result.

    Retrieval metrics then use exactly the evidence the answer was built from, without copying
    the service's query logic.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.last: list[Any] = []

    def retrieve(self, *args: Any, **kwargs: Any) -> Any:
        result = self.inner.retrieve(*args, **kwargs)
        self.last = list(result)
        return result

    def retrieve_all(self, *args: Any, **kwargs: Any) -> Any:
        result = self.inner.retrieve_all(*args, **kwargs)
        self.last = list(result)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _same_backend(requested: str, reported: str) -> bool:
    return reported == requested or reported.split(":")[0] == requested.split(":")[0]


class AdvisorBackend:
    """The real service with `llm=NAME`."""

    def __init__(
        self, name: str, settings: Settings, index: IndexSnapshot, embedder: Embedder
    ) -> None:
        from assistant.service import Advisor

        self.name = name
        try:
            self.advisor = Advisor(
                settings.model_copy(update={"llm": name}), index=index, embedder=embedder
            )
        except Exception as exc:  # any backend set-up failure: report it, keep the run going
            raise BackendUnavailable(f"{name}: {type(exc).__name__}: {exc}") from exc
        self.recorder = RecordingRetriever(self.advisor.retriever)
        self.advisor.retriever = self.recorder  # type: ignore[assignment]  # same interface
        self.texts: Mapping[str, str] = self.advisor.texts
        self.unscored: Mapping[str, str] = {}
        if name != "grounded":
            self._probe()

    def _probe(self) -> None:
        """Refuse a name the Advisor silently answers with another backend."""
        try:
            answer = self.advisor.ask(PROBE_QUESTION)
        except Exception as exc:
            raise BackendUnavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        if not _same_backend(self.name, answer.backend):
            notices = f" (notices: {'; '.join(answer.notices)})" if answer.notices else ""
            raise BackendUnavailable(
                f"{self.name}: the Advisor answered with backend {answer.backend!r}{notices}; "
                f"llm={self.name!r} is not implemented or not configured here"
            )

    def run(self, case: Mapping[str, Any]) -> Outcome:
        self.recorder.last = []
        started = time.perf_counter()
        answer = self.advisor.ask(
            case["question"], profile=case.get("profile"), history=case.get("history")
        )
        wall_ms = (time.perf_counter() - started) * 1000
        retrieved = [] if answer.abstained else self.recorder.last
        spans = [Span(s.chunk.doc_id, s.chunk.start, s.chunk.end) for s in retrieved]
        latency = answer.timings_ms.total or wall_ms
        return Outcome(answer, spans, latency)


class BaselineBackend:
    """The naive LangChain pipeline (evals/baseline.py) as a pseudo-backend."""

    name = BASELINE

    def __init__(self, settings: Settings, embedder: Embedder, titles: Mapping[str, str]) -> None:
        from evals.baseline import NaiveRAG

        self.rag = NaiveRAG(settings.corpus_dir, embedder)
        self.texts: Mapping[str, str] = self.rag.raw
        self.unscored: Mapping[str, str] = BASELINE_UNSCORED
        self.titles = titles

    def run(self, case: Mapping[str, Any]) -> Outcome:
        question = case["question"]
        started = time.perf_counter()
        hits = self.rag.retrieve(retrieval_query(dict(case)), k=BASELINE_K)
        latency = (time.perf_counter() - started) * 1000
        citations, paragraphs = [], []
        for n, hit in enumerate(hits, start=1):
            text = self.texts.get(hit.doc_id, "")
            citations.append(
                Citation(
                    n=n,
                    doc_id=hit.doc_id,
                    title=self.titles.get(hit.doc_id, hit.doc_id),
                    section="",
                    quote=hit.text,
                    start=hit.start,
                    end=hit.end,
                    verified=quote_matches(hit.text, text, hit.start, hit.end),
                )
            )
            # Each sentence carries the marker of its chunk: the chunk is its source.
            paragraphs.append("\n".join(f"{s} [{n}]" for s in split_sentences(hit.text)))
        answer = Answer(
            question=question,
            answer="\n\n".join(paragraphs),
            citations=citations,
            backend=BASELINE,
            timings_ms=Timings(retrieve=latency, total=latency),
        )
        spans = [Span(h.doc_id, h.start, h.end) for h in hits]
        return Outcome(answer, spans, latency)
