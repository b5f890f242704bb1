"""The codes an answer carries: notices (in `Answer.notices` and `notice` blocks) and the guard's
verdict on each sentence of a model's draft (`Answer.guard`). String enums: they serialise as the
plain strings of the JSON contract, and the chat page's labels (web/static/labels.js) key on them.
"""

from __future__ import annotations

from enum import StrEnum


class Notice(StrEnum):
    """A note about an answer. In `Answer.notices` a code may be followed by ": detail"."""

    COMMERCIAL_INTEREST = "commercial_interest"  # a cited publisher sells rotations or products
    INJECTION_IGNORED = "injection_ignored"  # instructions in the question were ignored
    NO_ANSWER = "no_answer"  # the sources do not answer the question
    OUT_OF_SCOPE = "out_of_scope"  # the question is outside the articles' scope
    NOT_COVERED = "not_covered"  # one ask of the message is outside the scope; the rest answered
    LLM_UNAVAILABLE = "llm_unavailable"  # the model could not be reached or built
    LLM_FALLBACK = "llm_fallback"  # too little of the model's draft survived the guard

    def with_detail(self, detail: str) -> str:
        return f"{self.value}: {detail}"


class GuardCode(StrEnum):
    """What the guard decided about one sentence of a model's draft (docs/answering.md)."""

    # kept
    SUPPORTED = "supported"
    ATTRIBUTED = "attributed"
    NO_ANSWER = "no_answer"
    # dropped
    NO_CITATION = "no_citation"
    UNKNOWN_CITATION = "unknown_citation"
    CONTRADICTS_VERDICT = "contradicts_verdict"
    DECIDES_WITHOUT_FACTS = "decides_without_facts"
    INVENTED_NUMBER = "invented_number"
    UNSUPPORTED = "unsupported"
    UNSUPPORTED_STANCE = "unsupported_stance"
    ALTERED_QUOTE = "altered_quote"
    QUESTION = "question"
    ABOUT_THE_READER = "about_the_reader"
    REPEATED = "repeated"
    EMPTY = "empty"
    TOO_LONG = "too_long"
