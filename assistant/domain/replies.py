"""Short replies to the assistant's own question for facts (pure: no I/O, no models).

When the assistant asks "how much hands-on US experience do you have?", applicants answer the
way people do in chat: "none yet lol", "0 and 0. 2023 grad", "none, and honestly …". Such a
reply names no fact by itself, so the profile reader cannot see it; read against the question
it answers, it is as plain as "I have no hands-on USCE". Only an amount the assistant asked
for is read, only from a reply that opens with a bare "none" / "zero" / "0", and a reply to two
asks counts for both only when it says so ("0 and 0", "neither", "none of either"): anything
else stays unknown.
"""

from __future__ import annotations

import re

# The amounts the assistant asks for, by the words that name them in its question.
_ASKED = (
    ("usce_hands_on_months", re.compile(r"hands[- ]on|\busce\b|us clinical|clinical experience")),
    ("us_letters", re.compile(r"\bletters?\b|\blors?\b|\brecommendations?\b")),
)
_NONE = r"(?:none|nothing|zero|0(?![.,]\d)|nil|nope|no|nada|not yet|none yet|not any)"
# "none yet", "0", "zero lol", "none, and honestly …": a bare none opening the reply (not "no
# idea", "0.5 months", "zero research").
_OPENS_NONE = re.compile(
    rf"^\W*{_NONE}(?:\s+(?:yet|so far|at all|lol|tbh|really))*\s*(?:[.,;!:)\-–—]|$|\s+(?:and|but|"
    r"only|just|honestly|tbh|i|im|i'm)\b)",
    re.IGNORECASE,
)
# "0 and 0", "none and none", "neither", "none of either / both / them", "zero for both"
_BOTH_NONE = re.compile(
    rf"^\W*(?:{_NONE}\s*(?:and|&|,|/)\s*{_NONE}\b|neither\b|{_NONE}\s+(?:of\s+)?(?:either|both|"
    rf"them|the two)\b|{_NONE}\s+for\s+both\b)",
    re.IGNORECASE,
)


# A sentence of the assistant's turn that asks for an amount: a question ("how much hands-on
# US experience do you have?") or a request ("Tell me those …"). A long answer that only
# mentions hands-on USCE, beside a quote that ends in "?", asks nothing: "no, I meant surgery"
# after it is not "no hands-on USCE".
_SENTENCE = re.compile(r"[^.?!\n]*(?:[.?!]+|\n|$)")
_ASKS_AMOUNT = re.compile(
    r"\bhow (?:much|many|long)\b|\bdo you (?:already )?have\b|\bhave you (?:done|had|got)\b"
    r"|\bany\b[^?]*\?|\btell me\b|\blet me know\b|could not read from your question",
    re.IGNORECASE,
)


def asked_amounts(question: str) -> list[str]:
    """The facts an assistant's turn asks the applicant for, in the order it names them; only
    from its sentences that ask for an amount."""
    found: list[tuple[int, str]] = []
    for m in _SENTENCE.finditer(question):
        sentence = m.group().lower()
        if _ASKS_AMOUNT.search(sentence):
            found += [(m.start() + a.start(), k) for k, rx in _ASKED if (a := rx.search(sentence))]
    return list(dict.fromkeys(fact for _, fact in sorted(found)))


def reply_facts(reply: str, asked: str) -> dict[str, float | int]:
    """The amounts a short reply gives as none, read against the assistant turn it answers."""
    return reply_reading(reply, asked)[0]


def reply_reading(reply: str, asked: str) -> tuple[dict[str, float | int], tuple[int, int]]:
    """`reply_facts`, with the [start, end) of the words that say none (their evidence)."""
    facts = asked_amounts(asked)
    said = _BOTH_NONE.match(reply) or (_OPENS_NONE.match(reply) if len(facts) == 1 else None)
    if not facts or said is None:
        return {}, (0, 0)
    words = said.group()
    start = len(words) - len(words.lstrip(_AROUND))
    end = max(start, len(words.rstrip(_AROUND)))
    return {fact: 0.0 if fact == "usce_hands_on_months" else 0 for fact in facts}, (start, end)


_AROUND = " \t\n-*•>\"'(),.;:!–—"  # not part of the words that say none
