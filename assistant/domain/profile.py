"""Deterministic applicant-profile extraction from free text (pure: no I/O, no models).

`parse_profile` reads the facts the rules layer needs from a question such as "I graduated 6
years ago, no USCE, CK 231, want IM". Unknown stays `None`: a fact is only recorded when the text
states it (or states something that implies it exactly, like a graduation year). Design rules:

- Observerships, shadowing, volunteering and virtual rotations never count as hands-on USCE; their
  months go to `usce_other_months`.
- Generic "USCE", "US clinical experience", "hands-on" and "rotations" with a duration count as
  hands-on, because the corpus's own tables use "USCE" to mean hands-on experience. The answer
  echoes the reading (`describe_profile`), so a user can correct it.
- Ranges ("2-3 months") take the lower bound: under-counting can only push the verdict toward
  clinical work, never toward research.
- A figure for the whole category ("3 months of USCE", "hands-on") beside named hands-on
  rotations ("a 2-month externship") is read as their total, not added to them: the larger of
  the two counts, which again errs low when they were in fact separate.
- "low/mid/high 230s" becomes 232/235/238 and, unless Step 1 is named, is read as Step 2 CK.
- "fresh grad" / "just graduated" become 0.5 years since graduation (the middle of "0-1 year").

Every pattern is bounded (no nested unbounded quantifiers), so parsing is linear in the input.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from assistant.core import lexicon
from assistant.core.limits import MAX_QUESTION_CHARS
from assistant.core.types import HANDS_ON_TYPES, Profile, SpecialtyClass
from assistant.domain import attribution, corrections
from assistant.text import spelling

Span = tuple[int, int]  # [start, end) character offsets


@dataclass(frozen=True)
class FactSpan:
    """Where a fact was read: `text == message[start:end]` of the message it came from."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ProfileReading:
    """A profile read from one message, and for each known fact the span it was read from."""

    profile: Profile
    evidence: dict[str, FactSpan]
    # facts stated two different ways ("graduated 2016" … "graduated 2019"), each value with
    # where it was said; such a fact is left unknown in `profile`, so the answer asks
    conflicts: dict[str, list[tuple[Any, FactSpan]]] = field(default_factory=dict)


_LEXICON = lexicon.load()
# Numbers in words come from the lexicon; articles and "no" are how this parser reads amounts.
_WORDS: dict[str, float] = {
    **_LEXICON.number_words,
    "a": 1, "an": 1, "a couple of": 2, "a couple": 2, "half a": 0.5, "half": 0.5,
    "zero": 0, "no": 0,
}  # fmt: skip
# Longest first, so "twenty-four" is one number and not the range "twenty to four".
_NUMBER_WORDS = "|".join(sorted(_LEXICON.number_words, key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}(?:\.\d{{1,2}})?|{_NUMBER_WORDS})"
_NUM_A = rf"(?:{_NUM}|a couple of|a couple|half a|half|an|a)"  # articles count as one ("a 4-week")

# (canonical name, competitiveness class, aliases) from the lexicon. The classes follow the
# corpus's specialty mapping (see lexicon.toml).
_SPECIALTIES: tuple[tuple[str, SpecialtyClass | None, tuple[str, ...]], ...] = tuple(
    (s.name, s.specialty_class, s.aliases) for s in _LEXICON.specialties
)
_ALIAS = {a: (name, cls) for name, cls, aliases in _SPECIALTIES for a in aliases}
_CAPITALS_ONLY = frozenset({"im", "em"})
_SPEC_RE = "|".join(re.escape(a) for a in sorted(_ALIAS, key=len, reverse=True))
_FILLER = (
    r"(?: (?:to|into|in|for|at|a|an|any|the|academic|university|community|categorical|do|be|"
    r"match|apply|pursue|get|go|doing|applying|matching|residency|a career in|career in|on))"
)
_SPEC_INTENT = re.compile(
    r"\b(?:aim(?:ing)?|apply(?:ing)?|want(?:ing|s)?|target(?:ing)?|interested|going|pursu(?:e|ing)|"
    r"hop(?:e|ing)|plan(?:ning)?|considering|match(?:ing)?|choose|chose|goal is|dream is|wanna"
    # "I'm set on neurosurgery", "thinking about pathology", "leaning towards psych", and in a
    # French, Spanish or Portuguese post "je vise la dermato", "quiero psiquiatría"
    r"|set on|thinking (?:about|of)|lean(?:ing)? (?:towards?|to)|decided (?:on|for)|vise|quiero"
    r"|quero)\b"
    rf"{_FILLER}{{0,4}} ({_SPEC_RE})\b"
)
_SPEC_NOUN = re.compile(
    rf"\b({_SPEC_RE}) (?:applicants?|residency|programs?|spots?|positions?|match|track|"
    r"hopeful|aspirant|dreamer|wannabe|or bust|gang|squad|fam|bound|here|"
    r"is (?:the |my )?(?:goal|dream|plan)|"
    r"is (?:very |super |really |hyper-?|so )?competitive)\b"
    # "… first for psych?", "how many letters for IM?": the question is asked for that field
    rf"|\bfor ({_SPEC_RE})(?= ?(?:[?!.,;:]|$| as an? (?:img|international medical graduate)|"
    r" residency| programs?| which| what))"
    # a note that opens with the field: "derm: I've done …"
    rf"|(?:^|[.!?\n] ?)({_SPEC_RE}) ?: "
    # a form's field, also as a table row: "Specialty: ENT", "|Specialty| ENT (otolaryngology)|"
    # (and "my aim is radiology")
    rf"|\b(?:goal|aim|specialty|target|field) ?\|? ?(?:=|:|is|\|) ?({_SPEC_RE})\b"
    r"(?! ?(?:or|/|and)\b)"
    # a profile titled by its field: "NSGY profile:", "Derm applicant profile -"
    rf"|(?:^|[.!?\n] ?)({_SPEC_RE}) (?:applicant )?profile\b"
    rf"|\b({_SPEC_RE}) is what i want\b"
)
# A specialty standing alone as a sentence ("CK 229. IM." / "neuro. I did …"): in a profile
# written as notes, that is the target. A list after a comma ("electives in IM, peds") is not.
_SPEC_BARE = re.compile(rf"(?:^|[.!?;\n] ?)({_SPEC_RE})(?= ?(?:[.!?;,\n]|$))")
# The same inside a comma list of notes ("2ck 228, s1 pass, IM, 3 yrs out"), trusted only when
# no neighbouring item names a specialty: "electives in IM, peds, surgery" lists rotations.
_SPEC_ITEM = re.compile(rf", ?({_SPEC_RE})(?= ?(?:[.!?;,\n]|$))")
_SPEC_ANY = re.compile(rf"\b(?:{_SPEC_RE})\b")

_TYPES = (  # checked in this order so "virtual rotation" is virtual, not a hands-on rotation
    ("virtual", r"virtual|online|tele-?rotations?|tele(?:medicine|health)?"),  # "a tele IM one"
    ("observership", r"observer ?ships?|observing|obs(?![-/ &]{0,3}(?:gyn|and gyn))"),
    ("shadowing", r"shadow(?:ing|ed)?"),
    ("volunteering", r"volunteer(?:ing|ed)?"),
    ("scribing", r"scrib(?:e|es|ing|ed)"),
    ("research", r"research"),
    ("sub-internship", r"sub[- ]?intern(?:ship)?s?|sub[- ]?is?|acting intern(?:ship)?s?"),
    ("externship", r"extern(?:ship)?s?|ext"),
    ("clerkship", r"clerkships?|clerking"),
    ("elective", r"electives?"),
    ("hands-on", r"usce|u\.?s\.? clinical(?: experience)?|hands[- ]on|rotations?|u\.?s\.? exp\w*"),
)
_TYPE_RE = re.compile("|".join(rf"\b(?P<{k.replace('-', '_')}>{p})\b" for k, p in _TYPES))
_DURATION = re.compile(
    # "6ish weeks", "one and a half months" (the half is added where the amount is read)
    rf"(?<!')\b({_NUM_A}(?: and a half)?)(?:-?ish)?(?: ?(?:-|to|or) ?({_NUM}))?"
    r"(?: whole| full| straight| solid)?[- ]?"
    # (and in a Spanish, Portuguese or French post: "3 meses de externship", "6 semaines")
    r"(weeks?|wks?|months?|mos?|mths?|years?|yrs?|days|meses|mes|mois|semanas?|semaines?)\b"
    r"( and a half)?"
)
_CUT = re.compile(r"[.;:!?,\n]| and | plus | but | then | while | or ")
# Looking back, keep " or ": "should I do research or a 4-week sub-I?" must stay a question
_CUT_BACK = re.compile(r"[.;:!?,\n]| and | plus | but | then | while ")
# Experience placed in another country is not USCE ("4 months of rotations in Germany").
_COUNTRIES = (
    r"india|pakistan|bangladesh|nepal|sri lanka|nigeria|ghana|kenya|ethiopia|egypt|sudan|jordan|"
    r"syria|lebanon|iraq|iran|saudi(?: arabia)?|uae|turkey|israel|philippines|china|vietnam|"
    r"indonesia|malaysia|brazil|mexico|colombia|venezuela|peru|argentina|cuba|dominica|grenada|"
    r"germany|uk|united kingdom|england|ireland|italy|spain|france|poland|russia|ukraine|romania|"
    r"australia|canada"
)
# Cities IMGs train in, named without their country ("externship in Toronto", "letters from
# consultants in Riyadh"); only names no US city shares.
_CITIES = (
    r"cairo|giza|riyadh|jeddah|dammam|dubai|abu dhabi|sharjah|doha|kuwait city|muscat|manama|"
    r"amman|beirut|damascus|baghdad|tehran|istanbul|ankara|karachi|lahore|islamabad|rawalpindi|"
    r"peshawar|multan|faisalabad|delhi|new delhi|mumbai|chennai|kolkata|bangalore|bengaluru|"
    r"hyderabad|pune|lucknow|dhaka|chittagong|kathmandu|colombo|lagos|abuja|ibadan|accra|kumasi|"
    r"nairobi|kampala|addis ababa|khartoum|manila|cebu|jakarta|kuala lumpur|tashkent|"
    r"toronto|montreal|vancouver|ottawa|calgary|london|leeds|manchester|birmingham uk|glasgow|"
    r"edinburgh|sydney|hamburg|munich|berlin|frankfurt|vienna|paris|madrid|"
    r"rome|milan|warsaw|bucharest|kyiv|moscow|sao paulo|bogota|mexico city|havana"
)
_NOT_US = re.compile(
    # (a city after "from" is where the writer comes from: "coming from Lagos for an externship")
    rf"\b(?:home|my country|abroad|back home|non-us|(?:in|at) (?:the )?(?:{_COUNTRIES})"
    rf"|(?<!from )(?:{_CITIES}))\b"
    rf"|\((?:{_COUNTRIES})\)"
)
# A letter writer of another health system: "my house job supervisor", "NHS", "consultants"
# (a title US letters do not carry). Only for letters: "externships after my house job" are US.
_HOME_WRITER = re.compile(
    r"\b(?:canadian|british|irish|indian|pakistani|bangladeshi|nepali|egyptian|nigerian|saudi|"
    r"emirati|iranian|jordanian|filipino|german|australian|"
    r"house ?jobs?|house officers?|nhs|aiims|aga khan|aku|consultants?|"
    r"fy[12]|(?:home|my|our) (?:university|college|med(?:ical)? school|institution|hospital|"
    r"country|dept|department))\b"
)
# A place belongs to the item it follows, not to the next one listed: in "1 month externship
# with 1 LoR + 1 LoR from home" only the second letter is from home.
_NEXT_ITEM = re.compile(r" ?\+ ?| with | plus | and |[,;.]")


def _placed_abroad(after: str = "", before: str = "") -> bool:
    """Whether the words around a count, up to the neighbouring list items, put it outside the
    US ("2 months of electives back home", "in India: 3 months rotations")."""
    own = _NEXT_ITEM.split(after, maxsplit=1)[0] + " " + _NEXT_ITEM.split(before)[-1]
    return bool(_NOT_US.search(own))


