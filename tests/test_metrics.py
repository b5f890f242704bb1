"""Every eval metric on hand-made cases with known values (pure: no index, no model)."""

from __future__ import annotations

import pytest

from assistant.answer.composer import ABSTAIN_TEXT, INJECTION_NOTICE
from assistant.core.types import Answer, Citation, Recommendation, Verdict
from assistant.text.support import SupportResult
from evals.gate import Check, Shortfall, check, load_shortfalls, load_thresholds
from evals.metrics.abstention import abstention_scores
from evals.metrics.agreement import agreement
from evals.metrics.alce import citation_precision, citation_recall, judge_citations
from evals.metrics.faithfulness import sentence_supported, supported_share
from evals.metrics.latency import p50_p95, percentile
from evals.metrics.must_not import must_not_violations
from evals.metrics.numbers import unsupported_numbers
from evals.metrics.ratio import Ratio
from evals.metrics.retrieval import Span, hit_at_k, recall_at_k, reciprocal_rank
from evals.metrics.statements import Statement, classify, is_abstention_text, statements
from evals.metrics.validity import citation_valid, citation_validity
from evals.metrics.verdicts import spurious_verdict, verdict_accuracy, verdict_correct
from evals.scoring import Figure, score_case, summarize

# Hand-written passages in the corpus's register (not copied from the eval cases).
MINIMUM = "Two to three months of hands-on USCE is the minimum target for most applicants."
LETTERS = "Programs rely on strong US letters of recommendation from attendings."
TITLE = "A made-up guide to USCE for IMGs"


def claim(text: str, *markers: int) -> Statement:
    return Statement(text, text, tuple(markers))


def words_scorer(claim_text: str, passage: str) -> SupportResult:
    """Toy scorer with obvious verdicts: supported iff every claim word is in the passage."""
    words = set(claim_text.lower().split())
    ok = bool(words) and words <= set(passage.lower().split())
    return SupportResult(supported=ok, score=float(ok), overlap=float(ok))


# --------------------------------------------------------------------------------------------
# Ratio


def test_ratio_is_undefined_without_items_and_pools_counts() -> None:
    assert Ratio().value is None
    assert Ratio.of([True, False, True, True]).value == 0.75
    assert Ratio.pooled([Ratio(1, 1), Ratio(0, 3)]) == Ratio(1, 4)  # micro, not mean of 1 and 0


# --------------------------------------------------------------------------------------------
# The structural-sentence rule


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("_I read your profile as: 7 years since graduation, no hands-on USCE._", "profile echo"),
        ("_I could not read any profile facts from your question._", "profile echo"),
        # a plan step measured against the applicant's facts (checked by tests/test_plan.py)
        ("_For you: about 4–8 more weeks on top of the 4 you have._", "for-you note"),
        ("**What the sources say:**", "heading"),
        ("## Hands-on rotations", "heading"),
        ("If you have:", "heading"),
        ("💡 What is it?", "question"),
        ("**I can't give you a firm recommendation yet.**", "missing-facts notice"),
        (
            "It depends on facts I could not read from your question: your letters.",
            "missing-facts notice",
        ),
        (
            "_Note: [1], [3] come from a publisher with a commercial interest (it sells …)._",
            "provenance note",
        ),
        ("_" + INJECTION_NOTICE + "_", "injection notice"),
        ("” [2]", "empty"),
    ],
)
def test_structural_sentences_are_not_claims(sentence: str, reason: str) -> None:
    statement = classify(sentence)
    assert statement.structural == reason
    assert not statement.needs_support and statement.claim == ""


def test_the_fixed_abstention_text_is_structural_whatever_the_reason() -> None:
    text = ABSTAIN_TEXT.format(reason="This question is outside that scope (unrelated topic).")
    assert is_abstention_text(text)
    found = statements(text)
    assert found and all(s.structural == "abstention text" for s in found)
    # Its example question has a number, which must not count as an unsupported number.
    assert all(unsupported_numbers(s, {}) == [] for s in found)


