"""Swagger UI at /docs, served from this app alone: offline, and under the app's strict CSP.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script, so offline it
is a blank page and a CSP without 'unsafe-inline' blocks it. Here the Swagger UI files come from
the `swagger-ui-bundle-v2` package and the start-up lives in web/static/docs.js. ReDoc is off: it
would be a second, read-only copy of the same schema with another bundle to ship.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from swagger_ui_bundle import swagger_ui_path

from assistant.api.errors import APIError
from assistant.web import STATIC_DIR

SWAGGER_DIR = Path(str(swagger_ui_path))
# Only what the page loads: the package also holds its demo index.html (pointed at a public pet
# store) and source maps, which this app has no reason to serve.
ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"})


def install(app: FastAPI) -> None:
    """Add GET /docs and its assets; the app must be built with docs_url=None, redoc_url=None."""

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> FileResponse:
        return FileResponse(STATIC_DIR / "docs.html", media_type="text/html")

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def swagger_asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise APIError(404, "Not Found")
        return FileResponse(SWAGGER_DIR / name)
