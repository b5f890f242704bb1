"""Section-aware chunking of a document's canonical text, with exact character offsets.

Every chunk satisfies ``chunk.text == text[chunk.start:chunk.end]``: chunks are spans of the
canonical text, never re-joined or normalised, so a citation can be highlighted in the document.

How it works:

1. Lines are classified: blank, Markdown heading (``#``), table row (``| a | b |``, incl. the
   ``|---|`` separator), list item (``-``, ``•``, ``*``, ``1.``, ``1)``...), or text.
2. Headings. With ``#`` headings present, only those (plus FAQ questions) are headings. Otherwise
   plain-text heuristics: a short line that starts with a capital, digit or symbol, has no
   terminal period (or ends in "?"), is not the body of a preceding "...:" intro and is not one of
   a run of adjacent numbered lines. Levels: the first line is the document title (level 0) if
   prose follows it; "FAQ"-like headings and title-cased headings of 5+ words are top level (1);
   numbered series ("1.", "Step 2:", "Scenario 3:") are one level below the current top-level
   heading; questions inside an FAQ section are FAQ entries (level 2); others are level 2.
3. Segments: a heading, a table, one list item (with its continuation lines), a paragraph (a
   hard-wrapped one is joined), or one sentence of a very long paragraph. Hard glue keeps a
   heading with what follows it, an intro line ("...:") with its list/table/paragraph, and the
   line right before a table with the table; soft glue keeps list items and sentences together.
4. Packing, per leaf section: hard-glued segments are never split; a soft-glued group is split
   only if longer than 1.5 * ``max_chars``; consecutive groups pack up to ``max_chars``. An FAQ
   question with its whole answer stays in one chunk up to 2 * ``max_chars``. Tables are not
   split (but see 6).
5. A chunk under ``min_chars`` merges with a neighbour in the same top-level section (a heading
   with no content of its own always merges forward).
6. Size cap: whatever the input (a table of 50,000 rows, thousands of lines glued by the rules
   above, one enormous line), no chunk is longer than 2 * ``max_chars``. A chunk over that is cut
   into pieces of whole lines up to ``max_chars`` (so a long table becomes groups of whole rows,
   each still a "table" chunk of the same section), and a line over ``max_chars`` is cut at
   whitespace, or hard where it has none. Real documents never reach the cap.

The module is pure (stdlib only, plus the shared types) and :func:`chunk_document` never raises.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from assistant.core.types import Chunk

# Provisional: a measurement sweep sets the real defaults.
# Bump when the output can change: ingest re-chunks and re-embeds everything on a change.
CHUNKER_VERSION = "1"
DEFAULT_MAX_CHARS = 700
DEFAULT_MIN_CHARS = 150

_OVERSIZE = 1.5  # a group is split only past this multiple of max_chars
_FAQ_OVERSIZE = 2.0  # an FAQ question + answer stays whole up to this multiple
_CAP = 2.0  # no chunk is longer than this multiple, whatever the input
_NONE, _SOFT, _HARD = 0, 1, 2

# Tests flip this to surface bugs that the never-raise fallback would otherwise hide.
_RAISE_ERRORS = False

_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\S.*?)[ \t#]*$")
_BULLET_ITEM = re.compile(r"^(?:[-•*+▪◦‣–]|[a-z]\))\s+\S")
_NUM_ITEM = re.compile(r"^\d{1,3}[.)]\s+\S")
_NUM_HEAD = re.compile(r"^(?:(?P<word>[A-Z][a-z]+)\s+)?(?P<num>\d{1,3})(?P<sep>[.):])\s*\S")
_TABLE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?$")
_FAQ = re.compile(
    r"\bFAQs?\b|frequently asked questions|common questions|questions (?:and|&) answers|"
    r"\bQ ?& ?A\b",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"^(?:key (?:points|takeaways?)|bottom line|(?:the )?takeaways?|summary|in summary|"
    r"tl;?dr|conclusion|final thoughts)\b",
    re.IGNORECASE,
)
_ABBREV_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")  # "in the U.S." is not a sentence end
_SENT_END = re.compile(r"[.!?…][\"”’)\]]*\s+")
_CLOSERS = "\"'”’)]*_"
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+", "a an the and or but nor of for to in on at by with vs via from as into than per"
    )
)


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first non-whitespace character
    end: int  # offset just after the last non-whitespace character
    s: str  # stripped text ("" for blank)
    indent: int
    kind: str  # blank | mdh | table | item | num | text


@dataclass(slots=True)
class _Seg:
    start: int
    end: int
    kind: str  # heading | table | item | text
    leaf: int
    glue: int = _NONE  # glue to the next segment of the same leaf
    para: int = -1  # sentences of one split paragraph share an id


@dataclass(slots=True)
class _Leaf:
    section: str
    top: int
    faq: bool


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    leaf: int
    top: int
    section: str
    faq: bool
    chars: dict[str, int]

    @property
    def size(self) -> int:
        return self.end - self.start


# --------------------------------------------------------------------------------------------
# Lines and headings


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        s = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = pos + lead
        end = start + len(s)
        if not s:
            kind = "blank"
        elif _MD_HEADING.match(raw):
            kind = "mdh"
        elif s.startswith("|") and s.count("|") >= 2:
            kind = "table"
        elif _BULLET_ITEM.match(s):
            kind = "item"
        elif _NUM_ITEM.match(s):
            kind = "num"
        else:
            kind = "text"
        out.append(_Line(start, end, s, lead, kind))
        pos += len(raw) + 1
    # Pipe tables without outer pipes: a separator row makes its "|" neighbours a table.
    # Another separator in a run already marked would mark the same run again: skipped, or a
    # table of many separator rows takes quadratic time.
    done = 0  # lines before this index belong to a run already marked
    for i, ln in enumerate(out):
        if i >= done and ln.kind != "blank" and "|" in ln.s and _TABLE_SEP.match(ln.s):
            ln.kind = "table"
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(out) and out[j].kind != "blank" and "|" in out[j].s:
                    out[j].kind = "table"
                    j += step
            done = j
    return out


def _ends_sentence(s: str) -> bool:
    core = s.rstrip(_CLOSERS)
    return bool(core) and core[-1] in ".!;,…" and not _ABBREV_END.search(core)


def _shape(s: str) -> str | None:
    """'q' (question heading), 'h' (heading), 's' (summary label "Key points:") or None."""
    first = s[0]
    if not (first.isupper() or first.isdigit() or unicodedata.category(first) == "So"):
        return None
    if ":- " in s:  # an intro fused with its first list item
        return None
    words = len(s.split())
    core = s.rstrip(_CLOSERS)
    if core.endswith("?"):
        return "q" if words <= 30 else None
    if core.endswith(":"):
        return "s" if words <= 6 and _SUMMARY.match(s) else None
    if _ends_sentence(s) or words > 18 or len(s) > 160:
        return None
    return "h"


def _title_case(s: str) -> bool:
    words = [w.strip("\"'“”‘’()[]:,") for w in s.split()]
    words = [w for w in words if w and w[0].isalpha() and w.casefold() not in _FUNCTION_WORDS]
    return bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _num_key(s: str) -> tuple[tuple[str, str], int] | None:
    m = _NUM_HEAD.match(s)
    if not m:
        return None
    return (m.group("word") or "", m.group("sep")), int(m.group("num"))


def _plain_candidates(lines: list[_Line]) -> dict[int, str]:
    """Line index -> shape, for lines that look like headings in their context."""
    n = len(lines)
    cands: dict[int, str] = {}
    for i, ln in enumerate(lines):
        if ln.kind not in ("text", "num") or ln.indent:
            continue
        shape = _shape(ln.s)
        if shape is None:
            continue
        nxt = next((j for j in range(i + 1, n) if lines[j].kind != "blank"), None)
        if nxt is None:
            continue  # a heading needs something under it
        prev = lines[i - 1] if i > 0 and lines[i - 1].kind != "blank" else None
        after = lines[i + 1] if i + 1 < n and lines[i + 1].kind != "blank" else None
        if after is not None and after.s[0].islower():
            continue  # a hard-wrapped sentence, not a heading
        if prev is not None and prev.kind == "text":
            if prev.s.endswith(":"):
                # The body of an intro, unless a short title followed by a real paragraph.
                long_para = after is not None and after.kind == "text" and len(after.s) >= 150
                if not (shape == "h" and len(ln.s.split()) <= 8 and long_para):
                    continue
            elif not _ends_sentence(prev.s) and not prev.s.endswith("?") and prev.s[-1] != ":":
                if (i - 1) not in cands:
                    continue  # mid-sentence wrap
                if shape == "h" and _num_key(ln.s) is None:
                    continue  # two stacked plain headings: the second is text
        key = _num_key(ln.s)
        if key is not None:
            # Adjacent numbered lines with nothing between them are a list, not headings.
            for j in (i - 1, i + 1):
                if 0 <= j < n and lines[j].kind in ("num", "text"):
                    other = _num_key(lines[j].s)
                    if other and other[0] == key[0] and abs(other[1] - key[1]) == 1:
                        shape = None
        if shape is not None:
            cands[i] = shape
    return cands


def _plain_levels(lines: list[_Line], cands: dict[int, str]) -> dict[int, tuple[int, bool]]:
    """Line index -> (level, is_faq_entry) for plain-text documents."""
    out: dict[int, tuple[int, bool]] = {}
    members = {(k[0], k[1]) for i in cands if (k := _num_key(lines[i].s))}
    first = next((i for i, ln in enumerate(lines) if ln.kind != "blank"), None)
    in_faq = have_top = False
    series: dict[tuple[str, str], tuple[int, int]] = {}
    for i in sorted(cands):
        s, shape = lines[i].s, cands[i]
        nxt = next((j for j in range(i + 1, len(lines)) if lines[j].kind != "blank"), None)
        if i == first and nxt is not None and nxt not in cands and shape != "s":
            out[i] = (0, False)
            continue
        if shape == "s":
            if in_faq:  # "Key points:" after an FAQ closes it
                out[i] = (1, False)
                in_faq, have_top = False, True
            continue
        if _FAQ.search(s) and (shape != "q" or not in_faq):
            out[i] = (1, False)
            in_faq = have_top = True
            continue
        if in_faq and shape == "q":
            out[i] = (2, True)
            continue
        key = _num_key(s)
        if key is not None:
            style, num = key
            prev = series.get(style)
            if prev is not None and prev[0] == num - 1:
                level = prev[1]
            elif (style, num - 1) in members or (style, num + 1) in members:
                level = 2 if have_top else 1
            else:
                level = 1 if _title_case(s) else (2 if have_top else 1)
            series[style] = (num, level)
        elif unicodedata.category(s[0]) == "So":
            level = 2 if have_top else 1
        elif _title_case(s) and len(s.split()) >= 5:
            level = 1
        else:
            level = 2 if have_top else 1
        if level == 1:
            in_faq, have_top = False, True
        out[i] = (level, False)
    return out


def _md_levels(lines: list[_Line]) -> dict[int, tuple[int, bool]]:
    """Line index -> (level, is_faq_entry) for documents with '#' headings."""
    raw = {
        i: len(m.group(1))
        for i, ln in enumerate(lines)
        if ln.kind == "mdh" and (m := _MD_HEADING.match(ln.s))
    }
    out: dict[int, tuple[int, bool]] = {}
    if not raw:
        return out
    top = min(raw.values())
    first = next((i for i, ln in enumerate(lines) if ln.kind != "blank"), None)
    title = (
        first if first in raw and raw[first] == top and list(raw.values()).count(top) == 1 else None
    )
    rest = [v for i, v in raw.items() if i != title]
    base = min(rest) if rest else top
    faq_level: int | None = None
    for i, ln in enumerate(lines):
        if i in raw:
            if i == title:
                out[i] = (0, False)
                continue
            level = max(1, raw[i] - base + 1)
            if faq_level is not None and level <= faq_level:
                faq_level = None
            text = _MD_HEADING.match(ln.s).group(2)  # type: ignore[union-attr]
            out[i] = (level, faq_level is not None and text.endswith("?"))
            if faq_level is None and _FAQ.search(text):
                faq_level = level
        elif (
            faq_level is not None
            and ln.kind in ("text", "num")
            and not ln.indent
            and _shape(ln.s) == "q"
            and i + 1 < len(lines)
        ):
            out[i] = (faq_level + 1, True)
    return out


def _heading_text(ln: _Line) -> str:
    m = _MD_HEADING.match(ln.s)
    return m.group(2).strip() if m else ln.s


# --------------------------------------------------------------------------------------------
# Segments


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end]; a sentence over 2 * max_chars is cut at spaces."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        spans.append((pos, m.start() + len(m.group().rstrip())))
        pos = m.end()
    if pos < end:
        spans.append((pos, end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        out.extend(_wrap(text, s, e, max_chars, 2 * max_chars))
    return [span for s, e in out if (span := _trim(text, s, e))]


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """text[start:end] without surrounding whitespace, or None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _wrap(text: str, start: int, end: int, max_chars: int, limit: int) -> list[tuple[int, int]]:
    """text[start:end] cut into pieces of at most `limit` characters: at the last line break or
    space between max_chars // 2 and max_chars into the rest, or hard at max_chars if none."""
    out: list[tuple[int, int]] = []
    s = start
    while end - s > limit:
        cut = text.rfind("\n", s + max_chars // 2, s + max_chars)
        if cut <= s:
            cut = text.rfind(" ", s + max_chars // 2, s + max_chars)
        cut = cut if cut > s else s + max_chars
        out.append((s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    out.append((s, end))
    return out


def _segments(
    text: str, lines: list[_Line], heads: dict[int, tuple[int, bool]], max_chars: int
) -> tuple[list[_Seg], list[_Leaf]]:
    leaves = [_Leaf("", 0, False)]
    stack: dict[int, str] = {}
    segs: list[_Seg] = []
    top = 0
    n = len(lines)
    para = 0

    def add(start: int, end: int, kind: str, glue: int = _NONE) -> None:
        nonlocal para
        if kind in ("text", "item") and end - start > _OVERSIZE * max_chars:
            para += 1
            for s, e in _split_long(text, start, end, max_chars):
                segs.append(_Seg(s, e, kind, len(leaves) - 1, _SOFT, para))
            if segs:
                segs[-1].glue = glue
        else:
            segs.append(_Seg(start, end, kind, len(leaves) - 1, glue))

    i = 0
    while i < n:
        ln = lines[i]
        if ln.kind == "blank":
            i += 1
            continue
        if i in heads:
            level, faq = heads[i]
            stack = {k: v for k, v in stack.items() if k < level}
            stack[level] = _heading_text(ln)
            top += level <= 1
            path = [stack[k] for k in sorted(stack) if k >= 1] or [stack.get(0, "")]
            leaves.append(_Leaf(" > ".join(p for p in path if p), top, faq))
            segs.append(_Seg(ln.start, ln.end, "heading", len(leaves) - 1, _HARD))
            i += 1
            continue
        j = i + 1
        if ln.kind == "table":
            while j < n and lines[j].kind == "table":
                j += 1
            add(ln.start, lines[j - 1].end, "table")
        elif ln.kind in ("item", "num"):
            # Continuation: deeper-indented text, or a lowercase line ("vs. - ...").
            while j < n and j not in heads and lines[j].kind == "text":
                nxt = lines[j]
                if not (nxt.indent > ln.indent or nxt.s[0].islower()) or nxt.s.endswith(":"):
                    break
                j += 1
            add(ln.start, lines[j - 1].end, "item")
        else:
            # A hard-wrapped paragraph continues while the previous line ends mid-sentence.
            while (
                j < n
                and j not in heads
                and lines[j].kind == "text"
                and not _ends_sentence(lines[j - 1].s)
                and lines[j - 1].s[-1] not in "?:"
            ):
                j += 1
            add(ln.start, lines[j - 1].end, "text", _HARD if lines[j - 1].s[-1] == ":" else _NONE)
        i = j
    # Glue between neighbours that the line walk could not see.
    for k in range(len(segs) - 1):
        a, b = segs[k], segs[k + 1]
        if a.leaf != b.leaf:
            a.glue = _NONE
        elif a.kind == "text" and b.kind == "table" and text.count("\n", a.end, b.start) <= 2:
            a.glue = _HARD  # the sentence that introduces a table
        elif a.glue == _NONE and a.kind == "item" and b.kind == "item":
            a.glue = _SOFT
    return segs, leaves


# --------------------------------------------------------------------------------------------
# Packing


def _draft(segs: list[_Seg], leaf: _Leaf) -> _Draft:
    chars: dict[str, int] = {}
    for s in segs:
        chars[s.kind] = chars.get(s.kind, 0) + s.end - s.start
    return _Draft(
        segs[0].start, segs[-1].end, segs[0].leaf, leaf.top, leaf.section, leaf.faq, chars
    )


def _runs(segs: list[_Seg], strength: int) -> list[list[_Seg]]:
    """Split a segment list where the glue is weaker than `strength`."""
    runs: list[list[_Seg]] = [[]]
    for s in segs:
        runs[-1].append(s)
        if s.glue < strength:
            runs.append([])
    return [r for r in runs if r]


def _pack_leaf(segs: list[_Seg], leaf: _Leaf, max_chars: int) -> list[_Draft]:
    if leaf.faq and segs[-1].end - segs[0].start <= _FAQ_OVERSIZE * max_chars:
        return [_draft(segs, leaf)]
    out: list[list[_Seg]] = []
    cur: list[_Seg] = []
    for group in _runs(segs, _SOFT):
        size = group[-1].end - group[0].start
        # An oversize group splits between items/sentences, never inside hard-glued atoms.
        units = _runs(group, _HARD) if size > _OVERSIZE * max_chars else [group]
        for unit in units:
            if cur and unit[-1].end - cur[0].start > max_chars:
                out.append(cur)
                cur = []
            cur = cur + unit
    if cur:
        out.append(cur)
    return [_draft(d, leaf) for d in out]


def _join(a: _Draft, b: _Draft) -> _Draft:
    big = a if a.size > b.size else b
    chars = dict(a.chars)
    for k, v in b.chars.items():
        chars[k] = chars.get(k, 0) + v
    return _Draft(a.start, b.end, big.leaf, big.top, big.section, a.faq or b.faq, chars)


def _merge_small(drafts: list[_Draft], min_chars: int) -> list[_Draft]:
    # A heading with nothing under it joins what follows, whatever the section.
    fwd: list[_Draft] = []
    carry: _Draft | None = None
    for d in drafts:
        if carry is not None:
            d = _join(carry, d)
            carry = None
        if set(d.chars) == {"heading"}:
            carry = d
        else:
            fwd.append(d)
    if carry is not None:
        fwd.append(carry)
    # Then small chunks join a neighbour of the same top-level section (same leaf preferred).
    out: list[_Draft] = []
    pending: _Draft | None = None
    for k, d in enumerate(fwd):
        if pending is not None:
            d = _join(pending, d)
            pending = None
        if d.size >= min_chars:
            out.append(d)
            continue
        prev = out[-1] if out and out[-1].top == d.top else None
        nxt = fwd[k + 1] if k + 1 < len(fwd) and fwd[k + 1].top == d.top else None
        if prev is not None and (prev.leaf == d.leaf or nxt is None or nxt.leaf != d.leaf):
            out[-1] = _join(prev, d)
        elif nxt is not None:
            pending = d
        else:
            out.append(d)
    if pending is not None:
        out.append(pending)
    return out


def _line_spans(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """The non-blank lines of text[start:end], trimmed; a line over max_chars cut in pieces."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        stop = text.find("\n", pos, end)
        stop = end if stop < 0 else stop
        if (span := _trim(text, pos, stop)) is not None:
            for s, e in _wrap(text, *span, max_chars, max_chars):
                if (piece := _trim(text, s, e)) is not None:
                    out.append(piece)
        pos = stop + 1
    return out


def _chars_in(segs: list[_Seg], starts: list[int], start: int, end: int) -> dict[str, int]:
    """Characters per segment kind within text[start:end] (`starts`: the segments' starts)."""
    chars: dict[str, int] = {}
    k = max(0, bisect.bisect_right(starts, start) - 1)
    while k < len(segs) and segs[k].start < end:
        overlap = min(end, segs[k].end) - max(start, segs[k].start)
        if overlap > 0:
            chars[segs[k].kind] = chars.get(segs[k].kind, 0) + overlap
        k += 1
    return chars


def _cap(text: str, drafts: list[_Draft], segs: list[_Seg], max_chars: int) -> list[_Draft]:
    """Cut every draft over _CAP * max_chars into pieces of whole lines up to max_chars.

    Only inputs the rules above were not made for get here (a huge table, a long run of lines
    glued together, heading after heading with no content, one enormous line); each piece keeps
    the draft's section, and its kind follows what it holds (a piece of a table is a table)."""
    starts = [s.start for s in segs]
    out: list[_Draft] = []
    for d in drafts:
        if d.size <= _CAP * max_chars:
            out.append(d)
            continue
        piece: _Draft | None = None
        for s, e in _line_spans(text, d.start, d.end, max_chars):
            chars = _chars_in(segs, starts, s, e)  # per line, so that the pass stays linear
            # Full at max_chars; but a heading stays with the line under it, within the cap.
            if (
                piece is not None
                and e - piece.start > max_chars
                and (set(piece.chars) != {"heading"} or e - piece.start > _CAP * max_chars)
            ):
                out.append(piece)
                piece = None
            if piece is None:
                piece = _Draft(s, e, d.leaf, d.top, d.section, d.faq, chars)
            else:
                piece.end = e
                for kind, n in chars.items():
                    piece.chars[kind] = piece.chars.get(kind, 0) + n
        if piece is not None:
            out.append(piece)
    return out


def _kind(d: _Draft) -> str:
    if d.chars.get("table"):
        return "table"
    if d.faq:
        return "faq"
    body = sum(v for k, v in d.chars.items() if k != "heading")
    return "list" if body and d.chars.get("item", 0) * 2 >= body else "prose"


def _make(doc_id: str, title: str, text: str, d: _Draft, kind: str, section: str) -> Chunk:
    body = text[d.start : d.end]
    digest = hashlib.sha256(f"{doc_id}\x00{d.start}\x00{d.end}\x00{body}".encode()).hexdigest()
    return Chunk(
        id=digest[:16],
        doc_id=doc_id,
        title=title,
        section=section,
        start=d.start,
        end=d.end,
        text=body,
        kind=kind,
    )


def _chunk(doc_id: str, title: str, text: str, max_chars: int, min_chars: int) -> list[Chunk]:
    lines = _lines(text)
    if any(ln.kind == "mdh" for ln in lines):
        heads = _md_levels(lines)
    else:
        heads = _plain_levels(lines, _plain_candidates(lines))
    segs, leaves = _segments(text, lines, heads, max_chars)
    drafts: list[_Draft] = []
    start = 0
    for k in range(1, len(segs) + 1):
        if k == len(segs) or segs[k].leaf != segs[start].leaf:
            drafts.extend(_pack_leaf(segs[start:k], leaves[segs[start].leaf], max_chars))
            start = k
    drafts = _cap(text, _merge_small(drafts, min_chars), segs, max_chars)
    return [_make(doc_id, title, text, d, _kind(d), d.section) for d in drafts]


def _fallback(doc_id: str, title: str, text: str, max_chars: int) -> list[Chunk]:
    """Plain fixed-size spans: used only if the structured path hits a bug."""
    out: list[Chunk] = []
    for s, e in _split_long(text, 0, len(text), max(1, max_chars // 2)):
        out.append(_make(doc_id, title, text, _Draft(s, e, 0, 0, "", False, {}), "prose", ""))
    return out


def chunk_document(
    doc_id: str,
    title: str,
    text: str,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    min_chars: int = DEFAULT_MIN_CHARS,
) -> list[Chunk]:
    """Split a document's canonical text into section-aware chunks with exact offsets.

    Args:
        doc_id: Document id (part of every chunk id).
        title: Document title, copied to every chunk.
        text: The canonical text (from :func:`ingest.clean.clean`); offsets index into it.
        max_chars: Target maximum chunk length. Tables, FAQ entries up to 2x and lists or
            paragraphs up to 1.5x this length are kept whole.
        min_chars: Chunks shorter than this merge with a neighbour in the same top-level section.

    Returns:
        Chunks in document order, non-overlapping, with ``text == text[start:end]``, trimmed of
        surrounding whitespace, covering every non-blank line.
    """
    doc_id = doc_id if isinstance(doc_id, str) else str(doc_id)
    title = title if isinstance(title, str) else str(title)
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        max_chars = max(20, int(max_chars))
        min_chars = min(max(0, int(min_chars)), max_chars)
    except (TypeError, ValueError, OverflowError):
        max_chars, min_chars = DEFAULT_MAX_CHARS, DEFAULT_MIN_CHARS
    try:
        return _chunk(doc_id, title, text, max_chars, min_chars)
    except Exception:
        if _RAISE_ERRORS:
            raise
        return _fallback(doc_id, title, text, max_chars)
