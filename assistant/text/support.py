"""Deterministic support scorer: does a source passage back a sentence of an answer?

Shared by the grounded composer (keep only supported sentences), the LLM guard (flag unsupported
ones) and the eval metrics (faithfulness). Pure: stdlib, pydantic, pysbd and PyStemmer, no models.
An embedding similarity, when the caller has one, is passed in as a number.

The score blends three signals:

- `overlap`: recall of the sentence's content words in the passage, after light normalisation
  (lowercase, punctuation stripped, Snowball stemming, and a domain synonym map so "USCE" and
  "U.S. clinical experience", "LOR" and "letters of recommendation" count as the same word);
- bigram recall of consecutive content words (word order: "research before USCE" is not
  "USCE before research");
- the optional embedding cosine similarity.

Hard rules sit on top, each making the sentence unsupported whatever the score: a number of the
sentence missing from the passage; a negation the passage does not share, or the reverse (also a
Yes/No table cell, or an antonym such as long-term vs short-term); a research-vs-clinical ranking
the passage makes the other way round; and a sentence about research (or clinical experience)
whose passage never mentions it.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import pysbd
import Stemmer
from pydantic import BaseModel, Field

from assistant.core import lexicon

# Weights and threshold, calibrated on the 40 dev pairs of evals/datasets/support_pairs.jsonl
# (never on the heldout split) by a small grid search: overlap weight 0.6-1.0 barely matters;
# the threshold peaks at 0.45 (39/40 lexical only, 40/40 with all-MiniLM-L6-v2 cosines; 0.5 gives
# 38/40). The hard rules below were also written while reading dev errors, so expect heldout
# agreement to be lower.
W_OVERLAP = 0.75
W_BIGRAM = 0.25
# With an embedding similarity the lexical part keeps (1 - W_SIMILARITY) of the weight.
W_SIMILARITY = 0.25
# MiniLM cosines of the dev pairs: unsupported near-copies (one wrong detail) still reach 0.6-0.9,
# so similarity only starts to count above 0.5 and saturates at 0.95.
SIM_FLOOR = 0.5
SIM_CEIL = 0.95
SUPPORT_THRESHOLD = 0.45
# A passage clause is "about the same claim" as a sentence clause when they share at least 3
# content words and at least this fraction of the sentence clause's words.
NEGATION_MIN_SHARED = 0.5
CALIBRATION = "dev split of evals/datasets/support_pairs.jsonl"


class SupportResult(BaseModel):
    """How well one passage supports one sentence.

    Attributes:
        supported: The verdict: no missing number, no negation, comparison or topic mismatch,
            and `score >= SUPPORT_THRESHOLD`.
        score: Blended support score in 0..1.
        overlap: Recall of the sentence's content words in the passage.
        missing_numbers: Numbers, ranges and dates of the sentence absent from the passage.
        negation_mismatch: One side negates what the other asserts (or uses its antonym).
        reversed_comparison: The passage ranks the two things the other way round.
        reasons: Human-readable reasons for an unsupported verdict.
    """

    supported: bool
    score: float = Field(ge=0.0, le=1.0)
    overlap: float = Field(ge=0.0, le=1.0)
    missing_numbers: list[str] = Field(default_factory=list)
    negation_mismatch: bool = False
    reversed_comparison: bool = False
    reasons: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Normalisation

# Case-sensitive abbreviations first: lowercased, "IM" would be "im" in "I'm" and "US" the
# pronoun "us".
_CASED_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\bIM\b", " internalmedicine "),
    (r"\bFM\b", " familymedicine "),
    (r"\bPDs?\b", " programdirector "),
    (r"\bUSA?\b", " usa "),
)
# Spellings of the same thing, mapped to one token. Deliberately narrower than
# assistant/text/synonyms.py (query expansion): there "observership" ~ "shadowing" helps
# recall, here it would let a sentence about shadowing pass on a passage about observerships.
# Applied to lowercased text. Where two start at the same place, the earlier one wins.
_SYNONYMS: tuple[tuple[str, str], ...] = (
    (r"\b(?:u\.?\s?s\.?a?|united\s+states|american)[\s-]+clinical\s+experiences?\b", " usce "),
    (r"\busces?\b", " usce "),
    (r"\b(?:letters?|lo?rs?)\s+of\s+(?:recommendation|reference)\b", " lor "),
    (r"\brecommendation\s+letters?\b|\blors?\b|\bletters?\b", " lor "),
    (r"\bsub[\s-]?internships?\b|\bsub[\s-]?is?\b|\bacting\s+internships?\b", " subi "),
    (
        r"\byears?\s+(?:since|out\s+of|after|from)\s+(?:med(?:ical)?\s+)?(?:graduation|school)"
        r"\b|\byogs?\b",
        " yog ",
    ),
    (r"\b(?:usmle\s+)?step\s*(?:2|two)\s*(?:ck|clinical\s+knowledge)\b|\bck\b", " ck "),
    (r"\b(?:usmle\s+)?step\s*(?:1|one)\b", " stepone "),
    (r"\b(?:international|foreign)\s+medical\s+graduates?\b|\b[if]mgs?\b", " img "),
    (r"\binternal\s+medicine\b", " internalmedicine "),
    (r"\bfamily\s+med(?:icine)?\b", " familymedicine "),
    (r"\bprogram\s+directors?\b", " programdirector "),
    (r"\bhands[\s-]?on\b", " handson "),
    (r"\bhome[\s-]country\b", " homecountry "),
    (r"\bu\.s\.(?:a\.)?|\bunited\s+states\b", " usa "),
    # Specialty shorthands, folded into the name (the lexicon's `spellings` column).
    *(
        ("|".join(rf"\b{re.escape(form)}\b" for form in s.spellings), f" {s.name} ")
        for s in lexicon.load().specialties
        if s.spellings
    ),
    (r"\bpubs\b", " publications "),
    (r"\bgood\s+clinical\s+practice\b", " gcp "),
    (r"\binstitutional\s+review\s+boards?\b", " irb "),
    (r"\bclinical\s+research\s+coordinators?\b", " crc "),
)


def _one_pass(rules: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """All rules as one alternation: one scan of the text instead of one per rule."""
    pattern = "|".join(f"(?P<r{i}>{p})" for i, (p, _) in enumerate(rules))
    return re.compile(pattern), {f"r{i}": rep for i, (_, rep) in enumerate(rules)}


_CASED_RX, _CASED_REP = _one_pass(_CASED_SYNONYMS)
_SYNONYM_RX, _SYNONYM_REP = _one_pass(_SYNONYMS)

# Function words carry no claim; negations are handled by their own rule, numbers by theirs.
_STOPWORD_TEXT = """
    a an the and or but if of to in on at for from by with as is are was were be been being
    do does did doing done have has had having i me my mine we our ours you your yours he him his
    she her it its they them their this that these those what which who whom whose how when
    where why should would could can will shall may might must just so than then there here
    about into over also not no nor only very too more most any some such own same other each
    few both all s t don didn doesn isn aren wasn won can't cannot am let lets get gets got
    really even still yet ever well much many lot lots thing things way e g eg etc i.e ie via
    per vs versus least aim usually often generally typically probably likely perhaps quite"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve"
