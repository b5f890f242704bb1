"""POST /api/ask (the Answer) and POST /api/ask/stream (Server-Sent Events)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter
from sse_starlette import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from assistant.api.errors import APIError
from assistant.api.schemas import AskRequest, ErrorBody
from assistant.api.state import AdvisorDep
from assistant.core.events import ErrorEvent, FinalEvent
from assistant.core.types import Answer
from assistant.service import Advisor, QuestionError
from ingest.vectors import VectorStoreError

router = APIRouter(prefix="/api", tags=["ask"])
log = logging.getLogger("advisor.api")

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Body that cannot be parsed (e.g. not JSON)"},
    422: {
        "model": ErrorBody,
        "description": "Empty or too long question, malformed body, a backend (`llm`) that is "
        "unknown or not enabled on this server",
    },
    413: {"model": ErrorBody, "description": "Body over 64 KiB"},
    429: {"model": ErrorBody, "description": "Rate limit exceeded"},
    503: {"model": ErrorBody, "description": "No index yet, or the vector store is unreachable"},
}


def _kwargs(body: AskRequest) -> dict[str, Any]:
    return {
        "profile": body.profile.model_dump(exclude_none=True) if body.profile else None,
        "history": [t.model_dump() for t in body.history],
        **({"llm": body.llm} if body.llm else {}),
    }


# The stream reports a failure by exception class name; this one has a message users can act on.
UNREACHABLE = VectorStoreError.__name__
VECTOR_STORE_DOWN = {
    "error": "the vector store is unreachable; try again shortly",
    "detail": "the search index (Chroma) did not answer",
}


def log_asked(advisor: Advisor, question: str, outcome: Answer | dict[str, Any] | str) -> None:
    """One INFO line per question: outcome and timing, never the question text unless
    ADVISOR_LOG_QUESTIONS is on (questions carry personal facts: scores, visa, years)."""
    if not log.isEnabledFor(logging.INFO):
        return
    if isinstance(outcome, str):
        summary = f"error={outcome!r}"
    else:
        a = outcome if isinstance(outcome, Answer) else Answer.model_validate(outcome)
        verdict = a.recommendation.verdict.value if a.recommendation else None
        summary = (
            f"verdict={verdict} abstained={a.abstained} citations={len(a.citations)} "
            f"backend={a.backend} total_ms={a.timings_ms.total}"
        )
    text = f" question={question!r}" if advisor.settings.log_questions else ""
    log.info("ask: %d chars %s%s", len(question), summary, text)


def check_backend(advisor: Advisor, body: AskRequest) -> None:
    """422 unless the request's `llm` is a backend this server lets clients choose
    (ADVISOR_ALLOWED_LLMS): checked before anything is built or loaded, so clients cannot make
    the server build (and keep) one chat model per string they send."""
    try:
        advisor.allowed_backend(body.llm)
    except QuestionError as exc:
        log_asked(advisor, body.question, "backend refused")
        raise APIError(422, str(exc)) from None


def answer(advisor: Advisor, body: AskRequest) -> Answer:
    """Run one question; domain errors become API errors with a clear message."""
    check_backend(advisor, body)
    try:
        result = advisor.ask(body.question, **_kwargs(body))
    except QuestionError as exc:
        log_asked(advisor, body.question, "invalid question")
        raise APIError(422, str(exc)) from None
    except VectorStoreError as exc:
        log_asked(advisor, body.question, "vector store unreachable")
        # The exception's text is the operator's (it can name the store's URL or files).
        log.warning("vector store error: %s", exc)
        raise APIError(503, VECTOR_STORE_DOWN["error"], VECTOR_STORE_DOWN["detail"]) from None
    except TypeError as exc:  # an `llm` argument this build does not support
        raise APIError(422, f"unsupported option: {exc}") from None
    log_asked(advisor, body.question, result)
    return result


@router.post("/ask", response_model=Answer, responses=ERRORS)
async def ask(body: AskRequest, advisor: AdvisorDep) -> Answer:
    """Answer a question: verdict (when one applies), quotes with verified citations."""
    return await run_in_threadpool(answer, advisor, body)


def _events(advisor: Advisor, body: AskRequest) -> Iterator[dict[str, str]]:
    """`meta` → `token`… → `final` (the verified Answer), or `error`; runs in a worker thread."""
    try:
        stream = getattr(advisor, "ask_stream", None)
        if stream is not None:
            for event in stream(body.question, **_kwargs(body)):
                if isinstance(event, FinalEvent):
                    log_asked(advisor, body.question, event.answer)
                elif isinstance(event, ErrorEvent) and event.detail == UNREACHABLE:
                    event = ErrorEvent(**VECTOR_STORE_DOWN)
                yield {"event": event.kind, "data": json.dumps(event.payload())}
            return
        final = answer(advisor, body)
        meta = {
            "profile": final.profile,
            "recommendation": final.recommendation.model_dump(mode="json")
            if final.recommendation
            else None,
            "abstained": final.abstained,
        }
        yield {"event": "meta", "data": json.dumps(meta)}
        yield {"event": "final", "data": final.model_dump_json()}
    except APIError as exc:
        yield {"event": "error", "data": json.dumps({"error": exc.error, "detail": exc.detail})}
    except Exception as exc:  # the stream is already open: report, never a traceback
        yield {
            "event": "error",
            "data": json.dumps({"error": "internal error", "detail": type(exc).__name__}),
        }


@router.post(
    "/ask/stream",
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "SSE: meta, token…, final, error",
        },
        **ERRORS,
    },
)
async def ask_stream(body: AskRequest, advisor: AdvisorDep) -> EventSourceResponse:
    """Stream the answer as Server-Sent Events; `final` carries the verified Answer."""
    check_backend(advisor, body)  # a 422 before the stream opens, not an `error` event

    async def events() -> AsyncIterator[dict[str, str]]:
        async for event in iterate_in_threadpool(_events(advisor, body)):
            yield event

    return EventSourceResponse(events(), ping=15)
