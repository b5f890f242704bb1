"""The FastAPI app: API routes, errors, limits; models and the index load once at start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.api import docs, errors
from assistant.api.limits import BodySizeLimit, RateLimit
from assistant.api.routes import admin, ask, documents, health, lexicon, openai_compat
from assistant.api.routes.health import app_version
from assistant.api.security import SecurityHeaders
from assistant.api.state import AdvisorHolder
from assistant.core.settings import Settings
from assistant.llm.backends import allowed_backends
from assistant.web import STATIC_DIR


def create_app(settings: Settings | None = None, *, load: bool = True) -> FastAPI:
    """Build the app. `load=False` defers loading the Advisor to the first request.

    Raises:
        BackendError: ADVISOR_ALLOWED_LLMS holds something that is not a backend string.
    """
    settings = settings or Settings()
    allowed_backends(settings)  # a typo in the allow-list stops start-up, not the first request
    holder = AdvisorHolder(settings)
    # sse-starlette logs every chunk it sends at DEBUG: the question, the profile, the answer.
    # Questions carry personal facts, so that log stays shut unless questions may be logged.
    logging.getLogger("sse_starlette").setLevel(
        logging.NOTSET if settings.log_questions else logging.INFO
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if load:
            await run_in_threadpool(holder.load)
        yield

    app = FastAPI(
        title="IMG Advisor",
        version=app_version(),
        description="USCE or research first? Answers with verified citations and a "
        "deterministic rules layer.",
        lifespan=lifespan,
        # No trailing-slash redirects: Starlette builds their Location from the request's Host
        # header, so `GET /api/documents/` with `Host: evil.example` would send the client
        # there. A path with a stray slash is a plain JSON 404 instead.
        redirect_slashes=False,
        # FastAPI's /docs and /redoc load from a CDN; docs.install serves Swagger UI locally.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.holder = holder
    errors.install(app)
    docs.install(app)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(RateLimit, rate=settings.rate_limit)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    for module in (ask, documents, health, lexicon, openai_compat, admin):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
