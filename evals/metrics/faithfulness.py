"""Share of answer sentences supported by the sources the answer shows (pure).

Citation recall (`evals.metrics.alce`) asks whether a sentence's *own* markers back it. This
metric asks the looser question a reader asks: is the sentence backed by any source the answer
shows? A claim sentence counts as supported when its own citations jointly support it, or when
one single citation of the answer supports it. That citation can be listed anywhere in the
answer. The gap between this figure and citation recall is misplaced or missing markers, not
invention.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from evals.metrics.alce import CitationJudgement
from evals.metrics.judge import Scorer, lexical_support
from evals.metrics.ratio import Ratio


def sentence_supported(
    judgement: CitationJudgement,
    passages: Mapping[int, str],
    scorer: Scorer = lexical_support,
) -> bool:
    """True when the claim is backed by its own citations or by any one citation of the answer.

    Args:
        judgement: The sentence's citation judgement (its own markers).
        passages: Every citation of the answer: number -> cited text.
        scorer: The support scorer.

    Returns:
        Whether the sentence is supported; structural sentences are trivially True.
    """
    if not judgement.statement.needs_support or judgement.supported:
        return True
    claim = judgement.statement.claim
    return any(scorer(claim, text).supported for text in passages.values())


def supported_share(flags: Iterable[tuple[CitationJudgement, bool]]) -> Ratio:
    """Share of claim sentences supported, from (judgement, `sentence_supported`) pairs."""
    return Ratio.of(ok for j, ok in flags if j.statement.needs_support)
