"""Which sentences of an answer are claims about the sources, and which are structure (pure).

This is the one structural-sentence rule of the eval suite. Every backend's answer (grounded,
LLM, the naive baseline) goes through `statements()` before any faithfulness or citation metric
sees it, so they are all judged by the same rule.

A sentence is *structural*, not a claim about the sources, when it is:

1. part of the fixed abstention text: the whole answer matches the service's refusal template;
2. empty once citation markers, Markdown, labels and source attributions are removed;
3. a heading: a Markdown heading line, an emphasised label ending in a colon
   ("**What the sources say:**"), or any line of at most 8 words ending in a colon (a list
   intro such as "If you have:");
4. a question ("💡 What is it?"): it asks, it does not assert;
5. about the conversation rather than the sources: the profile echo ("I read your profile as
   …"), a plan step's note on the applicant's own facts ("For you: about 4–8 more weeks on top
   of the 4 you have"), the missing-facts notice ("I can't give you a firm recommendation yet.
   It depends on facts I could not read from your question: … Tell me those …"), the injection
   notice, and "The sources I have do not answer this question";
6. about a citation's provenance: "Note: [n] comes from a publisher with a commercial interest".

Everything else is a claim and needs support. That includes a verdict headline, a bold lead-in
sentence and any paraphrase a model writes.

A claim is scored on `Statement.claim`. That is the sentence without citation markers, without
Markdown emphasis and list bullets, without a leading emphasised label of up to four words
("**In short:**", "**Recommendation: …") and without source attributions. A longer label
carries content of its own (for example a verdict in parentheses), so it stays in the claim and
is scored. A source attribution is a parenthetical that is a cited document's title, possibly
cut short with "…", and possibly followed by the heading a quoted list item stands under
(", under “If money is tight”"). Short labels and attributions say where a quote comes from;
they assert nothing.

Sentence units come from `assistant.text.support.split_sentences`, the guard's splitter, with two
repairs that apply to any text. An open curly quotation continues into the next piece, because a
quoted two-sentence source passage is one statement, cited once at its end. A piece with no
words of its own (such as "” [1]") joins the sentence before it and brings its markers along.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.answer.composer import ABSTAIN_TEXT
from assistant.answer.render import FOR_YOU
from assistant.text.support import citation_markers, split_sentences, strip_markers


@dataclass(frozen=True)
class Statement:
    """One answer sentence as the metrics see it.

    Attributes:
        text: The sentence as written, markers included.
        claim: What is scored for support; "" for a structural sentence.
        markers: Citation numbers in the sentence, in order.
        structural: Why the sentence is not a claim (None for a claim).
    """

    text: str
    claim: str
    markers: tuple[int, ...]
    structural: str | None = None

    @property
    def needs_support(self) -> bool:
        return self.structural is None


# Rules 5 and 6, matched on the sentence with markers and Markdown removed.
STRUCTURAL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("profile echo", r"^I read your profile as\b"),
        ("profile echo", r"^I could not read any profile facts\b"),
        # a plan step measured against the applicant's facts: from the profile, checked against
        # it by tests/test_plan.py, as the echo is (numbers included: "the 4 you have")
        ("for-you note", rf"^{re.escape(FOR_YOU)}"),
        ("missing-facts notice", r"^I can'?t give you a firm recommendation yet\b"),
        ("missing-facts notice", r"^It depends on facts I could not read from your question\b"),
        ("missing-facts notice", r"^Tell me those and I will apply\b"),
        ("injection notice", r"^Your message contained instructions addressed to me\b"),
        ("no-answer notice", r"^The sources I have do not answer this question\b"),
        ("provenance note", r"^Note:.*\bpublisher with a commercial interest\b"),
    )
)

MAX_LABEL_WORDS = 8
_WS = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z0-9]")
_PARAGRAPH = re.compile(r"\n\s*\n")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])(?:\s+|$)")
_HEADING_LINE = re.compile(r"^\s*#{1,6}\s")
# Bold/underline markers anywhere; a single * or _ only at a word edge ("snake_case" stays).
_EMPHASIS = re.compile(r"\*\*|__|(?<![A-Za-z0-9])[*_]|[*_](?![A-Za-z0-9])")
# An emphasised label of up to four words ending in a colon, at the start of a sentence.
_LABEL = re.compile(r"^(?:\*\*|__|\*|_)\s*(?P<label>[^*_:\n]{1,40}?):\s*(?:\*\*|__|\*|_)?\s*")
_PARENTHETICAL = re.compile(r"\s*\(([^()]{4,200})\)")
# where a quoted list item stands in its document, after the title: ", under “3. Externships”"
# (to its last closing mark: a heading may quote, “Is “Enough”?”)
_UNDER_HEADING = re.compile(r",\s*under\s*“.{1,200}”\s*$")


def _squash(text: str) -> str:
    return _WS.sub(" ", text.replace("’", "'")).strip()


def _abstention_pattern() -> re.Pattern[str]:
    template = re.escape(_squash(ABSTAIN_TEXT)).replace(re.escape("{reason}"), ".*")
    return re.compile(template, re.DOTALL)


_ABSTENTION = _abstention_pattern()


def is_abstention_text(answer: str) -> bool:
    """True when the whole answer is the service's fixed refusal (any reason filled in)."""
    return bool(_ABSTENTION.fullmatch(_squash(answer)))


