"""The chat page: static files served by the API app at `/` (no CDN, no build step)."""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
