"""What the service searches for one turn (issue 17; pure): the message, and for a decision the
topic of its verdict.

A long decision message is mostly backstory; the passages that explain the advice for those facts
(the table row, the scenario) are found better when the deciding rule's rationale is searched
beside it. At a low weight it helped on both dev sets (forum_gold dev: hit@4 0.867 -> 0.883, MRR
at the 4,000-character budget 0.770 -> 0.781; the eval dev: hit@4 0.773 -> 0.788, MRR 0.680 ->
0.703); at 0.5 and above it pushed out passages for the message itself. Searching each ask of a
multi-part message apart lowered both figures, so asks are not searched on their own.
(`python -m evals.budget_retrieval --dataset forum|eval --split dev`.)
"""

from __future__ import annotations

FOCUS_WEIGHT = 0.2  # the rationale's weight in the rank fusion; the message has 1.0


def searches(query: str, rationale: str | None = None) -> list[tuple[str, float]]:
    """The weighted queries for `HybridRetriever.retrieve_all`."""
    if rationale and rationale.strip() and rationale.strip() != query.strip():
        return [(query, 1.0), (rationale, FOCUS_WEIGHT)]
    return [(query, 1.0)]
