"""Shared types used by every layer: ingest, assistant, surfaces and evals.

The `Answer` model is the JSON contract of design.md (CLI `--json`, API, evals). Field names and
verdict names are fixed: other tools depend on them. Additive fields are allowed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.core import lexicon
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


class Recommendation(BaseModel):
    verdict: Verdict
    rule_id: str
    rationale: str
    citations: list[int] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Answers


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str
    section: str
    quote: str
    start: int
    end: int
    verified: bool
    commercial_interest: bool = False
    stance: str | None = None


class Disagreement(BaseModel):
    """Sources that take different stances on the question, each side with its citations."""

    topic: str
    sides: list[dict[str, Any]]  # {"stance": str, "citations": [n, ...]}


class Timings(BaseModel):
    retrieve: float = 0.0
    generate: float = 0.0
    total: float = 0.0


class FactEvidence(BaseModel):
    """Where a profile fact was read: `text` is `message[start:end]` of the user's message
    number `turn` (0 = the first user message of the conversation; the current question is the
    last). A fact without evidence was given explicitly (the profile form, `--profile`)."""

    start: int
    end: int
    text: str
    turn: int = 0


class Answer(BaseModel):
    question: str
    answer: str
    abstained: bool = False
    abstain_reason: str | None = None
    recommendation: Recommendation | None = None
    profile: dict[str, Any] = Field(default_factory=dict)
    citations: list[Citation] = Field(default_factory=list)
    sources_disagree: list[Disagreement] = Field(default_factory=list)
    backend: str = "grounded"
    guard: dict[str, Any] | None = None
    timings_ms: Timings = Field(default_factory=Timings)
    missing_facts: list[str] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
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
