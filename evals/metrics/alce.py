"""ALCE-style citation recall and citation precision (pure).

ALCE (Gao et al., 2023, "Enabling Large Language Models to Generate Text with Citations") judges
each answer sentence against the passages its markers cite, with an NLI model. We keep its
definitions and change three things:

- The judge is the guard's deterministic support scorer (`evals.metrics.judge`), not an NLI
  model.
- Only sentences that need support are scored. Structural sentences (`evals.metrics.statements`)
  are left out, and so are the markers inside them.
- Figures are pooled over all sentences (recall) or all citations (precision) of a split, not
  averaged per answer first. A long answer weighs what its sentences weigh.

Citation recall of a claim sentence: 1 when it cites at least one passage, every marker names a
citation that exists, and the cited passages joined together support it. Otherwise 0.

Citation precision of one citation in a claim sentence: 1 when the citation supports the
sentence by itself, or when the sentence's citations jointly support it and dropping this one
breaks that support (the citation is needed). Otherwise 0, and always 0 for a marker that names
no citation. ALCE counts a citation as precise when it supports alone *and* the joint set
supports, which is the same thing for an NLI model: more evidence never removes an entailment.
A lexical scorer can lose support when text is added (for example a negated clause that only
the extra passage contains), so we credit a citation that supports the sentence on its own
whatever the others do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from evals.metrics.judge import Scorer, joint_passage, lexical_support
from evals.metrics.ratio import Ratio
from evals.metrics.statements import Statement


@dataclass(frozen=True)
class CitationJudgement:
    """How the citations of one claim sentence fare.

    Attributes:
        statement: The sentence.
        supported: Its cited passages jointly support it (citation recall).
        precise: Markers that support it alone or are needed for it.
        imprecise: Markers that do neither, or name no citation.
        dangling: Markers that name no citation.
        reasons: Why the sentence is unsupported (empty when supported).
    """

    statement: Statement
    supported: bool
    precise: tuple[int, ...]
    imprecise: tuple[int, ...]
    dangling: tuple[int, ...]
    reasons: tuple[str, ...]


def judge_citations(
    statement: Statement,
    passages: Mapping[int, str],
    scorer: Scorer = lexical_support,
) -> CitationJudgement:
    """Citation recall and precision of one sentence.

    Args:
        statement: A sentence of the answer (a claim; structural ones are judged trivially).
        passages: Citation number -> cited text (the citation's quote).
        scorer: The support scorer.

    Returns:
        The `CitationJudgement`.
    """
    markers = statement.markers
    if not statement.needs_support:
        return CitationJudgement(statement, True, (), (), (), ())
    dangling = tuple(n for n in markers if n not in passages)
    if not markers:
        return CitationJudgement(statement, False, (), (), (), ("no citation",))
    joint = scorer(statement.claim, joint_passage(markers, passages))
    supported = joint.supported and not dangling
    reasons: list[str] = []
    if dangling:
        reasons.append(f"cites {', '.join(f'[{n}]' for n in dangling)}, which do not exist")
    if not joint.supported:
        reasons.extend(joint.reasons or ["not supported by the cited text"])

    precise: list[int] = []
    imprecise: list[int] = []
    for n in markers:
        if n in dangling:
            imprecise.append(n)
            continue
        if scorer(statement.claim, passages[n]).supported:
            precise.append(n)
            continue
        others = [m for m in markers if m != n]
        needed = (
            supported
            and bool(others)
            and not scorer(statement.claim, joint_passage(others, passages)).supported
        )
        (precise if needed else imprecise).append(n)
    return CitationJudgement(
        statement, supported, tuple(precise), tuple(imprecise), dangling, tuple(reasons)
    )


def citation_recall(judgements: Iterable[CitationJudgement]) -> Ratio:
    """Share of claim sentences whose cited passages jointly support them."""
    return Ratio.of(j.supported for j in judgements if j.statement.needs_support)


def citation_precision(judgements: Iterable[CitationJudgement]) -> Ratio:
    """Share of citations (markers in claim sentences) that support or are needed."""
    claims = [j for j in judgements if j.statement.needs_support]
    return Ratio(sum(len(j.precise) for j in claims), sum(len(j.statement.markers) for j in claims))
