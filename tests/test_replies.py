"""Short replies to the assistant's question for facts (assistant/domain/replies.py): "none
yet" to "how much hands-on USCE do you have?" is as plain as "I have no hands-on USCE", and
nothing else is guessed."""

from __future__ import annotations

import pytest

from assistant.domain.profile import parse_profile
from assistant.domain.replies import asked_amounts, reply_facts

USCE_ASKED = "How much hands-on US clinical experience do you have, and when did you graduate?"
BOTH_ASKED = "It depends: how much hands-on USCE and how many US letters do you have?"
LETTERS_ASKED = "How many US letters of recommendation do you have?"


def test_the_amounts_asked_for_in_order() -> None:
    assert asked_amounts(USCE_ASKED) == ["usce_hands_on_months"]
    assert asked_amounts(BOTH_ASKED) == ["usce_hands_on_months", "us_letters"]
    assert asked_amounts(LETTERS_ASKED) == ["us_letters"]
    assert asked_amounts("Hands-on USCE comes first.") == []  # no question, nothing asked


@pytest.mark.parametrize(
    "reply",
    ["none", "none yet lol, only home rotations", "0", "zero.", "nothing yet", "no, and honestly "
     "i don't see why derm needs clinical at all", "None, 2022 grad, not working rn"],
)  # fmt: skip
def test_a_bare_none_answers_the_one_amount_asked(reply: str) -> None:
    assert reply_facts(reply, USCE_ASKED) == {"usce_hands_on_months": 0.0}
    assert reply_facts(reply, LETTERS_ASKED) == {"us_letters": 0}


@pytest.mark.parametrize(
    "reply", ["0 and 0. 2023 grad", "none of either", "neither", "zero for both"]
)
def test_a_reply_for_both_amounts_must_say_both(reply: str) -> None:
    assert reply_facts(reply, BOTH_ASKED) == {"usce_hands_on_months": 0.0, "us_letters": 0}


@pytest.mark.parametrize(
    ("reply", "asked"),
    [
        ("none", BOTH_ASKED),  # which of the two? unknown stays unknown
        ("no idea", USCE_ASKED),
        ("0.5 months", USCE_ASKED),
        ("zero research but 2 months of externship", USCE_ASKED),
        ("2 months", USCE_ASKED),
        ("none", "Thanks for sharing your story."),
    ],
)
def test_anything_else_is_not_guessed(reply: str, asked: str) -> None:
    assert reply_facts(reply, asked) == {}


def test_only_a_sentence_that_asks_for_the_amount_counts() -> None:
    """A long answer that mentions hands-on USCE beside a quote ending in "?" asks nothing:
    "no, I meant surgery" after it is not "no hands-on USCE". The grounded answer's own request
    for facts ("Tell me those …", no question mark) asks for both amounts."""
    answer = (
        "Get 8–12 weeks of hands-on USCE first. Then ask an attending: “Are there any ongoing "
        "projects where an extra pair of hands would be helpful?”"
    )
    assert asked_amounts(answer) == []
    assert reply_facts("no, I meant surgery", answer) == {}
    ours = (
        "It depends on facts I could not read from your question: how many months of hands-on "
        "US clinical experience you have; how many US letters of recommendation you have. "
        "Tell me those and I will apply the sources' decision rules."
    )
    assert asked_amounts(ours) == ["usce_hands_on_months", "us_letters"]
    assert reply_facts("0 and 0", ours) == {"usce_hands_on_months": 0.0, "us_letters": 0}


def test_a_reply_means_what_the_same_facts_said_plainly_mean() -> None:
    """Metamorphic: the reply read against its question gives the amount the plain sentence
    gives (the service fills it in only where the reply itself says nothing)."""
    plain = parse_profile("I have no hands-on USCE.", current_year=2026)
    assert reply_facts("none yet", USCE_ASKED) == {
        "usce_hands_on_months": plain.usce_hands_on_months
    }
