"""Near-copies of a source that swap a key word (pure: no I/O, no models).

A small model often copies a source sentence and changes one phrase: "choose an
externship/sub-I/elective where you actually see and present patients" comes back as "choose an
external observership where you actually see and present patients". Word overlap and embedding
similarity both stay high, so the support scorer accepts the sentence, yet the advice is now the
opposite. This module finds such swaps: when a sentence is mostly a copy of a stretch of its
source, a key term (a kind of experience, or a word that sets the direction of advice) may not
appear in it more often than in the stretch it copies.

Numbers and negations have their own rules in `assistant.text.support`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.text.support import canonical_form, stem

# Stemmed, after `canonical_form` folded the synonyms ("U.S. clinical experience" -> "usce").
KEY_TERMS = frozenset(
    {
        # kinds of experience: swapping one for another changes the plan
        "usce", "handson", "clinic", "externship", "subi", "clerkship", "elect", "rotat",
        "observership", "shadow", "virtual", "volunt", "research", "public", "homecountri",
        # direction and strength of advice
        "not", "no", "never", "alway", "onli", "instead", "first", "befor", "after", "better",
        "wors", "more", "less", "mandatori", "option", "essenti", "requir",
    }
)  # fmt: skip
MIN_TOKENS = 6  # shorter sentences are phrases, not copies worth aligning
MIN_COPIED = 0.6  # share of the sentence's words that must come from the source, in order
MIN_RUN = 4  # the longest run of words copied verbatim

_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Swap:
    """Where the sentence puts `added` in place of the source's `replaced`."""

    replaced: str
    added: str
    terms: tuple[str, ...]  # the key terms the sentence gained

    def describe(self) -> str:
        was = f"“{self.replaced}”" if self.replaced else "nothing"
        return f"changes {was} to “{self.added}”"


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Stemmed tokens for matching, and the surface words they come from (for the report)."""
    words = _TOKEN.findall(canonical_form(text))
    return [stem(w) for w in words], words


def key_terms(text: str) -> frozenset[str]:
    """The key terms (stemmed, synonyms folded) that occur in `text`."""
    return frozenset(_tokens(text)[0]) & KEY_TERMS


def swapped_terms(sentence: str, passage: str) -> list[Swap]:
    """The key-term swaps of `sentence` against `passage`, if it is a near-copy of part of it."""
    s, s_words = _tokens(sentence)
    p, p_words = _tokens(passage)
    if len(s) < MIN_TOKENS or not p:
        return []
    longest = SequenceMatcher(None, s, p, autojunk=False).find_longest_match()
    if longest.size < MIN_RUN:
        return []
    # Align against the stretch around the longest run only: stop words matched far away in a
    # long passage would otherwise make any sentence look like a scattered copy.
    lo = max(0, longest.b - longest.a - len(s) // 2)
    hi = min(len(p), longest.b + (len(s) - longest.a) + len(s) // 2)
    window, window_words = p[lo:hi], p_words[lo:hi]
    matcher = SequenceMatcher(None, s, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if sum(b.size for b in blocks) < MIN_COPIED * len(s):
        return []
    copied = window[blocks[0].b : blocks[-1].b + blocks[-1].size]
    surplus = {t for t in set(s) & KEY_TERMS if s.count(t) > copied.count(t)}
    swaps = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        # Only inside the copied stretch: words before or after a copy are the model's framing.
        if (
            tag not in ("replace", "insert")
            or i1 < blocks[0].a
            or i2 > blocks[-1].a + blocks[-1].size
        ):
            continue
        gained = tuple(sorted(surplus & set(s[i1:i2])))
        if gained:
            swaps.append(Swap(" ".join(window_words[j1:j2]), " ".join(s_words[i1:i2]), gained))
    return swaps
