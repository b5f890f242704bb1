"""Request-size limit as pure ASGI middleware: rejects before the body is read into memory."""

from __future__ import annotations

import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


async def send_error(
    send: Send,
    status: int,
    error: str,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """The API's JSON error shape, sent from middleware (before any route runs)."""
    body = json.dumps({"error": error, "detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """413 for bodies over `max_bytes`, by Content-Length or by counting a streamed body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._reject(send)
            return
        received = 0
        too_big = False

        async def limited_receive() -> Message:
            nonlocal received, too_big
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_big = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_big and not started:
                started = True
                await self._reject(send)
                return
            if too_big:
                return
            started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _reject(self, send: Send) -> None:
        await send_error(send, 413, "request body too large", f"limit is {self.max_bytes} bytes")


class RateLimit:
    """Per-client request budget (the `limits` library, moving window, in memory).

    429 with a Retry-After header once a client spends its budget; the health route is exempt
    so monitors never lock a client out.
    """

    EXEMPT = frozenset({"/api/health"})

    def __init__(self, app: ASGIApp, rate: str) -> None:
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app = app
        self.limit = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.EXEMPT:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if self.limiter.hit(self.limit, client):
            await self.app(scope, receive, send)
            return
        reset = self.limiter.get_window_stats(self.limit, client).reset_time
        retry = max(1, int(reset - time.time()))
        await send_error(
            send,
            429,
            "too many requests; slow down",
            f"limit is {self.limit}",
            [(b"retry-after", str(retry).encode())],
        )