# (also a figure the writer takes back: "I said 2 months hands-on but it's 2 weeks")
_NEGATED = re.compile(r"\b(?:no|not|never|without|zero|none|i said|i wrote|i typed)\b|n't\b")
# a figure that sums up what came before ("so basically half a month of real USCE")
_SUMMING_UP = re.compile(r"\b(?:so|basically|i\.e\.|that is|which is|meaning)\W{0,3}$")
# what says an amount comes on top of one said before: "then 2 months more", "another 2 months"
_ADDED = re.compile(
    r"\b(?:then|also|another|more|plus|additional(?:ly)?|after that|again|extra|on top)\b"
)
_INTENT = re.compile(
    r"\b(?:want|plan|planning|hope|hoping|looking for|considering|should i|or|going for|"
    r"going to|gonna|will (?:do|start|have)|about to|applying for|applied for"
    # an offer is not an experience yet: "I got offered a 4 week externship", "accepted into"
    r"|offered|(?:an?|the|two|2) offers? (?:for|of|from)|accepted (?:into|for|to)"
    r"|admitted (?:into|to)|lined up|scheduled|upcoming"
    # nor is a place won but not yet started: "a program accepted me for 8 weeks"
    r"|accepted me|got (?:accepted|in|into)|(?:an|my) acceptance|secured|confirmed"
    r"|(?:i'?ll|i will|i'?m going to) be (?:doing|starting)|will be (?:doing|starting)"
    # a limit is not a rotation done: "I can only do a 1 month externship"
    r"|(?:can|could) only|only able to|starting|about to start|selecte?d (?:for|into)"
    # a hypothetical: "thinking of doing 3 months", "say I take a 4 week externship", "what if I
    # did 2 months", "if I do 2 observerships", "I might do a 6 week externship"
    # (not "thinking about pathology, I did…", nor "what if I already had 3 months…?", whose
    # facts are the ones to weigh)
    r"|thinking (?:of|about) \w+ing|debating|what if i (?!already|had\b)|suppos(?:e|ing)(?: i)?"
    r"|in case i|"
    r"(?:say|if) i (?:do|did|take|took|get|got|go for|pick|choose)|might|may (?:do|take|get))\b"
)
# The time an applicant says is all they have: "I can only do a 1 month externship", "max 6
# weeks off", "I only have 4 weeks of leave", "just 1 month before ERAS opens". ("I only have 1
# month of USCE" is experience: the time must be free, off, left or allowed, not of a rotation.)
_UNIT = r"(?P<unit>weeks?|wks?|months?|mos?|mths?)"
_AVAILABLE = re.compile(
    rf"\b(?:can|could) only (?:do|spend|stay|take|manage|afford|get|commit|be away|travel)\b"
    rf"[^.;!?\n]{{0,30}}?\b(?P<n>{_NUM_A})[- ]?{_UNIT}\b"
    rf"|\b(?:(?:only|just) (?:have|got|get|has)|(?:have|has|got) (?:only|just|exactly)) "
    r"(?:about |around |roughly )?"
    rf"(?P<n2>{_NUM_A})[- ]?"
    rf"(?P<unit2>weeks?|wks?|months?|mos?|mths?) (?:of )?(?:leave|off|free|vacation|holidays?"
    r"|time|available|to spend|before|until|left|in the (?:us|states))"
    # said plainly, only as time off: "i have 4 weeks free in december" (not "I have 6 weeks in
    # the US", which may be experience)
    rf"|\b(?:have|has|got) (?:about |around |roughly )?(?P<n7>{_NUM_A})[- ]?"
    r"(?P<unit7>weeks?|wks?|months?|mos?|mths?) (?:of )?(?:leave|off|free|vacation|holidays?"
    r"|annual leave|time off|left|before|until)\b"
    rf"|\b(?:only|just) (?P<n4>{_NUM_A})[- ]?(?P<unit4>weeks?|wks?|months?|mos?|mths?)"
    r" (?:off|of leave|free|of vacation|available)\b"
    rf"|\b(?:max(?:imum)?|at most|no more than) (?:of )?(?P<n3>{_NUM_A})[- ]?"
    r"(?P<unit3>weeks?|wks?|months?|mos?|mths?)\b"
    # "I can't take more than 4 weeks off", "can't be away for longer than a month"
    r"|\b(?:can(?:no|')?t|cannot|can not|could(?:n't| not)) (?:take|be away|leave|get|spend|do)"
    rf"(?: \w+){{0,2}}? (?:for )?(?:more than|over|longer than) (?P<n5>{_NUM_A})[- ]?"
    r"(?P<unit5>weeks?|wks?|months?|mos?|mths?)\b"
    # "I could manage a month away at most"
    rf"|\b(?P<n6>{_NUM_A})[- ]?(?P<unit6>weeks?|wks?|months?|mos?|mths?) (?:away |off )?at most\b"
    # a stay that a visa or a host allows, said as a limit: "my visa lets me stay only like 6
    # wks more", "they allow me to stay just 2 months", "I can stay just 3 weeks in the US"
    r"|\b(?:(?:lets?|allows?|permits?) (?:me|us|him|her) (?:to )?|can (?:only |just )?)"
    r"(?:stay|remain)\b(?: (?:in the (?:us|states)|there|here))?(?: for)?"
    rf" (?:only |just )(?:like |about |around |roughly )?(?P<n8>{_NUM_A})[- ]?"
    r"(?P<unit8>weeks?|wks?|months?|mos?|mths?)\b"
)
# A rotation that starts later is not done yet: "a 2 month externship starting next month",
# "a 6-week sub-I that begins in August", "my 3 month externship starts January".
_STARTS_LATER = re.compile(
    r"\b(?:starts|begins|commences|will (?:start|begin)|starting (?:next|soon|this coming"
    r"|in (?:a|an|one|two|three|\d+) (?:weeks?|months?)))\b|\bnext (?:month|week|year|spring"
    r"|summer|fall|autumn|winter|mon|tues|wednes|thurs|fri|satur|sun)(?:day)?\b|\bthis coming\b"
    r"|\bcoming up\b|\btomorrow\b"
)

