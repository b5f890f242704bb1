"""The guarded answer chain as LangChain runnables: retriever → prompt → model → guard.

    chain = build_chain(model, retriever)
    chain.invoke({"question": "…"}).result        # a GuardResult
    for chunk in chain.stream({"question": "…"}):  # tokens as they come, then the result
        print(chunk.token, end="") if chunk.token else handle(chunk.result)

The retriever is any runnable from the inputs to a list of numbered `Source`s. Chunks are
addable, like LangChain's own message chunks, so `invoke` returns the sum of what `stream`
yields: the whole draft in `token` and the guard's verdict in `result`.

The model step has a stall timeout (see `deadline`) and at most one retry, and only when nothing
was streamed yet (a retry after tokens reached the reader would show them twice). A model that
still fails ends the stream with a fallback result and an `error`: the caller shows the grounded
answer with a notice, never a stack trace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import (
    Runnable,
    RunnableGenerator,
    RunnableLambda,
    RunnablePassthrough,
)

from assistant.llm.deadline import ModelTimeout, stream_with_stall_timeout
from assistant.llm.guard import GuardConfig, GuardResult, Similarity, guard
from assistant.llm.prompt import Source, answer_prompt, answer_variables, condense_prompt
from assistant.llm.prompt import history_text as _history_text


@dataclass(frozen=True)
class GuardedChunk:
    """One piece of the chain's output: a draft token, or the final guard result."""

    token: str = ""
    result: GuardResult | None = None
    error: str | None = None

    def __add__(self, other: GuardedChunk) -> GuardedChunk:
        return GuardedChunk(
            self.token + other.token, other.result or self.result, other.error or self.error
        )


class ModelFailed(RuntimeError):
    """The model failed on every attempt; the message is one line, fit for a notice."""


def describe_error(exc: BaseException) -> str:
    """One line for a notice: what went wrong, without a stack trace or a secret."""
    if isinstance(exc, ModelTimeout | TimeoutError) or "Timeout" in type(exc).__name__:
        return f"the model did not respond in time ({exc})" if str(exc) else "timed out"
    if "Connect" in type(exc).__name__:
        return "cannot reach the model endpoint"
    first = (str(exc).splitlines() or [""])[0]
    first = re.sub(r"(?i)(sk-|key[=:]\s*)\S+", r"\1…", first)  # never echo a key
    return f"{type(exc).__name__}: {first[:200]}" if first else type(exc).__name__


def _text(chunk: Any) -> str:
    text = getattr(chunk, "text", None)
    if isinstance(text, str):
        return text
    content = getattr(chunk, "content", chunk)
    return content if isinstance(content, str) else ""


def stream_tokens(
    model: BaseChatModel,
    messages: Any,
    *,
    stall_timeout_s: float | None = None,
    attempts: int = 2,
) -> Iterator[str]:
    """Text tokens of `model` for `messages`, with a stall timeout and retries before the first
    token.

    Raises:
        ModelFailed: every attempt failed (the message says why).
    """
    for attempt in range(1, attempts + 1):
        emitted = False
        try:
            for chunk in stream_with_stall_timeout(lambda: model.stream(messages), stall_timeout_s):
                if token := _text(chunk):
                    emitted = True
                    yield token
            return
        except Exception as exc:
            if emitted or attempt == attempts:
                tried = f" ({attempt} attempt{'s' if attempt > 1 else ''})"
                raise ModelFailed(describe_error(exc) + tried) from exc


def build_chain(
    model: BaseChatModel,
    retriever: Runnable[Any, Sequence[Source]],
    *,
    similarity: Similarity | None = None,
    guard_config: GuardConfig | None = None,
    stall_timeout_s: float | None = None,
    attempts: int = 2,
) -> Runnable[dict[str, Any], GuardedChunk]:
    """Compose retriever, prompt, model and guard.

    Args:
        model: Any LangChain chat model.
        retriever: Inputs -> numbered sources (the model cites them as [n]).
        similarity: Embedding similarity of (sentence, passage) for the support scorer.
        guard_config: Guard thresholds.
        stall_timeout_s: Longest silence allowed from the model.
        attempts: Model attempts (2 = at most one retry).

    Returns:
        A runnable from {"question", and optionally "headline", "rationale", "missing",
        "profile_text", "verdict", "undecided"} to `GuardedChunk`s.
    """
    prompt = RunnableLambda(answer_variables) | answer_prompt

    def generate_and_guard(chunks: Iterator[Mapping[str, Any]]) -> Iterator[GuardedChunk]:
        inputs: dict[str, Any] = {}
        for chunk in chunks:  # streamed dict pieces of the earlier steps, merged
            inputs.update(chunk)
        draft: list[str] = []
        try:
            for token in stream_tokens(
                model, inputs["messages"], stall_timeout_s=stall_timeout_s, attempts=attempts
            ):
                draft.append(token)
                yield GuardedChunk(token=token)
        except ModelFailed as exc:
            failed = GuardResult("".join(draft), [], True, "the model failed", error=str(exc))
            yield GuardedChunk(result=failed, error=str(exc))
            return
        sources = {s.n: s.text for s in inputs.get("sources") or []}
        result = guard(
            "".join(draft),
            sources,
            verdict=inputs.get("verdict"),
            undecided=bool(inputs.get("undecided")),
            similarity=similarity,
            config=guard_config,
        )
        yield GuardedChunk(result=result)

    return (
        RunnablePassthrough.assign(sources=retriever)
        | RunnablePassthrough.assign(messages=prompt)
        | RunnableGenerator(generate_and_guard)
    ).with_config(run_name="guarded_answer")


def build_condenser(model: BaseChatModel) -> Runnable[dict[str, Any], str]:
    """Follow-up → standalone question: {"question", "history": [{"role", "content"}]} → str."""

    def variables(inputs: Mapping[str, Any]) -> dict[str, str]:
        return {
            "question": str(inputs["question"]),
            "history": _history_text(inputs.get("history") or []),
        }

    return (RunnableLambda(variables) | condense_prompt | model | StrOutputParser()).with_config(
        run_name="condense_question"
    )


_WORD = re.compile(r"[a-z0-9]+")


def accept_condensed(
    condensed: str, question: str, history: Sequence[Mapping[str, Any]]
) -> str | None:
    """The model's standalone question if it is usable, else None (use the deterministic one).

    Usable: one line of 3 to 60 words, about what the user said (it shares at least two words
    with the question and the user's earlier turns), not an answer in disguise.
    """
    text = " ".join((condensed or "").strip().strip('"“”').split())
    text = re.sub(r"^(?:complete|standalone)?\s*question\s*:\s*", "", text, flags=re.IGNORECASE)
    words = _WORD.findall(text.lower())
    if not 3 <= len(words) <= 60:
        return None
    said = " ".join(
        [question, *(str(t.get("content", "")) for t in history if t.get("role") == "user")]
    )
    shared = set(words) & set(_WORD.findall(said.lower()))
    if len({w for w in shared if len(w) > 3}) < 2:
        return None
    return text
