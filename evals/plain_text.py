"""Markdown as plain text, for the failure cards of the eval report (pure).

Answers and quotes are Markdown: the articles hold tables, and the baseline's answer is raw
chunks of them. Shown as written, a failure reads as `| a | b |`, `|---|` and `**`. The report
shows the words alone; it never renders the Markdown, so nothing in it can become markup.
"""

from __future__ import annotations

import re

# A table's separator row, or a run of its cells inside a line: |---|:--:|
_SEPARATOR = re.compile(r"\|?(?:\s*:?-{3,}:?\s*\|)+(?:\s*:?-{3,}:?\s*)?")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_BULLET = re.compile(r"^\s*[-*+]\s+")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
# Bold/underline markers anywhere; a single * or _ only at a word edge ("snake_case" stays).
_EMPHASIS = re.compile(r"\*\*|__|(?<![A-Za-z0-9])[*_]|[*_](?![A-Za-z0-9])")
_PIPE = re.compile(r"\s*\|\s*")
# A row's citation markers written after its last pipe: "a | b | [2]" reads "a · b [2]"
_TRAILING_MARKERS = re.compile(r"\s*·\s*((?:\[\d+\]\s*)+)$")
_WS = re.compile(r"\s+")


def _line(line: str) -> str:
    line = _SEPARATOR.sub(" ", line)
    if _RULE.match(line):
        return ""
    line = _QUOTE.sub("", _HEADING.sub("", line))
    line = _BULLET.sub("• ", line)
    line = _IMAGE_OR_LINK.sub(r"\1", line).replace("`", "")
    line = _EMPHASIS.sub("", line)
    # table cells: the outer pipes go, the inner ones become a separator a reader can see
    line = _PIPE.sub(" · ", line.strip().strip("|"))
    return _WS.sub(" ", _TRAILING_MARKERS.sub(r" \1", line)).strip()


def plain_text(markdown: str) -> str:
    """The words of a Markdown text on one line: no table pipes, rules, marks or emphasis.

    Citation markers such as `[2]` stay: they say which source a sentence cites.
    """
    return " ".join(filter(None, (_line(line) for line in markdown.splitlines())))