_WORD_NUMBERS = {w: n for n, w in enumerate(_NUMBER_WORDS.split())}
_TOKEN = re.compile(r"[a-z0-9]+")
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball (English) stem of a lower-case word, cached."""
    return str(_stemmer.stemWord(word))


def canonical_form(text: str) -> str:
    """Lower-cased text with synonyms folded ("U.S. clinical experience" -> "usce")."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    text = _CASED_RX.sub(lambda m: _CASED_REP[str(m.lastgroup)], text).lower()
    return _SYNONYM_RX.sub(lambda m: _SYNONYM_REP[str(m.lastgroup)], text)


def _content(text: str) -> list[str]:
    """Stemmed content words, in order (numbers excluded: they have their own rule)."""
    return [
        stem(w)
        for w in _TOKEN.findall(text)
        if w not in STOPWORDS and w not in _WORD_NUMBERS and not w.isdigit()
    ]


def _bigrams(tokens: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


# --------------------------------------------------------------------------------------------
# Numbers

_NUM = r"\d+(?:[.,]\d+)*|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_UNIT = r"days?|weeks?|wks?|months?|mos?|years?|yrs?"
_NUMBER = re.compile(
    rf"(?<![\w./])(?P<a>{_NUM})(?:\s*(?:[-–—]|to)\s*(?P<b>{_NUM}))?(?P<plus>\+)?"
    rf"(?![\w/]|[.,]\d)(?:(?:\s*|-)(?P<unit>{_UNIT})\b)?",
    re.IGNORECASE,
)
# Names that contain digits but are not quantities: exams, visas, regulations, time of day.
_NOT_QUANTITIES = re.compile(
    r"\b(?:usmle\s+)?step\s*[123]\b|\b[bhjo]-?[12][ab]?(?:\s*/\s*[bh]-?[12][ab]?)?\b"
    r"|\b45\s*cfr\s*46\b|\bcovid-19\b|\b24/7\b|\d{1,2}:\d{2}|#\d+|\[\d+(?:\s*[,–-]\s*\d+)*\]",
    re.IGNORECASE,
)
_UNIT_CANON = {"d": "day", "w": "week", "m": "month", "y": "year"}


def _num(value: str) -> str:
    value = value.lower().replace(",", "")
    if value in _WORD_NUMBERS:
        return str(_WORD_NUMBERS[value])
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else str(number)


def _mentions(text: str) -> list[tuple[str, str, str | None]]:
    """(surface, canonical, unit) for every quantity in `text`.

    "2–3 months", "2 to 3 months" and "two to three months" all give canonical "2-3" with unit
    "month"; "245+" gives "245". A bare "one" counts only before a unit ("one month"), since
    "one of the most" is not a quantity.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _NOT_QUANTITIES.sub(lambda m: " " * len(m.group()), text)
    found: list[tuple[str, str, str | None]] = []
    for m in _NUMBER.finditer(text):
        a, b, unit = m.group("a"), m.group("b"), m.group("unit")
        if a.lower() == "one" and not b and not unit:
            continue
        canon = f"{_num(a)}-{_num(b)}" if b else _num(a)
        unit_canon = _UNIT_CANON[unit[0].lower()] if unit else None
        found.append((m.group().strip(), canon, unit_canon))
    return found


def numbers_in(text: str) -> list[str]:
    """Canonical quantities in `text`, in order, without duplicates.

    Args:
        text: Any text.

    Returns:
        Numbers as canonical strings: "2-3" for ranges (en-dash, hyphen or "to"), digits for
        word numbers one..twelve, no thousands separators or "+".
    """
    return list(dict.fromkeys(canon for _, canon, _ in _mentions(text)))


def _number_keys(text: str) -> frozenset[str]:
    """What a passage states: each quantity, with and without its unit; a range also gives its
    endpoints (a sentence saying "3 months" is backed by "2–3 months")."""
    keys: set[str] = set()
    for _, canon, unit in _mentions(text):
        for value in (canon, *(canon.split("-") if "-" in canon else ())):
            keys.add(value)
            if unit:
                keys.add(f"{value} {unit}")
    return frozenset(keys)


# --------------------------------------------------------------------------------------------
# Negation and comparison

# Negations: of a claim ("do not count", "never", "rarely") and of a quantity ("no direct
# contact", "without", "zero", "lack"), which paraphrase each other ("no contact" = "without
# contact"). Compared clause by clause, so "no USCE, no letters" on both sides agrees.
_NEGATION = re.compile(
    r"\b(?:not|never|nor|neither|cannot|without|rarely|seldom|hardly|non|no|none|zero"
    r"|lack|lacks|lacking)\b|n't\b",
    re.IGNORECASE,
)
# Look like negations but deny nothing: hedges ("not only"), and the contrastive "A, not B"
# ("it should be USCE, not research"), which says what "A rather than B" says.
_NOT_NEGATION = re.compile(
    r"\bnot\s+(?:only|just|merely)\b|\bnever\s+zero\b|,\s*not\b", re.IGNORECASE
)


def is_negated(text: str) -> bool:
    """True when the text negates what it says ("not", "never", "rarely"; not "not only")."""
    return bool(_NEGATION.search(_NOT_NEGATION.sub(" ", text)))


# The two things the articles compare. Clinical terms first so "clinical research" stays research.
_ENTITY_RESEARCH = re.compile(
    r"\b(?:research|publication|poster|abstract|paper|manuscript|trial|gcp|irb|pubmed|case\s+report"
    r"|chart\s+review)"
)
_NOT_CLINICAL_AFTER = (" research", " trial")
_ENTITY_CLINICAL = re.compile(
    r"\b(?:usce|clinical|handson|externship|subi|clerkship|rotation|elective)\b"
)
# Winner before the cue, loser after it ("USCE before research", "USCE > research").
_COMPARE = re.compile(
    r"\b(?:more\s+(?:important|valuable|useful)|higher\s+priority|better|matters?\s+more|"
    r"before|over|ahead\s+of|rather\s+than|instead\s+of|trumps?|beats?|outweighs?)\b|>|\bthan\b"
    r"|,\s*not\b"  # "USCE, not research"
)
# ... unless the comparative is a lesser one: "research is less important than USCE".
_LESS = re.compile(r"\b(?:less|lower|weaker)\b")
# A one-sided recommendation: "choose research", "USCE comes first".
_PREFER = re.compile(
    r"\b(?:choose|pick|prioriti[sz]e|go\s+(?:with|for)|opt\s+for|focus\s+on|start\s+with)\b"
)
_FIRST = re.compile(r"\b(?:comes?\s+)?first\b")
# Clauses: negation is judged per clause, so "useful, but not hands-on" does not make the whole
# sentence negated.
_SENTENCE_END = r"(?:(?<=[.!?;:])|(?<=[.!?;:][\"”’')]))\s+"  # a closing quote may follow
_CLAUSE_SPLIT = re.compile(
    rf"{_SENTENCE_END}|\n+|,?\s+(?:but|however|although|though|whereas|while)\b,?|\s+[—–]\s+"
)


def _entity(span: str, last: bool) -> str | None:
    hits = [("research", m.start()) for m in _ENTITY_RESEARCH.finditer(span)]
    # "clinical research" and "clinical trials" are research, not clinical experience.
    hits += [
        ("clinical", m.start())
        for m in _ENTITY_CLINICAL.finditer(span)
        if not span.startswith(_NOT_CLINICAL_AFTER, m.end())
    ]
    if not hits:
        return None
    return (max if last else min)(hits, key=lambda h: h[1])[0]


def _topics(canonical: str) -> frozenset[str]:
    """Which of the two compared things ("research", "clinical") a text talks about."""
    topics = set()
    if _ENTITY_RESEARCH.search(canonical):
        topics.add("research")
    if any(
        not canonical.startswith(_NOT_CLINICAL_AFTER, m.end())
        for m in _ENTITY_CLINICAL.finditer(canonical)
    ):
        topics.add("clinical")
    return frozenset(topics)


# Opposites (as stems). A sentence word whose opposite the passage uses, while the passage never
# uses the word itself, contradicts it: "long-term research" against "short-term USCE".
_ANTONYMS = (
    ("short", "long"),
    ("paid", "unpaid"),
    ("high", "low"),
    ("higher", "lower"),
    ("strong", "weak"),
    ("stronger", "weaker"),
    ("minimum", "maximum"),
    ("increas", "decreas"),
    ("mandatori", "option"),
    ("inpati", "outpati"),
)
_OPPOSITE = {a: b for pair in _ANTONYMS for a, b in (pair, pair[::-1])}


def comparison_of(canonical: str) -> tuple[str, str] | None:
    """(winner, loser) when one clause ranks clinical experience against research."""
    if is_negated(canonical):
        return None  # "research rarely trumps USCE": the negation rule's job, not this one
    for m in _COMPARE.finditer(canonical):
        before = _entity(canonical[max(0, m.start() - 80) : m.start()], last=True)
        after = _entity(canonical[m.end() : m.end() + 80], last=False)
        if before and after and before != after:
            lead = canonical[max(0, m.start() - 30) : m.start()]
            return (after, before) if _LESS.search(lead) else (before, after)
    return None


def preference_of(canonical: str) -> str | None:
    """The one thing a sentence recommends without comparing ("choose research")."""
    if is_negated(canonical):
        return None
    for m in _PREFER.finditer(canonical):
        if found := _entity(canonical[m.end() : m.end() + 40], last=False):
            return found
    for m in _FIRST.finditer(canonical):
        if found := _entity(canonical[max(0, m.start() - 30) : m.start()], last=True):
            return found
    return None


def _table_facts(passage: str) -> list[tuple[frozenset[str], frozenset[str], bool]]:
    """(row subject stems, column header stems, value) for Yes/No cells of Markdown tables."""
    facts: list[tuple[frozenset[str], frozenset[str], bool]] = []
    header: list[str] | None = None
    for line in passage.splitlines():
        if line.count("|") < 2:
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            continue
        if header is None:
            header = cells
            continue
        subject = frozenset(_content(canonical_form(cells[0])))
        for col, cell in enumerate(cells[1:], start=1):
            value = cell.lower().rstrip(".")
            if value in {"yes", "no"} and col < len(header) and subject:
                attribute = frozenset(_content(canonical_form(header[col])))
                if attribute:
                    facts.append((subject, attribute, value == "yes"))
    return facts


# --------------------------------------------------------------------------------------------
# Cached passage features


_Clauses = tuple[tuple[frozenset[str], bool], ...]


def _clauses(canonical: str) -> _Clauses:
    """(content stems, negated) per clause."""
    out = []
    for clause in _CLAUSE_SPLIT.split(canonical):
        words = frozenset(_content(clause))
        if words:
            out.append((words, is_negated(clause)))
    return tuple(out)


class _Passage:
    """What support() needs from a passage, computed once per distinct passage."""

    __slots__ = ("bigrams", "clauses", "comparisons", "facts", "numbers", "topics", "words")

    def __init__(self, passage: str) -> None:
        canonical = canonical_form(passage)
        raw = _content(passage.lower())
        tokens = _content(canonical)
        # Both the synonym-mapped and the raw words: a sentence saying "clinical experience" is
        # backed by a passage saying "U.S. clinical experience" (mapped to "usce").
        self.words = frozenset(tokens) | frozenset(raw)
        self.bigrams = _bigrams(tokens) | _bigrams(raw)
        self.numbers = _number_keys(passage)
        self.clauses = _clauses(canonical)
        self.comparisons: set[tuple[str, str]] = set()
        for unit in re.split(rf"{_SENTENCE_END}|\n+", canonical):
            if (pair := comparison_of(unit)) is not None:
                self.comparisons.add(pair)
        self.facts = _table_facts(passage)
        self.topics = _topics(canonical)


@lru_cache(maxsize=4096)
def _passage(passage: str) -> _Passage:
    return _Passage(passage)


@lru_cache(maxsize=4096)
def _sentence(sentence: str) -> tuple[tuple[str, ...], str, _Clauses]:
    canonical = canonical_form(strip_markers(sentence))
    return tuple(_content(canonical)), canonical, _clauses(canonical)


def _negation_mismatch(
    words: set[str],
    clauses: _Clauses,
    negated: bool,
    passage: _Passage,
) -> str | None:
    # Table cells: "| Observership | No |" under "Hands-On?" contradicts "observerships are
    # hands-on" and supports "observerships are not hands-on".
    for subject, attribute, value in passage.facts:
        if subject <= words and attribute & words and value == negated:
            return "the source's table says the opposite"
    # Prose, clause by clause: the passage clause sharing most words with ours, if it shares
    # enough to be about the same claim, must agree on negation. Conservative: few shared words
    # (under 3, or under NEGATION_MIN_SHARED of the clause), no verdict.
    for clause_words, clause_negated in clauses:
        best: tuple[int, bool] | None = None
        for unit_words, unit_negated in passage.clauses:
            shared = len(clause_words & unit_words)
            if (
                shared >= 3
                and shared >= NEGATION_MIN_SHARED * len(clause_words)
                and (best is None or shared > best[0])
            ):
                best = (shared, unit_negated)
        if best is not None and best[1] != clause_negated:
            side = "the source negates it" if best[1] else "the sentence negates the source"
            return f"negation mismatch: {side}"
    return None


def support(sentence: str, passage: str, *, similarity: float | None = None) -> SupportResult:
    """Score how well `passage` supports `sentence`.

    Args:
        sentence: One answer sentence; inline citation markers ("[1]") are ignored.
        passage: The source text cited for it.
        similarity: Optional cosine similarity of the two from an embedding model, computed by
            the caller; blended into the score when given.

    Returns:
        The `SupportResult`. Unsupported if any number of the sentence is missing from the
        passage, on a negation, comparison or topic mismatch, or if the score is below the
        threshold.
    """
    sentence = sentence if isinstance(sentence, str) else str(sentence)
    passage = passage if isinstance(passage, str) else str(passage)
    tokens, canonical, clauses = _sentence(sentence)
    src = _passage(passage)
    reasons: list[str] = []

    words = set(tokens)
    overlap = len(words & src.words) / len(words) if words else 0.0
    pairs = _bigrams(tokens)
    bigram = len(pairs & src.bigrams) / len(pairs) if pairs else overlap
    lexical = W_OVERLAP * overlap + W_BIGRAM * bigram
    if similarity is not None and math.isfinite(similarity):
        sim = min(1.0, max(0.0, (similarity - SIM_FLOOR) / (SIM_CEIL - SIM_FLOOR)))
        score = (1 - W_SIMILARITY) * lexical + W_SIMILARITY * sim
    else:
        score = lexical
    score = min(1.0, max(0.0, score))
    if not words:
        reasons.append("no content words")

    missing: list[str] = []
    for surface, canon, unit in _mentions(strip_markers(sentence)):
        key = f"{canon} {unit}" if unit else canon
        if key not in src.numbers and surface not in missing:
            missing.append(surface)
    if missing:
        reasons.append(f"numbers not in the source: {', '.join(missing)}")

    negation = _negation_mismatch(words, clauses, is_negated(canonical), src) if words else None
    if negation:
        reasons.append(negation)

    if negation is None:
        for word in sorted(words - src.words):
            if _OPPOSITE.get(word) in src.words:
                negation = f"the source says {_OPPOSITE[word]!r} where the sentence says {word!r}"
                reasons.append(negation)
                break

    # The corpus's central contrast: a sentence about research is not backed by a passage that
    # only talks about clinical experience, however many other words they share.
    off_topic = sorted(_topics(canonical) - src.topics)
    if off_topic:
        reasons.append(f"the source does not mention {' or '.join(off_topic)}")

    # The sentence ranks research and clinical experience (or recommends one of them) the other
    # way round from the passage.
    reversed_cmp = False
    pair = comparison_of(canonical)
    if pair is None and (preferred := preference_of(canonical)) is not None:
        other = "clinical" if preferred == "research" else "research"
        pair = (preferred, other)
    if pair is not None and pair not in src.comparisons:
        reversed_cmp = (pair[1], pair[0]) in src.comparisons
        if reversed_cmp:
            reasons.append(f"the source ranks {pair[1]} above {pair[0]}")

    if score < SUPPORT_THRESHOLD:
        reasons.append(f"score {score:.2f} below threshold {SUPPORT_THRESHOLD}")
    supported = bool(words) and not (missing or negation or reversed_cmp or off_topic)
    supported = supported and score >= SUPPORT_THRESHOLD
    return SupportResult(
        supported=supported,
        score=round(score, 4),
        overlap=round(overlap, 4),
        missing_numbers=missing,
        negation_mismatch=negation is not None,
        reversed_comparison=reversed_cmp,
        reasons=reasons,
    )


# --------------------------------------------------------------------------------------------
# Answer text: sentences and citation markers

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\])+")
_FALLBACK_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\[(\"'])|\n+")
_PARAGRAPH = re.compile(r"\n\s*\n")
PYSBD_MAX_CHARS = 4_000


def citation_markers(sentence: str) -> list[int]:
    """Citation numbers in `sentence`: "[1]", "[1, 2]", "[1][3]" and ranges "[2-4]", in order.

    Args:
        sentence: Answer text.

    Returns:
        Distinct marker numbers in order of appearance.
    """
    found: list[int] = []
    for m in _MARKER.finditer(sentence):
        for part in re.split(r"\s*[,;]\s*", m.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[–-]\s*", part) if x]
            if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] <= 20:
                found.extend(range(bounds[0], bounds[1] + 1))
            else:
                found.extend(bounds)
    return list(dict.fromkeys(found))


def strip_markers(sentence: str) -> str:
    """`sentence` without citation markers, and without the space they leave before punctuation.

    Args:
        sentence: Answer text.

    Returns:
        The text with "[1]"-style markers removed and whitespace collapsed.
    """
    text = _MARKER.sub("", sentence)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split answer text into sentences, keeping each citation marker with its sentence.

    pysbd handles abbreviations ("e.g.", "U.S.", "Dr."); markers written after the full stop
    ("... first. [1] Then ...") are moved back onto the sentence they cite.

    Args:
        text: Answer text (Markdown allowed: list items and lines split too).

    Returns:
        Non-empty, stripped sentences.
    """
    if not text or not text.strip():
        return []
    # A fresh segmenter per call (about a microsecond): pysbd keeps the text being segmented on
    # the instance, so a shared one is not safe across the API's threads.
    segmenter = pysbd.Segmenter(language="en", clean=False)
    pieces: list[str] = []
    for paragraph in _PARAGRAPH.split(text):
        if len(paragraph) > PYSBD_MAX_CHARS:
            # pysbd is superlinear on long runs of abbreviations; answers never get near this.
            pieces.extend(_FALLBACK_SPLIT.split(paragraph))
            continue
        try:
            pieces.extend(str(p) for p in segmenter.segment(paragraph))
        except Exception:  # pysbd has edge-case bugs on odd input; a plain split beats failing
            pieces.extend(_FALLBACK_SPLIT.split(paragraph))
    # Pieces keep their original whitespace (clean=False), so a marker moved back onto the
    # previous sentence keeps its original spacing: "less.[4]" stays "less.[4]".
    sentences: list[str] = []
    for piece in pieces:
        lead = _LEADING_MARKERS.match(piece)
        if lead and sentences:
            sentences[-1] = sentences[-1].rstrip("\n") + lead.group()
            piece = piece[lead.end() :]
        if piece.strip():
            sentences.append(piece)
    return [s.strip() for s in sentences]


def needed_passages(sentence: str, passages: Sequence[str]) -> list[int]:
    """See `_needed`; cached, since the project's own sentences (plan steps, cards) repeat."""
    return list(_needed(sentence, tuple(passages)))


@lru_cache(maxsize=4096)
def _needed(sentence: str, passages: tuple[str, ...]) -> tuple[int, ...]:
    """Which of `passages` a sentence written from them should cite (their indices, in order).

    The passages that support it alone, when there are any; otherwise the smallest set, found by
    dropping one passage at a time, whose joined text still supports it (each one kept is needed).
    Every citation is then precise in the ALCE sense. All of them when even the whole set does
    not support the sentence: the check that runs on it reports that.
    """
    alone = tuple(i for i, p in enumerate(passages) if support(sentence, p).supported)
    if alone:
        return alone
    kept = tuple(range(len(passages)))
    if not support(sentence, "\n".join(passages)).supported:
        return kept
    for i in kept:
        rest = tuple(j for j in kept if j != i)
        if rest and support(sentence, "\n".join(passages[j] for j in rest)).supported:
            kept = rest
    return kept