_US = r"(?:the )?(?:us|usa|u\.s\.a?|states|united states|america)"
_NO_USCE = re.compile(
    # absences written other ways: "USCE? none", "USCE: nil", "nil USCE", "my USCE is zero",
    # "not a single day of US clinical experience", "I have yet to do any USCE", "never rotated
    # in the US", "not stepped into a US hospital", "no clinical exposure in the states"
    r"\b(?:usce|u\.?s\.? clinical experience)(?: is)? ?[?:=-]? ?(?:none|zero|nil|n/a|nada)\b(?! of)"
    r"|\b(?:nil|nada|zilch)(?:,? (?:zilch|nada))? (?:usce|u\.?s\.? (?:clinical )?experience)\b"
    # the same in Hinglish, Spanish and Portuguese: "koi USCE nahi", "nada de USCE", "sem USCE"
    r"|\b(?:koi )?usce (?:nahi|nahin|nai)\b|\b(?:nada de|sin|ningun|ning[uú]n|nenhum|sem) usce\b"
    r"|\bnot (?:a|one) single (?:day|week) of (?:usce|u\.?s\.? clinical|hands[- ]on)"
    r"|\b(?:have|has) yet to (?:do|get|start) (?:any )?(?:usce|hands[- ]on|u\.?s\.? rotations?)"
    r"|\bnever rotated in " + _US + r"\b"
    r"|\b(?:not|never|haven'?t|have not|hasn'?t|has not) (?:stepped|set foot) (?:into|in|inside)"
    r" an? (?:u\.?s\.?|american) "
    r"(?:hospital|clinic)"
    r"|\b(?:do not|don'?t|haven'?t|have not) (?:have|had|got)(?: any)? hands[- ]on "
    r"(?:clinical )?(?:experience|exposure)? ?in " + _US + r"\b"
    r"|\bno (?:clinical )?exposure in " + _US + r"\b(?! since| after| until| other than| except)|"
    # "I have not done any clinical rotation in the US yet", "not done anything hands-on in the US"
    r"\b(?:(?:have|has|had) not|haven'?t|hasn'?t|hadn'?t|never) (?:yet )?"
    r"(?:done|had|did|completed) "
    r"(?:any(?:thing)?|an?)(?: (?:hands[- ]on|clinical|real))?(?: (?:rotations?|externships?|"
    r"electives?|clerkships?|usce|clinical experience))?(?:,? (?:or |nor )?(?:even )?"
    r"(?:rotations?|externships?|electives?|clerkships?|observerships?)){0,3}"
    r" in (?:the )?(?:us|usa|u\.s\.a?|states|united states|america)\b"
    r"(?! since| after| until| other than| except| but)|"
    # "I've never been to the US", "never been in USA for any clinical work"
    r"\bnever (?:been|gone|set foot|worked) (?:to|in) (?:the )?(?:us|usa|u\.s\.a?|states|"
    r"united states|america)\b(?! since| after| until| other than| except| but| for (?!any))|"
    r"\bnever (?:set foot|been|worked|rotated) in an? (?:u\.?s\.?|american) (?:hospital|clinic)"
    r"|\bnever (?:done|did|had) (?:a|an|any) (?:rotations?|usce|externships?|electives?|"
    r"clerkships?)(?: in the (?:u\.?s\.?|states))?\b"
    # "nothing in the US since" dates the last experience; it does not deny one
    r"|\bnothing in the (?:u\.?s\.?|states)\b(?! since| after| until| other than| except)"
    r"|\b(?:usce|u\.?s\.?(?: clinical)?(?: experience| exposure| exp)?) ?(?::|-|=) ?"
    r"(?:none|zero|0|nil|n/a)\b(?! of)"
    r"|\b(?:no|zero|0|without(?: any)?|(?:do not|don'?t|haven'?t|have not|has not|hasn'?t|never)"
    r" (?:have|had|done|got|did)"
    r"(?: any)?|lack(?:ing)?(?: any)?|not any) (?:usce|u\.?s\.? clinical(?: experience)?|"
    r"u\.?s\.? exp(?:erience)?|u\.?s\.? anything|clinical experience in the u\.?s\.?|"
    r"u\.?s\.? rotations?)"
    # "zero clinical experience in the USA", "never done any clinical rotation in the US",
    # "no rotations of any kind in the US", "nothing hands-on in the US"
    r"|\b(?:no|zero|0|never (?:done|did|had) any|not (?:a|one) single|nothing)"
    r"(?: (?:hands[- ]on|clinical)){0,2}(?: (?:clinical experience|experience|rotations?|"
    r"electives?|externships?|clerkships?|usce))?(?: of any kind)? in (?:the )?"
    r"(?:us|usa|u\.s\.a?|states|united states|america)\b"
    r"(?! since| after| until| other than| except)"
    r"|\b(?:no|zero|0) (?:us|u\.s\.) (?:clinical )?(?:electives?|externships?|clerkships?)\b"
    # "none of it was in the US", "I have none in the US" (a reply to "any of it in the US?"),
    # "never did clinical work in the US"
    r"|\bnone of (?:it|them|that|this|those|these|my \w+) (?:was|were|is|are|happened) in "
    + _US
    + r"\b|\b(?:have|had|got) none in "
    + _US
    + r"\b(?! since| after| until| other than| except| but)"
    r"|\bnever (?:did|done|had) (?:any )?clinical (?:work|experience|exposure) in " + _US + r"\b"
    # "nothing US yet", "nothing US-related so far"
    r"|\bnothing (?:u\.?s\.?|american)(?:[- ]related|[- ]wise|[- ]based)?"
    r"(?= yet| so far| at all|[.,;!?)]|$)"
)
_NOTHING_IN_US = re.compile(
    r"\b(?:no|zero|0) (?:u\.?s\.?|american) (?:experience|exposure|anything)"
    # (not "… but an observership"; "… but 2 derm pubs" is another subject)
    r"(?! in| except| other than| besides| apart from| but(?! (?:\d+|a|an|one|two|some) "
    r"(?:[\w-]+ )?(?:pubs?|papers?|publications?|research|case reports?)))"
    r"|\bnothing (?:at all )?in the (?:u\.?s\.?|states)\b(?! since| after| until)"
    r"|\bnot even (?:an? |one )?(?:observer ?ship|shadowing|virtual)"
    r"|\bnever (?:set foot|been) in an? (?:u\.?s\.?|american) (?:hospital|clinic)"
    r"|\bof any kind in (?:the )?(?:us|usa|u\.s\.a?|states|united states)\b"
)
_NO_HANDS_ON = re.compile(
    # a rotation said to have been observing after all: "it was listed as an observership",
    # "I mostly watched and never examined patients"
    # (not "not sure if it was technically an observership")
    r"(?<!if )(?<!whether )\b(?:it|that|this|the (?:externship|rotation|elective|clerkship)) "
    r"(?:was|is) (?:actually |"
    r"really |just |only |officially |technically |listed as |called )*an? "
    r"(?:observer ?ship|shadowing)\b"
    r"|\bi (?:mostly|just|only|basically) (?:watched|observed|shadowed)\b|"
    # "in the US the only thing I've done is 2 weeks of shadowing"
    r"\bonly thing (?:i'?ve|i have|i) (?:done|did|had)(?: in the (?:us|states))? "
    r"(?:is|was|are|were) (?:\S{1,12} ){0,3}"
    r"(?:observer ?ships?|shadowing|virtual rotations?|online rotations?)|"
    r"\b(?:no|zero|0|without(?: any)?) (?:real |true |actual |proper )?hands[- ]on\b"
    r"|\b(?:only|just) (?:\S{1,12} ){0,3}"
    r"(?:observer ?ships?|shadowing|virtual rotations?|online rotations?)"
    r"|\b(?:observer ?ships?|shadowing|virtual rotations?) only\b|\bresearch[- ]only\b"
    # "I did a 'rotation' … but it was all online", "nothing in person"
    r"|\b(?:it|that|they|this) (?:was|were) (?:all|entirely|fully|completely) (?:online|virtual|"
    r"remote|on zoom)\b|\bnothing in[- ]person\b"
    # "no clinical rotations at all" (not "no rotations in India": that is not about the US)
    r"|\b(?:no|zero|0) (?:clinical |hands[- ]on |us |u\.s\. )?"
    r"(?:rotations?|clerkships?|externships?)"
    r"(?: (?:at all|of any kind|yet))?\b(?! in (?!the us|the u\.s|usa|america)| at home| back home)"
)
# "Externship: 0", "sub-i - none": a form's field that names a kind to say there was none
_FIELD_NONE = re.compile(r"\s?(?::|-|=|x)\s?(?:0|none|no|zero|nil|n/a)\b")
# what says an experience was had, inside a clause that asks about it
_DONE = re.compile(r"\b(?:did|done|doing|completed?|had|have|got|finished|worked)\b")
_LETTERS = re.compile(
    rf"(?<!')\b({_NUM_A}|no|zero) (?:(?:strong|good|solid|great|excellent|decent|us|u\.s\.|"
    r"american|clinical|usce|hands-on|specialty|im|really|very|super|glowing|stellar|nice|"
    rf"outstanding|personal(?:i[sz]ed)?|{_SPEC_RE})[- ]){{0,3}}"
    r"(?:letters? of rec(?:ommendation)?s?|letters?|"
    r"lor's|lo[rc]s?|recommendation letters?|rec letters?|cartas?|lettres?)\b(?! of intent)"
)
# A form's field: "LoRs: 2", "US LORs: three", "| US LORs | 3 |", "- letters = 2".
_LETTERS_LABELLED = re.compile(
    # (and "LORs x2", "LoRs → 2 US")
    r"\b(?:us |u\.s\. )?(?:letters(?: of rec(?:ommendation)?s?)?|lors?|lo?rs)"
    r" ?(?:[:=|→]|->|x(?=\d)) ?"
    rf"(\d{{1,2}}|{_NUMBER_WORDS}|zero|none|no)\b(?![-)])"  # not "LoR: 1- when do I ask"
)
_NO_LETTERS = re.compile(
    r"\b(?:without(?: any)?|(?:do not|don'?t|haven'?t) (?:have|got)(?: any)?|lack(?:ing)?(?: any)?)"
    r" (?:us |u\.s\. |american |clinical ){0,2}(?:letters|lors)\b"
    r"|\bnone of (?:my|the) (?:letters|lors)(?: \w+){0,2} (?:from|in) (?:the )?(?:us|usa|u\.s\.)"
)
# Words that say one graduated, with the year up to a clause later ("graduated from Ain Shams
# University in 2021", "graduated the year covid hit, 2020", Indian English "passed out in
# 2019"), and short labels with the year right after them ("YOG: 2021", "MBBS, 2022").
_PASSED_OUT = r"pass(?:ed)?[ -]?out"
_FINISHED = r"finished (?:med(?:ical)? school|mbbs|md)"
_GRADUATED = rf"graduat(?:ed|ion|ing|e)(?: year)?|{_PASSED_OUT}|{_FINISHED}"
_GRAD_LABEL = r"grad year|grad|class of|yog|mbbs|md"
_YEAR = re.compile(
    # (Spanish and Portuguese in an English post too)
    rf"\b(?:(?:{_GRADUATED}"
    r"|me gradu[eé]|(?:sou|soy) (?:formad[oa]|egresad[oa]|graduad[oa])|dipl[oô]m[eé]e?"
    r"|me formei)\b(?: ?[:=-])?[^0-9.,;:!?]{0,35}?"
    rf"|(?:{_GRAD_LABEL}|mbchb|mbbch|img)\b(?: ?[:=-])?[^0-9.,;:!?]{{0,15}}?)"
    # (a month before the year: "Graduation: 03/2020", "graduated 06-2019")
    r"(?:(?:, )?(?:(?:0?[1-9]|1[0-2])[/.-])?(\d{4})\b|'(\d{2})\b)"
    # the year first: "2021 grad", "'19 graduate", "a 2023 mbbs graduate", "2021 passout"
    r"|(?:\b(\d{4})|(?<!\w)'(\d{2})) (?:grad(?:uate)?|graduated|yog|mbbs grad(?:uate)?|img"
    rf"|{_PASSED_OUT})\b"
)
# A graduation year in words: "graduated twenty twenty-one", "YOG two thousand eleven".
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")  # fmt: skip
_YEAR_NUMBERS = {
    **{w: n for n, w in enumerate(_UNITS, 1)},
    **{w: n for n, w in enumerate(_TEENS, 10)},
    "twenty": 20,
    **{f"twenty{sep}{w}": 20 + n for n, w in enumerate(_UNITS, 1) for sep in ("-", " ")},
}
_YEAR_WORDS = re.compile(
    # (as `_YEAR`: a graduation said in words finds its year up to a clause later, "graduated a
    # long time ago, in twenty twelve"; a short label only right after it)
    rf"\b(?:(?:{_GRADUATED})\b[^0-9.,;:!?]{{0,35}}?"
    rf"(?:, (?:in )?)?|(?:{_GRAD_LABEL})\b[^0-9.,;:!?]{{0,15}}?)"
    r"\b(?:twenty|two thousand(?: and)?) ("
    + "|".join(sorted(_YEAR_NUMBERS, key=len, reverse=True))
    + r")\b"
)
# "graduated last year" / "graduated this year", measured from the current year.
_YEAR_RELATIVE = re.compile(
    rf"\b(?:graduat(?:ed|e|ion was)|{_FINISHED}|{_PASSED_OUT})"
    r" (?:in |of |just )?(last|this) (?:year|yr)\b"
    r"|\b(last|this) (?:year|yr)'?s? grad(?:uate)?\b"
)
_A_DECADE = re.compile(
    r"\bgraduated (?:about |around |over |almost |nearly |roughly |more than )?(?:a|one) decade ago"
)
_YEARS_SINCE = re.compile(
    rf"\b({_NUM_A})\+? ?(?:years?|yrs?) (?:since|after|post|out of|from)[- ]?(?:my |med(?:ical)? "
    r"school |)(?:graduation|graduating|grad\b|med school|medical school)"
    rf"|\b(?:graduated|{_FINISHED}|{_PASSED_OUT}) (?:about "
    rf"|around |over |almost |nearly |roughly )?({_NUM_A})\+? ?(?:years?|yrs?) (?:ago|back)"
    rf"|\bgrad(?:uation)? (?:was )?({_NUM_A})\+? ?(?:years?|yrs?) ago"
    rf"|\bbeen out (?:for )?({_NUM_A})\+? ?(?:years?|yrs?)\b"
    rf"|\b({_NUM_A})\+? ?(?:years?|yrs?) (?:gap )?(?:since|after|post) (?:i |my )?(?:graduat(?:ed|"
    r"ion)|grad\b|md\b|mbbs\b)"
    rf"|\b({_NUM})\+? ?yog\b|\byog(?: is|:|=)? ?(\d{{1,2}})\b"
    rf"|\b(?:i'?m |i am |am |)({_NUM_A})\+? (?:years?|yrs?) out\b(?! of (?:residency|practice))"
)
_FRESH = re.compile(
    r"\b(?:fresh(?:ly)? grad(?:uate)?|just graduated|new grad(?:uate)?|"
    r"recent(?:ly)? grad(?:uated|uate)?)"
)
_STUDENT = re.compile(
    r"\b(?:(?:final|last|4th|fourth|third|3rd|fifth|5th|sixth|6th)[- ]year (?:med(?:ical)? )?"
    r"student|med(?:ical)? student|ms[1-6]|still in med(?:ical)? school|"
    r"(?:final|last|4th|fourth|third|3rd|fifth|5th|sixth|6th) (?:yr|year) student|"
    r"(?:i'?m|i am) a (?:\w+ )?student|carib(?:bean)? (?:med )?student|"
    # "6th year of MBBS", "5th year of a 6-year program", "final year MBBS"
    r"(?:1st|2nd|3rd|4th|5th|6th|first|second|third|fourth|fifth|sixth|final|last)[- ]year "
    r"(?:of )?(?:(?:my |the )?(?:mbbs|mbchb|mbbch|md|med(?:ical)? school|medicine|"
    r"bachelor of medicine)|"
    r"an? (?:\d|five|six|seven)-year (?:program|course|degree))|"
    # "I am in my final year of medicine", "in his last year of MBBS" (put in the first person)
    r"(?:i'?m|i am) in (?:my|the) (?:final|last|4th|fourth|5th|fifth|6th|sixth) (?:yr|year)"
    r"(?: of (?:med(?:ical)? school|medicine|mbbs|md|studies))?(?! of))\b"
)
# "a clerkship as a final-year student (so ~5 yrs ago)": then, not now
_PAST_STUDENT = re.compile(
    r"\b(?:as|when i was|while i was|back when|during my time as) an? (?:\S+ ){0,2}$"
)
_STEP1 = re.compile(
    r"\b(?:step ?1|s1)\b(?: ?(?:score|is|was|of|=|:|-|a|result)){0,4} ?(pass(?:ed)?|fail(?:ed)?|"
    r"\d{3}\b|p\b|f\b)"
    r"|\b(pass(?:ed)?|fail(?:ed)?|cleared) (?:the |my )?(?:usmle )?step ?1\b"
)
_STEP2 = re.compile(
    # ("Step 2 (241)": a score in brackets after the exam's name)
    r"\b(?:step ?2 ?ck|step ?2|2 ?ck|ck)\b"
    r"(?: ?(?:score|is|was|of|=|:|-|at|around|about|~|a|\()){0,4}"
    r" ?(\d{3})\b"
    r"|\b(\d{3}) (?:on|in|for) (?:usmle )?(?:step ?2 ?ck|step ?2|ck)\b"
)
_BAND = re.compile(r"\b(low|lower|mid|middle|high|upper)[- ]?(\d{2})0s\b")
_RESEARCH = re.compile(
    rf"(?<!')\b({_NUM_A}) (?:(?:first[- ]author|pubmed[- ]indexed|published|peer[- ]reviewed|case|"
    r"research|us|home|home[- ]country|conference|national|international"
    # a field before the kind: "2 derm case reports", "3 IM publications", "1 cardiology abstract"
    rf"|{_SPEC_RE}|cardiology|cardio|oncology|onc|nephro|nephrology|gi|pulm|ortho)[- ]){{0,3}}"
    r"(?:publications?|"
    r"pubs?|papers?|abstracts?|posters?|case reports?|manuscripts?)\b"
)
# "an author on 2 of them" (of a department's papers)
_AUTHOR_ON = re.compile(
    rf"\b(?:an? )?(?:co-?)?author (?:on|of|in) ({_NUM_A}) of (?:them|those|these)\b"
)
# Work not yet out, which the articles do not count as output: "2 manuscripts in progress",
# "1 paper 'in prep'", "2 papers coming", "PI promised me 2 first-author papers".
_UNFINISHED = re.compile(
    r"\s*(?:[(,-]\s*)?['\"]?(?:still |currently )?(?:in progress|in prep(?:aration)?|ongoing|"
    r"underway|being (?:written|drafted|prepared)|coming|upcoming|planned|pending|promised|"
    r"not (?:yet )?(?:submitted|published|out|written))"
)
_PROMISED = re.compile(r"\b(?:promised|drafting|working on|writing|preparing|expect|expecting)\b")
_RESEARCH_LABELLED = re.compile(
    r"\b(?:pubs|publications|papers|research)\s?[:=|]\s?"
    rf"(\d{{1,2}}|{_NUMBER_WORDS}|none|zero|no|nil)\b"
)
_NO_RESEARCH = re.compile(
    r"\b(?:no|zero|0|without(?: any)?|(?:do not|don'?t|haven'?t) (?:have|done)(?: any)?) "
    r"(?:research|publications?|pubs|papers|abstracts|posters)\b"
)
_AIMING = (
    r"\b(?:want(?:ing|s)?|wanna|aim(?:ing|s)?|target(?:ing|s)?|goal|prefer(?:ably|ring)?|"
    r"interested in|apply(?:ing)? (?:to|for)|hop(?:e|ing)|dream(?:ing)?|going for|looking at)"
    r"\b[^.?!;\n]{0,25}?\b"
)
# (field, value, pattern); per field the first matching pattern wins. For home clinical work
# "no recent clinical work" is checked before "working clinically": the conservative reading, and
# such sentences usually say the work has ended.
_FLAG_PATTERNS: tuple[tuple[str, bool, str], ...] = (
    ("unmatched_before", True, r"\bunmatched\b(?! (?:imgs|applicants|candidates|students|"
     r"graduates))|\b(?:didn'?t|did not|failed to|never) match(?:ed)?\b"),
    ("unmatched_before", False, r"\b(?:first[- ]time applicant|applying for the first time|"
     r"first time applying)"),
    ("can_afford_only_one", True, r"\b(?:money (?:for|to do) (?:only |just )?(?:one|1) "
     r"(?:more )?(?:us |u\.s\. )?(?:thing|option|experience)"
     r"|only (?:afford|pay for|fund) (?:one|1|a single)|(?:afford|pay for|fund) "
     r"(?:only|just) (?:one|1)|(?:can'?t|cannot|can not) afford both)\b"),
    ("money_tight", True, r"\b(?:money is (?:tight|limited|a (?:big |huge |major |real )?(?:issue|"
     r"problem|concern))|budget is (?:tight|limited|small)|(?:can'?t|cannot) afford much|"
     r"tight (?:budget|on money)|limited "
     r"(?:funds|budget|money|finances|savings)|low on (?:money|funds)|short on money|on a budget|"
     r"financial(?:ly)? (?:constraints?|limited|strapped|tight)|"
     # a need to earn: "then I need income", "I can't afford to be unpaid for long"
     r"(?:i|we) (?:need|have) (?:to earn|to make money|an? (?:steady |regular )?income|"
     r"(?:some |steady |regular )?income|a (?:paid job|salary))|"
     r"(?:can'?t|cannot) (?:really )?(?:afford|do|stay) (?:to (?:be|work|stay) )?"
     r"(?:long |a long )?unpaid|(?:only|just) (?:afford|manage) a short unpaid|"
     # "honestly broke rn", "I'm broke": the writer, not "broke the news"
     r"(?:i'?m|im|i am|we'?re|we are|honestly|totally|basically|literally|kinda|pretty) broke)\b"),
    # An aim is stated by an aiming word before the kind of program ("I want university IM
    # programs", "Goal = academic IM"); a question about academic programs, or a lab at a
    # university, is not one.
    ("academic_aim", True, _AIMING + r"(?:academic|university|univ)(?:[- ]based|[- ]affiliated)? "
     rf"(?:(?:{_SPEC_RE}) )?(?:programs?|centers?|career|track|medicine|hospitals?|places|"
     rf"residency|spots?|positions?|{_SPEC_RE})\b"),
    ("academic_aim", False, _AIMING + r"community(?:[- ]based)? (?:programs?|hospitals?)\b"),
    ("home_clinical_recent", False, r"\b(?:no (?:recent )?clinical (?:work|practice|experience)"
     r"(?: at home)? (?:for|in|since)|non[- ]clinical (?:job|work|role|position)|"
     r"nothing clinical\b|(?:have|has) not (?:done|had) any clinical work(?! (?:in|at) the u)|"
     r"(?:haven'?t|hasn'?t) (?:done|had) any clinical work(?! (?:in|at) the u)|not (?:been )?"
     r"(?:working|practi[cs]ing) clinically|no patient care|admin(?:istrative)? (?:job|work|role)|"
     r"(?:haven'?t|have not|hasn'?t|has not) (?:worked|practi[cs]ed) (?:clinically|"
     r"medicine)|out of clinical(?: practice| work|\b(?! (?:trials?|research)))|no recent clinical|"
     # not working now: "2022 grad, not working rn", "currently unemployed"
     r"not working (?:rn|right now|currently|at the moment|at present|now|these days)|"
     r"(?:currently )?unemployed|(?:currently )?not (?:currently )?"
     r"practi[cs]ing|no clinical (?:work|practice)\b(?! (?:in|at) the (?:us|u\.s\.))|"
     r"(?:with|long|clinical|big|"
     r"significant|have|had) gaps?"
     # a job away from patients: "medical advisor, non clinical", "haven't touched a patient
     # since 2018", "medical writer for a CRO", "no patients, basically paperwork"
     r"|non[- ]?clinical(?= ?(?:job|work|role|position|[,;.)]|$))|no patients|"
     r"haven'?t (?:touched|seen|treated|examined) (?:a |any )?patients?|"
     r"medical writ(?:er|ing)|utilization review"
     # a job away from patients, named: "pharma sales", "data analyst", "family business"
     r"|no patient (?:seeing|contact|care)|not practi[cs]e medicine|pharma(?:ceutical)? "
     r"(?:company|sales|industry|job)|data analyst|public health (?:job|analyst|work)|"
     r"insurance (?:claims|company)|family business|it support|hospital admin(?:istration)?|"
     r"(?:as|i'?m) an? (?:clinical research coordinator|research coordinator|crc)|"
     r"teaching anatomy)\b"),
    ("home_clinical_recent", True, r"\b(?:working (?:full[- ]time |part[- ]time )?clinically|"
     r"work(?:ing|ed|s)? as (?:an? )?"
     r"(?:doctor|physician|gp|general practitioner|medical officer|resident|house officer|intern|"
     r"surgeon|registrar|consultant|specialist)|work(?:ing)? (?:in|at) an? (?:icu|er|emergency "
     r"(?:room|department)|hospital|clinic|ward)|(?:doing|in) (?:my )?(?:internship|house job|"
     r"residency) (?:back home|at home|there|in (?:my|" + _COUNTRIES + r"))|clinical work at home|"
     r"practi[cs]ing medicine|strong home[- ]country clinical|working in (?:a|the) hospital|"
     # "I've been practising nonstop", "practising yes, full time", "consultant physician in…"
     r"practi[cs]ing (?:yes\W+)?(?:nonstop|non-stop|full[- ]time|continuously|ever since|since|"
     r"till now|until now|still)|(?:still|currently|been) practi[cs]ing\b|"
     r"consultant (?:physician|surgeon|paediatrician|pediatrician|cardiologist|neurologist|"
     r"psychiatrist|anaesthetist|anesthetist)|"
     r"house job"
     # a clinical post now: "currently a house officer", "working in Kabul hospital", "ER
     # physician (clinical)", "doing internship year", "GP in a district hospital"
     r"|(?:currently|now|still)(?: working)?(?: as)? (?:an? )?(?:[\w-]+ )?(?:house officer|"
     r"medical officer|"
     r"gp|doctor|physician|resident|registrar|intern)"
     # (not "working as a scribe in an ER": a scribe charts for the doctors, not clinical work)
     r"|(?:working|work) (?!as an? (?:\w+ )?scribe)(?:\w+ ){0,3}(?:in|at) "
     r"(?:an? |the |my |\w+ )?(?:hospital|icu|er|intensive care|emergency room|clinic|polyclinic|"
     r"ward)|\(clinical\b|"
     r"doing (?:my |an? )?(?:\d+-month )?internship(?: year)?(?! complete| in (?:19|20)\d\d)|"
     r"(?:er|icu|emergency room) (?:doc(?:tor)?|physician)|"
     r"(?:gp|medical officer|house officer) in a\b|working as (?:an? )?(?:\w+ ){0,2}(?:resident|"
     r"specialist|therapist))\b"),
)  # fmt: skip
_LAST_CLINICAL = re.compile(
    r"\blast (?:real )?(?:clinical|patient[- ]care|hospital) (?:job|work|post|position|practice)"
    r" (?:was |ended |was in |ended in |in )?((?:19|20)\d\d\b|'\d\d\b)"
    # "no clinical work (at all) since 2020", "haven't seen a patient since 2018"
    # "worked as a GP until 2022"
    r"|\bwork(?:ed|ing)? as (?:an? )?(?:gp|doctor|physician|general practitioner|medical officer)"
    r"(?: [^.;,\n]{0,30}?)? (?:until|till|to|up to) ((?:19|20)\d\d\b)"
    r"|\b(?:(?:no|zero) (?:clinical work|patient care|clinical)(?: at all)?|stopped practi[cs]ing|"
    # "stopped working in 2021", "haven't worked since 2020"
    r"stopped working|(?:haven'?t|have not|hasn'?t|not) (?:really )?worked|"
    r"haven'?t done any clinical work|worked (?:in |at )?(?:the |an? )?(?:icu|er|hospital|clinic|"
    r"intensive care unit|emergency room)"
    r"|haven'?t (?:touched|seen|treated) (?:a |any )?patients?)"
    r"(?: since| in| till| until)? (?:covid )?\(?((?:19|20)\d\d\b|'\d\d\b)"
)
_FLAGS = tuple((field, value, re.compile(p)) for field, value, p in _FLAG_PATTERNS)
_VISAS = (
    ("B1/B2", r"b-?1 ?/ ?b-?2|b1b2|b-?1|b-?2"), ("J-1", r"j-?1|j visa"), ("H-1B", r"h-?1b?"),
    ("F-1", r"f-?1"), ("green card", r"green card|permanent resident|gc holder"),
    ("US citizen", r"us citizen|u\.s\. citizen"),
)  # fmt: skip
_VISA_RE = re.compile("|".join(rf"\b(?P<v{i}>{p})\b" for i, (_, p) in enumerate(_VISAS)))
# A visa refused is not held ("visa refused twice (B1/B2)"), nor is one asked about ("what
# about H-1B? does it matter for research jobs?") unless the question says it is the
# applicant's ("can I still do an externship on my B1/B2?").
_VISA_REFUSED = re.compile(r"\b(?:refus|reject|den(?:y|ie|ia)|declin)\w*")
_VISA_MINE = re.compile(r"\b(?:i(?:'m| am) on|i (?:have|hold|got)|my)(?: an?| my)?\W{0,2} ?$")


