"""Shared types used by every layer: ingest, assistant, surfaces and evals.

The `Answer` model is the JSON contract of design.md (CLI `--json`, API, evals). Field names and
verdict names are fixed: other tools depend on them. Additive fields are allowed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.core import blocks, lexicon
from assistant.core.blocks import Block
from assistant.core.lexicon import SpecialtyClass
from assistant.core.verdict import Verdict

__all__ = [
    "Block",
    "SpecialtyClass",
    "Verdict",
]  # re-exported: every layer takes its shared types from here

# --------------------------------------------------------------------------------------------
# Corpus


class DocumentMeta(BaseModel):
    """What the corpus metadata file says about one document (all optional but the id)."""

    doc_id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    kind: Literal["advice", "commercial"] = "advice"
    stance: str = "unknown"  # e.g. "usce_first", "research_positive", "neutral"
    commercial_interest: bool = False
    topics: list[str] = Field(default_factory=list)
    note: str | None = None


class Document(BaseModel):
    """A corpus document after cleaning. `text` is the canonical text all offsets index into."""

    meta: DocumentMeta
    source_path: str
    raw_sha256: str
    text: str


class Chunk(BaseModel):
    """A retrievable span of a document's canonical text: `text == doc.text[start:end]`."""

    model_config = ConfigDict(frozen=True)

    id: str  # content hash of (doc_id, start, end, text)
    doc_id: str
    title: str
    section: str  # heading path, " > " separated
    start: int
    end: int
    text: str
    kind: Literal["prose", "list", "table", "faq"] = "prose"


class ScoredChunk(BaseModel):
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    sparse_rank: int | None = None


# --------------------------------------------------------------------------------------------
# Applicant profile and verdicts


UsceType = Literal[
    "observership",
    "shadowing",
    "volunteering",
    "virtual",
    "externship",
    "sub-internship",
    "clerkship",
    "elective",
    "research",
]

# The kinds that count as hands-on USCE: the lexicon's `experience` rows marked hands_on.
HANDS_ON_TYPES: frozenset[str] = lexicon.load().hands_on_kinds


class Profile(BaseModel):
    """Applicant facts. `None` means unknown: never guess a fact."""

    graduation_year: int | None = None
    years_since_graduation: float | None = None
    is_student: bool | None = None
    step1: str | None = None  # "pass", "fail" or a 3-digit score as text
    step2_ck: int | None = None
    usce_hands_on_months: float | None = None
    usce_other_months: float | None = None  # observership, shadowing, virtual: not hands-on
    usce_types: list[str] = Field(default_factory=list)
    last_usce_year: int | None = None  # when the last hands-on USCE was done
    usce_years_ago: float | None = None  # how long before now (the rules' recency test)
    us_letters: int | None = None
    specialty: str | None = None
    specialty_class: SpecialtyClass | None = None
    home_clinical_recent: bool | None = None
    research_output: int | None = None  # publications / abstracts / posters
    unmatched_before: bool | None = None
    visa: str | None = None
    can_afford_only_one: bool | None = None
    money_tight: bool | None = None
    academic_aim: bool | None = None
    # the time the applicant says is all they have ("I can only do 1 month", "max 6 weeks off")
    months_available: float | None = None

    def known(self) -> dict[str, Any]:
        """The facts that are known (not None, not empty)."""
        return {k: v for k, v in self.model_dump().items() if v not in (None, [], "")}


class ProfileInput(Profile):
    """A Profile as a client sends it: the same facts, refused when no applicant could have them.

    The rules layer copes with any number, but a NaN, a negative month count or a Step 2 CK score
    of 900 is a client bug; a clear error (422 in the API) beats a verdict decided on nonsense.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    graduation_year: int | None = Field(None, ge=1950, le=2100)
    years_since_graduation: float | None = Field(None, ge=0, le=80)
    step2_ck: int | None = Field(None, ge=1, le=300)
    usce_hands_on_months: float | None = Field(None, ge=0, le=600)
    usce_other_months: float | None = Field(None, ge=0, le=600)
    last_usce_year: int | None = Field(None, ge=1950, le=2100)
    usce_years_ago: float | None = Field(None, ge=0, le=80)
    us_letters: int | None = Field(None, ge=0, le=100)
    research_output: int | None = Field(None, ge=0, le=10_000)
    months_available: float | None = Field(None, ge=0, le=600)


def profile_error(error: dict[str, Any]) -> str:
    """One validation error of a profile, in words. An unknown key ("letters") names the keys
    there are, rather than pydantic's "Extra inputs are not permitted"."""
    if error.get("type") == "extra_forbidden":
        return "unknown key; the profile keys are " + ", ".join(ProfileInput.model_fields)
    return str(error.get("msg", "invalid"))


class Recommendation(BaseModel):
    """The rules layer's verdict for a prioritisation question (design.md, Verdicts)."""

    verdict: Verdict = Field(description=blocks.VERDICT, examples=["USCE_URGENT"])
    rule_id: str = Field(
        description="Id of the rule that decided (docs/answering.md, the rules table); "
        "internal, for checking and evals.",
        examples=["R1_urgent_old_grad_no_usce"],
    )
    rationale: str = Field(description="Why the rule applies to this profile, in plain words.")
    citations: list[int] = Field(
        default_factory=list,
        description="Citation numbers of the source sentences behind the rule.",
        examples=[[1, 2]],
    )


# --------------------------------------------------------------------------------------------
# Answers


