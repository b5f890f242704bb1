"""Stream events: what `Advisor.ask_stream` yields, typed and tagged by `kind`.

Order: `meta` (what is known before any model runs), `token`… (model backends only: the draft as
it is written), then `final` (the verified Answer, which replaces the draft), or `error` instead.
The API sends each as a Server-Sent Event named by its kind, with `payload()` as its data; the CLI
and the eval suite match on the kind.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from assistant.core.types import Answer, Citation, Recommendation


class MetaEvent(BaseModel):
    """The question, backend, profile and verdict (known before any model runs) and the numbered
    `sources` the draft's [n] markers refer to."""

    kind: Literal["meta"] = "meta"
    question: str
    backend: str
    abstained: bool
    recommendation: Recommendation | None
    profile: dict[str, Any]
    missing_facts: list[str]
    sources: list[Citation]
    notices: list[str]

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"kind"})


class TokenEvent(BaseModel):
    """Draft text as the model writes it (not yet verified)."""

    kind: Literal["token"] = "token"
    text: str

    def payload(self) -> dict[str, Any]:
        return {"text": self.text}


class FinalEvent(BaseModel):
    """The verified Answer."""

    kind: Literal["final"] = "final"
    answer: Answer

    def payload(self) -> dict[str, Any]:
        return self.answer.model_dump(mode="json")


class ErrorEvent(BaseModel):
    """The question could not be answered; `detail` says why."""

    kind: Literal["error"] = "error"
    error: str
    detail: str | None = None

    def payload(self) -> dict[str, Any]:
        return {"error": self.error, "detail": self.detail}


StreamEvent = Annotated[
    MetaEvent | TokenEvent | FinalEvent | ErrorEvent, Field(discriminator="kind")
]
