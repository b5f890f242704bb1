"""The app's one Advisor: loaded at start-up, re-tried while unavailable, swapped on re-index."""

from __future__ import annotations

import threading
import time
from typing import Annotated

from fastapi import Depends, Request

from assistant.api.errors import APIError
from assistant.service import Advisor
from assistant.settings import Settings
from ingest.index import IndexCorrupt, IndexMissing
from ingest.vectors import VectorStoreError

RETRY_SECONDS = 2.0


class AdvisorHolder:
    """Holds the current Advisor, or why there is none (no index, Chroma down)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.advisor: Advisor | None = None
        self.problem: str | None = "not loaded yet"
        self._lock = threading.Lock()
        self._last_try = 0.0

    def load(self) -> None:
        with self._lock:
            self._last_try = time.monotonic()
            try:
                self.advisor = Advisor(self.settings)
                self.problem = None
            except (IndexMissing, IndexCorrupt) as exc:
                self.advisor, self.problem = None, str(exc)
            except VectorStoreError as exc:
                self.advisor, self.problem = None, f"the vector store is unavailable: {exc}"

    def get(self) -> Advisor:
        """The Advisor, or a 503 that says how to fix it; retries a failed load every 2 s so the
        app recovers on its own when the index appears or Chroma comes back."""
        if self.advisor is None and time.monotonic() - self._last_try > RETRY_SECONDS:
            self.load()
        if self.advisor is None:
            raise APIError(503, "the assistant is not ready", self.problem)
        return self.advisor

    def swap(self, advisor: Advisor) -> None:
        with self._lock:
            self.advisor, self.problem = advisor, None


def holder(request: Request) -> AdvisorHolder:
    return request.app.state.holder


def advisor_dep(h: Annotated[AdvisorHolder, Depends(holder)]) -> Advisor:
    return h.get()


AdvisorDep = Annotated[Advisor, Depends(advisor_dep)]
HolderDep = Annotated[AdvisorHolder, Depends(holder)]


def settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(settings_dep)]
