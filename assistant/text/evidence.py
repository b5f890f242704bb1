"""Evidence sentences: quotable spans inside retrieved chunks, ranked for a question (pure).

A span is a sentence of prose, a list item or a table row, always with offsets into the
document's canonical text so it can be cited and highlighted exactly.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from assistant.core.types import Chunk
from assistant.text.stopwords import RANKING_STOPWORDS
from assistant.text.synonyms import expand_query

# pysbd is superlinear on pathological runs; beyond this many characters text is split by lines.
SEGMENTER_CAP = 20_000
_WORD = re.compile(r"[a-z0-9]+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")
_TERMINAL = (".", "!", ":", ";")
# Quote ranking with sentence vectors (tuned on the dev questions only): meaning first, then
# wording and the chunk's retrieval rank.
SIMILARITY_WEIGHT = 2.0
MIN_SIMILARITY = 0.45
# Quotes scoring under this share of the best one are padding, not evidence.
RELATIVE_CUTOFF = 0.6
# A quote shown alone must read as a statement (issue 18): about six words or more, and a verb.
# "USMLE Step 1 / Step 2 CK (or equivalent)" or "Preferably at a university-affiliated IM
# department" are fragments of a list whose lead-in is elsewhere.
MIN_QUOTE_WORDS = 5
# No part-of-speech tagger ships offline here; the verbs the articles' statements use, their
# forms, and -ed/-ing words are enough to tell a statement from a noun phrase.
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|isn|aren|wasn|don|doesn|didn|won|can|could|will|"
    r"would|should|shall|must|may|might|has|have|had|do|does|did|get|gets|got|give|gives|make|"
    r"makes|take|takes|show|shows|help|helps|need|needs|want|wants|count|counts|matter|matters|"
    r"come|comes|see|sees|write|writes|aim|ask|asks|keep|keeps|go|goes|choose|start|starts|"
    r"use|uses|look|looks|know|knows|find|prefer|prefers|mean|means|work|works|include|"
    r"includes|let|lets|beat|beats|offer|offers|require|requires|teach|teaches|build|builds|"
    r"open|opens|say|says|become|becomes|tend|tends|trump|trumps|replace|replaces|add|adds|"
    r"win|wins|fix|fixes|expect|expects|view|views|lean|signal|signals|demonstrate|"
    r"demonstrates|prove|proves|remain|remains|allow|allows|provide|provides|"
    r"(?<![-\w])\w{3,}ed|(?<![-\w])\w{3,}ing)\b",
    re.I,
)


# A scenario's premise in the second person ("You want Internal Medicine or Neurology.", "You
# want any IM/FM spot you can realistically get."): quoted alone it states a goal the applicant
# never gave, and it answers nothing. Advice ("You want depth, not just quantity") stays.
_PREMISE = re.compile(
    r"^you\s+want\s+(?:an?\s+|any\s+)?(?:[\w/-]+\s+){0,3}?(?:medicine|neurology|career|"
    r"programs?|spots?|specialty|residency)\b",
    re.I,
)


def stands_alone(text: str) -> bool:
    """A quote that reads as a statement on its own: long enough, with a verb, and not a
    scenario's premise about the reader."""
    return (
        len(text.split()) >= MIN_QUOTE_WORDS
        and bool(_VERB.search(text))
        and not _PREMISE.match(text.strip())
    )


@dataclass(frozen=True)
class Span:
    doc_id: str
    chunk_id: str
    section: str
    start: int  # into the canonical document text
    end: int
    text: str
    kind: str  # "sentence" | "item" | "row" | "heading"
    lead: bool = False  # first sentence after the chunk's heading: FAQ answers open with it


def span_key(span: Span) -> str:
    """Stable key of a span: its chunk's content hash and its offsets."""
    return f"{span.chunk_id}:{span.start}:{span.end}"


def _stem(word: str) -> str:
    # Crude plural/verb folding is enough to rank a handful of sentences.
    for suffix in ("ings", "ing", "ies", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in RANKING_STOPWORDS)


