"""The guarded answer's text and citations (pure).

The model's kept sentences take the place of the grounded answer's evidence quotes; everything
else of the grounded answer stays as the composer wrote it: the verdict with its rule citations
(never the model's), the profile as understood, the sources' disagreement. Notes are recomputed
and citations renumbered in order of first use. Taking those paragraphs from the grounded answer,
rather than re-wording them here, keeps both backends leading with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.composer import INJECTION_NOTICE
from assistant.core.types import Citation, Disagreement, Recommendation

_MARKER = re.compile(r"\[(\d{1,3})\]")
# How the grounded composer opens its paragraphs of ranked evidence quotes (replaced by the
# model's prose) and its notes (recomputed by `assemble`).
EVIDENCE_PREFIXES = ("**What the sources say", "**In short", "**More from the sources")
NOTE_PREFIXES = ("_Note: ", f"_{INJECTION_NOTICE[:30]}")


@dataclass
class Assembled:
    text: str
    citations: list[Citation]
    recommendation: Recommendation | None
    sources_disagree: list[Disagreement]


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def with_model_prose(grounded: str, prose: str) -> list[str]:
    """The grounded answer's paragraphs with its evidence quotes replaced by the model's prose
    (placed where the first evidence paragraph was) and its notes left out."""
    out: list[str] = []
    placed = False
    for paragraph in _paragraphs(grounded):
        if paragraph.startswith(NOTE_PREFIXES):
            continue
        if paragraph.startswith(EVIDENCE_PREFIXES):
            if not placed:
                out.append(prose)
                placed = True
            continue
        out.append(paragraph)
    if not placed:
        # No evidence paragraph: after the verdict and the profile, before anything else.
        at = sum(1 for p in out if p.startswith(("**Recommendation", "**Why", "**I can't", "_")))
        out.insert(at, prose)
    return out


def assemble(
    paragraphs: Sequence[str],
    sources: Sequence[Citation],
    recommendation: Recommendation | None,
    disagreements: Sequence[Disagreement],
    *,
    injection: bool = False,
) -> Assembled:
    """Join paragraphs, keep only the cited sources, renumber them 1..N by first use.

    Args:
        paragraphs: Answer paragraphs with [n] markers numbered as in `sources`.
        sources: The numbered sources the markers refer to.
        recommendation: The verdict, its citations numbered as in `sources`.
        disagreements: Stance disagreements, their citations numbered as in `sources`.
        injection: Add the note that instructions in the question were ignored.

    Returns:
        The final text, citations, recommendation and disagreements, consistently numbered.
    """
    by_n = {c.n: c for c in sources}
    body = "\n\n".join(p for p in paragraphs if p.strip())
    order: dict[int, int] = {}
    for m in _MARKER.finditer(body):
        old = int(m.group(1))
        if old in by_n and old not in order:
            order[old] = len(order) + 1
    # A marker of an unknown source cannot survive the guard; drop it rather than show it.
    text = _MARKER.sub(
        lambda m: f"[{order[int(m.group(1))]}]" if int(m.group(1)) in order else "", body
    )
    citations = [by_n[old].model_copy(update={"n": new}) for old, new in order.items()]

    def renumber(numbers: Sequence[int]) -> list[int]:
        return [order[n] for n in numbers if n in order]

    rec = None
    if recommendation is not None:
        rec = recommendation.model_copy(update={"citations": renumber(recommendation.citations)})
    disagree = [
        d.model_copy(
            update={"sides": [{**s, "citations": renumber(s["citations"])} for s in d.sides]}
        )
        for d in disagreements
    ]
    disagree = [d for d in disagree if all(s["citations"] for s in d.sides)]

    tail = []
    commercial = [c.n for c in citations if c.commercial_interest]
    if commercial:
        refs = ", ".join(f"[{n}]" for n in commercial)
        verb = "comes" if len(commercial) == 1 else "come"
        tail.append(
            f"_Note: {refs} {verb} from a publisher with a commercial interest (it sells "
            "rotations or application products)._"
        )
    if injection:
        tail.append(f"_{INJECTION_NOTICE}_")
    text = "\n\n".join([text, *tail]) if tail else text
    return Assembled(text, citations, rec, disagree)
