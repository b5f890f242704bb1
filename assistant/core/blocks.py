"""Answer blocks: the answer's structure as data, not markdown (design.md, "Answer blocks").

The composer builds a list of blocks; `assistant.answer.render` is the one place that turns them
into the `answer` markdown; the model path replaces the evidence blocks with the model's prose;
the chat page draws its cards from them. No surface reads back text another layer wrote.

Every text is markdown with inline `[n]` citation markers, numbered like `Answer.citations`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from assistant.core.codes import Notice
from assistant.core.verdict import Verdict

__all__ = ["Notice"]


class Item(BaseModel):
    """One line of a block that lists things: a quote, a plan step, a missing fact."""

    text: str = Field(description="Markdown with [n] markers.")
    citations: list[int] = Field(default_factory=list, description="Citation numbers in `text`.")


class RecommendationBlock(BaseModel):
    """The rules layer's verdict: a headline in the sources' words, and the rule's own source
    sentences as the reason."""

    kind: Literal["recommendation"] = "recommendation"
    verdict: Verdict
    label: str = Field(description="The verdict in plain words, e.g. 'hands-on USCE first'.")
    text: str = Field(description="The headline sentence, cited.")
    citations: list[int] = Field(default_factory=list)
    items: list[Item] = Field(
        default_factory=list, description="The rule's source sentences, each quoted and cited."
    )


class DirectAnswerBlock(BaseModel):
    """The direct answer to an information question, first in the answer."""

    kind: Literal["direct_answer"] = "direct_answer"
    text: str
    citations: list[int] = Field(default_factory=list)


class PlanBlock(BaseModel):
    """Concrete next steps for a decision, each citing the sentences it rests on."""

    kind: Literal["plan"] = "plan"
    items: list[Item] = Field(default_factory=list)


class WhatWouldChangeBlock(BaseModel):
    """The nearest change of the applicant's facts that would change the verdict."""

    kind: Literal["what_would_change"] = "what_would_change"
    text: str
    citations: list[int] = Field(default_factory=list)


class MissingFactsBlock(BaseModel):
    """No verdict yet: the facts that would decide it."""

    kind: Literal["missing_facts"] = "missing_facts"
    text: str = Field(description="The lead sentence.")
    items: list[Item] = Field(default_factory=list, description="One missing fact each.")


class EvidenceBlock(BaseModel):
    """Evidence: verbatim quotes ranked for the question (`origin` sources), or a model's prose
    that the guard kept (`origin` model)."""

    kind: Literal["evidence"] = "evidence"
    origin: Literal["sources", "model"] = "sources"
    title: str | None = Field(None, description="e.g. 'What the sources say:'.")
    text: str | None = Field(None, description="The model's prose (origin model).")
    items: list[Item] = Field(default_factory=list, description="Quotes (origin sources).")


class DisagreementBlock(BaseModel):
    """Sources that differ in emphasis, each side in its source's words."""

    kind: Literal["disagreement"] = "disagreement"
    title: str
    items: list[Item] = Field(default_factory=list)


class NoticeBlock(BaseModel):
    """A note about the answer (commercial interest, ignored instructions, no answer, scope)."""

    kind: Literal["notice"] = "notice"
    code: Notice
    text: str


class ProfileEchoBlock(BaseModel):
    """The applicant's facts as the service read them ("I read your profile as …")."""

    kind: Literal["profile_echo"] = "profile_echo"
    text: str


Block = Annotated[
    RecommendationBlock
    | DirectAnswerBlock
    | PlanBlock
    | WhatWouldChangeBlock
    | MissingFactsBlock
    | EvidenceBlock
    | DisagreementBlock
    | NoticeBlock
    | ProfileEchoBlock,
    Field(discriminator="kind"),
]