def _visa_held(norm: str, start: int, end: int, *, lasting: bool = False) -> bool:
    """`lasting`: a green card or citizenship, said in passing beside a question ("green card
    came through 🙌 how long does it take to …?"), not asked about."""
    opening = max(norm.rfind(c, 0, start) for c in ".;!?\n") + 1
    ends = [i for c in ".;!?\n" if (i := norm.find(c, end)) >= 0]
    closing = min(ends) if ends else len(norm)
    if _VISA_REFUSED.search(norm, opening, closing):
        return False
    asked = closing < len(norm) and norm[closing] == "?" and not lasting
    return not asked or bool(_VISA_MINE.search(norm, max(opening, start - 30), start))


# (not the line feed: the lines of a form are its fields, and a clause ends with its line)
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\ufeff]")
# (an arrow between a form's label and its value is the label's colon: "Specialty → Derm")
_PUNCT = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "−": "-",
        "→": ":",
        "⇒": ":",
        "➡": ":",
        "\ufe0f": " ",  # the emoji form of the arrow before it
    }
)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    return re.sub(r"\s+", _one_space, _CONTROL.sub(" ", text)).lower()


def _one_space(run: re.Match[str]) -> str:
    """A run of whitespace as one character: a line break if it holds one, else a space."""
    return "\n" if "\n" in run.group() else " "


def _offsets(text: str, norm: str) -> list[int] | None:
    """For each character of `norm` (= _normalize(text)), the index of the character of `text`
    it came from, with len(text) appended; None in the rare case a character-by-character
    normalisation differs from the whole-text one (combining marks, a final sigma)."""
    out: list[str] = []
    where: list[int] = []
    for i, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).translate(_PUNCT)
        piece = _CONTROL.sub(" ", piece).lower()
        for c in piece:
            if c.isspace():
                c = "\n" if c == "\n" else " "
                if out and out[-1] in " \n":
                    if c == "\n":  # the run becomes a line break, from its first character
                        out[-1] = "\n"
                    continue
            out.append(c)
            where.append(i)
    if "".join(out) != norm:
        return None
    return [*where, len(text)]


def _found_by_content(text: str, norm: str, start: int, end: int) -> Span | None:
    """Where norm[start:end] stands in `text`, found by its content: the fallback when
    `_offsets` cannot map characters one by one."""
    found = text.casefold().find(norm[start:end].casefold())
    return (found, found + end - start) if found >= 0 else None


def _num(token: str | None) -> float | None:
    if not token:
        return None
    token = token.strip()
    try:
        return float(token)
    except ValueError:
        return _WORDS.get(token)


def _full_year(two_digits: int, current_year: int) -> int:
    """'19 -> 2019; a two-digit year past next year's is last century's ('98 -> 1998)."""
    year = 2000 + two_digits
    return year if year <= current_year + 1 else year - 100


def _quarter(value: float) -> float:
    return round(value * 4) / 4


def normalize_specialty(name: str) -> tuple[str, SpecialtyClass | None] | None:
    """Map a specialty name or abbreviation to (canonical name, competitiveness class).

    Args:
        name: e.g. "derm", "Internal Medicine", "rad onc".

    Returns:
        The canonical name and class, or None when the name is not a known specialty.
    """
    return _ALIAS.get(_normalize(name).strip())


def _specialty(norm: str, original: str) -> tuple[tuple[str, SpecialtyClass | None], Span] | None:
    """The target specialty (canonical name, class) and the span of the words naming it."""
    for rx in (_SPEC_INTENT, _SPEC_NOUN, _SPEC_BARE, _SPEC_ITEM):
        for m in rx.finditer(norm):
            group = next(i for i, g in enumerate(m.groups(), 1) if g)
            alias = m.group(group)
            # "im" is also a typo for "I'm": only trust it when the writer typed it in capitals
            # "im" and "em" are also words ("I'm", "em"): trusted only when typed in capitals
            if alias in _CAPITALS_ONLY and not re.search(rf"\b{alias.upper()}\b", original):
                continue
            if rx is _SPEC_ITEM and _in_specialty_list(norm, m.start(), m.end()):
                continue
            return _ALIAS[alias], m.span(group)
    return None


_UNDECIDED = re.compile(
    r"\b(?:no idea|not sure|undecided|unsure|haven'?t decided|don'?t know)\b[^.?!\n]{0,30}"
    r"\b(?:specialt|field|what to (?:do|choose)|between)"
)


def _only_specialty(
    norm: str, original: str
) -> tuple[tuple[str, SpecialtyClass | None], Span] | None:
    """The one specialty a message names, wherever it names it ("3 months of hands-on IM (all
    inpatient)", "For radiology I have done …"): a writer who names a single field is asking
    about it. Two different fields name no target, nor does a field negated alone ("not derm");
    a field set against a negated one is a correction ("target is plastics not IM", "derm
    instead of IM"), and names the one kept."""
    if _UNDECIDED.search(norm):
        return None
    named: dict[str, tuple[tuple[str, SpecialtyClass | None], Span]] = {}
    negated: set[str] = set()
    for m in _SPEC_ANY.finditer(norm):
        alias = m.group()
        if alias in _CAPITALS_ONLY and not re.search(rf"\b{alias.upper()}\b", original):
            continue
        spec = _ALIAS[alias]
        if _NEGATED_FIELD.search(norm[max(0, m.start() - 14) : m.start()]):
            negated.add(spec[0])
            continue
        named.setdefault(spec[0], (spec, m.span()))
    kept = {name: found for name, found in named.items() if name not in negated}
    return next(iter(kept.values())) if len(kept) == 1 else None


_NEGATED_FIELD = re.compile(r"\b(?:not|instead of|rather than)\s+(?:in |into )?$")


def _in_specialty_list(norm: str, start: int, end: int) -> bool:
    """Whether the comma items on either side of norm[start:end] name a specialty too."""
    before = re.split(r"[,.!?;\n]", norm[max(0, start - 60) : start])[-1]
    after = re.split(r"[,.!?;\n]", norm[end + 1 : end + 60])[0] if end < len(norm) else ""
    after = "" if norm[end : end + 1] in ".!?;\n" else after  # the sentence ended: no next item
    return bool(_SPEC_ANY.search(before) or _SPEC_ANY.search(after) or before.endswith(" in"))


_US_PART = re.compile(r" ?\((\d{1,2}) (?:us|u\.s\.|american)\b")
_BREAKDOWN = re.compile(r"\([^()]{0,60}$")


# One item of a letters breakdown: "2 from my professors in Cairo", "1 LoR from the NJ attending".
_LETTER_ITEM = re.compile(
    rf"\b({_NUM_A}|zero|no) (?:[\w.-]+\s){{0,3}}?"
    r"(?:(?:letters?|lors?|lor's|recs?)\s)?from\s+(?P<src>[^,;+()\n]*?)"
    r"(?=\s*(?:[,;+()\n]|\.(?:\s|$)|\band\s+(?:just |only )?(?:\d|one|two|three|a|an)\b|$))"
)
_OPENS_BREAKDOWN = re.compile(r"total|[:(—–-]|\bincluding\b|\bof (?:which|them)\b|\bnamely\b")
# A letter sought, not had: "how do I ask an attending for a strong letter", "to earn a LoR"
# "a letter" counts one only when something says it is had: "I got a letter from…", "with a
# strong letter"; not in "what should a good USCE letter say?" or "make sure I get a good one".
_HAD_ARTICLE = re.compile(
    # ("wrote  my a letter": attribution's first person of "I wrote her a letter")
    r"\b(?:have|has|had|got|gotten|received|secured|earned|obtained|with|plus|and|also|"
    r"(?:wrote|gave)\s+(?:me|my|her|him))\b(?: \w+){0,3} $"
)
_SEEKING = re.compile(
    r"\b(?:ask(?:ing)?|request(?:ing)?|get|getting|earn(?:ing)?|secure|securing|obtain(?:ing)?|"
    r"need|needs|chase|chasing)\b(?: \w+){0,3} (?:for )?$"
)
# A letter asked for but not yet written: "a letter is 'in progress'", "a LoR pending".
_PENDING = re.compile(
    r"\s*(?:is |are |was )?(?:still )?['\"]?(?:in progress|pending|on the way|coming|promised|"
    r"not (?:yet )?(?:written|submitted|uploaded|in))"
)
_SENTENCE_END = re.compile(r"(?<!\bu\.s)(?<!\bdr)\.(?=\s|$)|[\n?!]")
# Where what a letter count says about its writers ends: its sentence, or its field of a form
# ("LoR:1 US / home: peds resident" names no letter from home).
_WRITERS_END = re.compile(rf"{_SENTENCE_END.pattern}|[|]|\s/\s")