def test_claims_lose_labels_markers_and_source_attributions() -> None:
    verdict = classify("**Recommendation: get hands-on USCE before research.** [1]")
    assert verdict.needs_support and verdict.claim == "get hands-on USCE before research."
    assert verdict.markers == (1,)
    quote = classify(f"- “{MINIMUM}” ({TITLE[:20]}…) [2]", [TITLE])
    assert quote.claim == f"“{MINIMUM}”"
    # ... and the heading a quoted list item stands under is where it comes from, too
    item = classify(f"- “{MINIMUM}” ({TITLE[:20]}…, under “If money is tight”) [2]", [TITLE])
    assert item.claim == f"“{MINIMUM}”"
    quoting = classify(f"- “{MINIMUM}” ({TITLE[:20]}…, under “Is “Enough” Enough?”) [2]", [TITLE])
    assert quoting.claim == f"“{MINIMUM}”"
    # (but not after anything that is not a cited title)
    other = classify("Electives count (for students, under “3. Externships”). [1]", [TITLE])
    assert "under" in other.claim
    # A parenthetical that is not a cited title is part of the claim.
    kept = classify("Electives (for students) count as hands-on. [1]", [TITLE])
    assert "(for students)" in kept.claim


def test_a_quoted_passage_of_two_sentences_is_one_statement() -> None:
    text = f"**In short:** “{MINIMUM} {LETTERS}” [1]\n\n**Bold lead.** Then a claim. [2]"
    found = statements(text)
    assert [s.markers for s in found] == [(1,), (), (2,)]
    assert found[0].claim == f"“{MINIMUM} {LETTERS}”"


def test_a_marker_split_off_by_the_splitter_rejoins_its_sentence() -> None:
    found = statements("- “Observerships are not hands-on.” (A title) [3]", ["A title"])
    assert len(found) == 1 and found[0].markers == (3,)


# --------------------------------------------------------------------------------------------
# Citation validity


def make_citation(n: int, text: str, quote: str, doc_id: str = "doc") -> Citation:
    start = text.find(quote)
    return Citation(
        n=n,
        doc_id=doc_id,
        title=TITLE,
        section="",
        quote=quote,
        start=start,
        end=start + len(quote),
        verified=True,
    )


def test_citation_validity_is_one_for_verbatim_quotes_and_zero_otherwise() -> None:
    text = f"Intro. {MINIMUM} {LETTERS}"
    good = [make_citation(1, text, MINIMUM), make_citation(2, text, LETTERS)]
    assert citation_validity(good, {"doc": text}).value == 1.0
    shifted = good[0].model_copy(update={"start": good[0].start + 1, "end": good[0].end + 1})
    altered = good[1].model_copy(update={"quote": LETTERS.replace("strong", "weak")})
    unknown = good[0].model_copy(update={"doc_id": "elsewhere"})
    assert citation_validity([shifted, altered, unknown], {"doc": text}).value == 0.0
    # Whitespace may be collapsed (design.md); nothing else may differ.
    spaced = text.replace("hands-on USCE", "hands-on\n  USCE")
    collapsed = make_citation(
        1, spaced, spaced[spaced.find("Two") : spaced.find("applicants.") + 11]
    )
    assert citation_valid(collapsed.model_copy(update={"quote": MINIMUM}), {"doc": spaced})


# --------------------------------------------------------------------------------------------
# ALCE citation recall and precision (real scorer)


def test_citation_recall_and_precision_are_one_for_verbatim_cited_sentences() -> None:
    passages = {1: MINIMUM, 2: LETTERS}
    judged = [
        judge_citations(claim(MINIMUM, 1), passages),
        judge_citations(claim(LETTERS, 2), passages),
    ]
    assert citation_recall(judged).value == 1.0
    assert citation_precision(judged).value == 1.0


