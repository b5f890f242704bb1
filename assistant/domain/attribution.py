"""Whose facts a message states: the applicant's, or someone else's (pure: no I/O, no models).

Applicants compare themselves with others ("my roommate did 3 months of externships and got 3
LoRs … me: 1 month, 1 LoR"), and parents, spouses and mentors write on an applicant's behalf
with their own careers beside the applicant's ("I'm a cardiologist for 25 years … my son
graduated in 2025"). The profile reader counts months, letters and papers wherever they are
written, so it must see only the applicant's sentences. `applicant_only` blanks the others,
keeping every character's offset, so the reader's evidence spans still point into the message.

Who the applicant is:
- normally the writer ("I"); sentences whose subject is another person ("my brother", "one girl
  in my batch", "he", "she") are someone else's;
- the person the message is written for, when it says so ("asking for my wife", "writing on
  behalf of a mentee") or when its question asks what he or she should do and never what the
  writer should; the writer's own sentences are then someone else's.
A sentence without a subject ("CK 241.", "graduated 2024, IM") belongs to the owner named by a
preceding label ("me:", "her:", "My cousin:") and otherwise to the applicant. Anything unclear
stays the applicant's: the reader's own caution (ranges low, conflicts asked) applies as before.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum

from assistant.text.evidence import sentence_spans

# People with careers of their own, who are not the applicant unless the message is written for
# them. Attendings, consultants and professors are left out on purpose: what they did ("my
# attending wrote me a letter") is usually about the applicant.
_MALE: tuple[str, ...] = ("son", "brother", "bro", "husband", "father", "dad", "nephew")
_MALE += ("boyfriend", "fiance", "fiancé")
_FEMALE: tuple[str, ...] = ("daughter", "sister", "sis", "wife", "mother", "mom", "mum", "niece")
_FEMALE += ("girlfriend", "fiancee", "fiancée", "girl")
_EITHER = (
    "friend", "roommate", "roomate", "flatmate", "cousin", "spouse", "partner", "colleague",
    "coworker", "co-worker", "classmate", "batchmate", "batch mate", "senior", "junior", "mentee",
    "student", "mentor", "pi", "advisor", "uncle", "aunt", "guy", "relative", "neighbour",
    "neighbor",
    # groups whose output is not the applicant's ("my lab published 12 papers this year")
    "lab", "department", "dept", "team", "group",
)  # fmt: skip
_NOUNS = tuple(sorted((*_MALE, *_FEMALE, *_EITHER), key=len, reverse=True))
_NOUN = r"(?P<noun>" + "|".join(re.escape(n) for n in _NOUNS) + r")(?:s|es)?\b"
_SHE = r"(?:she|she's|shes|she'd|she'll|her)"
_HE = r"(?:he|he's|hes|he'd|he'll|his|him)"

# What a sentence opens with before its subject: greetings, connectives, "Edit:".
_LEAD_IN = re.compile(
    r"(?:(?:so|and|but|also|plus|btw|ok|okay|well|anyway|now|then|edit|update|context|"
    r"background|fyi|meanwhile|honestly|basically|actually|in contrast|on the other hand|"
    # a topic label before its subject: "research: my lab published 12 papers"
    r"research|pubs|publications|letters|lors|usce|clinical|experience)"
    r"\b[,:]?\s*|(?:hi|hello|hey|dear|respected|greetings|good (?:morning|evening|day))\b"
    r"(?:\s+(?:all|everyone|seniors?|doctors?|drs?|sirs?|madams?|guys|folks|friends|team|"
    r"colleagues|members|people|ppl))?\s*[,!.:]*\s*|[-*•>\s(\"':,]+)*"
)
_FIRST_PERSON = re.compile(
    r"(?:i|i'm|i've|ive|i'd|i'll|me|myself|mine|my own|we)\b(?!\s*:)"
    r"|(?:my|our)\s+(?:own\s+)?(?:profile|stats|situation|case|background|cv|story)\b"
)
_OWN_LABEL = re.compile(
    r"(?:me|myself|mine|about me|as for me|my (?:own )?(?:profile|stats|case|situation|cv))"
    r"\s*[:\-=]"
)
_SHE_LABEL = re.compile(r"(?:her|she)\s*[:\-=](?!\w)")
_HE_LABEL = re.compile(r"(?:him|he|his)\s*[:\-=](?!\w)")
# "my older brother", "one girl", "a friend of mine", "Dr. K, my mentor", "my PI friend", and
# "someone", "people"; never a bare noun ("final year med student" describes the writer).
# (and peers named in the plural without "my": "batchmates are all going IM but I'm set on…")
_ANYONE = (
    r"(?P<anyone>someone|somebody|everyone|everybody|people|ppl|others|batch\s?mates|classmates"
    r"|friends|seniors|colleagues|cousins|co-?workers"
    # (one of them, the "my" dropped, with what they did: "batchmate got her only USCE in FM")
    r"|(?:batch\s?mate|classmate|friend|cousin|roommate|colleague|senior|co-?worker)"
    r"(?=\s+(?:got|did|has|had|is|was|matched|says|said|told|went|just)\b))\b"
)
_PERSON = re.compile(
    r"(?:dr\.?\s+\w+,?\s+)?(?:my|our|a|an|one|this|that|his|her|their|the|some|every|many|"
    r"most|all)\s+(?:(?!(?:from|by|at|in|of|with|to|for|my|our|and|or)\b)[\w-]+\s+){0,3}?"
    + _NOUN
    + r"(?:'s)?|"
    + _ANYONE
)
_PERSON_LABEL = re.compile(r"(?:my\s+)?(?:[\w-]+\s+){0,2}?" + _NOUN + r"\s*[:\-=](?!\w)")
_PRONOUN = re.compile(rf"\b(?:(?P<she>{_SHE})\b|(?P<he>{_HE})\b|(?P<they>they|they're|their)\b)")
# "and I", "my friend and I": the applicant is in the subject.
_WITH_ME = re.compile(r"\b(?:and|&) (?:i|me)\b|^(?:i|me) (?:and|&)\b")
# Another person's sentence that gives the applicant something ("my PI wrote me a letter").
_GIVES_ME = re.compile(
    r"\b(?:wrote|writes|write|writing|gave|gives|give|giving|signed|sent|got|gets|get|arranged|"
    r"found)\s+(?:me|us)\b|\b(?:will|would|can|could|to)\s+\w+\s+(?:me|us)\b"
)

_BEHALF = re.compile(
    r"\b(?:(?:asking|writing|posting|inquiring|enquiring|question|here|this is|message)\s+"
    r"(?:for|on behalf of|about)|on behalf of)\s+(?:my|our|a|an|one of my)\s+"
    r"(?:[\w-]+\s+){0,2}?" + _NOUN
)
# A message that opens "for my husband:" is written for him.
_FOR_WHOM = re.compile(r"^\W*for\s+(?:my|our)\s+(?:[\w-]+\s+){0,2}?" + _NOUN + r"\s*[:,-]")
# "those are my wife's details, I'm asking for her": whom, by pronoun
_BEHALF_PRONOUN = re.compile(
    r"\b(?:asking|writing|posting|here|inquiring|enquiring) (?:this )?(?:for|on behalf of) "
    r"(?P<whom>her|him)\b"
)
# "My husband … asked me to post this because his English …"
_ASKED_ME = re.compile(
    r"(?:\b(?:my|our|a|an)\s+(?:(?!(?:from|by|at|in|of|with|to|for|my|our|and|or)\b)[\w-]+\s+)"
    r"{0,2}?|^\W*)"  # "friend of mine asked me to post this": no article at the message's start
    + _NOUN
    + r"[^.!?\n]{0,80}?\b(?:asked|asks|ask|wanted|wants|made|told)\s+me\s+to\s+"
    r"(?:post|write|ask|share)"
)
# The writer giving the applicant something ("… and I wrote her a letter").
_GIVES_THEM = re.compile(
    r"\b(?:wrote|write|writing|gave|give|giving|signed|sent|got|get|arranged|found)\s+"
    r"(?:her|him|them)\b"
)
# The writer speaking of themselves anywhere ("im" is left out: it is also IM, lowercased).
_WRITER = re.compile(r"\b(?:i|i'm|i've|ive|i'd|i'll|me|myself|mine|we)\b")  # not "us": US
# The people a message is written for without saying so: children, siblings, partners, friends
# ("my daughter graduated in 2021"). Not parents, mentors or labs, and not the peers applicants
# compare themselves with ("my colleague did 3 months and matched"), who have careers of their own.
_KIN = (
    "son", "daughter", "brother", "sister", "husband", "wife", "spouse", "partner", "fiance",
    "fiancé", "fiancee", "fiancée", "boyfriend", "girlfriend", "nephew", "niece", "cousin",
    "friend", "mentee",
)  # fmt: skip
_KIN_SUBJECT = re.compile(
    # the message opens with them, after a greeting at most: "hi all, my daughter graduated …"
    r"^\W*(?:(?:hi|hello|hey|dear)\b[^.!?\n,]{0,20}[,.!:]?\s*)?(?:my|our)\s+(?:[\w-]+\s+){0,2}?(?P<noun>"
    + "|".join(re.escape(n) for n in _KIN)
    + r")\b(?!\s*(?:'s|s)\b)"
)
_OWN_ASK = re.compile(
    r"\b(?:should|shd|can|could|do|would|will|must|am|have)\s+(?:i|we)\b|\bi\s+(?:should|need|"
    r"must|have to)\b|\b(?:for|help|advise)\s+me\b|\bmy\s+(?:next|best|chances|plan|options)\b"
)
_THIRD_ASK = re.compile(
    r"\b(?:should|shd|can|could|does|would|will|must)\s+(?P<who>she|he)\b"
    r"|\b(?:for|help|advise|guide)\s+(?P<whom>her|him)\b"
)
# Splits a sentence where another subject takes over: "I have 1 LoR while my friend has 3".
_CLAUSE = re.compile(
    r",?\s+(?:but|while|whereas|whilst)\s+|;\s*|\s+-{1,2}\s+|\s+(?=\()|\)\s*"
    # "…'s fellowship is 2 years, I'm a 2022 grad", "… 4 months and I did 1": a new subject
    r"|(?:,\s*(?:and|so|but|because|bc|since)?|\s+(?:and|so|because|bc|since))\s+"
    r"(?=(?:i|i'm|i've|i'd|he|she|he's|she's|my|his|her)\s)"
)

_PIECE = re.compile(
    r"(?:[^\n.!?]|[.!?](?!\s+(?:[A-Z]|i\b))|(?<=\b[DdMmSs][rts])\.|(?<=\bMrs)\.)+[.!?]*"
)


class Owner(Enum):
    APPLICANT = "applicant"
    OTHER = "other"


@dataclass(frozen=True)
class Part:
    """A stretch of the message and whose facts it states."""

    start: int
    end: int
    owner: Owner


@dataclass(frozen=True)
class _Applicant:
    """Who the applicant is: the writer, or the person named in "asking for my …"."""

    writer: bool
    noun: str | None = None
    pronoun: str | None = None  # "she" / "he" / None when the noun does not tell


def _gender(noun: str) -> str | None:
    return "he" if noun in _MALE else "she" if noun in _FEMALE else None


@functools.lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The message's sentences as spans (cached: a conversation's earlier turns are read again
    for each follow-up, and pysbd costs about a millisecond a message)."""
    return tuple(_split(text))