def _us_part(norm: str, number_at: int, end: int, count: float) -> float | None:
    """The US letters of a count: "3 LORs (2 US, 1 home)" is 2; "2 LORs from home" is None;
    with a breakdown by writer that names one abroad, the US ones: "5 LoRs total - 2 from my
    externship attendings, 1 from the Brooklyn elective and 2 from my house job in Pakistan" is 3,
    "2 LoRs from professors in Cairo and 1 from my US attending" is 1."""
    if m := _US_PART.match(norm, end):
        return float(m.group(1))
    found = _WRITERS_END.search(norm, end)
    stop = found.start() if found else len(norm)
    items = [
        (n, bool(_NOT_US.search(m.group("src")) or _HOME_WRITER.search(m.group("src"))), m.start())
        for m in _LETTER_ITEM.finditer(norm, number_at, stop)
        if (n := _num(m.group(1))) is not None or m.group(1) in ("zero", "no")
    ]
    own = bool(items) and items[0][2] == number_at  # the count names its writers
    # a total broken down by writer: "4 total -> 2 from Riyadh, …", "5 LoRs (2 from …"
    total = not own and bool(items) and _OPENS_BREAKDOWN.search(norm, end, items[0][2])
    if not any(abroad for _, abroad, _ in items) or not (own or total):
        return None if _placed_abroad(norm[end : min(end + 30, stop)]) else count
    us = sum(n or 0.0 for n, abroad, _ in items if not abroad)
    if own:
        # "3 LoRs from consultants in Dubai" alone: whether there are US ones is not said
        return us if not all(abroad for _, abroad, _ in items) else None
    return max(count - sum(n or 0.0 for n, abroad, _ in items if abroad), us)


_JOINED = re.compile(r"\s*(?:\+|&|and|plus)\s*")
_ONE_MORE = re.compile(rf"\s*(?:\+|&|and|plus)\s*({_NUM}) (?:[a-z]+ ){{0,2}}ones?\b")


def _joined(norm: str, counts: list[tuple[float, Span]]) -> list[tuple[float, Span]]:
    """Counts of one thing joined by "+" or "and" add up: "2 neuro letters + 1 IM letter" is 3
    (while separate mentions restate: the largest is kept)."""
    out: list[tuple[float, Span]] = []
    for count, span in sorted(counts, key=lambda item: item[1]):
        if out and _JOINED.fullmatch(norm, out[-1][1][1], span[0]):
            total, (start, _) = out[-1]
            out[-1] = (total + count, (start, span[1]))
        else:
            out.append((count, span))
    return out


# A letter named without a count in a rotation's line of a CV: "Externship, IM, Ohio - 4 wks -
# LoR", "Sub-I (4 wks) + LoR", "4 wk elective, with letter".
_BARE_LETTER = re.compile(
    r"(?:[-,+(|/&]|\bwith)\s*(?:a\s+|one\s+)?(?:(?:strong|good|great|us)\s+){0,2}"
    r"(?:lor|letter(?:\s+of\s+rec\w*)?|rec\s+letter)\b(?!s|')"
)


_RESTATES = re.compile(
    r"\b(?:same|again|those|these|both|total|in all|altogether|overall|combined|so really)\b"
)
_LIST_LINE = re.compile(rf"[ \t]*(?:[-*•·>]|\d{{1,2}}[.)]|(?:{_TYPE_RE.pattern}))")


def _line_of(norm: str, at: int) -> tuple[int, int]:
    start = norm.rfind("\n", 0, at) + 1
    end = norm.find("\n", at)
    return start, len(norm) if end < 0 else end


def _per_rotation_line(
    norm: str, counts: list[tuple[float, Span]], rotations: list[Span]
) -> list[tuple[float, Span]]:
    """Letters listed rotation by rotation, one line each ("• Externship, IM - 8 wks - 2 LoRs" /
    "• Externship, FM - 4 wks - 1 LoR"), add up, and a line's bare "LoR" is one; elsewhere
    separate mentions restate (the largest is kept)."""
    # (a line of a list: it opens with a bullet, a number or the rotation's kind; a title and
    # the body under it that both say "4 LORs" restate)
    lines = {
        line for start, _ in rotations if _LIST_LINE.match(norm, (line := _line_of(norm, start))[0])
    }
    if len(lines) < 2:
        return counts
    counted = {_line_of(norm, span[0]) for _, span in counts}
    bare = [
        (1.0, found.span())
        for line in sorted(lines - counted)
        if (found := _BARE_LETTER.search(norm, *line)) is not None
        and not _PENDING.match(norm, found.end())
    ]
    if bare and not counts:
        counts, bare = bare[:1], bare[1:]  # one bare "LoR" alone is one letter
    found_lines = [_line_of(norm, span[0]) for _, span in [*counts, *bare]]
    if len(found_lines) < 2 or len(set(found_lines)) < len(found_lines):
        return counts  # one mention, or two on a line: they restate or join as before
    if not set(found_lines) <= lines:
        return counts  # a count outside the rotations' lines may be their total
    ordered = sorted(found_lines)
    if any(norm[end:start].strip() for (_, end), (start, _) in itertools.pairwise(ordered)):
        return counts  # not one list: "my roommate: - …, 4 LoRs / me: - …, 1 LoR"
    if any(_RESTATES.search(norm, *line) for line in found_lines):
        return counts  # "…, same 4 LoRs", "4 LoRs total"
    spans = [span for _, span in [*counts, *bare]]
    total = sum(count for count, _ in [*counts, *bare])
    return [(total, (min(a for a, _ in spans), max(b for _, b in spans)))]


def _in_breakdown(norm: str, start: int) -> bool:
    """ "3 pubs (2 case reports + 1 article)": a count inside the brackets after a count."""
    opened = _BREAKDOWN.search(norm, max(0, start - 60), start)
    return bool(opened and _RESEARCH.search(norm, max(0, opened.start() - 40), opened.start()))


def _before(norm: str, start: int, width: int = 50) -> str:
    """The clause leading up to `start` (what a negation or a question would sit in)."""
    return _CUT_BACK.split(norm[max(0, start - width) : start])[-1]


_OTHER_KIND = (
    r"(?:observer ?ships?|obs(?![-/ &]{0,3}(?:gyn|and gyn))|shadowing|virtual rotations?"
    r"|tele-?rotations?)"
)
_OTHER_HAD = re.compile(
    rf"\b(?:\d|one|two|three|four|five|a couple of|several)\b (?:\w+ ){{0,2}}{_OTHER_KIND}"
    rf"|\b{_OTHER_KIND} ?x ?(?:\d|one|two|three|four)\b"
)


def _other_had(norm: str) -> bool:
    """An observership, shadowing or virtual rotation counted or said done ("2 observerships",
    "observership x2", "did an observership")."""
    for m in re.finditer(rf"\b{_OTHER_KIND}\b|{_OTHER_HAD.pattern}", norm):
        opening = max(norm.rfind(c, 0, m.start()) for c in ".;!?\n") + 1
        counted = _OTHER_HAD.match(norm, m.start())
        if (
            (counted or _DONE.search(norm, opening, m.start()))
            and _stated(norm, m.start())
            and not _asked_about(norm, m.start(), m.end())
        ):
            return True
    return False


_ROTATIONS = re.compile(r"(?<!virtual )(?<!online )(?<!tele)\b(?:rotations?|hands[- ]on)\b")


_REMOTE_BEFORE = re.compile(r"\b(?:virtual|online|tele-?\w*|remote|zoom)\b(?: [\w-]+){0,2} $")


def _rotations_had(norm: str) -> bool:
    """Rotations or hands-on work said to be done, of a kind not named ("did some rotations";
    not "others say get hands-on", "virtual rotations" or "Rotations: 0")."""
    for m in _ROTATIONS.finditer(norm):
        opening = max(norm.rfind(c, 0, m.start()) for c in ".;!?\n") + 1
        if (
            _DONE.search(norm, opening, m.start())
            and _stated(norm, m.start())
            # "1 virtual IM rotation", "an online peds rotation": not hands-on
            and not _REMOTE_BEFORE.search(norm, max(opening, m.start() - 25), m.start())
            and not _asked_about(norm, m.start(), m.end())
            and not _an_option(norm, m.start(), m.end())
            and not _FIELD_NONE.match(norm, m.end())
        ):
            return True
    return False


def _asked_about(norm: str, start: int, end: int) -> bool:
    """A kind named inside a clause that ends in a question and says nothing was done ("research
    or externship?", "more than paying for an externship?"): asked about, not had."""
    opening = max(norm.rfind(c, 0, start) for c in ",.;:!?\n") + 1
    closing = [i for c in ".;!?\n" if (i := norm.find(c, end)) >= 0]
    if not closing or norm[min(closing)] != "?":
        return False
    return not _DONE.search(norm, opening, min(closing))


_EITHER = re.compile(
    r"\beither\b[^.;!?\n]{0,160}?\bor\b[^.;!?\n]{0,120}"
    # "comparing 8 wk hands-on externship … vs 8 wk observership …", "torn between …"
    r"|\b(?:comparing|choosing between|deciding between|torn between|offered)\b[^.;!?\n]{0,160}?"
    r"\b(?:or|vs\.?|versus)\b[^.;!?\n]{0,120}"
)
_WEIGHED = re.compile(r"\b(?:or|vs\.?|versus|better|rather)\b")


def _an_option(norm: str, start: int, end: int) -> bool:
    """An amount weighed in a question, not had: "which is better — 3 months of observerships
    or 2 months hands-on?" ("is my 2 months enough or …?" is had); or one of "either … or …"."""
    if any(m.start() < start and end <= m.end() for m in _EITHER.finditer(norm)):
        return True
    if not _asked_about(norm, start, end):
        return False
    opening = max(norm.rfind(c, 0, start) for c in ".;:!?\n") + 1
    clause = norm[opening : norm.find("?", end) + 1]
    return bool(_WEIGHED.search(clause)) and not re.search(r"\bmy\b", clause)


_HAD_MINE = re.compile(r"\b(?:after|with|from|during|since) my $")


def _stated(norm: str, start: int) -> bool:
    """False when the mention is negated ("no observership") or hypothetical ("should I do")."""
    before = _before(norm, start)
    if _HAD_MINE.search(before):
        return True  # "should i start it after my 60 days of externship?": had, then asked
    return not (
        _NEGATED.search(before)
        or _INTENT.search(before)
        or _PLANNED.search(norm, max(0, start - 200), start)
    )


# Under a label that names a plan the sentence is not yet done ("Plan: 4-8 weeks externship
# first, then paid research"); `_before` stops at the colon.
_OWN_COUNT = re.compile(
    r"\W{0,3}(?:(?:so|i\.?e\.?|=|which is|that'?s|means) ?(\d{1,2}) ?(?:yrs?|years?)\b(?! of\b)"
    r"|\( ?(\d{1,2}) ?(?:yrs?|years?)\b(?! of\b)"
    r"|(\d{1,2}) ?(?:yrs?|years?) (?:ago|out|since|post)\b)"
)
_PLANNED = re.compile(
    r"\b(?:my |the |\w+ )?(?:plan(?:ned)?|upcoming|future|goal|next steps?"
    r"|options?(?: \d| [ab])?|ideas?|offers?|choices?|(?:things?|stuff) on (?:the|my) table"
    r"|op[cç](?:[oõ]es|i[oó]n|iones))"  # Portuguese and Spanish "options:"
    # (a plan with its time frame or place: "my plan for the next 12 months: …", "2 offers on
    # my table: …")
    r"(?: (?:for|in|over|on) [^.;:\n!?]{0,30})? ?:[^.;\n!?]*$"
)


_LABELLED = re.compile(r"(?:^|[.;\n] ?)([a-z -]{3,50}) ?: ?$")
_ADJACENT = re.compile(r" (?:[\w-]+ ){0,2}")
_TOTAL = re.compile(r"\b(?:total|in all|altogether|overall|combined|of which|of those)\b")
_TIMES = re.compile(r"\b(two|three|four|five|2|3|4|5) ?(?:x|×)? ?$")
_IF = re.compile(r"\b(?:if|whether|unless|what if)\b")
_ASKING = re.compile(
    r" ?(?:does|do|is|are|would|will|can|could|should|what about|how about|what if)\b"
)
# A kind named as where the experience came from: "… clinical exposure from scribing".
_SOURCE = re.compile(
    r"\b(?:from|through|via|by|as an?|doing|in the form of) (?:\w+ ){0,2}?"
    r"(?:(?P<observership>observer ?ships?)|(?P<shadowing>shadow(?:ing|ed)?)"
    r"|(?P<volunteering>volunteer(?:ing|ed)?)|(?P<virtual>virtual|online)|(?P<scribing>scrib\w*))\b"
)
# A rotation booked or applied for is not done ("I booked an externship that starts in March").
_NOT_YET = re.compile(
    r"\b(?:booked|scheduled|reserved|lined up|applied (?:for|to)|signed up for|registered for|"
    r"waitlisted for|waiting (?:for|on))\b[^.;!?\n]{0,40}$"
)
_NOT_HANDS_ON_TYPES = frozenset(
    {"observership", "shadowing", "volunteering", "virtual", "scribing"}
)
# A duration followed by these words dates an event instead of measuring an experience.
_TIME_REFERENCE = re.compile(r"\s*(?:ago|since|out\b|after|post|back)")
_NEGATED_GAP = re.compile(r"\b(?:no|without|zero|never|not)\b")


@dataclass
class _Experience:
    """What `_experience` read: the months, the kinds named, and where each was read."""

    hands: float
    other: float
    types: list[str]
    saw_hands: bool
    saw_other: bool
    hands_at: list[Span] = field(default_factory=list)
    other_at: list[Span] = field(default_factory=list)
    types_at: list[Span] = field(default_factory=list)
    hands_years: list[tuple[int, Span]] = field(default_factory=list)  # when hands-on was done


