"""Intent: a task the articles do not cover is refused, with its topic named, whatever backstory
comes with it; the same backstory with a real decision question stays in scope (issue 16)."""

from __future__ import annotations

import pytest

from assistant.domain.intent import REASON_DOCUMENTS, REASON_LOGISTICS, classify

BACKSTORY = "yog 2022, 3 months hands-on IM externships, 3 US LoRs, CK 241. "


@pytest.mark.parametrize(
    ("ask", "reason"),
    [
        ("can someone write my personal statement for IM?", REASON_DOCUMENTS),
        ("pls rate my CV, I'll dm the pdf", REASON_DOCUMENTS),
        ("PS draft outline attached, is it too cliché?", REASON_DOCUMENTS),
        ("share the format of a thank you mail after interviews?", REASON_DOCUMENTS),
        ("how many preference signals does IM get?", REASON_LOGISTICS),
        ("how does VSLO work for international students?", REASON_LOGISTICS),
        ("how long does ECFMG certification take after OET?", REASON_LOGISTICS),
        ("will programs see my Step 1 fail on the transcript?", REASON_LOGISTICS),
        ("what documents show ties to my home country at the visa interview?", REASON_LOGISTICS),
    ],
)
def test_a_task_outside_the_articles_is_refused_despite_the_backstory(
    ask: str, reason: str
) -> None:
    intent = classify(BACKSTORY + ask)
    assert (intent.in_scope, intent.reason) == (False, reason)


@pytest.mark.parametrize(
    "ask",
    [
        "research next or more rotations?",
        "should I do research now to strengthen my CV?",
        "I'm on a green card and planning 2 cycles: research or USCE first?",
    ],
)
def test_the_same_backstory_with_a_decision_question_stays_in_scope(ask: str) -> None:
    intent = classify(BACKSTORY + ask)
    assert intent.in_scope and intent.prioritisation


def test_a_case_from_the_writers_own_practice_is_a_clinical_question() -> None:
    text = "2023 grad preparing USCE. My patient is 65 with sodium 118, how fast should I correct?"
    assert classify(text).reason == "clinical question"
