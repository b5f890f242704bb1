"""Near-copies that swap a key term (assistant.text.alteration): sentences against one source."""

from __future__ import annotations

import pytest

from assistant.text.alteration import swapped_terms

SOURCE = (
    "Observership + strong home clinical work is OK if that’s all you can get, but if you have "
    "the option, choose an externship/sub-I/elective where you actually see and present patients."
)


@pytest.mark.parametrize(
    ("sentence", "terms"),
    [
        # copies and honest shortenings: nothing gained
        (
            "If you have the option, choose an externship where you actually see and present "
            "patients.",
            [],
        ),
        ("Observership and strong home clinical work are OK if that is all you can get.", []),
        (
            "Choose an externship or sub-I where you see and present patients, if you have the "
            "option.",
            [],
        ),
        # swaps: the sentence gains a kind of experience, or a word that sets the direction
        (
            "If you have the option, choose an external observership where you actually see and "
            "present patients.",
            ["observership"],
        ),
        (
            "If you have the option, choose research where you actually see and present patients.",
            ["research"],
        ),
        (
            "If you can, always choose an externship where you actually see and present patients.",
            ["alway"],
        ),
        # not a copy at all: the support scorer's business, not this module's
        ("Research matters for academic programs.", []),
        ("Choose observership.", []),
    ],
)
def test_swapped_terms(sentence: str, terms: list[str]) -> None:
    found = sorted({t for swap in swapped_terms(sentence, SOURCE) for t in swap.terms})
    assert found == terms


def test_reordering_is_not_a_swap() -> None:
    source = "Do USCE first and research later, while you keep studying for Step 2 CK."
    assert swapped_terms("Do research later and USCE first, while you keep studying.", source) == []


def test_the_swap_names_what_changed() -> None:
    (swap,) = swapped_terms(
        "If you have the option, choose research where you actually see and present patients.",
        SOURCE,
    )
    assert swap.describe() == "changes “an externship subi elective” to “research”"


def test_a_long_passage_does_not_make_any_sentence_a_copy() -> None:
    padding = " ".join(["The program looks at the applicant and the letters."] * 50)
    sentence = "The applicant should do research where the program looks at the letters."
    assert swapped_terms(sentence, padding + " " + SOURCE) == []