@lru_cache(maxsize=8192)
def spans_of(chunk: Chunk) -> tuple[Span, ...]:
    """Quotable spans of a chunk (cached: chunks are immutable)."""
    out: list[Span] = []
    offset = 0
    headings = set(chunk.section.split(" > "))
    for line in chunk.text.split("\n"):
        line_start = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped or _TABLE_RULE.match(stripped):
            continue
        lead = len(line) - len(line.lstrip())
        base = chunk.start + line_start + lead
        if stripped.startswith("|"):
            out.append(_span(chunk, base, stripped, "row"))
            continue
        if stripped in headings:
            out.append(_span(chunk, base, stripped, "heading"))
            continue
        bullet = _BULLET.match(stripped)
        if bullet:
            # Quote the item without its "- " / "• " / "2." marker: offsets move past it.
            base += bullet.end()
            stripped = stripped[bullet.end() :]
        if not stripped.rstrip("”’\"')").endswith(_TERMINAL) or stripped.endswith("?"):
            # Headings and questions are labels, not evidence; list items without a full
            # stop ("- Secure hands-on USCE + letters") are evidence.
            out.append(_span(chunk, base, stripped, "item" if bullet else "heading"))
            continue
        for start, end in sentence_spans(stripped):
            text = stripped[start:end].rstrip()
            lstrip = len(text) - len(text.lstrip())
            text = text.strip()
            if text:
                out.append(_span(chunk, base + start + lstrip, text, "sentence"))
    for i, span in enumerate(out):
        if span.kind == "sentence":
            out[i] = dataclasses.replace(span, lead=True)
            break
    return tuple(out)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) offsets, by pysbd ("e.g.", "U.S.", "Dr." are not
    sentence ends). A fresh segmenter per call: pysbd keeps the text on the instance, so a
    shared one is not safe across the API's threads. Text longer than SEGMENTER_CAP, or text
    pysbd fails on, is split by lines."""
    if len(text) <= SEGMENTER_CAP:
        try:
            segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
            return [(seg.start, seg.end) for seg in segmenter.segment(text)]
        except Exception:  # pysbd has edge-case bugs on odd input: lines are a safe fallback
            pass
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _span(chunk: Chunk, start: int, text: str, kind: str) -> Span:
    return Span(chunk.doc_id, chunk.id, chunk.section, start, start + len(text), text, kind)


def rank_spans(
    question: str,
    spans: list[tuple[Span, float]],
    *,
    limit: int,
    per_doc: int = 2,
    similarity: Callable[[Span], float | None] | None = None,
) -> list[Span]:
    """Pick up to `limit` spans: relevant to the question, not redundant, few per document.

    `spans` pairs each span with the retrieval score of its chunk (a prior: a sentence from the
    best chunk starts ahead).
    """
    query = content_words(expand_query(question))
    top_prior = max((prior for _, prior in spans), default=0.0)
    scored: list[tuple[float, Span, frozenset[str]]] = []
    for span, prior in spans:
        words = content_words(span.text)
        # Table rows are one scenario out of several: quoted alone they mislead (the rules
        # layer cites the row that applies). Short list items are fragments without context.
        if span.kind in ("heading", "row") or len(words) < (5 if span.kind == "item" else 3):
            continue
        if span.text.rstrip().endswith((":", "?")):
            continue  # "… only if:" introduces a list, "Am I …?" asks: neither asserts anything
        if not stands_alone(span.text):
            continue
        shared = len(words & query)
        sim = similarity(span) if similarity else None
        if sim is not None:
            if sim < MIN_SIMILARITY and shared < 2:
                continue  # neither close in meaning nor in wording
        elif shared == 0 or (shared == 1 and prior < top_prior):
            continue  # one shared word is enough only inside the best-ranked chunk
        overlap = shared / (len(query) ** 0.5 or 1.0)
        score = overlap + 30.0 * prior + (0.3 if span.lead else 0.0)
        if sim is not None:
            score = SIMILARITY_WEIGHT * sim + 0.5 * score
        scored.append((score, span, words))
    scored.sort(key=lambda item: -item[0])
    if scored:
        floor = RELATIVE_CUTOFF * scored[0][0]
        scored = [item for item in scored if item[0] >= floor]
    chosen: list[tuple[Span, frozenset[str]]] = []
    per: dict[str, int] = {}
    for _, span, words in scored:
        if len(chosen) >= limit:
            break
        if per.get(span.doc_id, 0) >= per_doc:
            continue
        # Skip near-duplicates (the articles repeat themselves across FAQ and body).
        if any(len(words & w) / max(1, len(words | w)) > 0.6 for _, w in chosen):
            continue
        chosen.append((span, words))
        per[span.doc_id] = per.get(span.doc_id, 0) + 1
    return [s for s, _ in chosen]
