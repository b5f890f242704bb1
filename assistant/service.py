"""The Advisor service: question (+ profile, + history) → one `Answer`, for every surface.

Order of work: scope check → profile → rules verdict → hybrid retrieval → grounded composer →
citation verification. Models and the index load once, when the Advisor is built.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.citations import verify_all
from assistant.composer import ABSTAIN_TEXT, compose
from assistant.evidence import Span, span_key
from assistant.profile import describe_profile, merge_profile, parse_profile
from assistant.retrieval import HybridRetriever
from assistant.rules import decide
from assistant.scope import classify
from assistant.settings import Settings
from assistant.synonyms import spell_out
from assistant.types import Answer, Profile, Timings
from ingest.embedder import Embedder, get_embedder
from ingest.index import IndexSnapshot, open_index

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long); the message says why."""


Turn = Mapping[str, Any]


def _user_turns(history: Sequence[Turn] | None) -> list[str]:
    return [str(t.get("content", "")) for t in history or [] if t.get("role") == "user"]


def standalone_question(question: str, history: Sequence[Turn] | None) -> str:
    """A retrieval query for a follow-up: short, context-free questions borrow the last turn.

    Deterministic (no model): "and what about research then?" alone retrieves nothing useful.
    """
    turns = _user_turns(history)
    if not turns or len(question.split()) >= 12:
        return question
    return f"{turns[-1]} {question}"


class Advisor:
    """Answers questions from one index snapshot with the grounded backend."""

    def __init__(
        self,
        settings: Settings,
        *,
        index: IndexSnapshot | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self.index = index or open_index(settings.data_dir, settings.chroma_url)
        self.embedder = embedder or get_embedder(settings.embedder)
        self.retriever = HybridRetriever(self.index, self.embedder)
        self.retriever.embed_query("warm-up")  # load the model now, not on the first question
        self.texts = {k: d.text for k, d in self.index.documents.items()}
        self._starts: dict[str, list[tuple[int, str]]] = {}
        for chunk in sorted(self.index.chunks, key=lambda c: (c.doc_id, c.start)):
            self._starts.setdefault(chunk.doc_id, []).append((chunk.start, chunk.section))

    def span_similarity(self, query: str) -> Callable[[Span], float | None]:
        """Cosine similarity of a quotable sentence to the query, from vectors built at ingest."""
        vector = self.retriever.embed_query(spell_out(query))
        spans = self.index.span_vectors

        def similarity(span: Span) -> float | None:
            stored = spans.get(span_key(span))
            return None if stored is None else float(stored @ vector)

        return similarity

    def section_at(self, doc_id: str, offset: int) -> str:
        starts = self._starts.get(doc_id, [])
        i = bisect.bisect_right(starts, (offset, "\uffff")) - 1
        return starts[i][1] if i >= 0 else ""

    def profile_for(
        self,
        question: str,
        history: Sequence[Turn] | None,
        explicit: Profile | Mapping[str, Any] | None,
    ) -> Profile:
        """Facts from earlier user turns, then this question (later wins), then explicit (wins)."""
        year = dt.date.today().year
        profile = Profile()
        for text in [*_user_turns(history), question]:
            profile = merge_profile(
                profile, parse_profile(text, current_year=year), current_year=year
            )
        if explicit:
            profile = merge_profile(profile, dict(explicit), current_year=year)
        return profile

    def ask(
        self,
        question: str,
        *,
        profile: Profile | Mapping[str, Any] | None = None,
        history: Sequence[Turn] | None = None,
    ) -> Answer:
        started = time.perf_counter()
        question = (question or "").strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(
                f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
            )
        intent = classify(question, history=list(history) if history else None)
        if not intent.in_scope:
            return Answer(
                question=question,
                answer=ABSTAIN_TEXT.format(
                    reason=f"This question is outside that scope ({intent.reason})."
                ),
                abstained=True,
                abstain_reason=intent.reason,
                timings_ms=Timings(total=_ms(started)),
            )

        applicant = self.profile_for(question, history, profile)
        prioritisation = intent.prioritisation
        decision = decide(applicant) if prioritisation else None

        t0 = time.perf_counter()
        query = standalone_question(intent.stripped_question or question, history)
        evidence = self.retriever.retrieve(query, self.settings.top_k)
        retrieve_ms = _ms(t0)

        t1 = time.perf_counter()
        composed = compose(
            question,
            prioritisation=prioritisation,
            injection=intent.injection,
            decision=decision,
            profile_echo=describe_profile(applicant) if prioritisation else None,
            evidence=evidence,
            documents=self.index.documents,
            section_at=self.section_at,
            similarity=self.span_similarity(query),
        )
        citations = verify_all(composed.citations, self.texts)
        return Answer(
            question=question,
            answer=composed.answer,
            recommendation=composed.recommendation,
            profile=applicant.known(),
            citations=citations,
            sources_disagree=composed.sources_disagree,
            backend="grounded",
            missing_facts=list(decision.missing_facts) if decision and not decision.verdict else [],
            notices=["injection_ignored"] if intent.injection else [],
            timings_ms=Timings(retrieve=retrieve_ms, generate=_ms(t1), total=_ms(started)),
        )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
