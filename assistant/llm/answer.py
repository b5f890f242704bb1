"""The guarded answer's blocks and citations (pure).

The model's kept sentences take the place of the grounded answer's evidence blocks (its direct
answer and its ranked quotes); every other block of the grounded answer stays as the composer
built it: the verdict with its rule citations (never the model's), the profile as understood, the
sources' disagreement. Notes are recomputed and citations renumbered in order of first use.
Taking those blocks from the grounded answer, rather than re-wording them here, keeps both
backends leading with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.composer import Composed, notes
from assistant.answer.render import MARKER, render, renumber
from assistant.core.blocks import Block, EvidenceBlock, Notice, NoticeBlock
from assistant.core.types import Citation, Disagreement, Recommendation

# The grounded blocks the model's prose replaces, and the notes `assemble` recomputes.
EVIDENCE_KINDS = frozenset({"direct_answer", "evidence"})
NOTE_CODES = frozenset({Notice.COMMERCIAL_INTEREST, Notice.INJECTION_IGNORED})
# Blocks that stay ahead of the prose when the grounded answer had no evidence to replace.
LEADING_KINDS = frozenset({"recommendation", "missing_facts", "profile_echo"})


def with_model_prose(grounded: Sequence[Block], prose: str) -> list[Block]:
    """The grounded answer's blocks with its evidence replaced by the model's prose (placed where
    the first evidence block was) and its notes left out."""
    model = EvidenceBlock(origin="model", text=prose)
    out: list[Block] = []
    placed = False
    for block in grounded:
        if isinstance(block, NoticeBlock) and block.code in NOTE_CODES:
            continue
        if block.kind in EVIDENCE_KINDS:
            if not placed:
                out.append(model)
                placed = True
            continue
        out.append(block)
    if not placed:
        # No evidence block: after the verdict (or missing facts) and the profile.
        at = sum(1 for b in out if b.kind in LEADING_KINDS)
        out.insert(at, model)
    return out


def assemble(
    blocks: Sequence[Block],
    sources: Sequence[Citation],
    recommendation: Recommendation | None,
    disagreements: Sequence[Disagreement],
    *,
    injection: bool = False,
) -> Composed:
    """Keep only the cited sources and renumber them 1..N by first use in the answer.

    Args:
        blocks: Answer blocks with [n] markers numbered as in `sources`.
        sources: The numbered sources the markers refer to.
        recommendation: The verdict, its citations numbered as in `sources`.
        disagreements: Stance disagreements, their citations numbered as in `sources`.
        injection: Add the note that instructions in the question were ignored.

    Returns:
        The final blocks, citations, recommendation and disagreements, consistently numbered.
    """
    by_n = {c.n: c for c in sources}
    order: dict[int, int] = {}
    for m in MARKER.finditer(render(blocks)):
        old = int(m.group(1))
        if old in by_n and old not in order:
            order[old] = len(order) + 1
    # A marker of an unknown source cannot survive the guard; drop it rather than show it.
    renumbered = renumber(blocks, order.get)
    citations = [by_n[old].model_copy(update={"n": new}) for old, new in order.items()]

    def numbers(values: Sequence[int]) -> list[int]:
        return [order[n] for n in values if n in order]

    rec = None
    if recommendation is not None:
        rec = recommendation.model_copy(update={"citations": numbers(recommendation.citations)})
    disagree = [
        d.model_copy(
            update={"sides": [{**s, "citations": numbers(s["citations"])} for s in d.sides]}
        )
        for d in disagreements
    ]
    disagree = [d for d in disagree if all(s["citations"] for s in d.sides)]
    return Composed([*renumbered, *notes(citations, injection=injection)], citations, rec, disagree)
