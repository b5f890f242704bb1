"""Locating quotes in canonical document text and verifying citations (pure).

A citation is shown only after its quote is checked against the document text at its offsets;
whitespace may be collapsed (design.md), nothing else may differ.
"""

from __future__ import annotations

import re

from assistant.core.types import Citation, DocumentMeta

_WS = re.compile(r"\s+")


def collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def locate(quote: str, text: str, *, near: int = 0) -> tuple[int, int] | None:
    """Offsets of `quote` in `text` (exact first, then whitespace-insensitive), or None.

    With several matches, the first one at or after `near` wins, so a quote is tied to the
    chunk it was taken from.
    """
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote, near)
    if start < 0:
        start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    # Whitespace-insensitive: the quote's words separated by any run of whitespace.
    words = [re.escape(w) for w in quote.split()]
    pattern = re.compile(r"\s+".join(words))
    match = pattern.search(text, near) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def quote_matches(quote: str, text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` is the quote, whitespace collapsed."""
    if not (0 <= start < end <= len(text)):
        return False
    return collapse(text[start:end]) == collapse(quote)


def make_citation(
    n: int,
    meta: DocumentMeta,
    section: str,
    text: str,
    start: int,
    end: int,
) -> Citation:
    """A citation of `text[start:end]`, verified against that same text."""
    quote = collapse(text[start:end])
    return Citation(
        n=n,
        doc_id=meta.doc_id,
        title=meta.title,
        section=section,
        quote=quote,
        start=start,
        end=end,
        verified=quote_matches(quote, text, start, end),
        commercial_interest=meta.commercial_interest,
        stance=meta.stance,
    )


def verify_all(citations: list[Citation], texts: dict[str, str]) -> list[Citation]:
    """Re-check every citation against its document; unknown documents fail verification."""
    out = []
    for c in citations:
        text = texts.get(c.doc_id)
        ok = text is not None and quote_matches(c.quote, text, c.start, c.end)
        out.append(c.model_copy(update={"verified": ok}))
    return out
