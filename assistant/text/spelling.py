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


def correct(text: str) -> tuple[str, list[int]]:
    """`text` (lower case) with misspelt domain words corrected, and for each character of the
    result the index of the character of `text` it stands for."""
    out: list[str] = []
    where: list[int] = []
    done = 0
    for m in _WORD.finditer(text):
        fixed = _fix(m.group())
        if fixed is None:
            continue
        out.append(text[done : m.start()])
        where.extend(range(done, m.start()))
        out.append(fixed)
        # spread the replacement over the original word: its last letter maps to the last
        span = m.end() - m.start() - 1
        steps = max(1, len(fixed) - 1)
        where.extend(m.start() + round(i * span / steps) for i in range(len(fixed)))
        done = m.end()
    if not out:
        return text, list(range(len(text)))
    out.append(text[done:])
    where.extend(range(done, len(text)))
    return "".join(out), where
