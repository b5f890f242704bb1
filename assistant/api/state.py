"""The app's one Advisor: loaded at start-up, re-tried while unavailable, and switched to the
new index by itself when an ingest (or a re-index) changes the active generation."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated, Any

from fastapi import Depends, Request

from assistant.api.errors import APIError
from assistant.core.settings import Settings
from assistant.service import Advisor
from ingest.index import IndexCorrupt, IndexMissing, Layout
from ingest.vectors import VectorStoreError

RETRY_SECONDS = 2.0
# How often a request looks at CURRENT (one small file read) to notice a new generation.
CHECK_SECONDS = 1.0
# A replaced index stays open this long for requests that started on it; its lease goes with
# it, and only then may an ingest delete its generation.
RELEASE_AFTER_S = 30.0
log = logging.getLogger("advisor.api")


class AdvisorHolder:
    """Holds the current Advisor, or why there is none (no index, Chroma down)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.advisor: Advisor | None = None
        self.problem: str | None = "not loaded yet"
        self._layout = Layout(settings.data_dir)
        self._lock = threading.Lock()
        self._last_try = 0.0
        self._last_check = time.monotonic()
        self._switching = False
        self._given_up: str | None = None  # a generation that failed to open: not retried

    def load(self) -> None:
        """(Re)load from the active generation; on failure keep serving what is loaded, if any."""
        with self._lock:
            self._last_try = time.monotonic()
            try:
                self._replace(self._build())
            except (IndexMissing, IndexCorrupt) as exc:
                self._failed(str(exc))
            except VectorStoreError as exc:
                self._failed(f"the vector store is unavailable: {exc}")
            except Exception as exc:  # never a failed start-up: a 503 that names the fix
                log.exception("opening the index failed")
                self._failed(
                    f"the index in {self.settings.data_dir} could not be opened "
                    f"({type(exc).__name__}): run `advisor ingest --rebuild`"
                )

    def get(self) -> Advisor:
        """The Advisor, or a 503 that says how to fix it; retries a failed load every 2 s so the
        app recovers on its own when the index appears or Chroma comes back."""
        if self.advisor is None and time.monotonic() - self._last_try > RETRY_SECONDS:
            self.load()
        if self.advisor is None:
            raise APIError(503, "the assistant is not ready", self.problem)
        self._follow_current()
        return self.advisor

    def swap(self, advisor: Advisor) -> None:
        with self._lock:
            self._replace(advisor)

    def store_problem(self, advisor: Advisor) -> str | None:
        """Why the served index cannot answer right now (its vector store does not respond)."""
        try:
            advisor.index.store.count()
        except Exception as exc:
            return f"the vector store is unavailable: {str(exc).splitlines()[0][:200]}"
        return None

    # ----------------------------------------------------------------------------------------

    def _build(self) -> Advisor:
        old = self.advisor
        reuse: dict[str, Any] = {}
        if old is not None:
            # The query embedder and loaded chat models carry over: only the index is new.
            reuse = {"embedder": old.embedder, "chat_models": old.loaded_chat_models()}
        advisor = Advisor(self.settings, **reuse)
        advisor.warm_up()
        return advisor

    def _failed(self, problem: str) -> None:
        if self.advisor is None:
            # Clients see this text (503s, health): it names the fix but not the server's paths.
            for path in {str(self.settings.data_dir), str(self.settings.data_dir.resolve())}:
                problem = problem.replace(path, "the data folder")
            self.problem = problem
        else:
            log.warning("still serving generation %s: %s", self.served_generation(), problem)

    def _replace(self, advisor: Advisor) -> None:
        old, self.advisor, self.problem = self.advisor, advisor, None
        if old is not None and old.index is not advisor.index:
            log.info(
                "now serving generation %s (was %s)",
                advisor.index.manifest.generation,
                old.index.manifest.generation,
            )
            release = threading.Timer(RELEASE_AFTER_S, old.close)
            release.daemon = True
            release.start()

    def served_generation(self) -> str | None:
        return self.advisor.index.manifest.generation if self.advisor else None

    def _follow_current(self) -> None:
        """Start a switch in the background when CURRENT names another generation; requests
        go on being answered from the loaded one meanwhile."""
        now = time.monotonic()
        if self._switching or now - self._last_check < CHECK_SECONDS:
            return
        self._last_check = now
        current = self._layout.current_name()
        if current is None or current in (self.served_generation(), self._given_up):
            return
        self._switching = True
        threading.Thread(target=self._switch, name="advisor-switch", daemon=True).start()

    def _switch(self) -> None:
        try:
            self.load()
            current = self._layout.current_name()
            self._given_up = current if current != self.served_generation() else None
        finally:
            self._switching = False


def holder(request: Request) -> AdvisorHolder:
    return request.app.state.holder


def advisor_dep(h: Annotated[AdvisorHolder, Depends(holder)]) -> Advisor:
    return h.get()


AdvisorDep = Annotated[Advisor, Depends(advisor_dep)]
HolderDep = Annotated[AdvisorHolder, Depends(holder)]


def settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(settings_dep)]
