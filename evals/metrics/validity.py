"""Citation validity: the quote is verbatim in its document at its offsets (pure).

Checked again here, independently of the `verified` flag the system reports. A citation is
valid when its document is known and `text[start:end]` is its quote, with whitespace collapsed
(design.md allows collapsing; nothing else may differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from assistant.core.types import Citation
from assistant.text.citations import quote_matches
from evals.metrics.ratio import Ratio


def citation_valid(citation: Citation, texts: Mapping[str, str]) -> bool:
    """True when the citation's quote is at its offsets in its document's text.

    Args:
        citation: One citation of an answer.
        texts: doc_id -> the text the backend's offsets index into.

    Returns:
        Whether the quote matches.
    """
    text = texts.get(citation.doc_id)
    return text is not None and quote_matches(citation.quote, text, citation.start, citation.end)


def citation_validity(citations: Iterable[Citation], texts: Mapping[str, str]) -> Ratio:
    """Share of citations whose quote is verbatim at its offsets."""
    return Ratio.of(citation_valid(c, texts) for c in citations)