def _title_key(text: str) -> str:
    return _squash(text).lower().strip("“”\"' ").rstrip("….").strip()


def strip_attributions(text: str, titles: Iterable[str]) -> str:
    """`text` without parentheticals that name a cited document (its title, or a cut-short one)."""
    keys = [_title_key(t) for t in titles if t]

    def drop(match: re.Match[str]) -> str:
        inner = _title_key(_UNDER_HEADING.sub("", match.group(1)))
        if len(inner) >= 8 and any(key.startswith(inner) for key in keys):
            return ""
        return match.group(0)

    return _PARENTHETICAL.sub(drop, text) if keys else text


def _plain(text: str, titles: Iterable[str]) -> str:
    """Markers, bullets, heading marks, emphasis and source attributions removed."""
    text = strip_attributions(strip_markers(text), titles)
    text = _HEADING_LINE.sub("", _BULLET.sub("", text))
    return _squash(_EMPHASIS.sub("", text))


def _has_words(text: str, titles: Iterable[str]) -> bool:
    return bool(_WORD.search(_plain(text, titles)))


def _open_quotation(text: str) -> bool:
    return text.count("“") > text.count("”")


def sentence_units(answer: str, titles: Iterable[str] = ()) -> list[str]:
    """The answer's sentences: the guard's splitter plus the two repairs of the module doc.

    Args:
        answer: Answer text (Markdown with inline [n] markers).
        titles: Titles of the cited documents (to recognise source attributions).

    Returns:
        Sentences in order, markers kept.
    """
    titles = list(titles)
    units: list[str] = []
    for paragraph in _PARAGRAPH.split(answer or ""):
        merged: list[str] = []
        for piece in split_sentences(paragraph):
            if merged and (_open_quotation(merged[-1]) or not _has_words(piece, titles)):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        units.extend(merged)
    return units


def classify(sentence: str, titles: Iterable[str] = ()) -> Statement:
    """One sentence as a claim (with the text to score) or a structural sentence (with why).

    Args:
        sentence: One sentence of an answer, markers included.
        titles: Titles of the cited documents.

    Returns:
        The `Statement`.
    """
    titles = list(titles)
    markers = tuple(citation_markers(sentence))
    plain = _plain(sentence, titles)
    if not _WORD.search(plain):
        return Statement(sentence, "", markers, "empty")
    if _HEADING_LINE.match(_BULLET.sub("", sentence)):
        return Statement(sentence, "", markers, "heading")
    if plain.endswith(":") and len(plain.split()) <= MAX_LABEL_WORDS:
        return Statement(sentence, "", markers, "heading")
    if plain.endswith("?"):
        return Statement(sentence, "", markers, "question")
    for reason, pattern in STRUCTURAL_PATTERNS:
        if pattern.search(plain):
            return Statement(sentence, "", markers, reason)
    text = _BULLET.sub("", strip_markers(sentence))
    label = _LABEL.match(text)
    if label and len(label.group("label").split()) <= 4:
        text = text[label.end() :]
    claim = _plain(text, titles)
    if not _WORD.search(claim):
        return Statement(sentence, "", markers, "heading")
    return Statement(sentence, claim, markers)


def statements(answer: str, titles: Iterable[str] = ()) -> list[Statement]:
    """Every sentence of an answer, each classified by the structural-sentence rule.

    Args:
        answer: Answer text.
        titles: Titles of the documents the answer cites.

    Returns:
        Statements in order; all structural when the answer is the fixed abstention text.
    """
    titles = list(titles)
    units = sentence_units(answer, titles)
    if is_abstention_text(answer):
        return [Statement(u, "", tuple(citation_markers(u)), "abstention text") for u in units]
    return [classify(u, titles) for u in units]