def _split(text: str) -> list[tuple[int, int]]:
    # pysbd keeps lines of a list together, and sometimes two sentences ("… for me. I am
    # having no USCE"): a line break, or a full stop before a capital, ends a stretch too
    return [
        (m.start(), m.end())
        for start, end in sentence_spans(text)
        for m in _PIECE.finditer(text, start, end)
    ]


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches between the clause separators (left out, so never blanked)."""
    out: list[tuple[int, int]] = []
    at = start
    for m in _CLAUSE.finditer(text, start, end):
        if _PERSON.fullmatch(text[at : m.start()].strip()):  # "my friend and I did …"
            continue
        if m.start() > at:
            out.append((at, m.start()))
        at = max(at, m.end())
    if end > at:
        out.append((at, end))
    return out


_MATCHED = re.compile(r"[^.!?\n]{0,40}?\b(?:matched|got (?:in|into|a spot|a position))\b")


def _applicant(lowered: str) -> _Applicant:
    """Whether the message is written for someone else, and for whom."""
    if m := _BEHALF.search(lowered) or _FOR_WHOM.search(lowered) or _ASKED_ME.search(lowered):
        noun = m.group("noun")
        pronoun = _gender(noun)
        if pronoun is None:  # "posting for my friend … her: 2024 grad": the first pronoun after
            after = _PRONOUN.search(lowered, m.end())
            pronoun = after.lastgroup if after and after.lastgroup != "they" else None
        return _Applicant(writer=False, noun=noun, pronoun=pronoun)
    if m := _BEHALF_PRONOUN.search(lowered):
        pronoun = "she" if m.group("whom") == "her" else "he"
        for person in _PERSON.finditer(lowered):
            noun = person.group("noun")
            if noun and _gender(noun) in (pronoun, None):
                return _Applicant(writer=False, noun=noun, pronoun=pronoun)
        return _Applicant(writer=False, pronoun=pronoun)
    if not _WRITER.search(lowered) and (m := _KIN_SUBJECT.search(lowered)):
        # "my son is a 2025 grad … did 10 weeks of externships … is his mentor right?": the
        # writer never speaks of themselves, so the one person the message is about is the
        # applicant (not a mentor or a lab: they are named beside the applicant)
        # … and goes on to say "he" or "she" of them: "My brother did 4 months. Graduated
        # 2023, 1 month externship." is the writer's own, subjectless facts beside a brother's
        noun = m.group("noun")
        later = [p.lastgroup for p in _PRONOUN.finditer(lowered, m.end()) if p.lastgroup != "they"]
        pronoun = _gender(noun) or (later[0] if later else None)
        # (not someone whose match is told as a story: "my cousin matched neuro with 4 pubs and
        # zero rotations. so research can replace usce? or was he just lucky")
        if pronoun is not None and pronoun in later and not _MATCHED.match(lowered, m.start()):
            return _Applicant(writer=False, noun=noun, pronoun=pronoun)
    asks = list(_THIRD_ASK.finditer(lowered))
    if asks and not _OWN_ASK.search(lowered):
        # "My wife graduated in 2019 … Should she take it?": the person asked about is the
        # applicant; who it is, is the first person of that gender named as a subject
        pronoun = (
            "she" if (asks[-1].group("who") or asks[-1].group("whom")) in ("she", "her") else "he"
        )
        for person in _PERSON.finditer(lowered):
            noun = person.group("noun")
            if noun and _gender(noun) in (pronoun, None):
                return _Applicant(writer=False, noun=noun, pronoun=pronoun)
    return _Applicant(writer=True)


def _subject(clause: str, who: _Applicant, original: str) -> Owner | None:
    """Whose fact the clause states, from its opening words; None when it names no subject.
    `original` is the clause as written: "IM" in capitals is the specialty, "im" is "I'm"."""
    at = _LEAD_IN.match(clause)
    head = clause[at.end() if at else 0 :]
    if re.match(r"im\b", head) and not original[at.end() if at else 0 :].startswith("IM"):
        head = "i'm" + head[2:]
    if _OWN_LABEL.match(head):
        return Owner.APPLICANT if who.writer else Owner.OTHER
    for label, pronoun in ((_SHE_LABEL, "she"), (_HE_LABEL, "he")):
        if label.match(head):
            return _third(pronoun, None, who)
    if m := _PERSON_LABEL.match(head):
        return _third(None, m.group("noun"), who)
    if _FIRST_PERSON.match(head):
        if not who.writer and not _WITH_ME.search(head[:40]) and not _GIVES_THEM.search(head):
            return Owner.OTHER
        return Owner.APPLICANT
    person = _PERSON.match(head)
    if person and not _WITH_ME.search(head[: person.end() + 8]):
        if _GIVES_ME.search(head):
            return Owner.APPLICANT
        return _third(None, person.group("noun") or person.group("anyone"), who)
    said = _PRONOUN.match(head)
    if said:
        if _GIVES_ME.search(head):
            return Owner.APPLICANT
        return _third(said.lastgroup, None, who)
    return None


def _third(pronoun: str | None, noun: str | None, who: _Applicant) -> Owner:
    """A third person's clause: the applicant's only when the message is written for them."""
    if who.writer:
        return Owner.OTHER
    if noun is not None:
        return Owner.APPLICANT if noun == who.noun else Owner.OTHER
    if pronoun == "they" or who.pronoun is None or pronoun == who.pronoun:
        return Owner.APPLICANT
    return Owner.OTHER


def parts(text: str, earlier: str = "") -> list[Part]:
    """The message cut into sentences and clauses, each with whose facts it states. `earlier`:
    the conversation's earlier user turns ("asking for my husband" … "now he wants derm")."""
    return _parts(text, _who(text, earlier))


