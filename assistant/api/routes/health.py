"""GET /api/health: readiness, index stats, models, version."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from assistant.api.schemas import Health
from assistant.api.state import HolderDep

router = APIRouter(prefix="/api", tags=["health"])


def app_version() -> str:
    try:
        return version("img-advisor")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


@router.get("/health", response_model=Health)
async def health(h: HolderDep) -> Health:
    """Always 200: `ready` says whether questions can be answered, `detail` why not."""

    def degraded(detail: str | None, index: dict[str, Any] | None = None) -> Health:
        return Health(
            status="degraded",
            ready=False,
            detail=detail,
            version=app_version(),
            backend=h.settings.llm,
            index=index,
        )

    try:
        advisor = h.get()
    except Exception:
        return degraded(h.problem)
    m = advisor.index.manifest
    # Ready means answerable: the store the answers come from must respond (a killed Chroma
    # server makes every question a 503, so health must not say ready then).
    if problem := await run_in_threadpool(h.store_problem, advisor):
        return degraded(problem, {"generation": m.generation, "chroma": m.chroma_url or "embedded"})
    return Health(
        status="ok",
        ready=True,
        version=app_version(),
        backend=advisor.settings.llm,
        embedding_model=m.embedder,
        index={
            "generation": m.generation,
            "documents": len(m.documents),
            "chunks": m.chunk_count,
            "embedder_fingerprint": m.embedder_fingerprint,
            "chroma": m.chroma_url or "embedded",
        },
    )
