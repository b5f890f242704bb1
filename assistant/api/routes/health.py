"""GET /api/health: readiness, index stats, models, version."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

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
    try:
        advisor = h.get()
    except Exception:
        return Health(
            status="degraded",
            ready=False,
            detail=h.problem,
            version=app_version(),
            backend=h.settings.llm,
        )
    m = advisor.index.manifest
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
