"""The support judgement behind every faithfulness metric: the guard's scorer (pure).

`assistant.text.support.support` is the one deterministic scorer shared with the guard. The metrics
call it lexically, without an embedding similarity, so the suite is model-free and gives the same
figures on every machine. The similarity can only raise a score, and the hard rules (numbers,
negation, comparison, topic) never depend on it, so this judgement is never more lenient than the
guard's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from assistant.text.support import SupportResult, support

# (claim, passage) -> verdict; a parameter of every metric so tests can pass their own.
Scorer = Callable[[str, str], SupportResult]


def lexical_support(claim: str, passage: str) -> SupportResult:
    """The guard's scorer without an embedding similarity."""
    return support(claim, passage)


def joint_passage(markers: Iterable[int], passages: Mapping[int, str]) -> str:
    """The cited passages of one sentence, in marker order, as one text (ALCE concatenates)."""
    return "\n".join(passages[n] for n in dict.fromkeys(markers) if n in passages)