def test_citation_recall_and_precision_are_zero_for_wrong_uncited_or_dangling() -> None:
    passages = {1: MINIMUM}
    judged = [
        judge_citations(claim("Six months of hands-on USCE is the minimum target.", 1), passages),
        judge_citations(claim(LETTERS), passages),  # no citation
        judge_citations(claim(MINIMUM, 9), passages),  # [9] does not exist
    ]
    assert citation_recall(judged) == Ratio(0, 3)
    assert citation_precision(judged) == Ratio(0, 2)  # the uncited sentence has no citation
    assert "no citation" in judged[1].reasons
    assert judged[2].dangling == (9,)


def test_structural_sentences_and_their_markers_are_left_out() -> None:
    note = classify("_Note: [1] comes from a publisher with a commercial interest._")
    judged = [judge_citations(note, {1: MINIMUM})]
    assert citation_recall(judged) == Ratio(0, 0)
    assert citation_precision(judged) == Ratio(0, 0)


# ALCE precision with a toy scorer whose verdicts are obvious.


def test_a_citation_needed_for_joint_support_is_precise_and_a_spare_one_is_not() -> None:
    passages = {1: "alpha beta", 2: "gamma delta", 3: "unrelated words"}
    both = judge_citations(claim("alpha gamma", 1, 2), passages, words_scorer)
    assert both.supported and both.precise == (1, 2)  # neither alone, each needed
    spare = judge_citations(claim("alpha gamma", 1, 2, 3), passages, words_scorer)
    assert spare.supported and spare.precise == (1, 2) and spare.imprecise == (3,)
    assert citation_precision([both, spare]) == Ratio(4, 5)
    alone = judge_citations(claim("alpha", 1, 3), passages, words_scorer)
    assert alone.precise == (1,) and alone.imprecise == (3,)


def test_unsupported_sentence_makes_all_its_citations_imprecise() -> None:
    passages = {1: "alpha", 2: "gamma"}
    judged = judge_citations(claim("alpha gamma omega", 1, 2), passages, words_scorer)
    assert not judged.supported and judged.imprecise == (1, 2)


# --------------------------------------------------------------------------------------------
# Share of sentences supported by any shown source


def test_supported_share_accepts_support_from_another_shown_citation() -> None:
    passages = {1: MINIMUM, 2: LETTERS}
    misplaced = judge_citations(claim(LETTERS, 1), passages)  # cites the wrong one
    invented = judge_citations(claim("Research guarantees a residency match.", 1), passages)
    flags = [(j, sentence_supported(j, passages)) for j in (misplaced, invented)]
    assert not misplaced.supported and flags[0][1]
    assert supported_share(flags) == Ratio(1, 2)
    assert supported_share([]).value is None


# --------------------------------------------------------------------------------------------
# Numbers not in the cited text


def test_unsupported_numbers_counts_quantities_the_cited_text_lacks() -> None:
    passages = {1: "Aim for 2–3 months of hands-on USCE within 1–3 years of applying."}
    assert unsupported_numbers(claim("Aim for 3 months of USCE.", 1), passages) == []
    assert unsupported_numbers(claim("Aim for 6 months of USCE within 5 years.", 1), passages) == [
        "6 months",
        "5 years",
    ]
    assert unsupported_numbers(claim("Aim for 2 weeks of USCE.", 1), passages) == ["2 weeks"]
    assert unsupported_numbers(claim("Aim for 3 months of USCE."), passages) == ["3 months"]
    echo = classify("_I read your profile as: 7 years since graduation._")
    assert unsupported_numbers(echo, passages) == []


# --------------------------------------------------------------------------------------------
# Verdicts, abstention, must_not


def test_verdict_accuracy() -> None:
    assert verdict_correct("USCE_FIRST", False, "USCE_FIRST", False) is True
    assert verdict_correct("USCE_FIRST", False, "ADD_RESEARCH", False) is False
    assert verdict_correct(None, True, None, True) is True  # missing facts, named
    assert verdict_correct(None, True, None, False) is False  # silent about what is missing
    assert verdict_correct(None, True, "USCE_FIRST", False) is False  # guessed
    assert verdict_correct(None, False, "USCE_FIRST", False) is None  # no expectation
    assert spurious_verdict(None, False, "USCE_FIRST")
    assert not spurious_verdict(None, False, None)
    assert verdict_accuracy([True, None, True, True]).value == 1.0
    assert verdict_accuracy([False, None, False]).value == 0.0
    assert verdict_accuracy([None]).value is None