def _parts(text: str, who: _Applicant) -> list[Part]:
    lowered = text.lower()
    out: list[Part] = []
    for start, end in _sentences(text):
        # a clause without a subject belongs to the subject before it in its sentence ("me: 2023
        # grad, did 3 months"), and a sentence without one to the applicant ("CK 241.")
        current = Owner.APPLICANT
        for a, b in _clauses(lowered, start, end):
            current = _subject(lowered[a:b], who, text[a:b]) or current
            out.append(Part(a, b, current))
    return out


def _who(text: str, earlier: str) -> _Applicant:
    who = _applicant(text.lower())
    return _applicant(earlier.lower()) if who.writer and earlier else who


# First-person forms of the verbs that follow a subject, so the reader's first-person phrasing
# ("I have no US experience", "I am in my final year") reads a message written for someone else.
_FIRST_VERB = {
    "is": "am", "has": "have", "was": "was", "does": "do", "isn't": "am not", "hasn't": "haven't",
    "doesn't": "don't", "wasn't": "wasn't", "'s": "'m", "works": "work", "wants": "want",
    "needs": "need",
}  # fmt: skip
_VERB = (
    r"(?:\s+(?P<verb>isn't|hasn't|doesn't|wasn't|is|has|was|does|works|wants|needs)\b|(?P<s>'s)\b)?"
)
_POSSESSIVE = {"she": "her", "he": "his"}
_OBJECT = {"she": "her", "he": "him"}


