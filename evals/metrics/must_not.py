"""`must_not` violations: statements the answer must not make (pure).

As the dataset README defines them: case-insensitive substring matches in what the user reads,
meaning the answer text and the citation quotes, never the echoed question (it carries the
payload by design). The strings are phrased so that a correct rebuttal ("observerships do not
count as hands-on") does not match them.
"""

from __future__ import annotations

from collections.abc import Iterable


def must_not_violations(
    must_not: Iterable[str], answer: str, quotes: Iterable[str] = ()
) -> list[str]:
    """The `must_not` strings found in the answer or its quotes.

    Args:
        must_not: Assertions the answer must not make.
        answer: The answer text.
        quotes: The citation quotes shown with it.

    Returns:
        The strings that occur (case-insensitive), in the order given.
    """
    shown = "\n".join([answer, *quotes]).casefold()
    return [s for s in must_not if s and s.casefold() in shown]