def test_abstention_precision_and_recall() -> None:
    perfect = abstention_scores([(True, True), (False, False), (True, True)])
    assert perfect.precision.value == 1.0 and perfect.recall.value == 1.0
    never = abstention_scores([(True, False), (False, False)])
    assert never.precision.value is None and never.recall.value == 0.0
    mixed = abstention_scores([(True, True), (False, True), (True, False), (False, False)])
    assert mixed.precision == Ratio(1, 2) and mixed.recall == Ratio(1, 2)


def test_must_not_matches_answer_and_quotes_case_insensitively() -> None:
    banned = ["observerships count as hands-on", "research is always better"]
    assert must_not_violations(banned, "Observerships COUNT as hands-on experience.") == [banned[0]]
    assert must_not_violations(banned, "Fine.", ["…research is always better…"]) == [banned[1]]
    assert must_not_violations(banned, "Observerships do not count as hands-on.") == []


# --------------------------------------------------------------------------------------------
# Latency, agreement, retrieval


def test_percentiles_interpolate_linearly() -> None:
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert percentile([7.0], 95) == 7.0
    assert p50_p95([]) == (None, None)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_agreement_counts_and_kappa() -> None:
    perfect = agreement([True, False, True, False], [True, False, True, False])
    assert perfect.accuracy.value == 1.0 and perfect.kappa == 1.0
    chance = agreement([True, True, False, False], [True, False, True, False])
    assert chance.accuracy.value == 0.5 and chance.kappa == 0.0
    wrong = agreement([True, False], [False, True])
    assert wrong.accuracy.value == 0.0 and wrong.precision.value == 0.0
    assert (wrong.true_pos, wrong.false_pos, wrong.false_neg, wrong.true_neg) == (0, 1, 1, 0)
    with pytest.raises(ValueError):
        agreement([True], [])


def test_retrieval_metrics_over_spans() -> None:
    gold = [Span("a", 100, 140), Span("b", 0, 50)]
    ranked = [Span("c", 0, 500), Span("a", 90, 130), Span("a", 0, 105), Span("b", 40, 300)]
    assert hit_at_k(ranked, gold, 1) == 0.0  # wrong document
    assert hit_at_k(ranked, gold, 2) == 1.0  # covers 30 of the 40 gold characters
    assert recall_at_k(ranked, gold, 4) == 0.5  # [40, 300) covers only 10 of b's 50
    assert reciprocal_rank(ranked, gold) == 0.5
    assert reciprocal_rank(ranked[:1], gold) == 0.0


# --------------------------------------------------------------------------------------------
# Gate


def test_gate_reports_what_misses_and_by_how_much() -> None:
    summaries = {
        "grounded": {
            "citation_recall": Figure(0.9, 9, 10),
            "unsupported_numbers": Figure(2.0),
            "abstention_precision": Figure(None, 0, 0),
        }
    }
    thresholds = {
        "grounded": [
            ("citation_recall", ">=", 0.95),
            ("unsupported_numbers", "<=", 0.0),
            ("abstention_precision", ">=", 0.95),
        ],
        "local": [("citation_recall", ">=", 0.5)],
    }
    checks = {(c.backend, c.metric): c for c in check(summaries, thresholds)}
    recall = checks[("grounded", "citation_recall")]
    assert not recall.passed and recall.shortfall == pytest.approx(0.05)
    assert "misses by 0.05" in recall.describe()
    assert checks[("grounded", "unsupported_numbers")].shortfall == 2.0
    assert not checks[("grounded", "abstention_precision")].passed  # undefined never passes
    assert checks[("local", "citation_recall")].note == "not run"
    assert Check("g", "m", ">=", 0.95, 0.95).passed


