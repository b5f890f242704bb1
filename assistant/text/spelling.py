"""Misspelt domain words, read as what they misspell: "reserch" → "research" (pure).

Applicants type fast: "observeship", "3 US leters", "cardiolgy", "hopefull". The profile
patterns name exact words, so one wrong letter used to hide a fact. `correct` rewrites a word to
the one domain word (lexicon.toml: `spelling.words`, specialty aliases, kinds of experience,
number words) it is one edit from (two for words of 8+ letters), and leaves everything else
alone:

- a real English word is never changed ("later" stays "later", not "letter"): the English word
  list that ships with symspellpy decides what is a word;
- words shorter than 4 letters are left alone (too many neighbours);
- a word two domain words are equally near to stays as it is.

The returned map says, for each character of the corrected text, which character of the input
it stands for, so spans of facts still point at the writer's own words.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterator

from symspellpy import SymSpell, Verbosity

from assistant.core import lexicon

_WORD = re.compile(r"[a-z]{4,}")
_ENGLISH_LIST = "frequency_dictionary_en_82_765.txt"


@functools.cache
def _english() -> frozenset[str]:
    text = (importlib.resources.files("symspellpy") / _ENGLISH_LIST).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in text.splitlines() if line)


@functools.cache
def _domain() -> tuple[SymSpell, frozenset[str]]:
    lex = lexicon.load()
    words = {
        *lex.spelling,
        *lex.number_words,
        *(e.kind for e in lex.experience),
        *(alias for s in lex.specialties for alias in s.aliases if _WORD.fullmatch(alias)),
        *(word for s in lex.specialties for a in s.aliases for word in a.split() if len(word) > 4),
    }
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in words:
        speller.create_dictionary_entry(word, 1)
    return speller, frozenset(words)


def _fix(word: str) -> str | None:
    speller, known = _domain()
    if word in known or word in _english():
        return None
    found = speller.lookup(word, Verbosity.CLOSEST, max_edit_distance=1 if len(word) < 8 else 2)
    return found[0].term if len(found) == 1 else None


# A domain word typed or dictated in pieces: "observer ship", "extern ship", "ex turn ship".
SPLIT_MIN_LETTERS = 9  # joined pieces shorter than this are too easily an accident


def _joined(pieces: str, *, exact: bool) -> str | None:
    """The domain word that words typed apart spell together: exactly, or (not `exact`) one
    edit away ("ex turn ship" → "exturnship" → "externship"); else None."""
    joined = pieces.replace(" ", "")
    if len(joined) < SPLIT_MIN_LETTERS:
        return None
    speller, known = _domain()
    if exact:
        return joined if joined in known else None
    if joined in _english():
        return None
    found = speller.lookup(joined, Verbosity.CLOSEST, max_edit_distance=1)
    if len(found) != 1 or len(found[0].term) < SPLIT_MIN_LETTERS:
        return None
    # "a rotation" is not a split "rotation": the word must need every piece
    term = found[0].term
    whole = any(len(p) >= len(term) - 2 and p in term for p in pieces.split())
    return None if whole else term


# Abbreviations dictated or typed letter by letter: "U S clinical experience", "L O Rs".
_SPELLED_OUT = re.compile(
    r"(?<![a-z])(?:u s c e|u s a|u s|l o r(?: ?s)?|c k|y o g|e r a s)(?![a-z])"
)
# Abbreviations as voice-to-text writes the sounds of their letters: "you ask ee" (USCE), "see
# kay" (CK).
_DICTATED = {"you ask ee": "usce", "you s c e": "usce", "see kay": "ck", "c kay": "ck"}
_SOUNDED_OUT = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(k) for k in _DICTATED) + r")(?![a-z])"
)


# Where a word or the first of several pieces starts, and runs of two or three pieces.
_WORD_OR_PIECES = re.compile(r"(?<![a-z])(?:[a-z]{2,}|[a-z](?= [a-z](?![a-z])))")
_PIECES_AT = {n: re.compile(rf"[a-z]{{2,}}(?: [a-z]{{2,}}){{{n - 1}}}(?![a-z])") for n in (2, 3)}


def _words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, domain word) for each misspelt or split domain word of `text`, in order."""
    at = 0
    while (m := _WORD_OR_PIECES.search(text, at)) is not None:
        start = m.start()
        if spelled := _SPELLED_OUT.match(text, start):
            yield start, spelled.end(), spelled.group().replace(" ", "")
            at = spelled.end()
            continue
        if sounded := _SOUNDED_OUT.match(text, start):
            yield start, sounded.end(), _DICTATED[sounded.group()]
            at = sounded.end()
            continue
        for n, exact in ((3, True), (2, True), (3, False), (2, False)):
            run = _PIECES_AT[n].match(text, start)
            if run is not None and (whole := _joined(run.group(), exact=exact)) is not None:
                yield start, run.end(), whole
                at = run.end()
                break
        else:
            word = _WORD.match(text, start)
            if word is not None and (fixed := _fix(word.group())) is not None:
                yield start, word.end(), fixed
            at = m.end()


def join_split_words(text: str) -> str:
    """`text` with domain words typed apart joined ("the observer ship is free" → "the
    observership is free"); case is kept for everything else."""
    lower = text.lower()
    out, done = [], 0
    for start, end, word in _words(lower):
        if " " in lower[start:end]:
            out += [text[done:start], word]
            done = end
    return "".join(out) + text[done:] if out else text


def correct(text: str) -> tuple[str, list[int]]:
    """`text` (lower case) with misspelt domain words corrected, and for each character of the
    result the index of the character of `text` it stands for."""
    out: list[str] = []
    where: list[int] = []
    done = 0
    for start, end, fixed in _words(text):
        out.append(text[done:start])
        where.extend(range(done, start))
        out.append(fixed)
        # spread the replacement over the original word: its last letter maps to the last
        span = end - start - 1
        steps = max(1, len(fixed) - 1)
        where.extend(start + round(i * span / steps) for i in range(len(fixed)))
        done = end
    if not out:
        return text, list(range(len(text)))
    out.append(text[done:])
    where.extend(range(done, len(text)))
    return "".join(out), where
