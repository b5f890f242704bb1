"""One JSON error shape for every failure: {"error": "...", "detail": ...}. No stack traces."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.core.types import profile_error

log = logging.getLogger("advisor.api")


# FastAPI's words for a body json.loads cannot take (bad UTF-8, nesting too deep, a huge integer).
FASTAPI_PARSE_ERROR = "There was an error parsing the body"
UNPARSABLE = "the body is not valid UTF-8 JSON, or is nested too deeply, or holds a huge number"


class APIError(Exception):
    """A failure with a status code and a message meant for the caller."""

    def __init__(self, status: int, error: str, detail: Any = None) -> None:
        super().__init__(error)
        self.status, self.error, self.detail = status, error, detail


def error_response(
    status: int, error: str, detail: Any = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        message = profile_error(dict(err)) if loc.startswith("profile.") else err.get("msg")
        details.append({"field": loc or "body", "message": message or "invalid"})
    if any(err.get("type") == "json_invalid" for err in exc.errors()):
        return "malformed JSON body", details
    first = details[0] if details else {"field": "body", "message": "invalid request"}
    if first["field"] == "question" and "at most" in first["message"]:
        return "question is too long (limit 2000 characters)", details
    if first["field"] == "question" and "at least" in first["message"]:
        return "question is empty", details
    return f"invalid request: {first['field']}: {first['message']}", details


def install(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(_: Request, exc: APIError) -> JSONResponse:
        return error_response(exc.status, exc.error, exc.detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        message, details = _validation_message(exc)
        return error_response(422, message, details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == FASTAPI_PARSE_ERROR:
            return error_response(400, "malformed JSON body", UNPARSABLE)
        # Keep the exception's headers: a 405 must say which methods are allowed (Allow).
        return error_response(exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        # Logged for the operator; the caller gets one line, never a traceback.
        log.exception("unhandled error")
        return error_response(500, "internal error", type(exc).__name__)
