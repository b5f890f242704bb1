"""The one renderer: answer blocks → the `answer` markdown (pure).

Every surface that shows text (CLI, API `answer`, the OpenAI-compatible endpoint, eval reports)
gets it from here; the chat page draws the same blocks as cards. Blocks are separated by a blank
line; a block's own lines by single line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.core import blocks as b

WHY_TITLE = "Why, in the sources' words:"
PLAN_TITLE = "What to do next:"
WHAT_WOULD_CHANGE_TITLE = "What would change this advice:"
FOR_YOU = "For you:"  # a plan step measured against the applicant's own facts
# Notices shown as plain text, not as an italic note under the answer.
PLAIN_NOTICES = frozenset({b.Notice.NO_ANSWER, b.Notice.OUT_OF_SCOPE})

MARKER = re.compile(r"\[(\d{1,3})\]")  # an inline citation marker, [n]


def _bullets(items: Sequence[b.Item]) -> str:
    return "\n".join(f"- {item.text}" for item in items)


def _steps(items: Sequence[b.PlanItem]) -> str:
    return "\n".join(
        f"- {item.text} _{FOR_YOU} {item.for_you}._" if item.for_you else f"- {item.text}"
        for item in items
    )


def _titled(title: str | None, body: str) -> str:
    return f"**{title}**\n{body}" if title else body


def answer_label(asks: str | None) -> str:
    """A direct answer's label: which question of a multi-part message it answers."""
    return f"On “{asks}”:" if asks else "In short:"


def render_block(block: b.Block) -> str:
    """One block as markdown."""
    if isinstance(block, b.RecommendationBlock):
        head = f"**Recommendation ({block.label}):** {block.text}"
        return f"{head}\n\n{_titled(WHY_TITLE, _bullets(block.items))}" if block.items else head
    if isinstance(block, b.DirectAnswerBlock):
        return f"**{answer_label(block.asks)}** {block.text}"
    if isinstance(block, b.EvidenceBlock):
        if block.origin == "model":
            return block.text or ""
        return _titled(block.title, _bullets(block.items))
    if isinstance(block, b.MissingFactsBlock):
        return block.text
    if isinstance(block, b.ProfileEchoBlock):
        return f"_{block.text}_"
    if isinstance(block, b.DisagreementBlock):
        return "\n".join([f"**{block.title}**", *(f"- {item.text}" for item in block.items)])
    if isinstance(block, b.NoticeBlock):
        return block.text if block.code in PLAIN_NOTICES else f"_{block.text}_"
    if isinstance(block, b.PlanBlock):
        return _titled(PLAN_TITLE, _steps(block.items)) if block.items else ""
    if isinstance(block, b.WhatWouldChangeBlock):
        return f"**{WHAT_WOULD_CHANGE_TITLE}** {block.text}"
    raise TypeError(f"unknown block {block!r}")


def render(blocks: Sequence[b.Block]) -> str:
    """The answer markdown: every non-empty block, in order, a blank line apart."""
    return "\n\n".join(text for text in map(render_block, blocks) if text.strip())


def renumber(blocks: Sequence[b.Block], new_number: Callable[[int], int | None]) -> list[b.Block]:
    """The blocks with every [n] marker and citation number mapped through `new_number`; a
    marker whose number maps to None is removed, as is its citation."""

    def text(value: str | None) -> str | None:
        if value is None:
            return None
        return MARKER.sub(lambda m: _marker(new_number(int(m.group(1)))), value)

    def numbers(values: Sequence[int]) -> list[int]:
        return [n for n in (new_number(v) for v in values) if n is not None]

    out: list[b.Block] = []
    for block in blocks:
        update: dict[str, object] = {}
        for name in ("text", "title"):
            if isinstance(getattr(block, name, None), str):
                update[name] = text(getattr(block, name))
        if hasattr(block, "citations"):
            update["citations"] = numbers(block.citations)
        if hasattr(block, "items"):
            # (a copy keeps what else an item holds, a plan step's `for_you`)
            update["items"] = [
                i.model_copy(update={"text": text(i.text) or "", "citations": numbers(i.citations)})
                for i in block.items
            ]
        out.append(block.model_copy(update=update))
    return out


def _marker(n: int | None) -> str:
    return f"[{n}]" if n is not None else ""