# The year of an experience in its own clause: "in 2025", "(2025)", "2024–25", "done Aug 2026".
_WHEN = re.compile(r"(?<![\d'])((?:19|20)\d\d)(?:-(\d\d(?:\d\d)?))?\b|(?<!\w)'(\d\d)\b")
_GRAD_WORDS = re.compile(r"(?:grad\w*|yog|class of|mbbs|md)\W{0,3}(?:in |of )?$")


# A year said of the US experience apart from its length: "My USCE was in 2022 (3 months…)",
# "~half a year of hands-on USCE but all of it back in 2017".
_DATED_APART = re.compile(
    r"\b(?:usce|u\.?s\.? clinical experience|externships?|rotations?|clerkships?|electives?)"
    r" (?:was|were|(?:all )?happened|(?:was |were )?(?:all )?done) (?:back |all )?(?:in|during) "
    r"((?:19|20)\d\d)\b(?!\s*(?:-|–|to)\s*\d)"
    r"|\ball of (?:it|them) (?:was |were )?(?:back )?in ((?:19|20)\d\d)\b"
)


def _dated_apart(norm: str) -> list[tuple[int, Span]]:
    """The years `_DATED_APART` says the US experience was done in."""
    return [
        (int(m.group(1) or m.group(2)), m.span(1) if m.group(1) else m.span(2))
        for m in _DATED_APART.finditer(norm)
    ]


def _years_in(norm: str, start: int, end: int, current_year: int) -> list[tuple[int, Span]]:
    """The years an experience's clause norm[start:end] dates it by (never a graduation year)."""
    found = []
    for m in _WHEN.finditer(norm, start, end):
        if _GRAD_WORDS.search(norm, max(0, m.start() - 15), m.start()):
            continue
        if m.group(3):  # "in '22"
            found.append((_full_year(int(m.group(3)), current_year), m.span()))
            continue
        year = int(m.group(1))
        if tail := m.group(2):  # a range: the later year
            year = int(tail) if len(tail) == 4 else year // 100 * 100 + int(tail)
        found.append((year, m.span()))
    return found


# A length that is a wait, not an experience: "externship waitlists are like 6 months", "the
# wait time is 4 months", "it takes 3 months to get a spot"
_WAITING = re.compile(
    r"\b(?:wait ?lists?|waiting(?: lists?| times?| periods?)?|wait(?:ing)? times?|queues?|"
    r"backlogs?|lead times?|booked (?:up|out)(?: for)?)\b[^.;!?\n,]{0,25}$"
)
_OFFER = re.compile(r"\b(?:offers?|offered|options?|choices?|choosing between|deciding between)\b")


def _offered_before(norm: str, start: int) -> bool:
    """Whether the sentence up to `start` lists offers or options and nothing after the
    offer says it was done: "she has an offer for a 6-month research position, and separately
    a 4-week hands-on externship" (not "I was offered research after my 4-week externship")."""
    opening = max(norm.rfind(c, 0, start) for c in ".!?\n") + 1
    offers = list(_OFFER.finditer(norm, opening, start))
    return bool(offers) and not _DONE.search(norm, offers[-1].end(), start)


# A length that closes a list of rotations: "…, 4 weeks each", "… 28 weeks total"
_EACH_OR_TOTAL = re.compile(r"\s*(?:(each|apiece|per rotation)|total|in total|altogether)\b")
# A length that restates the list before it: "3 externships (4 wks each) = 12 weeks", "so 2 months"
_RESTATED = re.compile(r"(?:=|\bso|\bi\.e\.|\bthat'?s|\bwhich is)\s*(?:about |around |roughly )?$")
# The head of such a list: "3 hands-on clerkships", "two US electives", "my core clerkships"
_LIST_HEAD = re.compile(
    # (a count of rotations, not a length: "2 months of externships, 4 weeks each" is 2 months)
    r"\b(?:(\d|two|three|four|five|six|seven|eight) (?!(?:weeks?|wks?|months?|mos?|years?)\b)"
    r"|all (?:my |of my )?|my )"
    r"(?:[\w-]+ ){0,3}?(?:clerkships|externships|electives|rotations|sub-?is|sub-internships|"
    r"observerships)\b"
)


def _listed_kind(norm: str, start: int) -> tuple[float, str, int] | None:
    """The count, kind words and offset of the head of the rotation list that a length at
    `start` closes, within its sentence: (3, "3 hands-on", 4) for "I did 3 hands-on clerkships in
    the US: IM …, 4 weeks each" (the first kind word counts: "2 virtual rotations" is virtual)."""
    opening = max(norm.rfind(c, 0, start) for c in ".!?\n") + 1
    heads = list(_LIST_HEAD.finditer(norm, opening, start))
    if not heads:
        return None
    head = heads[-1]
    kind = _TYPE_RE.search(norm, head.start(), head.end())
    if kind is None:
        return None
    count = (_num(head.group(1)) or 1.0) if head.group(1) else 1.0
    return count, norm[head.start() : kind.end()], head.start()


# A line of a CV or a form: a bullet or number, then its heading, ended by a field separator.
_LINE_BULLET = re.compile(r"[ \t]*(?:[-*•·>]+|\d{1,2}[.)])?[ \t]*")
_FIELD_END = re.compile(r",| [-|/] |\(")


def _line_kind(norm: str, start: int) -> tuple[str, int] | None:
    """The heading of the line a length at `start` stands in, and where it starts, when the
    heading names a kind of experience in at most four words ("externship (hands-on)", "sub-
    internship"); None for a line that does not open with one."""
    head_at = _LINE_BULLET.match(norm, _line_of(norm, start)[0]).end()  # type: ignore[union-attr]
    end = _FIELD_END.search(norm, head_at, start)
    if end is None:
        return None
    head = norm[head_at : end.start()]
    if len(head.split()) > 4 or not (kind := _TYPE_RE.search(head)) or kind.start() > 0:
        return None
    return head, head_at


# Where a clause ends, for the words a length or a month span measures: a sentence's end (not
# the dots of "U.S." or of "1.5 months") or a semicolon.
_CLAUSE_BREAK = re.compile(rf"{_SENTENCE_END.pattern}|;")


def _kind_of(hit: re.Match[str]) -> str:
    """The experience kind a `_TYPE_RE` match names ("sub-internship", "hands-on")."""
    return str(hit.lastgroup).replace("_", "-")


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?:[a-z]{0,6})\.?"
_MONTH_RANGE = re.compile(
    rf"\b{_MONTH}(?: ?'?(\d{{4}}|\d{{2}}))? ?(?:-|to|thru|through|till|until|se) ?"
    rf"(?:early |mid-?|late |end of )?{_MONTH}(?: ?'?(\d{{4}}|\d{{2}}))?\b"
)


def _months_spanned(norm: str, current_year: int) -> list[tuple[float, Span]]:
    """Calendar spans of hands-on rotations with no length said: "externships Jan–Mar 2026"
    (3 months, both months counted; a span with no year is not read), each with the kind it
    measures named shortly before it in its sentence (or just after: "Sept 2025 se Dec 2025 tak
    IM externships kiye"); not one that is offered, planned or still to come."""
    out: list[tuple[float, Span]] = []
    for m in _MONTH_RANGE.finditer(norm):
        first, y1, last, y2 = m.groups()
        if not (y1 or y2):
            continue  # "USCE June to August" with no year may be next summer's plan
        start_year = _full_year(int((y1 or y2)[-2:]), current_year)
        end_year = _full_year(int((y2 or y1)[-2:]), current_year)
        months = (end_year * 12 + _MONTHS.index(last)) - (start_year * 12 + _MONTHS.index(first))
        if not 0 <= months < 24 or end_year > current_year:
            continue
        if not _stated(norm, m.start()) or _an_option(norm, m.start(), m.end()):
            continue
        sentence = _CLAUSE_BREAK.split(norm[max(0, m.start() - 80) : m.start()])[-1]
        if _STARTS_LATER.search(sentence) or _STARTS_LATER.match(norm, m.end()):
            continue
        kinds = [(m.start() - len(sentence) + h.start(), h) for h in _TYPE_RE.finditer(sentence)]
        if not kinds:
            rest = re.split(r"[.;!?\n,]", norm[m.end() : m.end() + 30])[0]
            kinds = [(m.end() + h.start(), h) for h in _TYPE_RE.finditer(rest)][:1]
        if not kinds:
            continue
        at, hit = kinds[-1]
        kind = _kind_of(hit)
        if kind in HANDS_ON_TYPES or kind == "hands-on":
            span = (min(at, m.start()), max(at + len(hit.group()), m.end()))
            out.append((float(months + 1), span))
    return out


_CORRECTION = re.compile(
    rf"\b(?:it was|it'?s|make that|i meant|correction:?)\s+(?:[\w-]+\s+){{0,5}}?"
    rf"(?P<n1>{_NUM})\s?(?P<u1>weeks?|wks?|months?|mos?)\b(?:\s+actually)?"
    rf"|\b(?P<n2>{_NUM})\s?(?P<u2>weeks?|wks?|months?|mos?)\s+actually\b"
)


def _corrected_amount(norm: str) -> tuple[float, Span, bool] | None:
    """The amount a writer corrects a length to ("no sorry, it was … 2 months actually"), with
    where it is said and whether its clause names a kind that is not hands-on (a tele or
    virtual rotation, an observership)."""
    found = list(_CORRECTION.finditer(norm))
    if not found:
        return None
    m = found[-1]
    if re.search(r"\bbeen\b", m.group()) or _TIME_REFERENCE.match(norm, m.end()):
        return None  # "it's been 6 months since my last rotation": when, not how long
    amount = _num(m.group("n1") or m.group("n2"))
    if amount is None:
        return None
    unit = m.group("u1") or m.group("u2")
    months = amount / 4 if unit.startswith("w") else amount
    rest = _CLAUSE_BREAK.split(norm[m.end() :], maxsplit=1)[0]
    if re.search(r"\bbut\b", rest) or _TYPE_RE.search(rest):
        return None  # "it's actually 2 months total but 1 of them was an observership"
    clause = norm[max(0, m.start() - 40) : m.end()]
    kinds = {_kind_of(h) for h in _TYPE_RE.finditer(clause)}
    return _quarter(months), m.span(), bool(kinds & _NOT_HANDS_ON_TYPES)


def _opened_bracket(norm: str, at: int) -> int | None:
    """Where the bracket that `at` stands in opens, when it opens shortly before it."""
    opened = norm.rfind("(", max(0, at - 60), at)
    return opened if opened != -1 and ")" not in norm[opened:at] else None


_LIST_JOIN = re.compile(r"(?:,|\+|&|\band\b|\bplus\b)\s*(?:(?:another|also)\s+)?$")
_FIELD_ONLY = re.compile(
    rf"\s*(?:(?:in|of|at)\s+)?({_SPEC_RE})\b(?!\s*(?:research|residency|match))"
)


def _same_kind_again(
    norm: str, start: int, after: str, previous: tuple[re.Match[str], int] | None
) -> re.Match[str] | None:
    """The kind of the length listed just before this one, when this one names only a field:
    "1 month hands-on in IM and 1 month in FM", "4 weeks IM externship + another 4 weeks
    cardiology". Not across a sentence, not after research ("1 year research and 2 months in
    IM" says nothing of the 2 months' kind), not for a field said in capitals only ("im")
    unless after "in"."""
    if previous is None:
        return None
    hit, ended = previous
    between = norm[ended:start]
    field = _FIELD_ONLY.match(after)
    if (
        _kind_of(hit) == "research"
        or len(between) > 80
        or _SENTENCE_END.search(between)
        or not _LIST_JOIN.search(between)
        or field is None
    ):
        return None
    if field.group(1) in _CAPITALS_ONLY and not field.group().lstrip().startswith("in "):
        return None
    return hit


# How far after a general amount its breakdown may run (a sentence or two of a post).
_BREAKDOWN_REACH = 250


