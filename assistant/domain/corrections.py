"""What a message takes back (pure: no I/O, no models).

Applicants correct themselves as they type: "I graduated 2021 — sorry, typo, 2023!", "4 weeks
(not 4 months, autocorrect lol)", "I want ortho — actually no, scratch that, I'm going for
internal medicine", "I said I stopped working in 2020 but I misspoke". The profile reader must
read only what stands, so `without_retracted` blanks each retracted value with the words that
retract it, keeping every character's offset (the reader's evidence spans still point into the
message; the reader's normalisation folds the blank into one space, so "graduated      2023"
reads as "graduated 2023").
"""

from __future__ import annotations

import re

# Words that take back what was just written.
_SORRY = (
    r"(?:sorry|oops|typo|i mean|i meant|correction|no wait|wait no|my bad|autocorrect(?: lol)?)"
)
# A bare value just before the retraction, a year or a number: its unit, if any, comes before
# it and stays ("CK 241, sorry 214"); "3 letters, I mean 2" is left alone, as blanking the
# unit with the 3 would leave a bare 2.
_VALUE = r"(?:(?:19|20)\d\d|\d{1,3}(?:\.\d)?)"
_RETRACTED = (
    # "2021 — sorry, typo, 2023": the value and the retracting words
    re.compile(
        rf"\b{_VALUE}\s*[-—–,.!(]*\s*{_SORRY}\b(?:[\s,.!:—–-]*(?:{_SORRY}|lol)\b)*[\s,.!:—–-]*"
        r"(?=\d)"
    ),
    # "4 weeks (not 4 months, autocorrect lol)": an aside that names the wrong value
    re.compile(r"\((?:not|nope,?) (?:\d|one|two|three|four|five|six)[^()\n]{0,60}\)"),
    # "I want ortho — actually no, scratch that, I'm going for IM": the clause taken back,
    # from its sentence's start or the comma before it ("2023 grad, 6 wks externship, 2 letters
    # — wait no, …" takes back the letters, not the rest of the list)
    re.compile(
        r"(?:(?<=[.!?\n,;])|^)[^.!?\n,;]{1,120}?\s*[-—–,(]*\s*"
        r"(?:actually no|no wait|wait no|scratch that|ignore that|forget that)\b[\s,.!:—–-]*"
        r"(?:(?:scratch that|actually|i mean)\b[\s,.!:—–-]*)*",
        re.MULTILINE,
    ),
    # "I said I stopped working in 2020 but I misspoke —": what was said before, and the saying
    re.compile(
        r"\bi (?:said|wrote|typed|mentioned)\b[^.!?\n]{0,120}?\b(?:but|and)\s+(?:i\s+)?"
        r"(?:misspoke|was wrong|made a mistake|got it wrong|mistyped)\b[\s,.!:—–-]*"
    ),
)


def retracted(text: str) -> list[tuple[int, int]]:
    """The spans of `text` that its writer takes back, in order, not overlapping."""
    lowered = text.lower()
    found = sorted(
        m.span() for rx in _RETRACTED for m in rx.finditer(lowered) if m.end() > m.start()
    )
    out: list[tuple[int, int]] = []
    for start, end in found:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def without_retracted(text: str) -> str:
    """`text` with what its writer takes back blanked to spaces (same length, line breaks kept)."""
    spans = retracted(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
