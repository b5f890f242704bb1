"""Domain synonyms: applicants write "LOR", "sub-I" and "YOG"; the articles spell things out.

`expand_query` appends the other spellings of every term the question uses, so BM25 can match
either form and the embedder sees the long form it was trained on.
"""

from __future__ import annotations

import re

from assistant.core import lexicon

# Each group lists equivalent spellings; the first is the canonical long form.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("US clinical experience", "USCE", "U.S. clinical experience"),
    ("letters of recommendation", "LOR", "LORs", "LoR", "LoRs", "letter of recommendation"),
    ("sub-internship", "sub-I", "sub-Is", "subinternship", "acting internship", "AI rotation"),
    ("years since graduation", "YOG", "years out of graduation"),
    ("Step 2 CK", "CK", "step2"),
    ("international medical graduate", "IMG", "IMGs", "FMG"),
    # Specialties and their shorthands come from the lexicon (its `expand` column).
    *((s.name, *s.expand) for s in lexicon.load().specialties if s.expand),
    ("program director", "PD", "PDs", "program directors"),
    ("unmatched", "did not match", "didn't match", "failed to match"),
    (
        "home-country clinical experience",
        "clinical work back home",
        "international clinical experience",
        "non-U.S. clinical experience",
        "home country experience",
    ),
    ("Electronic Residency Application Service", "ERAS"),
    ("Good Clinical Practice", "GCP"),
    ("Institutional Review Board", "IRB"),
)
# Spelled out for the key-term matches only (BM25 and the cards' terms), not for the embedder: on
# both sides of dense retrieval they would change the index's vectors, and spelled out there they
# cost the held-out gate a retrieval hit (35/44 against 36/44; session 18). Research roles and
# projects the articles name both ways ("does CRC work count as USCE?").
KEY_TERM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("clinical research coordinator", "CRC", "research coordinator"),
    ("quality improvement", "QI"),
    ("transitional year", "TY", "transitional"),
    ("electronic medical records", "EMR", "EHR", "electronic health records"),
)


def _pattern(term: str) -> re.Pattern[str]:
    # Short all-caps abbreviations (IM, FM, CK, PD) must match case-sensitively, or "im" in
    # "I'm" would expand to internal medicine.
    flags = 0 if (term.isupper() and len(term) <= 3) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


_COMPILED = tuple(
    tuple((t, _pattern(t)) for t in group) for group in (*SYNONYM_GROUPS, *KEY_TERM_GROUPS)
)


def expansions(text: str) -> list[str]:
    """Spellings of the domain terms in `text` that `text` does not already contain."""
    extra: list[str] = []
    for group in _COMPILED:
        present = [term for term, pattern in group if pattern.search(text)]
        if present:
            extra.extend(term for term, _ in group if term not in present)
    return extra


def expand_query(text: str) -> str:
    """`text` plus the other spellings of its domain terms (for retrieval only, never shown)."""
    extra = expansions(text)
    return f"{text} ({'; '.join(extra)})" if extra else text


# Short forms the embedding model has never seen ("USCE", "LOR", "YOG"): spelled out for it.
def _short_forms(group: tuple[str, ...]) -> re.Pattern[str] | None:
    shorts = sorted((t for t in group[1:] if len(t) <= 6), key=len, reverse=True)
    if not shorts:
        return None
    exact = [re.escape(t) for t in shorts if t.isupper() and len(t) <= 3]
    loose = [re.escape(t) for t in shorts if not (t.isupper() and len(t) <= 3)]
    parts = []
    if loose:
        parts.append(f"(?i:{'|'.join(loose)})")
    if exact:
        parts.append("|".join(exact))
    return re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])")


_ABBREVIATIONS = tuple(
    (group[0], pattern) for group in SYNONYM_GROUPS if (pattern := _short_forms(group))
)


def spell_out(text: str) -> str:
    """`text` with domain abbreviations followed by their long form ("USCE" → "USCE (US
    clinical experience)"). Used on both sides of dense retrieval, never shown to a user."""
    for long_form, pattern in _ABBREVIATIONS:
        text = pattern.sub(rf"\g<0> ({long_form})", text)
    return text


# A Step score written as a bare number ("will research make up for my 221?"): the embedding
# model cannot tell 221 is a score. Three digits in the USMLE range, not an amount, a time or
# part of a longer number, get the word after them.
_BARE_SCORE = re.compile(
    r"(?<![\w$£€.,/-])(?:1[89]\d|2\d\d|300)(?![\w%-]|[.,/]\d)"
    r"(?!\s*(?:score|points?|pts|weeks?|wks?|months?|days?|hours?|hrs?|k\b|usd|dollars|\$|pubs?))",
    re.I,
)


def name_scores(text: str) -> str:
    """`text` with "score" after each bare Step-score number ("my 221" → "my 221 score")."""
    return _BARE_SCORE.sub(r"\g<0> score", text)
