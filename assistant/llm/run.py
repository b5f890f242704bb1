"""The Advisor's model path after retrieval: condense a follow-up, generate under the guard, and
turn the guard's verdict into the final Answer (or the grounded one, with a notice).

The service owns the order of work and the index; this module owns what happens around the
chat model, so `assistant/service.py` stays about the question's journey.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableLambda

from assistant.answer.composer import VERDICT_HEADLINE
from assistant.core.codes import Notice
from assistant.core.events import TokenEvent
from assistant.core.types import Answer, Citation, Timings
from assistant.llm.answer import assemble, with_model_prose
from assistant.llm.chain import accept_condensed, build_chain, build_condenser, describe_error
from assistant.llm.deadline import stream_with_stall_timeout
from assistant.llm.guard import GuardResult, Similarity
from assistant.llm.prompt import Source
from assistant.text.citations import verify_all

log = logging.getLogger(__name__)


def condense(
    model: BaseChatModel,
    question: str,
    history: Sequence[Mapping[str, Any]],
    stall_s: float | None,
) -> str | None:
    """The model's standalone version of a follow-up, or None (use the deterministic one).

    Raises:
        Exception: the model failed (the caller counts it as a failed attempt).
    """
    condenser = build_condenser(model)
    inputs = {"question": question, "history": list(history)}
    text = "".join(stream_with_stall_timeout(lambda: condenser.stream(inputs), stall_s))
    return accept_condensed(text, question, history)


def prompt_inputs(grounded: Answer, question: str, profile_echo: str | None) -> dict[str, Any]:
    """The chain's inputs: the question, and the rules' verdict as a fact (or what is missing)."""
    rec = grounded.recommendation
    return {
        "question": question,
        "headline": VERDICT_HEADLINE[rec.verdict] if rec else None,
        "rationale": rec.rationale if rec else None,
        "missing": "; ".join(grounded.missing_facts) or None,
        "profile_text": profile_echo,
        "verdict": rec.verdict if rec else None,
        "undecided": bool(grounded.missing_facts),
    }


def generate(
    model: BaseChatModel,
    inputs: Mapping[str, Any],
    sources: Sequence[Citation],
    *,
    similarity: Similarity | None,
    stall_s: float | None,
    attempts: int,
) -> Iterator[TokenEvent | GuardResult]:
    """Token events as the model writes, then the guard's verdict (one `GuardResult`).

    Never raises: a failure anywhere in the chain becomes a fallback result with an error.
    """
    numbered = [Source(c.n, c.quote, c.title) for c in sources]
    chain = build_chain(
        model,
        RunnableLambda(lambda _inputs: numbered, name="advisor_sources"),
        similarity=similarity,
        stall_timeout_s=stall_s,
        attempts=attempts,
    )
    result: GuardResult | None = None
    try:
        for chunk in chain.stream(dict(inputs)):
            if chunk.token:
                yield TokenEvent(text=chunk.token)
            if chunk.result is not None:
                result = chunk.result
    except Exception as exc:  # a bug or an odd reply: the grounded answer, not a stack trace
        log.exception("guarded generation failed")
        result = GuardResult("", [], True, "generation failed", error=describe_error(exc))
    yield result or GuardResult("", [], True, "no result", error="no result")


def final_answer(
    grounded: Answer,
    result: GuardResult,
    *,
    backend: str,
    sources: Sequence[Citation],
    texts: Mapping[str, str],
    report: dict[str, Any],
    timings: Timings,
) -> Answer:
    """The Answer from the guard's verdict: the fixed verdict, then the model's kept sentences;
    or, when too little survived or the model failed, the grounded answer with a notice.

    Args:
        grounded: The grounded answer for the same question (numbered like `sources`).
        result: The guard's verdict on the draft.
        backend: The model backend's name.
        sources: The numbered sources the model was given.
        texts: Document texts, to verify the final citations against.
        report: Extra fields for the `guard` report.
        timings: The Answer's timings.
    """
    report = {**result.report(), **report, "model": backend}
    if result.fallback:
        if result.error:
            notice = Notice.LLM_UNAVAILABLE.with_detail(f"{backend}: {result.error}")
        else:
            notice = Notice.LLM_FALLBACK.with_detail(str(result.fallback_reason))
        # The grounded composer already leaves out quotes that contradict the verdict.
        return grounded.model_copy(
            update={
                # A model that answered but failed the guard still handled the request.
                "backend": "grounded" if result.error else backend,
                "guard": report,
                "notices": [*grounded.notices, f"{notice}; showing the grounded answer"],
                "timings_ms": timings,
            }
        )
    blocks = with_model_prose(grounded.blocks, " ".join(s.text for s in result.kept))
    assembled = assemble(
        blocks,
        sources,
        grounded.recommendation,
        grounded.sources_disagree,
        injection=Notice.INJECTION_IGNORED in grounded.notices,
    )
    return grounded.model_copy(
        update={
            "answer": assembled.answer,
            "blocks": assembled.blocks,
            "recommendation": assembled.recommendation,
            "citations": verify_all(assembled.citations, dict(texts)),
            "sources_disagree": assembled.sources_disagree,
            "backend": backend,
            "guard": report,
            "timings_ms": timings,
        }
    )
