"""Domain synonyms: applicants write "LOR", "sub-I" and "YOG"; the articles spell things out.

`expand_query` appends the other spellings of every term the question uses, so BM25 can match
either form and the embedder sees the long form it was trained on.
"""

from __future__ import annotations

import re

# Each group lists equivalent spellings; the first is the canonical long form.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("US clinical experience", "USCE", "U.S. clinical experience", "clinical experience in the US"),
    ("letter of recommendation", "LOR", "LORs", "LoR", "LoRs", "letters of recommendation",
     "US letters", "reference letter"),
    ("sub-internship", "sub-I", "sub-Is", "subinternship", "acting internship", "AI rotation"),
    ("years since graduation", "YOG", "years out of graduation", "years out", "since I graduated"),
    ("Step 2 CK", "CK", "Step 2", "step2", "Step 2 clinical knowledge"),
    ("international medical graduate", "IMG", "IMGs", "foreign medical graduate", "FMG"),
    ("observership", "observerships", "shadowing", "observer"),
    ("externship", "externships", "hands-on rotation", "clinical rotation", "rotations"),
    ("research", "publications", "papers", "abstracts", "posters", "research position", "lab"),
    ("dermatology", "derm"),
    ("internal medicine", "IM"),
    ("family medicine", "FM"),
    ("psychiatry", "psych"),
    ("pediatrics", "peds"),
    ("radiation oncology", "rad onc", "radonc"),
    ("neurosurgery", "neurosurg"),
    ("orthopedics", "ortho"),
    ("program director", "PD", "PDs", "program directors"),
    ("unmatched", "did not match", "didn't match", "failed to match", "not matched"),
    ("virtual rotation", "telemedicine", "online rotation", "virtual rotations"),
    ("Electronic Residency Application Service", "ERAS"),
    ("Good Clinical Practice", "GCP"),
    ("Institutional Review Board", "IRB"),
)


def _pattern(term: str) -> re.Pattern[str]:
    # Short all-caps abbreviations (IM, FM, CK, PD) must match case-sensitively, or "im" in
    # "I'm" would expand to internal medicine.
    flags = 0 if (term.isupper() and len(term) <= 3) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


_COMPILED = tuple(tuple((t, _pattern(t)) for t in group) for group in SYNONYM_GROUPS)


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