def _experience(norm: str, current_year: int) -> _Experience:
    """Sum hands-on and other months; also report which sums were actually seen, and where."""
    named = category = other = 0.0  # named hands-on rotations; "USCE"/"hands-on" as a whole
    saw_hands = saw_other = category_is_total = said_hands_on = False
    types: list[str] = []
    hands_at: list[Span] = []
    other_at: list[Span] = []
    types_at: list[Span] = []
    hands_years: list[tuple[int, Span]] = []
    said_before: list[tuple[float, int]] = []  # each "USCE"/"hands-on" amount, by sentence
    # every amount of clinical experience read, with where it starts; and each general amount
    # ("3 months of US experience") that was added to the category, to spot a breakdown after it
    parts: list[tuple[float, int]] = []
    general: list[tuple[float, int]] = []
    previous: tuple[re.Match[str], int] | None = (
        None  # the last kind read, and where its length ended
    )
    for m in _DURATION.finditer(norm):
        said, half = m.group(1).removesuffix(" and a half"), m.group(1).endswith(" and a half")
        amount = _num(said)
        amount = amount + 0.5 if amount is not None and half else amount
        if amount is None or not _stated(norm, m.start()) or _an_option(norm, m.start(), m.end()):
            continue
        unit = m.group(3)
        amount += 0.5 if m.group(4) else 0  # "a month and a half"
        months = {"w": amount / 4, "s": amount / 4, "y": amount * 12, "d": amount / 30}.get(
            unit[0], amount
        )
        if times := _TIMES.search(norm, max(0, m.start() - 8), m.start()):  # "two 4-week rotations"
            months *= _num(times.group(1)) or 1
        if _TIME_REFERENCE.match(norm, m.end()):
            continue  # "6 years ago", "5 years out": when, not how long
        if _WAITING.search(norm, max(0, m.start() - 40), m.start()):
            continue  # "externship waitlists are like 6 months": a wait, not an experience
        if _offered_before(norm, m.start()):
            continue  # "an offer for a research spot, and separately a 4-week externship"
        opened = _opened_bracket(norm, m.start())
        if opened is not None and re.search(r"\btotal\s*$", norm[max(0, opened - 20) : opened]):
            continue  # "3 mo hands-on total (1.5mo IM in NYC + 1.5mo IM …)": the total's parts
        after = _CUT.split(norm[m.end() : m.end() + 60], maxsplit=1)[0]
        if opened is not None and len(norm[opened + 1 : m.start()].split()) >= 2:
            # "(PI says maybe a poster in 6 months) vs a 4 wk externship": a remark's length
            # does not measure what follows it ("(~16 wks) of observerships" does)
            after = after.split(")", 1)[0]
        before = _CUT.split(norm[max(0, m.start() - 50) : m.start()])[-1]
        listed_at: int | None = None
        total_of_list = False
        if label := _LABELLED.search(norm, max(0, m.start() - 60), m.start()):
            before = label.group(1)  # form style: "Observership: 2 months"
        elif (
            (whole := _EACH_OR_TOTAL.match(norm, m.end()))
            or _RESTATED.search(norm, max(0, m.start() - 20), m.start())
        ) and (listed := _listed_kind(norm, m.start())):
            # "3 hands-on clerkships in the US: IM in Chicago, nephro in Michigan, cards in
            # Texas, 4 weeks each" / "core clerkships — IM, surgery, peds — 28 weeks total": the
            # kind was named at the head of the list the length closes
            count, before, listed_at = listed
            if _NOT_US.search(norm, listed_at, m.start()):
                continue  # "2 electives in India, 4 weeks each"
            if whole and whole.group(1) is not None:  # "each": once per rotation counted
                months *= count
            else:
                total_of_list = True
        hit = _TYPE_RE.search(after)
        head = _line_kind(norm, m.start()) if hit is None else None
        if head is not None and _TYPE_RE.search(before) is None:
            # a CV's or form's line: "• Externship (hands-on), IM - Houston - Mar–Apr 2025 (8
            # wks)", "> Sub-internship, Neurology, Ohio - 4 wks - LoR": its kind heads it
            (before, listed_at), label = head, None
        if hit is None:  # "externship for 3 months": the type sits just before the duration
            hits = list(_TYPE_RE.finditer(before))
            hit = hits[-1] if hits else None
            # "a virtual rads elective (4 wks)": "virtual" a word or two before the kind makes
            # it a virtual one, as "a 4 week virtual elective" is
            if (
                hit is not None
                and len(hits) > 1
                and hits[-2].lastgroup == "virtual"
                and _ADJACENT.fullmatch(before, hits[-2].end(), hit.start())
            ):
                hit = hits[-2]
        if hit is None and opened is not None:
            # "IM externships kiye (hands-on, total 4 months)", "externship time: Sept–Nov 2025
            # (3 months)": a length in brackets measures what the words before them name
            outside = _CLAUSE_BREAK.split(norm[max(0, opened - 60) : opened])[-1]
            hits = list(_TYPE_RE.finditer(outside))
            # (not a part of a length said before the brackets, "3 mo total (1.5mo IM + …)", nor
            # one that starts later, "my first externship next monday (IM, 4 weeks)")
            if (
                hits
                and not _DURATION.search(outside)
                and not _STARTS_LATER.search(outside)
                and _stated(norm, opened)
            ):
                hit, before, listed_at, label = hits[-1], outside, opened - len(outside), None
        if hit is None and (same := _same_kind_again(norm, m.start(), after, previous)):
            # "one month hands-on elective in pathology and one month internal medicine": a
            # length that only names a field, listed right after a kind, is more of that kind
            hit, before, listed_at, label = same, "", 0, None
        if hit is None or _placed_abroad(after, before) or _STARTS_LATER.search(after):
            continue
        if hit.string is after and _NEGATED_GAP.search(after, 0, hit.start()):
            continue  # "6 years … with no US experience": the negation owns the type
        if hit.string is after and _INTENT.search(after, 0, hit.start()):
            continue  # "waitlists are 6 months, should I do observerships": a plan, not a length
        kind = _kind_of(hit)
        if kind == "hands-on" and (source := _SOURCE.search(after, hit.end())):
            # "a year of US clinical exposure from scribing": what it was names the kind
            kind = str(source.lastgroup).replace("_", "-")
        # where it was read: the duration and its type word, in the message's coordinates
        if hit.string is after:
            base = m.end()
        else:  # `before` ends where the duration starts, or is the form's label
            base = (
                label.start(1)
                if label
                else listed_at
                if listed_at is not None
                else m.start() - len(before)
            )
        at = (min(m.start(), base + hit.start()), max(m.end(), base + hit.end()))
        if total_of_list and (kind in HANDS_ON_TYPES or kind == "hands-on"):
            # "2 externships (4 wks each) + 1 elective (4 wks) = 12 wks total": restates
            category, saw_hands = max(category, months), True
        elif total_of_list and kind != "research":
            other, saw_other = max(other, months), True
            other_at.append(at)
        elif kind == "hands-on" and not hit.group().startswith("rotation"):
            summing_up = _SUMMING_UP.search(norm, max(0, m.start() - 30), m.start())
            sentence = len(_SENTENCE_END.findall(norm, 0, m.start()))
            # the same amount again in a later sentence (a title, then the body) says it again
            restated = any(
                amount == months and at != sentence for amount, at in said_before
            ) and not _ADDED.search(norm, max(0, m.start() - 40), m.start())
            said_before.append((months, sentence))
            category = max(category, months) if summing_up or restated else category + months
            if not (summing_up or restated or hit.group().startswith("hands")):
                general.append((months, m.start()))
            saw_hands = True
            said_hands_on |= hit.group().startswith("hands")
            category_is_total |= bool(_TOTAL.search(norm, max(0, m.start() - 20), m.end() + 30))
        elif kind in HANDS_ON_TYPES or kind == "hands-on":  # "rotations" add up like named ones
            named, saw_hands = named + months, True
        elif kind != "research":
            other, saw_other = other + months, True
            other_at.append(at)
        if kind != "research":
            parts.append((months, m.start()))
        # (as a match on the message, so a later length can take its kind)
        previous = (_TYPE_RE.match(norm, base + hit.start()) or hit, m.end())
        if kind in HANDS_ON_TYPES or kind == "hands-on":  # where, and when it was done
            hands_at.append(at)
            hands_years += _years_in(norm, at[0], m.end() + len(after), current_year)
        if kind != "hands-on" and kind not in types:
            types.append(kind)
            types_at.append(at)
    for hit in _TYPE_RE.finditer(norm):  # types named without a duration still get listed
        kind = _kind_of(hit)
        if kind in ("hands-on", "research") or kind in types:
            continue  # "I want research" is a wish, not an experience type
        # "does an observership count?" asks about a kind; it does not say the writer did one
        if (
            _stated(norm, hit.start())
            and not _ASKING.match(_before(norm, hit.start()))
            and not _FIELD_NONE.match(norm, hit.end())
            and not _asked_about(norm, hit.start(), hit.end())
            and not _an_option(norm, hit.start(), hit.end())
            and not _NOT_YET.search(norm, max(0, hit.start() - 60), hit.start())
            and not _STARTS_LATER.search(_CUT.split(norm[hit.end() : hit.end() + 60], 1)[0])
        ):
            types.append(kind)
            types_at.append(hit.span())
    # "3 months of US experience — to be precise 1 month was an observership, the other 2 months
    # hands-on externships": a general amount that the amounts right after it add up to is
    # their total, broken down; it is not one more experience to add to its own parts.
    # (Two parts at least, none said to come on top: "3 months of USCE, then another 2 months
    # hands-on and 1 of observing" adds.)
    for total, said_at in general:
        broken_down = [
            (months, start)
            for months, start in parts
            if said_at < start <= said_at + _BREAKDOWN_REACH
        ]
        added = any(
            _ADDED.search(norm, max(said_at, start - 30), start) for _, start in broken_down
        )
        if (
            len(broken_down) >= 2
            and not added
            and abs(sum(n for n, _ in broken_down) - total) < 0.01
        ):
            category -= total
            break
    # "Shadowing and volunteering count as USCE, so I have 5 months of USCE": when the only
    # experiences named are not hands-on, the category's months are those experiences.
    if (
        category
        and not said_hands_on  # "two weeks of hands-on + six weeks of observership"
        and not any(t in HANDS_ON_TYPES for t in types)
        and any(t in _NOT_HANDS_ON_TYPES for t in types)
    ):
        category, other, saw_other = 0.0, other + category, True
        saw_hands = named > 0
        other_at, hands_at = other_at + hands_at, hands_at if saw_hands else []
    # "A 2-month externship … 3 months of USCE total": the category figure is the total, and a
    # stated total that counts an observership too ("12 weeks USCE total: 8 externship,
    # 4 observership") holds that many hands-on months less; a total said to be hands-on ("6
    # weeks hands-on in total … plus half a year of observerships"), or one smaller than the
    # observing, does not count it.
    counts_other = category_is_total and not said_hands_on and category > other
    hands = max(named, category - other if counts_other else category)
    if (said := _corrected_amount(norm)) is not None:
        # "1 month psych externship … no sorry, it was two 4-week blocks so 2 months actually":
        # the amount the writer corrects to stands for the kind they had already named
        months, at, other_kind = said
        if other_kind and saw_other:
            other = months
            other_at.append(at)
        elif not other_kind and saw_hands:
            hands = months
            hands_at.append(at)
    if not saw_hands and (spans := _months_spanned(norm, current_year)):
        # "did a hands-on IM externship from Sept '25 thru Nov '25": no length said, the months
        hands, saw_hands = sum(n for n, _ in spans), True
        hands_at += [at for _, at in spans]
    return _Experience(
        _quarter(hands),
        _quarter(other),
        types,
        saw_hands,
        saw_other,
        hands_at,
        other_at,
        types_at,
        hands_years,
    )


def parse_profile(text: str, *, current_year: int) -> Profile:
    """Extract applicant facts from free text; anything not stated stays None.

    Args:
        text: the user's question or self-description, any length or content.
        current_year: the year "graduated in 2019" is measured against.

    Returns:
        A Profile. Never raises: unreadable input gives an empty Profile.
    """
    return read_profile(text, current_year=current_year).profile


def read_profile(text: str, *, current_year: int, earlier: str = "") -> ProfileReading:
    """`parse_profile`, with the span of `text` each fact was read from. `earlier`: the
    conversation's earlier user turns, which may say whom the messages are about.

    Returns:
        A ProfileReading whose evidence has a span for every known fact of its profile. Never
        raises: unreadable input gives an empty reading.
    """
    text = text if isinstance(text, str) else str(text)
    try:
        # other people's sentences blanked ("my roommate has 3 LoRs"), offsets unchanged
        # and what the writer takes back ("2021 — sorry, typo, 2023"). Only for a message of
        # a question's size: a history turn may be 20,000 characters, and sentence and clause
        # analysis of text that long costs far more than it can find (it is read whole).
        own = (
            corrections.without_retracted(attribution.applicant_only(text, earlier))
            if len(text) <= MAX_QUESTION_CHARS
            else text
        )
        facts, spans, norm, back, said_twice = _read(own, current_year)
        profile = Profile(**facts)
    except Exception:  # a parser bug must degrade to "nothing understood", not a 500
        return ProfileReading(Profile(), {})
    where = _offsets(own, norm)

    def source(found: Span) -> FactSpan | None:
        span = (back[found[0]], back[found[1] - 1] + 1)  # before spelling corrections
        if where is not None:
            at: Span | None = (where[span[0]], where[span[1] - 1] + 1)
        else:  # the rare fallback (a combining mark changed lengths): find it by content
            at = _found_by_content(own, norm, *span)
        return FactSpan(at[0], at[1], text[at[0] : at[1]]) if at is not None else None

    evidence = {
        name: span
        for name in profile.known()
        if (found := spans.get(name)) is not None and (span := source(found)) is not None
    }
    conflicts = {
        fact: [(value, span) for value, found in said if (span := source(found)) is not None]
        for fact, said in said_twice.items()
    }
    return ProfileReading(profile, evidence, conflicts)


def _cover(spans: list[Span]) -> Span | None:
    """One span covering several mentions (two rotations that add up)."""
    return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None


_DERIVED = {"graduation_year": ("graduation_year", "years_since_graduation", "is_student")}


def _year_kept(norm: str, first: int, second: int) -> int | None:
    """Which of two years the writer keeps, when they say so: "2020 not 2022", "2020, not
    2022"; None when they do not."""
    for kept, dropped in ((first, second), (second, first)):
        if re.search(rf"\b{kept},? (?:and )?not {dropped}\b", norm):
            return kept
    return None


def _grad_year(m: re.Match[str], current_year: int) -> int | None:
    four = m.group(1) or m.group(3)
    two = m.group(2) or m.group(4)
    year = int(four) if four else _full_year(int(two), current_year)
    return year if 1950 <= year <= current_year + 7 else None


def _parse(text: str, current_year: int) -> Profile:
    """The parser without `parse_profile`'s safety net (tests call it so no bug hides)."""
    return Profile(**_read(text, current_year)[0])


