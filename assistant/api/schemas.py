"""Request and response models of the HTTP API (the Answer is `assistant.core.types.Answer`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from assistant.core import lexicon
from assistant.core.limits import MAX_QUESTION_CHARS
from assistant.core.types import ProfileInput, SpecialtyClass
from assistant.domain.profile import normalize_specialty

EXAMPLE_QUESTION = (
    "I graduated in 2018 with no US clinical experience: research or rotations first?"
)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"question": EXAMPLE_QUESTION},
                {
                    "question": "Should I do research next?",
                    "profile": {"usce_hands_on_months": 3, "us_letters": 3, "academic_aim": True},
                    "history": [
                        {"role": "user", "content": "I want academic internal medicine."},
                        {"role": "assistant", "content": "…"},
                    ],
                },
            ]
        },
    )

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="Free text.")
    profile: ProfileInput | None = Field(
        None, description="Explicit facts; they win over the text."
    )
    history: list[Turn] = Field(default_factory=list, max_length=50)
    llm: str | None = Field(
        None,
        max_length=200,
        description="Backend: grounded, local, openai:MODEL or ollama:MODEL; default and allowed "
        "values are the server's (ADVISOR_LLM, ADVISOR_ALLOWED_LLMS).",
    )

    @field_validator("profile")
    @classmethod
    def _known_specialty(cls, profile: ProfileInput | None) -> ProfileInput | None:
        # Any text would otherwise become the target specialty unchecked (a question typed into
        # the page's specialty field once read "targeting I graduated 6 years ago…").
        name = profile.specialty if profile is not None else None
        if name is not None and not _known(name):
            raise PydanticCustomError(
                "unknown_specialty",
                "unknown specialty '{specialty}': "
                "GET /api/lexicon lists the ones the advisor knows",
                {"specialty": name[:60]},
            )
        return profile

    @field_validator("question")
    @classmethod
    def _not_blank(cls, question: str) -> str:
        # The service strips the question (str.strip) and refuses it when nothing is left; doing
        # the same here makes every route say so with a 422 before any work (or stream) starts.
        # The error type and wording are min_length's, so the API reports "question is empty".
        if not question.strip():
            raise PydanticCustomError(
                "string_too_short",
                "String should have at least 1 character that is not whitespace",
                {"min_length": 1},
            )
        return question


def _known(specialty: str) -> bool:
    """A lexicon name as /api/lexicon lists it, or a name profile reading maps to one."""
    names = {s.name.casefold() for s in lexicon.load().specialties}
    return specialty.strip().casefold() in names or normalize_specialty(specialty) is not None


class ErrorBody(BaseModel):
    error: str
    detail: Any = None


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    kind: str
    stance: str
    commercial_interest: bool
    publisher: str | None = None
    author: str | None = None
    chunks: int


class DocumentDetail(DocumentSummary):
    text: str = Field(description="Canonical text: citation start/end offsets index into it.")
    topics: list[str] = Field(default_factory=list)
    note: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    ready: bool
    detail: str | None = None
    version: str
    backend: str
    embedding_model: str | None = None
    index: dict[str, Any] | None = None


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat-completions request; fields we do not use are accepted and ignored."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "img-advisor",
                    "messages": [{"role": "user", "content": EXAMPLE_QUESTION}],
                }
            ]
        },
    )

    model: str = "img-advisor"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False


class SpecialtyOut(BaseModel):
    name: str
    specialty_class: SpecialtyClass | None = Field(
        None, description="Competitiveness class in the corpus's mapping; null if unclassified."
    )


class ExperienceOut(BaseModel):
    kind: str
    hands_on: bool = Field(description="Whether it counts as hands-on USCE.")


class LexiconOut(BaseModel):
    specialties: list[SpecialtyOut]
    experience: list[ExperienceOut]