@functools.lru_cache(maxsize=64)
def _third_person(
    who: _Applicant,
) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str], ...]]:
    """The applicant as a subject ("my brother", "she", with the verb after it), and their
    possessive and object pronouns with the first-person word for each."""
    subjects = [rf"(?:my|our)\s+(?:[\w-]+\s+){{0,2}}?{re.escape(who.noun or '')}(?:'s)?"]
    if who.pronoun:
        subjects.append(who.pronoun)
    subject = re.compile(rf"\b(?P<subj>{'|'.join(subjects)})\b{_VERB}")
    pronouns = (
        ((re.compile(rf"\b{_POSSESSIVE[who.pronoun]}\b"), "my"),
         (re.compile(rf"\b{_OBJECT[who.pronoun]}\b"), "me"))
        if who.pronoun
        else ()
    )  # fmt: skip
    return subject, pronouns


def _in_first_person(lowered: str, start: int, end: int, who: _Applicant, chars: list[str]) -> None:
    """Rewrites, in `chars`, the applicant's third-person words between start and end ("my
    brother is in his final year", "she has no US experience") to the first person, each
    replacement right-aligned in the span it replaces so every offset stays put."""
    subject, pronouns = _third_person(who)
    edits: list[tuple[int, int, str]] = []
    for m in subject.finditer(lowered, start, end):
        said = m.group("subj")
        if said.endswith("'s") or m.group("s"):  # "my brother's CV", "she's": possessive or is
            mine = "my" if said.endswith("'s") else "i'm"
            edits.append((m.start(), m.end(), mine))
            continue
        verb = m.group("verb")
        edits.append((m.start(), m.end(), "i" + (" " + _FIRST_VERB[verb] if verb else "")))
    for word, mine in pronouns:
        for m in word.finditer(lowered, start, end):
            if not any(a <= m.start() < b for a, b, _ in edits):
                edits.append((m.start(), m.end(), mine))
    for a, b, new in edits:
        if len(new) <= b - a:
            chars[a:b] = list(new.rjust(b - a))


def applicant_only(text: str, earlier: str = "") -> str:
    """`text` with other people's sentences blanked to spaces (same length, same line breaks,
    sentence-ending punctuation kept), so offsets into it are offsets into `text`. A message
    written for someone else has that person's sentences put in the first person."""
    who = _who(text, earlier)
    found = _parts(text, who)
    if who.writer and all(p.owner is Owner.APPLICANT for p in found):
        return text
    chars, lowered = list(text), text.lower()
    for piece in found:
        if piece.owner is Owner.OTHER:
            for i in range(piece.start, piece.end):
                if chars[i] not in "\n.!?;":
                    chars[i] = " "
        elif not who.writer:
            _in_first_person(lowered, piece.start, piece.end, who, chars)
    return "".join(chars)