class Citation(BaseModel):
    """One quoted source sentence; the answer's [n] markers point at `n`."""

    n: int = Field(description="The number the [n] markers use, from 1.", examples=[1])
    doc_id: str = Field(
        description="The document (GET /api/documents/{doc_id}).", examples=["types-of-usce"]
    )
    title: str = Field(description="The document's title.")
    section: str = Field(
        description="Heading path of the quoted span in the document, ' > ' separated.",
        examples=["Which Type of USCE Should You Choose?"],
    )
    quote: str = Field(
        description="Verbatim text of the source: `text[start:end]` of the document, with "
        "whitespace perhaps collapsed.",
        examples=[
            "If you want to maximize your chances of matching into residency, hands-on clinical "
            "experience is the best choice."
        ],
    )
    start: int = Field(description="Character offset of the quote in the document's `text`.")
    end: int = Field(description="Character offset just past the quote.")
    verified: bool = Field(
        description="The quote was found at start:end of the canonical text (checked for every "
        "answer)."
    )
    commercial_interest: bool = Field(
        False, description="The publisher sells rotations or products related to the advice."
    )
    stance: str | None = Field(
        None,
        description="The document's stance in the corpus metadata, e.g. usce_first, "
        "research_positive, neutral.",
        examples=["usce_first"],
    )


class Disagreement(BaseModel):
    """Sources that take different stances on the question, each side with its citations."""

    topic: str = Field(
        description="What they differ on.",
        examples=["research versus hands-on US clinical experience"],
    )
    sides: list[dict[str, Any]] = Field(
        description="One entry per side: its stance and the citation numbers that state it.",
        examples=[
            [
                {"stance": "research_positive", "citations": [9]},
                {"stance": "usce_first", "citations": [10]},
            ]
        ],
    )


class Timings(BaseModel):
    """Where the time went, in milliseconds."""

    retrieve: float = Field(0.0, description="Hybrid retrieval (dense + BM25).")
    generate: float = Field(
        0.0, description="Composing the answer (and the model and guard, on a model backend)."
    )
    total: float = Field(0.0, description="The whole question, end to end.")


class FactEvidence(BaseModel):
    """Where a profile fact was read: `text` is `message[start:end]` of the user's message
    number `turn` (0 = the first user message of the conversation; the current question is the
    last). A fact without evidence was given explicitly (the profile form, `--profile`)."""

    start: int = Field(description="Character offset in the message.", examples=[2])
    end: int = Field(description="Character offset just past the span.", examples=[19])
    text: str = Field(
        description="The words the fact was read from.", examples=["graduated in 2018"]
    )
    turn: int = Field(
        0, description="Which user message, from 0 (the last is the current question)."
    )


class Answer(BaseModel):
    """The answer to one question: the same object in the API, the CLI's --json and the evals."""

    question: str = Field(description="The question as answered (trimmed).")
    answer: str = Field(
        description="Markdown with inline [n] markers that number `citations`: the rendering "
        "of `blocks`.",
        examples=["**Recommendation (hands-on USCE first, urgently):** … [1]"],
    )
    abstained: bool = Field(
        False,
        description="True for a question outside the corpus's scope: a fixed refusal, no "
        "citations, no model call.",
    )
    abstain_reason: str | None = Field(
        None,
        description="Why it abstained, in words (null unless `abstained`).",
        examples=["clinical question"],
    )
    recommendation: Recommendation | None = Field(
        None,
        description="The verdict; null when the question is not a prioritisation question or "
        "the profile lacks the facts a verdict needs (then see `missing_facts`).",
    )
    profile: dict[str, Any] = Field(
        default_factory=dict,
        description="The applicant facts the service used, read from the conversation and the "
        "explicit profile (explicit wins); only known facts appear.",
        examples=[
            {
                "graduation_year": 2018,
                "years_since_graduation": 8.0,
                "is_student": False,
                "usce_hands_on_months": 0.0,
            }
        ],
    )
    citations: list[Citation] = Field(
        default_factory=list, description="The numbered quotes the [n] markers refer to."
    )
    sources_disagree: list[Disagreement] = Field(
        default_factory=list,
        description="Where the cited sources take different stances on the question.",
    )
    backend: str = Field(
        "grounded",
        description="What wrote the answer: grounded (no language model), local, openai:MODEL "
        "or ollama:MODEL.",
        examples=["grounded"],
    )
    guard: dict[str, Any] | None = Field(
        None,
        description="When a model backend was asked: the guard's report on its draft (every "
        "sentence kept or dropped, with its reason; docs/answering.md). Null otherwise.",
    )
    timings_ms: Timings = Field(default_factory=Timings, description="Milliseconds spent.")
    missing_facts: list[str] = Field(
        default_factory=list,
        description="When there is no verdict for lack of facts: the facts that would decide it.",
        examples=[["how many US letters of recommendation you have"]],
    )
    notices: list[str] = Field(
        default_factory=list,
        description="Notes about how the question was handled: injection_ignored, "
        "not_covered (with ': ' and why, e.g. 'not_covered: prices and fees'), "
        "llm_unavailable, llm_fallback. The reader's notes (commercial interest among them) "
        "are `notice` blocks.",
        examples=[["injection_ignored"]],
    )
    blocks: list[Block] = Field(
        default_factory=list,
        description="The answer's structure as typed parts, in order; `answer` is their "
        "markdown rendering (design.md, Answer blocks).",
    )
    profile_evidence: dict[str, FactEvidence] = Field(
        default_factory=dict,
        description="For each fact in `profile` that was read from the conversation, the span "
        "of the user's message it was read from; facts given explicitly have none.",
    )