def test_known_shortfall_is_a_ratchet_not_a_lower_target() -> None:
    thresholds = {"g": [("hit", ">=", 0.95), ("numbers", "<=", 0.0)]}
    known = {("g", "hit"): Shortfall(0.6, "why"), ("g", "numbers"): Shortfall(2.0, "why")}

    def status(hit: float | None, numbers: float) -> list[str]:
        summaries = {"g": {"hit": Figure(hit), "numbers": Figure(numbers)}}
        return [c.status for c in check(summaries, thresholds, known)]

    assert status(0.7, 1.0) == ["known", "known"]  # below target, not below the record
    assert status(0.6, 2.0) == ["known", "known"]  # exactly the recorded value
    assert status(0.59, 3.0) == ["FAIL", "FAIL"]  # worse than recorded: a regression
    assert status(0.95, 0.0) == ["pass", "pass"]  # the target, and only the target, is a pass
    assert status(None, 0.0)[0] == "FAIL"  # undefined never passes
    strict = check({"g": {"hit": Figure(0.7), "numbers": Figure(0.0)}}, thresholds)
    assert [c.status for c in strict] == ["FAIL", "pass"]  # without the file: targets only
    known_check = check({"g": {"hit": Figure(0.7), "numbers": Figure(0.0)}}, thresholds, known)[0]
    assert not known_check.met and known_check.passed
    described = known_check.describe()
    assert "misses by 0.25" in described and "known shortfall" in described


def test_known_shortfalls_file_names_gated_metrics_with_reasons() -> None:
    known = load_shortfalls()
    gated = {(b, m): op for b, rows in load_thresholds().items() for m, op, _ in rows}
    for (backend, metric), entry in known.items():
        assert (backend, metric) in gated, f"{backend}.{metric} is not gated"
        target = {m: t for m, _, t in load_thresholds()[backend]}[metric]
        below = entry.floor < target if gated[(backend, metric)] == ">=" else entry.floor > target
        assert below and entry.why  # a shortfall is on the wrong side of its target


# --------------------------------------------------------------------------------------------
# One answer through every metric


def test_score_case_and_summary_on_a_hand_made_answer() -> None:
    text = f"Intro. {MINIMUM} {LETTERS}"
    citations = [make_citation(1, text, MINIMUM), make_citation(2, text, LETTERS)]
    answer = Answer(
        question="How much USCE do I need?",
        answer=(
            "**Recommendation: get hands-on USCE first.** Because I say so. [1]\n\n"
            "_I read your profile as: 6 years since graduation._\n\n"
            f"**What the sources say:**\n- “{MINIMUM}” ({TITLE}) [1]\n- “{LETTERS}” ({TITLE}) [2]"
        ),
        citations=citations,
        recommendation=Recommendation(verdict=Verdict.USCE_FIRST, rule_id="R", rationale="r"),
    )
    case = {
        "id": "t-1",
        "split": "dev",
        "category": "scenario",
        "question": answer.question,
        "expect_abstain": False,
        "expected_verdict": "USCE_FIRST",
        "expected_missing": False,
        "gold": [{"doc_id": "doc", "phrase": "months of hands-on USCE is the minimum"}],
        "must_not": ["research first"],
    }
    scored = score_case(
        case,
        answer,
        backend="test",
        retrieved=[Span("doc", 0, len(text))],
        texts={"doc": text},
        latency_ms=12.0,
    )
    structural = [s.structural for s in scored.sentences]
    assert structural == [None, None, "profile echo", "heading", None, None]
    assert scored.recall == Ratio(2, 4)  # headline uncited, "Because I say so." unsupported
    assert scored.precision == Ratio(2, 3)
    assert scored.verdict_ok is True and scored.retrieval == {
        "hit@4": 1.0,
        "recall@4": 1.0,
        "rr@4": 1.0,
    }
    assert scored.validity == Ratio(2, 2) and not scored.must_not_hits
    summary = summarize([scored])
    assert summary["citation_recall"].value == 0.5
    assert summary["verdict_accuracy"].value == 1.0
    assert summary["unsupported_numbers"].value == 0
    assert summary["abstention_precision"].value is None
    assert summary["latency_p50_ms"].value == 12.0
    assert "verdict" not in " ".join(scored.problems())
