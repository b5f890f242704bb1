"""Numbers, dates and scores of claim sentences that the cited text does not contain (pure).

A quantity counts as unsupported when the passages the sentence cites do not state it. Ranges
back their endpoints ("2–3 months" backs "3 months"), and units must agree (weeks are not
months). These are the scorer's own number rules (`assistant.text.support`), so the guard and this
count agree. A claim with no citation has every one of its quantities counted. Structural
sentences (the profile echo repeats the user's own numbers) are not counted.
"""

from __future__ import annotations

from collections.abc import Mapping

from evals.metrics.judge import Scorer, joint_passage, lexical_support
from evals.metrics.statements import Statement


def unsupported_numbers(
    statement: Statement,
    passages: Mapping[int, str],
    scorer: Scorer = lexical_support,
) -> list[str]:
    """Quantities of a claim sentence absent from the passages it cites.

    Args:
        statement: One sentence of an answer.
        passages: Citation number -> cited text.
        scorer: The support scorer (its `missing_numbers` is used).

    Returns:
        The quantities as written in the sentence; empty for structural sentences.
    """
    if not statement.needs_support:
        return []
    return list(scorer(statement.claim, joint_passage(statement.markers, passages)).missing_numbers)
