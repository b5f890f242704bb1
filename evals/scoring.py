"""Scoring one answer of one case with every metric, and pooling a backend's cases.

The metrics themselves are pure functions in `evals.metrics`. This module only feeds them one
case's data and gathers the results. It never decides anything a metric module does not define.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.core.types import Answer
from assistant.text.citations import locate
from evals.metrics.abstention import abstention_scores
from evals.metrics.alce import citation_precision, citation_recall, judge_citations
from evals.metrics.answers import AnswerScore, asks_number, case_kind, plan_support, score_answer
from evals.metrics.answers import summarize as answer_summary
from evals.metrics.faithfulness import sentence_supported, supported_share
from evals.metrics.latency import p50_p95
from evals.metrics.must_not import must_not_violations
from evals.metrics.numbers import unsupported_numbers
from evals.metrics.ratio import Ratio
from evals.metrics.retrieval import Span, hit_at_k, mean, recall_at_k, reciprocal_rank
from evals.metrics.statements import statements
from evals.metrics.subquestions import DEFINITIONS as SUB_QUESTION_DEFINITIONS
from evals.metrics.validity import citation_valid, citation_validity
from evals.metrics.verdicts import spurious_verdict, verdict_accuracy, verdict_correct

RETRIEVAL_K = 4
# The sub-question figures: measured by the runner on the probes, not on the eval's cases.
SUB_QUESTION_KEYS = tuple(SUB_QUESTION_DEFINITIONS)


@dataclass
class SentenceScore:
    """One answer sentence as the metrics judged it."""

    text: str
    claim: str
    structural: str | None
    markers: list[int]
    cited_support: bool  # citation recall
    shown_support: bool  # supported by any shown source
    precise: list[int]
    imprecise: list[int]
    unsupported_numbers: list[str]
    reasons: list[str]


@dataclass
class CaseScore:
    """Everything measured on one case for one backend."""

    case_id: str
    category: str
    split: str
    question: str
    backend: str
    error: str | None = None
    answer: dict[str, Any] | None = None
    sentences: list[SentenceScore] = field(default_factory=list)
    citations_valid: dict[int, bool] = field(default_factory=dict)
    gold_spans: int = 0
    retrieval: dict[str, float] | None = None
    expected_verdict: str | None = None
    expected_missing: bool = False
    verdict: str | None = None
    verdict_ok: bool | None = None
    spurious_verdict: bool = False
    expect_abstain: bool = False
    abstained: bool = False
    must_not_hits: list[str] = field(default_factory=list)
    latency_ms: float | None = None
    # The case's share of each pooled metric, from the metric functions themselves.
    recall: Ratio = field(default_factory=Ratio)
    precision: Ratio = field(default_factory=Ratio)
    supported: Ratio = field(default_factory=Ratio)
    validity: Ratio = field(default_factory=Ratio)
    # The optional RAGAS judge's figures (evals/judge.py); empty when no judge ran.
    judge: dict[str, float | None] = field(default_factory=dict)
    # Does the answer answer? (evals/metrics/answers.py); None for an unscored case.
    answers: AnswerScore | None = None

    def problems(self) -> list[str]:
        """What went wrong on this case, most serious first (empty when nothing did)."""
        if self.error:
            return [f"error: {self.error}"]
        found: list[str] = []
        if self.expect_abstain != self.abstained:
            found.append("should abstain" if self.expect_abstain else "abstained wrongly")
        if self.verdict_ok is False:
            want = self.expected_verdict or "no verdict + missing facts named"
            found.append(f"verdict {self.verdict or 'none'}, expected {want}")
        if self.spurious_verdict:
            found.append(f"verdict {self.verdict} on a question that expects none")
        bad = [n for n, ok in self.citations_valid.items() if not ok]
        if bad:
            found.append(f"invalid citations {bad}")
        if self.must_not_hits:
            found.append(f"says what it must not: {self.must_not_hits}")
        numbers = [x for s in self.sentences for x in s.unsupported_numbers]
        if numbers:
            found.append(f"unsupported numbers {numbers}")
        unsupported = sum(1 for s in self.sentences if s.structural is None and not s.cited_support)
        if unsupported:
            found.append(f"{unsupported} sentence(s) not supported by their citations")
        imprecise = sum(len(s.imprecise) for s in self.sentences if s.structural is None)
        if imprecise:
            found.append(f"{imprecise} imprecise citation(s)")
        if self.retrieval is not None and not self.retrieval[f"hit@{RETRIEVAL_K}"]:
            found.append(f"no gold evidence in the top {RETRIEVAL_K}")
        return found

    def severity(self) -> int:
        """A ranking key for the worst failures. Wrong advice outweighs a misplaced marker.

        The weights order failures for the report only; no metric or gate uses them.
        """
        if self.error:
            return 100
        score = 0
        score += 20 * (self.expect_abstain != self.abstained)
        score += 20 * (self.verdict_ok is False)
        score += 10 * len(self.must_not_hits)
        score += 10 * sum(1 for ok in self.citations_valid.values() if not ok)
        score += 5 * sum(len(s.unsupported_numbers) for s in self.sentences)
        score += 3 * sum(1 for s in self.sentences if s.structural is None and not s.shown_support)
        score += 2 * sum(1 for s in self.sentences if s.structural is None and not s.cited_support)
        score += sum(len(s.imprecise) for s in self.sentences if s.structural is None)
        score += 2 * bool(self.retrieval is not None and not self.retrieval[f"hit@{RETRIEVAL_K}"])
        score += 2 * self.spurious_verdict
        return score


def gold_spans(case: Mapping[str, Any], texts: Mapping[str, str]) -> list[Span]:
    """The case's gold phrases located in the backend's document texts."""
    spans = []
    for gold in case.get("gold") or []:
        where = locate(gold["phrase"], texts.get(gold["doc_id"], ""))
        if where:
            spans.append(Span(gold["doc_id"], *where))
    return spans


def _base(case: Mapping[str, Any], backend: str) -> CaseScore:
    return CaseScore(
        case_id=case["id"],
        category=case.get("category", ""),
        split=case.get("split", ""),
        question=case["question"],
        backend=backend,
        expected_verdict=case.get("expected_verdict"),
        expected_missing=bool(case.get("expected_missing")),
        expect_abstain=bool(case.get("expect_abstain")),
    )


def score_error(case: Mapping[str, Any], backend: str, error: str) -> CaseScore:
    """A case the backend failed to answer: it counts in `errors`, not in the other metrics."""
    scored = _base(case, backend)
    scored.error = error
    return scored


def score_case(
    case: Mapping[str, Any],
    answer: Answer,
    *,
    backend: str,
    retrieved: Sequence[Span],
    texts: Mapping[str, str],
    latency_ms: float,
    earlier: Answer | None = None,
) -> CaseScore:
    """Score one answer against its case.

    Args:
        case: One eval case (a row of questions.jsonl).
        answer: The backend's Answer.
        backend: The backend's name.
        retrieved: The evidence the backend retrieved, ranked.
        texts: doc_id -> the text the backend's citation offsets index into.
        latency_ms: Time to answer.
        earlier: For a follow-up, the Answer its earlier turn got on its own.

    Returns:
        The `CaseScore`.
    """
    scored = _base(case, backend)
    scored.answer = answer.model_dump(mode="json")
    scored.latency_ms = latency_ms
    scored.abstained = answer.abstained

    passages = {c.n: c.quote for c in answer.citations}
    titles = {c.title for c in answer.citations}
    judgements = []
    for statement in statements(answer.answer, titles):
        judged = judge_citations(statement, passages)
        shown = sentence_supported(judged, passages)
        judgements.append((judged, shown))
        scored.sentences.append(
            SentenceScore(
                text=statement.text,
                claim=statement.claim,
                structural=statement.structural,
                markers=list(statement.markers),
                cited_support=judged.supported,
                shown_support=shown,
                precise=list(judged.precise),
                imprecise=list(judged.imprecise),
                unsupported_numbers=unsupported_numbers(statement, passages),
                reasons=list(judged.reasons),
            )
        )
    scored.recall = citation_recall(j for j, _ in judgements)
    scored.precision = citation_precision(j for j, _ in judgements)
    scored.supported = supported_share(judgements)
    scored.citations_valid = {c.n: citation_valid(c, texts) for c in answer.citations}
    scored.validity = citation_validity(answer.citations, texts)

    gold = gold_spans(case, texts)
    scored.gold_spans = len(gold)
    if not scored.expect_abstain:
        scored.answers = score_answer(
            scored.answer,
            gold,
            [g["phrase"] for g in case.get("gold") or []],
            kind=case_kind(case),
            numeric=asks_number(case),
            plan_support=plan_support(scored.answer),
            earlier=earlier.model_dump(mode="json") if earlier is not None else None,
        )
    if gold:
        top = list(retrieved)[:RETRIEVAL_K]
        scored.retrieval = {
            f"hit@{RETRIEVAL_K}": hit_at_k(top, gold, RETRIEVAL_K),
            f"recall@{RETRIEVAL_K}": recall_at_k(top, gold, RETRIEVAL_K),
            f"rr@{RETRIEVAL_K}": reciprocal_rank(top, gold),
        }

    verdict = answer.recommendation.verdict.value if answer.recommendation else None
    scored.verdict = verdict
    scored.verdict_ok = verdict_correct(
        scored.expected_verdict, scored.expected_missing, verdict, bool(answer.missing_facts)
    )
    scored.spurious_verdict = spurious_verdict(
        scored.expected_verdict, scored.expected_missing, verdict
    )
    scored.must_not_hits = must_not_violations(
        case.get("must_not") or [], answer.answer, [c.quote for c in answer.citations]
    )
    return scored


# Every figure of a backend's summary: key, label, kind ("share", "count", "ms", "mean").
METRICS: tuple[tuple[str, str, str], ...] = (
    # Does the answer answer the question? First: verbatim quotes support themselves, so the
    # citation figures below are near 1.000 by construction.
    ("evidence_recall", "Evidence recall: cites a passage that answers", "share"),
    ("lead_relevance", "Lead relevance: the lead cites such a passage", "share"),
    ("numeric_answered", "Numeric questions answered with a number", "share"),
    ("facts_request_only", "Information answered only with a request for facts", "share"),
    ("facts_asked_on_information", "Information answers that ask for facts at all", "share"),
    ("plan_steps_supported", "Plan steps supported by their citations", "share"),
    ("follow_up_repeats", "Follow-ups that repeat an unchanged recommendation", "share"),
    # Each ask of a multi-part message, on the sub-question probes (evals/subquestion_probe.py,
    # filled in by the runner for the Advisor's backends)
    ("sub_questions_addressed", "Sub-questions answered or named as not covered", "share"),
    ("covered_answered", "Sub-questions the articles answer, answered", "share"),
    ("not_covered_named", "Sub-questions the articles leave out, named", "share"),
    ("covered_wrongly_named", "Answerable sub-questions named as not covered", "share"),
    ("citation_validity", "Citation validity", "share"),
    ("citation_recall", "Citation recall (ALCE)", "share"),
    ("citation_precision", "Citation precision (ALCE)", "share"),
    ("supported_share", "Sentences supported by shown sources", "share"),
    ("unsupported_numbers", "Numbers not in cited text", "count"),
    ("verdict_accuracy", "Verdict accuracy", "share"),
    ("spurious_verdicts", "Verdicts where none expected", "count"),
    ("abstention_precision", "Abstention precision", "share"),
    ("abstention_recall", "Abstention recall", "share"),
    ("must_not_violations", "must_not violations", "count"),
    (f"retrieval_hit@{RETRIEVAL_K}", f"Retrieval hit@{RETRIEVAL_K}", "share"),
    (f"retrieval_recall@{RETRIEVAL_K}", f"Retrieval recall@{RETRIEVAL_K}", "mean"),
    (f"retrieval_mrr@{RETRIEVAL_K}", f"Retrieval MRR@{RETRIEVAL_K}", "mean"),
    ("latency_p50_ms", "Latency p50 (ms)", "ms"),
    ("latency_p95_ms", "Latency p95 (ms)", "ms"),
    ("errors", "Cases that raised errors", "count"),
)


@dataclass(frozen=True)
class Figure:
    """One summary figure: its value and, for shares, the counts behind it."""

    value: float | None
    hits: int | None = None
    total: int | None = None

    @classmethod
    def share(cls, ratio: Ratio) -> Figure:
        return cls(ratio.value, ratio.hits, ratio.total)


def summarize(scores: Sequence[CaseScore]) -> dict[str, Figure]:
    """Pool a backend's case scores into its summary figures (micro-averaged shares)."""
    ok = [s for s in scores if s.error is None]
    claims = [sent for s in ok for sent in s.sentences if sent.structural is None]
    abstention = abstention_scores((s.expect_abstain, s.abstained) for s in ok)
    retrieval = [s.retrieval for s in ok if s.retrieval is not None]
    p50, p95 = p50_p95([s.latency_ms for s in ok if s.latency_ms is not None])
    k = RETRIEVAL_K
    answers = answer_summary([s.answers for s in ok if s.answers is not None])
    return {
        **{name: Figure(f["value"], f["hits"], f["total"]) for name, f in answers.items()},
        "citation_validity": Figure.share(Ratio.pooled(s.validity for s in ok)),
        "citation_recall": Figure.share(Ratio.pooled(s.recall for s in ok)),
        "citation_precision": Figure.share(Ratio.pooled(s.precision for s in ok)),
        "supported_share": Figure.share(Ratio.pooled(s.supported for s in ok)),
        "unsupported_numbers": Figure(float(sum(len(sent.unsupported_numbers) for sent in claims))),
        "verdict_accuracy": Figure.share(verdict_accuracy(s.verdict_ok for s in ok)),
        "spurious_verdicts": Figure(float(sum(s.spurious_verdict for s in ok))),
        "abstention_precision": Figure.share(abstention.precision),
        "abstention_recall": Figure.share(abstention.recall),
        "must_not_violations": Figure(float(sum(len(s.must_not_hits) for s in ok))),
        f"retrieval_hit@{k}": Figure.share(Ratio.of(bool(r[f"hit@{k}"]) for r in retrieval)),
        f"retrieval_recall@{k}": Figure(
            mean([r[f"recall@{k}"] for r in retrieval]) if retrieval else None, None, len(retrieval)
        ),
        f"retrieval_mrr@{k}": Figure(
            mean([r[f"rr@{k}"] for r in retrieval]) if retrieval else None, None, len(retrieval)
        ),
        "latency_p50_ms": Figure(p50),
        "latency_p95_ms": Figure(p95),
        "errors": Figure(float(len(scores) - len(ok))),
        # (not measured on the eval's cases: the runner measures them on the probes)
        **{key: Figure(None) for key in SUB_QUESTION_KEYS},
    }
