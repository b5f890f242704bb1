"""An OpenAI-compatible surface: POST /v1/chat/completions (streaming and not), GET /v1/models.

So the official `openai` client and OpenAI-compatible chat front ends can use the assistant as
a model. The full Answer (citations, recommendation) rides in the extra `img_advisor` field.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import APIError
from assistant.api.routes.ask import ERRORS, answer
from assistant.api.schemas import AskRequest, ChatCompletionRequest, ChatMessage
from assistant.api.state import AdvisorDep
from assistant.core.limits import MAX_QUESTION_CHARS
from assistant.core.types import Answer

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
MODEL_ID = "img-advisor"


def _text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if isinstance(message.content, list):  # content parts: keep the text ones
        return " ".join(str(p.get("text", "")) for p in message.content if p.get("type") == "text")
    return ""


def to_ask(body: ChatCompletionRequest) -> AskRequest:
    """Last user message = the question; earlier user/assistant turns = the history."""
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise APIError(422, "the last message must be from the user")
    question = _text(turns[-1]).strip()
    history = [{"role": m.role, "content": _text(m)[:20_000]} for m in turns[:-1]][-50:]
    try:
        return AskRequest.model_validate({"question": question, "history": history})
    except Exception as exc:
        message = (
            "question is empty"
            if not question
            else f"question is too long (limit {MAX_QUESTION_CHARS} characters)"
        )
        raise APIError(422, message, str(exc).splitlines()[0]) from None


def render(answer: Answer) -> str:
    """The answer as chat text: Markdown with the numbered sources below."""
    if not answer.citations:
        return answer.answer
    lines = [answer.answer, "", "**Sources**"]
    for c in answer.citations:
        badge = " (commercial interest)" if c.commercial_interest else ""
        lines.append(f"[{c.n}] {c.title} — {c.section}{badge}: “{c.quote}”")
    return "\n".join(lines)


def _envelope(kind: str, created: int, cid: str) -> dict[str, Any]:
    return {"id": cid, "object": kind, "created": created, "model": MODEL_ID}


@router.get("/models")
async def models() -> dict[str, Any]:
    """The one model this server offers."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "img-advisor"}],
    }


@router.post(
    "/chat/completions",
    response_model=None,
    responses={
        200: {
            "content": {"application/json": {}, "text/event-stream": {}},
            "description": "A chat completion, or its chunks as SSE when `stream` is true",
        },
        **ERRORS,
    },
)
async def chat_completions(
    body: ChatCompletionRequest, advisor: AdvisorDep
) -> dict[str, Any] | EventSourceResponse:
    """Chat completion whose content is the assistant's verified answer."""
    request = to_ask(body)
    result = await run_in_threadpool(answer, advisor, request)
    created, cid = int(time.time()), f"chatcmpl-{uuid.uuid4().hex[:24]}"
    content = render(result)
    extra = result.model_dump(mode="json")
    if not body.stream:
        return {
            **_envelope("chat.completion", created, cid),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "img_advisor": extra,
        }

    async def chunks() -> AsyncIterator[dict[str, str]]:
        head = _envelope("chat.completion.chunk", created, cid)
        first = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        yield {"data": json.dumps({**head, "choices": [first]})}
        # The answer is verified before the first token leaves: stream it in word groups.
        words = content.split(" ")
        for i in range(0, len(words), 8):
            piece = " ".join(words[i : i + 8]) + (" " if i + 8 < len(words) else "")
            delta = {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            yield {"data": json.dumps({**head, "choices": [delta]})}
        last = {"index": 0, "delta": {}, "finish_reason": "stop"}
        yield {"data": json.dumps({**head, "choices": [last], "img_advisor": extra})}
        yield {"data": "[DONE]"}

    return EventSourceResponse(chunks())
