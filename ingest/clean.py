"""Turn a raw corpus file into its canonical text by dropping non-content lines.

The canonical text is what every chunk offset and every citation quote indexes into, so it is made
only by *dropping whole lines* and normalising whitespace between lines:

- line endings: ``\\r\\n`` and lone ``\\r`` become ``\\n``;
- trailing whitespace of each line is removed (leading indentation is KEPT, because it carries
  list structure, e.g. the indented continuation lines of a numbered list);
- runs of blank (or whitespace-only) lines collapse to one blank line; leading and trailing blank
  lines are removed; the text has no trailing newline.

Every kept line is therefore a verbatim prefix of a source line, and any quote found in the
canonical text is also in the source file.

What is dropped (each removal is reported with its reason and 1-based line number, counted after
line-ending normalisation):

- ``table_of_contents``: a "Table of Contents" / "Contents" / "In this article" header and the
  following entries that repeat later lines of the document.
- ``byline``: author, date and reading-time lines in the header zone (before the first paragraph).
- ``site_chrome``: a logo line and a tag line (a run of title-cased tags) in the header zone;
  navigation labels ("Related Articles", "Skip to content"; an ambiguous one like "overview"
  only when lowercase, as a tab label, or when it is the last line).
- ``image_caption``: stand-alone alt-text lines "<description> - <truncated site tag>" whose
  tag recurs on other such lines; image credit and file-name lines.
- ``advertisement``: a trailing product block that starts with "<NewBrand> - <tagline>", where the
  brand is never mentioned before, and contains promotional wording.
- ``call_to_action``: trailing "visit example.com / get started / book now" lines, extended back
  over "we offer..." sales lines and a "Need help ...?" hook.

Precision over recall: every heuristic needs several independent signals, because eating a
sentence of substance is worse than leaving a logo in. Per-document :class:`CleanHints` (from
``corpus/metadata.toml``) cover what the heuristics miss.

The module is pure: no I/O, stdlib + pydantic only. :func:`clean` never raises on any input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Reason = Literal[
    "table_of_contents",
    "image_caption",
    "site_chrome",
    "advertisement",
    "call_to_action",
    "byline",
]

# Tests flip this to surface bugs that the never-raise fallback would otherwise hide.
# Bump when the output can change: ingest re-chunks and re-embeds everything on a change.
CLEANER_VERSION = "1"
_RAISE_ERRORS = False


class CleanHints(BaseModel):
    """Optional per-document cleaning hints (keys of a ``[documents.X]`` metadata table).

    Attributes:
        drop_lines_matching: Regexes (``re.search`` on the stripped line); matching lines are
            dropped. Invalid regexes are ignored.
        drop_from: Exact stripped text of a line; that line and everything after it is dropped.
        hint_reason: The reason reported for lines dropped by these hints.
    """

    model_config = ConfigDict(extra="ignore")

    drop_lines_matching: list[str] = Field(default_factory=list)
    drop_from: str | None = None
    hint_reason: Reason = "site_chrome"


class Removed(BaseModel):
    """One dropped line: its 1-based line number in the raw file, its text and why."""

    line: int
    text: str
    reason: Reason


class CleanResult(BaseModel):
    """The canonical text, what was removed, and the author found in a byline (if any)."""

    text: str
    removed: list[Removed] = Field(default_factory=list)
    author: str | None = None


# --------------------------------------------------------------------------------------------
# Patterns

_TERMINAL = ".!?…"
_CLOSERS = "\"'”’)]*_"
_BULLET = re.compile(r"^\s*(?:[-•*+▪◦‣]|\d{1,3}[.)])\s+")
_WORD = re.compile(r"\S+")

_TOC_HEADER = re.compile(
    r"^(?:table of contents|contents|in this article|on this page|article contents|jump to)\b",
    re.IGNORECASE,
)
_TOC_TOGGLE = re.compile(r"\b(?:show|hide)\b", re.IGNORECASE)

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"  # Mar, March, Sept.
_DATEISH = rf"(?=.*(?:\d|\b{_MONTHS}(?:\s|$)))"
_BYLINE_PATTERNS = [
    re.compile(r"^\d{1,3}\s*(?:-\s*)?min(?:ute)?s?(?:\s+read)?$", re.IGNORECASE),
    re.compile(rf"^{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?$", re.IGNORECASE),
    re.compile(rf"^{_MONTHS}\s+\d{{4}}$", re.IGNORECASE),
    re.compile(rf"^\d{{1,2}}\s+{_MONTHS},?\s+\d{{4}}$", re.IGNORECASE),
    re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    # "Updated on Mar 3, 2024", not "Published research matters": a date must follow.
    re.compile(
        rf"^(?:(?:last\s+)?updated|published|posted)(?:\s+on)?:?\s+{_DATEISH}.{{1,40}}$",
        re.IGNORECASE,
    ),
]
# A person's name: capitalised words, optional "Dr." and credentials ("By the Numbers" is not).
_NAME = (
    r"(?:Dr\.?\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,4}"
    r"(?:,?\s+(?:MD|M\.D\.|DO|PhD|MBBS|MBChB|MPH|MSc|RN|NP|PA-C|DNP|PharmD)\.?)?"
)
_AUTHOR_PATTERNS = [
    re.compile(
        rf"^(?i:by|written by|author:|reviewed by|medically reviewed by)\s+(?P<name>{_NAME})$"
    ),
    re.compile(
        r"^(?P<name>(?:Dr\.?\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,4},?\s+"
        r"(?:MD|M\.D\.|DO|PhD|MBBS|MBChB|MPH|MSc|RN|NP|PA-C|DNP|PharmD)\.?)$"
    ),
]
_LOGO = re.compile(r"\blogo\b", re.IGNORECASE)
# Title-cased headings nearly always contain one of these; a tag line (a run of tags) does not.
_TAG_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an the and or but of for to in on at by with from as is are be you your we our it its "
        "why how what when which who more than vs not do does can should will this that these "
        "those into about after before over under between",
    )
)

_IMAGE_LINE = re.compile(
    r"^(?:(?:image|photo|photograph|illustration|picture)s?(?:\s+credit)?\s*:|"
    r"(?:photo|image)\s+(?:by|via|courtesy)\b)|\.(?:jpe?g|png|gif|webp|svg)$",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"^(?P<head>.+?)\s-\s(?P<tail>[^-]+)$")

# Navigation labels that are never content, whatever their case or position.
_STRONG_CHROME = frozenset(
    {
        "related articles",
        "related posts",
        "related reading",
        "related content",
        "you may also like",
        "you might also like",
        "recommended articles",
        "recommended for you",
        "more articles",
        "read next",
        "read more",
        "share this article",
        "share this post",
        "share this",
        "skip to content",
        "skip to main content",
        "back to top",
        "advertisement",
        "sponsored content",
        "leave a comment",
        "leave a reply",
        "post a comment",
        "print this article",
    }
)
# Labels that could be a real heading ("Overview"): dropped only when lowercase (a tab label),
# in the header zone, or after the last paragraph of the document.
_WEAK_CHROME = frozenset(
    {
        "overview",
        "home",
        "menu",
        "search",
        "share",
        "print",
        "tweet",
        "email",
        "comments",
        "tags",
        "categories",
        "login",
        "log in",
        "sign in",
        "sign up",
        "subscribe",
        "next",
        "previous",
        "next post",
        "previous post",
        "sponsored",
    }
)
_RELATED = re.compile(r"^(?:related|recommended|more)\b|also like|read next", re.IGNORECASE)

_BRAND_HEADLINE = re.compile(
    r"^(?P<brand>[A-Z][A-Za-z0-9]*(?:\s[A-Z][A-Za-z0-9]*){0,2})\s+[-–—|:]\s+\S"
)
_PROMO = re.compile(
    r"free to try|free trial|no credit card|sign up|try (?:it )?(?:for )?free|get started|"
    r"start (?:your )?free|download (?:the|our) app|book (?:now|a demo)|limited time|"
    r"discount|coupon|promo code|buy now|order now|made smarter|"
    r"\bour (?:ai|app|platform|tool|service|team|algorithm|product)\b",
    re.IGNORECASE,
)
# A bare domain is not enough ("read the guidance at aamc.org"): it needs an action verb.
_CTA = re.compile(
    r"\b(?:visit|go to|head to|check out)\b.{0,40}(?:https?://|www\.|\b[\w-]+\.(?:com|org|net|io|co|us)\b|"
    r"\bus\b|\bour\b)|\bget started\b|\bbook (?:your|a|now)\b|\bcontact us\b|\bsign up\b|"
    r"\bschedule (?:a|your) (?:call|consultation|session|rotation)\b|\bclick here\b|"
    r"\bjoin (?:now|today|us)\b|\bapply now\b|\bfree consultation\b|\bcall us\b|"
    r"\bemail us\b|[📩👉📞]",
    re.IGNORECASE,
)
_SALES = re.compile(
    r"\bwe (?:offer|provide|help|can help|specialize|have helped|are here)\b|"
    r"\bour (?:team|services?|programs?|experts?|rotations?|platform|mission)\b|"
    r"^at [A-Z][^,]{1,40}, we\b",
    re.IGNORECASE,
)
_HOOK = re.compile(
    r"^(?:need|want|looking for|ready|interested|struggling|searching|have questions)\b.*\?$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# Helpers


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _has_terminal(s: str) -> bool:
    """True if the line ends like a sentence (closing quotes and brackets ignored)."""
    core = s.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _TERMINAL


def _is_prose(s: str) -> bool:
    """A paragraph line: long enough and ending with a period-like mark (not "?", not ":")."""
    core = s.rstrip(_CLOSERS)
    return _words(s) >= 12 and bool(core) and core[-1] in ".!…"


def _toc_key(s: str) -> str:
    return " ".join(_BULLET.sub("", s).casefold().split())


def _unbullet(s: str) -> str:
    return _BULLET.sub("", s).strip()


# --------------------------------------------------------------------------------------------
# Detectors: each takes the stripped lines (and what is dropped so far) and marks indices.


def _detect_toc(lines: list[str], drop: dict[int, Reason]) -> None:
    """A contents header followed by entries that repeat later lines of the document."""
    n = len(lines)
    last_pos: dict[str, int] = {}
    for i, s in enumerate(lines):
        if s:
            last_pos[_toc_key(s)] = i
    for i, s in enumerate(lines):
        if not s or i in drop or _words(s) > 8 or not _TOC_HEADER.match(s):
            continue
        entries: list[int] = []
        j = i + 1
        while j < n and len(entries) < 200:
            t = lines[j]
            if not t:
                j += 1
                continue
            key = _toc_key(t)
            if len(t) > 200 or not key or last_pos.get(key, -1) <= j:
                break
            entries.append(j)
            j += 1
        # A lone "Contents" heading could be real content: need entries or show/hide toggles.
        if len(entries) >= 2 or (_TOC_TOGGLE.search(s) and ">>" in s):
            drop.setdefault(i, "table_of_contents")
            for e in entries:
                drop.setdefault(e, "table_of_contents")
            return


def _header_zone(lines: list[str], drop: dict[int, Reason]) -> list[int]:
    """Indices of non-blank lines before the first prose paragraph (at most 15 of them)."""
    zone: list[int] = []
    for i, s in enumerate(lines):
        if not s or i in drop:
            continue
        if _is_prose(s) or len(zone) >= 15:
            break
        zone.append(i)
    return zone


def _detect_header(lines: list[str], drop: dict[int, Reason], zone: list[int]) -> str | None:
    """Logo, byline and tag line in the header zone. Returns the author name, if found."""
    author: str | None = None
    first_content = next((i for i in zone if i not in drop), None)
    for i in zone:
        if i in drop:
            continue
        s = lines[i]
        bare = _unbullet(s)
        if _LOGO.search(s) and _words(s) <= 10 and not _has_terminal(s):
            drop[i] = "site_chrome"
            continue
        if any(p.match(bare) for p in _BYLINE_PATTERNS):
            drop[i] = "byline"
            continue
        for p in _AUTHOR_PATTERNS:
            m = p.match(bare)
            if m:
                drop[i] = "byline"
                author = author or m.group("name").strip()
                break
        if i in drop or i == first_content:
            continue
        words = [w for w in s.split() if any(c.isalpha() for c in w)]
        if (
            len(words) >= 8
            and all(w[0].isupper() for w in words)
            and not any(w.casefold().strip(".") in _TAG_STOPWORDS for w in words)
            and not re.search(r"[,:;?!()\"“”’']", s)
            and not s.endswith(".")
        ):
            drop[i] = "site_chrome"
    return author


def _detect_captions(lines: list[str], drop: dict[int, Reason]) -> None:
    """Stand-alone alt-text lines; the truncated site tag after " - " recurs across them."""
    n = len(lines)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(lines):
        if not s or i in drop:
            continue
        if _IMAGE_LINE.search(s) and _words(s) <= 20:
            drop[i] = "image_caption"
            continue
        standalone = (i == 0 or not lines[i - 1]) and (i == n - 1 or not lines[i + 1])
        if not standalone or len(s) < 40 or _has_terminal(s) or s.endswith(":"):
            continue
        m = _CAPTION.match(s)
        if not m:
            continue
        head, tail = m.group("head"), m.group("tail").strip()
        if _words(head) >= 5 and _words(tail) >= 2 and len(tail) >= 16:
            groups[tail[:16]].append(i)
    for idx in groups.values():
        if len(idx) >= 2:
            for i in idx:
                drop.setdefault(i, "image_caption")


def _detect_chrome_labels(lines: list[str], drop: dict[int, Reason]) -> None:
    """Navigation labels; a trailing "Related Articles" also takes the link titles after it."""
    n = len(lines)
    last = max((i for i, s in enumerate(lines) if s and i not in drop), default=-1)
    for i, s in enumerate(lines):
        if not s or i in drop:
            continue
        key = " ".join(s.casefold().split()).rstrip(":")
        # "Overview" may head a real section; a lowercase tab label or a last line may not.
        weak_ok = s == s.lower() or i == last
        if key in _STRONG_CHROME or (key in _WEAK_CHROME and weak_ok):
            drop[i] = "site_chrome"
            if key in _STRONG_CHROME and _RELATED.search(key):
                rest = [j for j in range(i + 1, n) if lines[j] and j not in drop]
                if len(rest) <= 20 and all(
                    _words(lines[j]) <= 15 and not _is_prose(lines[j]) for j in rest
                ):
                    for j in rest:
                        drop[j] = "site_chrome"


def _tail(lines: list[str], drop: dict[int, Reason], limit: int) -> list[int]:
    """The last `limit` non-blank, not-yet-dropped line indices, in document order."""
    out: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] and i not in drop:
            out.append(i)
            if len(out) >= limit:
                break
    return out[::-1]


def _detect_advert(lines: list[str], drop: dict[int, Reason]) -> None:
    """A product block to the end of the document: "<NewBrand> - <tagline>" then promo copy."""
    tail = _tail(lines, drop, 15)
    for pos, i in enumerate(tail):
        s = lines[i]
        m = _BRAND_HEADLINE.match(s)
        if not m or _words(s) > 12 or _has_terminal(s):
            continue
        brand = m.group("brand")
        # The brand must be new here (an ad, not the article's subject) and recur after it.
        if any(brand in lines[k] for k in range(i)):
            continue
        zone = tail[pos:]
        rest = [lines[j] for j in zone[1:]]
        if not any(brand in t for t in rest) or not any(_PROMO.search(t) for t in rest):
            continue
        if all(brand in t or _PROMO.search(t) or _words(t) <= 20 for t in rest):
            for j in zone:
                drop[j] = "advertisement"
            return


def _detect_cta(lines: list[str], drop: dict[int, Reason]) -> None:
    """Trailing call to action, extended back over sales copy and a "Need help ...?" hook."""
    tail = _tail(lines, drop, 6)
    start = next((p for p, i in enumerate(tail) if _CTA.search(lines[i])), None)
    if start is None:
        return
    after = tail[start + 1 :]
    if not all(_CTA.search(lines[j]) or _SALES.search(lines[j]) for j in after):
        return
    for j in tail[start:]:
        drop[j] = "call_to_action"
    i = tail[start] - 1
    while i >= 0:
        s = lines[i]
        if not s or i in drop:
            i -= 1
            continue
        if _SALES.search(s) or (_HOOK.match(s) and _words(s) <= 12):
            drop[i] = "call_to_action"
            i -= 1
            continue
        break


def _apply_hints(lines: list[str], drop: dict[int, Reason], hints: CleanHints) -> None:
    patterns = []
    for p in hints.drop_lines_matching:
        try:
            patterns.append(re.compile(p))
        except (re.error, TypeError):
            continue  # a bad hint must not break ingest
    reason = hints.hint_reason
    cut = None
    if hints.drop_from:
        target = hints.drop_from.strip()
        cut = next((i for i, s in enumerate(lines) if s == target), None)
    for i, s in enumerate(lines):
        if not s:
            continue
        if (cut is not None and i >= cut) or any(p.search(s) for p in patterns):
            drop.setdefault(i, reason)


# --------------------------------------------------------------------------------------------
# Entry point


def _split_lines(raw: str) -> list[str]:
    return raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _assemble(raw_lines: list[str], drop: dict[int, Reason]) -> str:
    out: list[str] = []
    for i, line in enumerate(raw_lines):
        if i in drop:
            continue
        kept = line.rstrip()
        if not kept.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(kept)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def _clean(raw: str, hints: CleanHints | None) -> CleanResult:
    raw_lines = _split_lines(raw)
    # Detectors work on stripped text; "" means blank. Indices match raw_lines.
    lines = [line.strip() for line in raw_lines]
    drop: dict[int, Reason] = {}
    if hints is not None:
        _apply_hints(lines, drop, hints)
    _detect_toc(lines, drop)
    zone = _header_zone(lines, drop)
    author = _detect_header(lines, drop, zone)
    _detect_captions(lines, drop)
    _detect_chrome_labels(lines, drop)
    _detect_advert(lines, drop)
    _detect_cta(lines, drop)
    _detect_chrome_labels(lines, drop)  # a label left last by the ad/CTA removal
    removed = [
        Removed(line=i + 1, text=raw_lines[i].rstrip(), reason=r) for i, r in sorted(drop.items())
    ]
    return CleanResult(text=_assemble(raw_lines, drop), removed=removed, author=author)


def clean(raw: str, hints: CleanHints | None = None) -> CleanResult:
    """Make the canonical text of a document by dropping non-content lines.

    Args:
        raw: The raw file content (decoded text; ``bytes`` are decoded as UTF-8 with
            replacement, anything else yields an empty result).
        hints: Optional per-document hints from the corpus metadata.

    Returns:
        The canonical text, the removed lines (1-based line numbers after line-ending
        normalisation, with reasons) and the author found in a byline, if any.
    """
    if isinstance(raw, bytes | bytearray):
        raw = bytes(raw).decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        return CleanResult(text="")
    try:
        return _clean(raw, hints)
    except Exception:
        if _RAISE_ERRORS:
            raise
        # Never break ingest: fall back to whitespace normalisation only.
        return CleanResult(text=_assemble(_split_lines(raw), {}))
