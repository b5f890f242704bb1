"""POST /api/admin/reindex: re-ingest the corpus and swap the new index in (token required)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header
from starlette.concurrency import run_in_threadpool

from assistant.api.errors import APIError
from assistant.api.schemas import ErrorBody
from assistant.api.state import HolderDep, SettingsDep
from ingest.loader import CorpusError
from ingest.pipeline import NothingToIngest, run_ingest

router = APIRouter(prefix="/api/admin", tags=["admin"])


def _authorised(header: str | None, token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    # Constant-time comparison; the same answer whatever is wrong, so nothing leaks.
    return hmac.compare_digest(
        scheme.lower().encode() + b" " + given.encode(), b"bearer " + token.encode()
    )


@router.post(
    "/reindex",
    responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
)
async def reindex(
    settings: SettingsDep,
    h: HolderDep,
    authorization: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Re-ingest the corpus (only changes are re-embedded) and serve the new index."""
    if not settings.admin_token:
        raise APIError(404, "not found")
    if not _authorised(authorization, settings.admin_token):
        raise APIError(401, "unauthorized")
    try:
        summary = await run_in_threadpool(run_ingest, settings)
    except (CorpusError, NothingToIngest) as exc:
        raise APIError(
            409, "re-index failed; the previous index is still serving", str(exc)
        ) from None
    except RuntimeError as exc:  # another ingest holds the lock
        raise APIError(409, str(exc)) from None
    if summary.changed_anything or h.advisor is None:
        await run_in_threadpool(h.load)  # serve the new generation now
    return {**summary.as_dict(), "serving": h.served_generation()}
