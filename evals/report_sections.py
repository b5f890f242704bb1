"""The report's sections: which figures go together, in what order, and what each one means.

Both report.md and report.html are laid out from this table, so they open with the same
figures and give the same one-line definitions. The relevance figures come first: verbatim
quotes support themselves, so the faithfulness figures are near 1.000 by construction and say
little about whether an answer answers. The full definitions are in docs/evals.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evals.judge import FAITHFULNESS, RELEVANCY
from evals.metrics.answers import DEFINITIONS as ANSWER_DEFINITIONS
from evals.metrics.subquestions import DEFINITIONS as SUB_QUESTION_DEFINITIONS
from evals.scoring import RETRIEVAL_K

K = RETRIEVAL_K

DEFINITIONS: dict[str, str] = {
    **ANSWER_DEFINITIONS,
    **SUB_QUESTION_DEFINITIONS,
    "citation_validity": "citations whose quote is exactly the document's text at its offsets",
    "citation_recall": "claim sentences whose citations, joined, support them (ALCE recall; an "
    "uncited claim scores 0)",
    "citation_precision": "citations that support their sentence alone or are needed for it "
    "(ALCE precision)",
    "supported_share": "claim sentences supported by their own citations, or by any one "
    "citation the answer shows",
    "unsupported_numbers": "numbers, ranges, dates and scores in claims that the cited passages "
    "do not state (lower is better)",
    "verdict_accuracy": "cases expecting a verdict (or missing facts) where the verdict equals "
    "the label (or the missing facts are named)",
    "spurious_verdicts": "verdicts given on cases that expect none (lower is better)",
    "abstention_precision": "abstentions that were on out-of-scope questions",
    "abstention_recall": "out-of-scope questions the answer abstained on",
    "must_not_violations": "strings the case forbids, found in the answer or its quotes "
    "(lower is better)",
    f"retrieval_hit@{K}": f"cases with gold evidence where a top-{K} chunk covers half of a gold "
    "phrase",
    f"retrieval_recall@{K}": f"mean share of a case's gold phrases found in the top {K}",
    f"retrieval_mrr@{K}": f"mean of 1/rank of the first top-{K} chunk that holds gold",
    "latency_p50_ms": "median time to answer (compare backends within one run only)",
    "latency_p95_ms": "95th percentile time to answer",
    "errors": "cases whose backend raised; left out of every other figure",
    FAITHFULNESS: "share of the answer's statements the judge model finds in the quotes",
    RELEVANCY: "cosine between the question and a question the judge writes back from the answer",
}


@dataclass(frozen=True)
class Section:
    """A heading, one line on why it matters, and the metric keys under it."""

    title: str
    intro: str
    keys: tuple[str, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        "Relevance: does the answer answer the question?",
        "Against gold that lists every passage of the articles that answers the question.",
        tuple(ANSWER_DEFINITIONS),
    ),
    Section(
        "Sub-questions: is each ask answered, or named as not covered?",
        "On the sub-question probes' messages of the same split (subquestions_a.jsonl, "
        "subquestions_b.jsonl), every ask labelled: whether the articles answer it, and where.",
        tuple(SUB_QUESTION_DEFINITIONS),
    ),
    Section(
        "Faithfulness: is every claim backed by its citations?",
        "Verbatim quotes support themselves, so these stay near 1.000 by construction; a drop "
        "means a broken or misplaced citation.",
        (
            "citation_validity",
            "citation_recall",
            "citation_precision",
            "supported_share",
            "unsupported_numbers",
        ),
    ),
    Section(
        "Decisions: verdicts, abstentions, forbidden advice",
        "Whether the recommendation and the refusals are the right ones.",
        (
            "verdict_accuracy",
            "spurious_verdicts",
            "abstention_precision",
            "abstention_recall",
            "must_not_violations",
        ),
    ),
    Section(
        "Retrieval",
        "Measured on the evidence each answer was built from.",
        (f"retrieval_hit@{K}", f"retrieval_recall@{K}", f"retrieval_mrr@{K}"),
    ),
    Section(
        "Run",
        "Speed and health of the run.",
        ("latency_p50_ms", "latency_p95_ms", "errors"),
    ),
    Section(
        "Optional judge (RAGAS)",
        "Model-judged, indicative only, never gated.",
        (FAITHFULNESS, RELEVANCY),
    ),
)


def sections(keys: Sequence[str]) -> list[tuple[Section, list[str]]]:
    """The sections that hold any of `keys`, each with its keys in section order.

    A key no section lists (a metric added later) lands in a last "Other figures" section, so a
    report never drops a figure.
    """
    out = [(s, [k for k in s.keys if k in keys]) for s in SECTIONS]
    listed = {k for s in SECTIONS for k in s.keys}
    other = [k for k in keys if k not in listed]
    if other:
        out.append((Section("Other figures", "", tuple(other)), other))
    return [(s, ks) for s, ks in out if ks]