def _read(
    text: str, current_year: int
) -> tuple[dict[str, Any], dict[str, Span], str, list[int], dict[str, list[tuple[Any, Span]]]]:
    """The facts; the span of the read text each was read from; the normalised text; for
    each character of the read text (the normalised text with misspelt domain words corrected)
    the index of the normalised text's character it stands for; and the facts the text states
    two ways (each value with its span), which are left out of the facts."""
    normalised = _normalize(text)
    norm, back = spelling.correct(normalised)
    facts: dict[str, Any] = {}
    spans: dict[str, Span] = {}

    def read(span: Span | None, **values: Any) -> None:
        facts.update(values)
        if span is not None:
            spans.update(dict.fromkeys(values, span))

    def graduated(year: int, span: Span) -> None:
        """A graduation year, with the years since it and whether they are still a student."""
        read(
            span,
            graduation_year=year,
            years_since_graduation=float(max(0, current_year - year)),
            is_student=year > current_year,
        )

    conflicts: dict[str, list[tuple[Any, Span]]] = {}
    said_years = [
        (year, m.span()) for m in _YEAR.finditer(norm) if (year := _grad_year(m, current_year))
    ]
    if said_years:
        year, at = said_years[0]
        graduated(year, at)
        # the writer's own count beside the year is what they mean, whenever they wrote it:
        # "YOG 2021 (so 4 yrs)" is 4 years out
        own = _OWN_COUNT.match(norm, at[1])
        if own and (n := _num(next(g for g in own.groups() if g))) is not None:
            read((at[0], own.end()), years_since_graduation=float(n))
        other = next((item for item in said_years if item[0] != year), None)
        if other is not None and (kept := _year_kept(norm, year, other[0])) is not None:
            # "wait sorry I graduated 2020 not 2022": the writer says which stands
            year, at = next(item for item in said_years if item[0] == kept)
            graduated(year, at)
        elif other is not None:  # "graduated 2016 … graduated 2019": ask, never pick one
            conflicts["graduation_year"] = [said_years[0], other]
    if "years_since_graduation" not in facts and (m := _YEAR_WORDS.search(norm)):
        year = 2000 + _YEAR_NUMBERS[m.group(1)]
        if year <= current_year + 7:
            graduated(year, m.span())
    if "years_since_graduation" not in facts and (m := _YEAR_RELATIVE.search(norm)):
        graduated(current_year - ((m.group(1) or m.group(2)) == "last"), m.span())
    if "years_since_graduation" not in facts:
        if m := _YEARS_SINCE.search(norm):
            value = _num(next(g for g in m.groups() if g))
            if value is not None:
                read(m.span(), years_since_graduation=float(value), is_student=False)
        elif m := _A_DECADE.search(norm):
            read(m.span(), years_since_graduation=10.0, is_student=False)
        elif m := _FRESH.search(norm):
            read(m.span(), years_since_graduation=0.5, is_student=False)
    student = _STUDENT.search(norm)
    if student and not _PAST_STUDENT.search(norm, max(0, student.start() - 25), student.start()):
        read(student.span(), is_student=True)

    if m := _STEP1.search(norm):
        raw = m.group(1) or m.group(2)
        read(m.span(), step1="fail" if raw.startswith("f") else raw if raw.isdigit() else "pass")
    if m := _STEP2.search(norm):
        score = int(m.group(1) or m.group(2))
        if 150 <= score <= 300:
            read(m.span(), step2_ck=score)
    if "step2_ck" not in facts and (m := _BAND.search(norm)):
        base = int(m.group(2)) * 10
        offset = {"low": 2, "lower": 2, "mid": 5, "middle": 5}.get(m.group(1), 8)
        if 180 <= base <= 270 and "step 1" not in norm[max(0, m.start() - 20) : m.start()]:
            read(m.span(), step2_ck=base + offset)

    seen = _experience(norm, current_year)
    no_usce = _NO_USCE.search(norm)
    # (a quoted "no USCE" is someone else's words: "I'm not a 'no USCE' person")
    quoted = no_usce is not None and no_usce.start() > 0 and norm[no_usce.start() - 1] in "'\""
    if seen.saw_hands and seen.hands > 0 and no_usce and seen.hands_at and not quoted:
        # "no USCE" and "3 months of externships" in one message: ask which is right
        conflicts["usce_hands_on_months"] = [
            (seen.hands, _cover(seen.hands_at) or no_usce.span()),
            (0.0, no_usce.span()),
        ]
    # An applicant who describes their US experience and names only observerships, shadowing
    # or virtual rotations has, by their own account, no hands-on USCE (the echo shows it).
    # Named with months, or counted or said done ("Observership x2", "did 2 IM observerships";
    # not a bare "a virtual rotation", which may be one of several experiences).
    only_other = (
        (seen.saw_other or _other_had(norm))
        and not any(t in HANDS_ON_TYPES for t in seen.types)
        and not _rotations_had(norm)
    )
    no_hands_on = next(
        (m for m in _NO_HANDS_ON.finditer(norm) if not _an_option(norm, m.start(), m.end())), None
    )
    if seen.saw_hands or no_usce or only_other or no_hands_on:
        said_none = no_usce or no_hands_on
        said = said_none.span() if said_none else None
        hands_at = (
            _cover(seen.hands_at)
            if seen.saw_hands
            else said or _cover(seen.other_at) or _cover(seen.types_at)
        )
        if hands_at is not None:  # a fact is read from words, or not at all
            read(hands_at, usce_hands_on_months=seen.hands)
    dated = seen.hands_years or _dated_apart(norm)
    if seen.hands > 0 and dated:
        # "USCE within 1–3 years of the application": how long ago the last hands-on USCE was
        year, when = max(dated)
        if year <= current_year + 1:
            read(when, last_usce_year=year, usce_years_ago=float(max(0, current_year - year)))
    # "No USCE" says nothing about observerships (the corpus's "USCE" means hands-on);
    # "no US experience at all" or "not even an observership" does.
    if seen.saw_other:
        read(_cover(seen.other_at), usce_other_months=seen.other)
    elif m := _NOTHING_IN_US.search(norm):
        read(m.span(), usce_other_months=0.0)
    read(_cover(seen.types_at), usce_types=seen.types)

    letters = [
        (us, m.span())
        for m in _LETTERS.finditer(norm)
        if not _INTENT.search(_before(norm, m.start()))
        and not _SEEKING.search(_before(norm, m.start()))
        and not _PENDING.match(norm, m.end())
        and (
            m.group(1) not in ("a", "an")
            or not _before(norm, m.start()).strip()  # a list's item: "CK 240, a strong letter"
            or _HAD_ARTICLE.search(_before(norm, m.start()))
        )
        and (n := _num(m.group(1))) is not None
        and (us := _us_part(norm, m.start(1), m.end(), n)) is not None
    ]
    letters += [
        (us, m.span())
        for m in _LETTERS_LABELLED.finditer(norm)
        if (n := _num(m.group(1))) is not None
        and (us := _us_part(norm, m.start(1), m.end(), n)) is not None
    ]
    # "2 really strong US LoRs + 1 ok one": the "one" is one more letter
    letters += [
        (n, (more.start(1), more.end()))
        for _, (_, end) in list(letters)
        if (more := _ONE_MORE.match(norm, end)) and (n := _num(more.group(1))) is not None
    ]
    letters = _per_rotation_line(norm, _joined(norm, letters), seen.hands_at)
    if letters:
        count, at = max(letters, key=lambda item: item[0])  # repeated mentions restate
        read(at, us_letters=int(count))
    elif m := _NO_LETTERS.search(norm) or re.search(r"\bno u\.?s\.? anything\b", norm):
        read(m.span(), us_letters=0)

    output = [
        (n, m.span())
        for m in (*_RESEARCH.finditer(norm), *_AUTHOR_ON.finditer(norm))
        if _stated(norm, m.start())
        and not _in_breakdown(norm, m.start())
        and not _UNFINISHED.match(norm, m.end())
        and not _PROMISED.search(_before(norm, m.start(), 30))
        and (n := _num(m.group(1))) is not None
    ]
    if not output and (m := _RESEARCH_LABELLED.search(norm)):
        output = [(_num(m.group(1)) or 0.0, m.span())]  # a form's "Pubs: 3", "Research: none"
    if output:
        read(_cover([at for _, at in output]), research_output=int(sum(n for n, _ in output)))
    elif (m := _NO_RESEARCH.search(norm)) and not _IF.search(_before(norm, m.start())):
        read(m.span(), research_output=0)  # "… look weird if no pub comes out" says nothing

    if found := _specialty(norm, text) or _only_specialty(norm, text):
        (name, cls), at = found
        read(at, specialty=name, specialty_class=cls)
    if m := _LAST_CLINICAL.search(norm):
        # "Last clinical job was 2021": three or more years ago is not recent (the corpus wants
        # clinical work "within 1–3 years"); within a year is; in between stays unknown.
        year_said = next(g for g in m.groups() if g)
        ago = current_year - (
            _full_year(int(year_said[1:]), current_year)
            if year_said.startswith("'")
            else int(year_said)
        )
        if ago >= 3 or 0 <= ago <= 1:
            read(m.span(), home_clinical_recent=ago <= 1)
    for name, value, rx in _FLAGS:
        if name not in facts and (m := rx.search(norm)):
            read(m.span(), **{name: value})
    if m := _AVAILABLE.search(norm):
        # the wording that matched: its amount and unit groups share a suffix ("n4", "unit4")
        wording = m.groupdict()
        which = next(key[4:] for key, got in wording.items() if key.startswith("unit") and got)
        amount, unit = _num(wording[f"n{which}"]), wording[f"unit{which}"]
        if amount:
            months = amount / 4 if unit.startswith("w") else amount
            read(m.span(), months_available=_quarter(months))
    for m in _VISA_RE.finditer(norm):
        if _visa_held(norm, m.start(), m.end(), lasting=m.lastgroup in ("v4", "v5")):
            read(m.span(), visa=_VISAS[int(str(m.lastgroup)[1:])][0])
            break
    for fact in conflicts:  # a contradicted fact is unknown, with what it depends on
        for name in _DERIVED.get(fact, (fact,)):
            facts.pop(name, None)
            spans.pop(name, None)
    return facts, spans, normalised, back, conflicts


def merge_profile(
    parsed: Profile, explicit: Profile | dict[str, Any] | None, *, current_year: int | None = None
) -> Profile:
    """Combine parsed and explicitly given facts; explicit facts win.

    Args:
        parsed: facts read from the question text.
        explicit: facts the caller supplied (API/CLI); None values never erase parsed facts.
        current_year: needed to derive years since graduation from an explicit graduation year.

    Returns:
        The merged Profile.

    Raises:
        pydantic.ValidationError: an explicit value has the wrong type (e.g. letters="many").
    """
    if explicit is None:
        return parsed
    given = explicit if isinstance(explicit, Profile) else Profile.model_validate(explicit)
    override = given.known()
    merged = parsed.model_dump() | override
    if "specialty" in override and "specialty_class" not in override:
        known = normalize_specialty(override["specialty"])
        merged["specialty"], merged["specialty_class"] = known or (override["specialty"], None)
    if "graduation_year" in override and "years_since_graduation" not in override:
        merged["years_since_graduation"] = (
            float(max(0, current_year - override["graduation_year"])) if current_year else None
        )
    elif "years_since_graduation" in override and "graduation_year" not in override:
        merged["graduation_year"] = None  # a parsed year would contradict the explicit count
    return Profile(**merged)


# A later message that adds to what an earlier one said ("oh I forgot, I also did a 4-week
# sub-I and got a strong letter"): its counts add to the earlier ones instead of replacing them.
_ADDS = re.compile(
    r"\b(?:also|another|additional(?:ly)?|in addition|on top of (?:that|this|those|it)|"
    r"forgot (?:to (?:mention|say|add|tell)|that)|plus)\b"
)
_COUNTED = ("usce_hands_on_months", "usce_other_months", "us_letters", "research_output")


def added_to(earlier: Profile, later: Profile, text: str) -> Profile:
    """A later turn's facts, with the experience and letters it says it *also* has added to
    the earlier turns' (unchanged when it does not say so, or counts nothing)."""
    if not _ADDS.search(_normalize(text).lower()):
        return later
    update: dict[str, Any] = {}
    for fact in _COUNTED:
        before, now = getattr(earlier, fact), getattr(later, fact)
        if before is not None and now is not None:
            update[fact] = type(now)(before + now)
    if update and later.usce_types:
        update["usce_types"] = list(dict.fromkeys([*earlier.usce_types, *later.usce_types]))
    return later.model_copy(update=update) if update else later


def _n(value: float) -> str:
    return f"{value:g}"


def _months_said(months: float) -> str:
    return f"{_n(months)} month{'' if months == 1 else 's'}"


def describe_profile(profile: Profile) -> str:
    """One sentence echoing what was understood, e.g. for the answer's first line."""
    p, parts = profile, []
    if p.years_since_graduation is not None:
        unit = "year" if p.years_since_graduation == 1 else "years"
        parts.append(f"{_n(p.years_since_graduation)} {unit} since graduation")
    elif p.graduation_year is not None:
        parts.append(f"graduated in {p.graduation_year}")
    if p.is_student:
        parts.append("a medical student")
    hands_types = [t for t in p.usce_types if t in HANDS_ON_TYPES]
    if p.usce_hands_on_months is not None:
        months = p.usce_hands_on_months
        text = "no hands-on USCE" if months == 0 else f"{_months_said(months)} of hands-on USCE"
        parts.append(text + (f" ({', '.join(hands_types)})" if hands_types and months else ""))
    if p.last_usce_year is not None and p.usce_hands_on_months:
        parts.append(f"the last of it in {p.last_usce_year}")
    other_types = [t for t in p.usce_types if t not in HANDS_ON_TYPES]
    if p.usce_other_months:
        kinds = "/".join(t for t in other_types if t != "research") or "observership"
        parts.append(f"{_months_said(p.usce_other_months)} of {kinds} (not hands-on)")
    if p.us_letters is not None:
        parts.append(f"{p.us_letters} US letter{'' if p.us_letters == 1 else 's'}")
    if p.step1:
        parts.append(f"Step 1 {p.step1}")
    if p.step2_ck is not None:
        parts.append(f"Step 2 CK {p.step2_ck}")
    if p.specialty:
        parts.append(f"targeting {p.specialty}")
    flags = (
        (p.research_output == 0, "no research output"),
        (
            bool(p.research_output),
            f"{p.research_output} publication/abstract"
            if p.research_output == 1
            else f"{p.research_output} publications/abstracts",
        ),
        (p.home_clinical_recent is True, "recent clinical work at home"),
        (p.home_clinical_recent is False, "no recent clinical work"),
        (p.unmatched_before is True, "unmatched before"),
        (p.academic_aim is True, "aiming for academic programs"),
        (p.can_afford_only_one is True, "can afford only one of the two"),
        (p.money_tight is True, "money is tight"),
        (p.months_available is not None, f"{_months_said(p.months_available or 0)} available"),
        (p.visa is not None, f"visa {p.visa}"),
    )
    parts += [text for cond, text in flags if cond]
    if not parts:
        return "I could not read any profile facts from your question."
    return "I read your profile as: " + ", ".join(parts) + "."
