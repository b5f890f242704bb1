"""A stall timeout for any token stream, whatever the client library does about timeouts.

HTTP clients time out on their own, but an in-process llama.cpp model or a server that accepts
the connection and then says nothing would hang the caller. The stream is pulled in a worker
thread; the caller waits at most `stall_s` for each next item, then gives up, and the worker
closes the stream (which stops llama.cpp decoding) at its next item.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


class ModelTimeout(TimeoutError):
    """The model said nothing for longer than the allowed stall time."""


def stream_with_stall_timeout(
    make: Callable[[], Iterable[T]], stall_s: float | None
) -> Iterator[T]:
    """Items of `make()`, failing with `ModelTimeout` when the next one takes over `stall_s`.

    Args:
        make: Opens the stream (called in the worker thread, so opening counts too).
        stall_s: Longest wait for any one item; None waits forever, in this thread.

    Raises:
        ModelTimeout: the stream stalled.
        Exception: whatever the stream raised.
    """
    if stall_s is None:
        yield from make()
        return
    items: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def produce() -> None:
        try:
            stream = iter(make())
            try:
                for item in stream:
                    if stop.is_set():
                        break
                    items.put(("item", item))
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
            items.put(("done", None))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            items.put(("error", exc))

    # Copy the context so LangChain's callbacks and tracing still see the parent run.
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(produce,), daemon=True, name="llm-stream").start()
    try:
        while True:
            try:
                kind, value = items.get(timeout=stall_s)
            except queue.Empty:
                raise ModelTimeout(f"no response for {stall_s:g} s") from None
            if kind == "item":
                yield value
            elif kind == "done":
                return
            else:
                raise value
    finally:
        stop.set()
