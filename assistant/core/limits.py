"""Input limits every surface applies (API request models, CLI, the service)."""

from __future__ import annotations

# Longer questions are refused with a clear message (API 422, CLI one line): a real question,
# even with a long backstory, fits; the limit bounds the work one request can cause.
MAX_QUESTION_CHARS = 2000
