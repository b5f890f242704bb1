"""Misspelt domain words are read as what they misspell; real words and spans stay intact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.domain.profile import parse_profile, read_profile
from assistant.text.spelling import correct, join_split_words

YEAR = 2026


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("reserch", "research"),
        ("observeship", "observership"),
        ("leters", "letters"),
        ("rotatons", "rotations"),
        ("hopefull", "hopeful"),
        ("aford", "afford"),
        ("medicin", "medicine"),
        ("aply", "apply"),
    ],
)
def test_a_misspelt_domain_word_is_corrected(typed: str, meant: str) -> None:
    assert correct(f"i want {typed} now")[0] == f"i want {meant} now"


@pytest.mark.parametrize("word", ["later", "notation", "apple", "letter", "ohio", "usce", "peds"])
def test_real_words_and_known_abbreviations_stay(word: str) -> None:
    assert correct(f"see {word} here")[0] == f"see {word} here"


def test_a_typo_no_longer_hides_a_fact() -> None:
    typed = parse_profile(
        "did 2 weeks of observeship, 3 us leters, cardiolgy attending. reserch or usce?",
        current_year=YEAR,
    )
    assert typed.usce_other_months == 0.5
    assert typed.us_letters == 3


def test_the_span_of_a_corrected_word_is_the_writers_own_spelling() -> None:
    message = "I have 3 US leters and 2 publicatons"
    reading = read_profile(message, current_year=YEAR)
    assert reading.evidence["us_letters"].text == "3 US leters"
    assert reading.evidence["research_output"].text == "2 publicatons"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghilmnorstuvwy '.3"), max_size=120))
def test_the_map_is_one_index_per_character_and_in_order(text: str) -> None:
    fixed, where = correct(text)
    assert len(where) == len(fixed)
    assert where == sorted(where)
    assert all(0 <= i < len(text) for i in where)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("the observer ship is free", "the observership is free"),
        ("an ex turn ship for 4 weeks", "an externship for 4 weeks"),
        ("clerk ship in IM", "clerkship in IM"),
        ("I have no U S clinical experience", "I have no US clinical experience"),
        ("two L O Rs", "two LORs"),
    ],
)
def test_a_word_typed_or_dictated_in_pieces_is_joined(typed: str, meant: str) -> None:
    assert join_split_words(typed).lower() == meant.lower()
    assert correct(typed.lower())[0] == meant.lower()


@pytest.mark.parametrize(
    "text", ["I did a rotation and an elective", "in research", "the research", "fellow ship"]
)
def test_words_that_only_sit_next_to_each_other_stay_apart(text: str) -> None:
    assert join_split_words(text) == text
    assert correct(text.lower())[0] == text.lower()


def test_a_dictated_message_reads_as_the_typed_one() -> None:
    said = "graduated twenty twenty five I have no U S clinical experience and the ex turn ship"
    typed = "graduated 2025 I have no US clinical experience and the externship"
    assert parse_profile(said, current_year=YEAR) == parse_profile(typed, current_year=YEAR)
