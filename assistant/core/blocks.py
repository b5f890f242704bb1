"""Answer blocks: the answer's structure as data, not markdown (design.md, "Answer blocks").

The composer builds a list of blocks; `assistant.answer.render` is the one place that turns them
into the `answer` markdown; the model path replaces the evidence blocks with the model's prose;
the chat page draws its cards from them. No surface reads back text another layer wrote.

Every text is markdown with inline `[n]` citation markers, numbered like `Answer.citations`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonValue

from assistant.core.codes import Notice
from assistant.core.verdict import Verdict

__all__ = ["Notice"]

# Descriptions several blocks share (they end up in the OpenAPI schema, /docs).
KIND = "The block's type; it decides which other fields the block has."
CITATIONS = "Citation numbers (`Answer.citations[].n`) of the [n] markers in `text`."
VERDICT = (
    "USCE_FIRST: hands-on US clinical experience (and the US letters it brings) before research. "
    "USCE_URGENT: the same, urgently (many years since graduation, or no recent clinical work). "
    "ADD_RESEARCH: the clinical foundation is in place; research is the next lever. "
    "RESEARCH_AND_USCE: a research-heavy or very competitive specialty with some USCE already: "
    "both, research weighing heavily."
)


def _example(**block: JsonValue) -> ConfigDict:
    """A block's example in the OpenAPI schema: taken from real answers (docs/api.md)."""
    return ConfigDict(json_schema_extra={"examples": [block]})


# A plan step of a real answer, the example of an Item.
STEP = (
    "Research can wait 6–12 months: a missing publication never hurts your chances as fast as "
    "missing USCE does. [7]"
)


class Item(BaseModel):
    """One line of a block that lists things: a quote, a plan step, a missing fact."""

    text: str = Field(description="Markdown with [n] markers.", examples=[STEP])
    citations: list[int] = Field(
        default_factory=list, description="Citation numbers in `text`.", examples=[[7]]
    )


class RecommendationBlock(BaseModel):
    """The rules layer's verdict: a headline in the sources' words, and the rule's own source
    sentences as the reason."""

    model_config = _example(
        kind="recommendation",
        verdict="USCE_URGENT",
        label="hands-on USCE first, urgently",
        text="5+ YOG (years out of graduation) and no USCE: USCE, urgently. [1]",
        citations=[1],
        items=[
            {
                "text": "“5+ YOG, no USCE → USCE, urgently” (Prioritize USCE or research first as "
                "an IMG) [1]",
                "citations": [1],
            }
        ],
    )

    kind: Literal["recommendation"] = Field("recommendation", description=KIND)
    verdict: Verdict = Field(description=VERDICT, examples=["USCE_URGENT"])
    label: str = Field(
        description="The verdict in plain words.", examples=["hands-on USCE first, urgently"]
    )
    text: str = Field(description="The headline sentence, cited.")
    citations: list[int] = Field(default_factory=list, description=CITATIONS)
    items: list[Item] = Field(
        default_factory=list, description="The rule's source sentences, each quoted and cited."
    )


class DirectAnswerBlock(BaseModel):
    """The direct answer to an information question, first in the answer."""

    model_config = _example(
        kind="direct_answer",
        text="Yes, but only weakly: observerships show you were physically in a US hospital, but "
        "they do not carry the same weight as true hands-on experience. [1]",
        citations=[1],
    )

    kind: Literal["direct_answer"] = Field("direct_answer", description=KIND)
    text: str = Field(description="The answer in one or two cited sentences.")
    citations: list[int] = Field(default_factory=list, description=CITATIONS)
    asks: str | None = Field(
        None,
        description="The question of a multi-part message this block answers, as the applicant "
        "wrote it (shortened, markup removed); null when it answers the message as a whole.",
        examples=["can research compensate for my score"],
    )


class PlanItem(Item):
    """One plan step, and what it means for this applicant."""

    for_you: str | None = Field(
        None,
        description="The step measured against the applicant's own facts, from their profile "
        "(not the sources, so not cited); null when no known fact measures it.",
        examples=["about 4–8 more weeks on top of the 4 you have"],
    )


class PlanBlock(BaseModel):
    """Concrete next steps for a decision, each citing the sentences it rests on."""

    model_config = _example(
        kind="plan",
        items=[
            {"text": STEP, "citations": [7], "for_you": None},
            {
                "text": "Leave your rotations with 2–3 strong US clinical letters from attendings "
                "who saw you work clinically. [8]",
                "citations": [8],
                "for_you": "1–2 more on top of the 1 you have",
            },
        ],
    )

    kind: Literal["plan"] = Field("plan", description=KIND)
    items: list[PlanItem] = Field(default_factory=list, description="One step each, cited.")


class WhatWouldChangeBlock(BaseModel):
    """The nearest change of the applicant's facts that would change the verdict."""

    model_config = _example(
        kind="what_would_change",
        text="Once you have 2–3 months of solid hands-on USCE and 2–3 strong US clinical letters, "
        "the advice would change to: you already have USCE and good letters, so add research. "
        "[9][10]",
        citations=[9, 10],
    )

    kind: Literal["what_would_change"] = Field("what_would_change", description=KIND)
    text: str = Field(description="The change and the verdict it would lead to, cited.")
    citations: list[int] = Field(default_factory=list, description=CITATIONS)


class MissingFactsBlock(BaseModel):
    """No verdict yet: the facts that would decide it."""

    model_config = _example(
        kind="missing_facts",
        text="**Which applies to you?** It depends on facts I could not read from your question: "
        "how many US letters of recommendation you have. Tell me those and I will apply the "
        "sources' decision rules.",
        items=[{"text": "how many US letters of recommendation you have", "citations": []}],
    )

    kind: Literal["missing_facts"] = Field("missing_facts", description=KIND)
    text: str = Field(description="The lead sentence.")
    items: list[Item] = Field(default_factory=list, description="One missing fact each.")


class EvidenceBlock(BaseModel):
    """Evidence: verbatim quotes ranked for the question (`origin` sources), or a model's prose
    that the guard kept (`origin` model)."""

    model_config = _example(
        kind="evidence",
        origin="sources",
        title="What the sources say:",
        text=None,
        items=[
            {
                "text": "“If you want to maximize your chances of matching into residency, "
                "hands-on clinical experience is the best choice.” (Types of USCE: which one is "
                "best for your residency match?) [14]",
                "citations": [14],
            }
        ],
    )

    kind: Literal["evidence"] = Field("evidence", description=KIND)
    origin: Literal["sources", "model"] = Field(
        "sources",
        description="`sources`: verbatim quotes in `items`; `model`: a language model's prose "
        "in `text`, sentence by sentence checked by the guard.",
    )
    title: str | None = Field(None, description="A heading, e.g. 'What the sources say:'.")
    text: str | None = Field(None, description="The model's prose (origin model).")
    items: list[Item] = Field(default_factory=list, description="Quotes (origin sources).")


class DisagreementBlock(BaseModel):
    """Sources that differ in emphasis, each side in its source's words."""

    model_config = _example(
        kind="disagreement",
        title="The sources differ in emphasis, research-positive and clinical-first:",
        items=[
            {
                "text": "“Not a substitute for USCE – Should be combined with hands-on "
                "experience.” (Types of USCE: which one is best for your residency match?) [10]",
                "citations": [10],
            }
        ],
    )

    kind: Literal["disagreement"] = Field("disagreement", description=KIND)
    title: str = Field(description="What the sources differ on.")
    items: list[Item] = Field(default_factory=list, description="One side each, quoted and cited.")


class NoticeBlock(BaseModel):
    """A note about the answer (commercial interest, ignored instructions, no answer, scope)."""

    model_config = _example(
        kind="notice",
        code="commercial_interest",
        text="Note: [4], [8], [14] come from a publisher with a commercial interest (it sells "
        "rotations or application products).",
    )

    kind: Literal["notice"] = Field("notice", description=KIND)
    code: Notice = Field(
        description="What the note is about: commercial_interest (a cited publisher sells "
        "rotations or products), injection_ignored (instructions in the question were ignored), "
        "no_answer (the sources do not answer it), out_of_scope (outside the articles' scope), "
        "not_covered (one part of the message is outside the scope; the rest is answered), "
        "llm_unavailable (the model could not be reached; the grounded answer stands), "
        "llm_fallback (too little of the model's draft survived the guard).",
        examples=["commercial_interest"],
    )
    text: str = Field(description="The note, for the reader.")


class ProfileEchoBlock(BaseModel):
    """The applicant's facts as the service read them ("I read your profile as …")."""

    model_config = _example(
        kind="profile_echo",
        text="I read your profile as: 8 years since graduation, no hands-on USCE.",
    )

    kind: Literal["profile_echo"] = Field("profile_echo", description=KIND)
    text: str = Field(
        description="The facts in plain words, so that a misreading can be corrected."
    )


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
