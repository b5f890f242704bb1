"""Whose facts a message states (assistant/domain/attribution.py), and the profile reader that
sees only the applicant's: other people's numbers beside the applicant's must not move the
reading (metamorphic: the same applicant with and without someone else's story)."""

from __future__ import annotations

import pytest

from assistant.domain.attribution import Owner, applicant_only, parts
from assistant.domain.profile import parse_profile

YEAR = 2026
OWN = "Graduated 2023, IM. I did 1 month of hands-on externship in Ohio and have 1 US LoR."
ASK = " Should I do research now or more rotations?"

# Someone else's career, in the many ways applicants bring one up.
OTHERS = [
    "My roommate did 4 months of externships and got 3 LoRs, and now she does research.",
    "My older brother matched after 2 research years with 5 papers and 6 months of USCE.",
    "Everyone in my batch has 3 months of rotations; one guy even has 4 LoRs.",
    "A friend of mine graduated in 2015 and did 5 months of externships.",
    "Someone in my group did 12 weeks of hands-on rotations and got 3 letters.",
    "My husband is 3 years out and he already has 3 US letters from 4 months of electives.",
    "Dr. R, my mentor (20 years in practice, 90 publications), matched with 6 months of USCE.",
]


@pytest.mark.parametrize("other", OTHERS)
@pytest.mark.parametrize("where", ["before", "after"])
def test_someone_elses_numbers_leave_the_reading_unchanged(other: str, where: str) -> None:
    alone = parse_profile(OWN + ASK, current_year=YEAR)
    text = other + " " + OWN + ASK if where == "before" else OWN + " " + other + ASK
    assert parse_profile(text, current_year=YEAR) == alone


@pytest.mark.parametrize(
    "message",
    [
        "Asking for my son. I am a surgeon for 20 years and did 6 months of US electives in "
        "1999. My son graduated in 2023 and did 1 month of hands-on externship in Ohio with 1 "
        "US LoR. Should he do research?",
        "Writing on behalf of a mentee (I'm an attending with 50 publications and 3 residents "
        "I wrote letters for). She graduated in 2023 and did 1 month of hands-on externship in "
        "Ohio, 1 US LoR. Should she do research?",
        "My wife graduated in 2023 and did 1 month of hands-on externship in Ohio, with 1 US "
        "LoR. I myself did 5 months of externships and have 4 letters. Should she do research?",
    ],
)
def test_written_on_someones_behalf_reads_the_applicant_not_the_writer(message: str) -> None:
    profile = parse_profile(message, current_year=YEAR)
    assert profile.years_since_graduation == 3
    assert profile.usce_hands_on_months == 1
    assert profile.us_letters == 1


def test_the_applicants_own_label_after_someone_elses() -> None:
    text = "posting for my friend. me: 2020 grad, 5 months externships, 4 LoRs. her: 2024 grad, "
    text += "1 month hands-on externship, 1 LoR. should she do research?"
    profile = parse_profile(text, current_year=YEAR)
    assert (profile.years_since_graduation, profile.usce_hands_on_months) == (2, 1)
    assert profile.us_letters == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "My attending wrote me a strong letter after my 1-month externship.",
        "IM. I did 1 month of hands-on externship.",
        "final year med student, 1 month of hands-on electives in Ohio.",
        "Dear seniors, I graduated in 2023 and did 1 month of hands-on externship.",
        "My friend and I did 1 month of hands-on externship together.",
    ],
)
def test_the_applicants_own_sentences_are_kept(sentence: str) -> None:
    assert applicant_only(sentence) == sentence


def test_blanking_keeps_offsets_and_sentence_ends() -> None:
    text = "My brother has 3 LoRs. I have 1 LoR.\nHe did 4 months; I did 1."
    blanked = applicant_only(text)
    assert len(blanked) == len(text)
    assert blanked.endswith("I did 1.") and "\n" in blanked and "3" not in blanked
    assert [p.owner for p in parts("I have 1 LoR. My friend has 3.")] == [
        Owner.APPLICANT,
        Owner.OTHER,
    ]


def test_the_evidence_span_points_into_the_message() -> None:
    from assistant.domain.profile import read_profile

    text = "My cousin has 4 LoRs and 5 months of USCE. Me: 2 US LoRs, 1 month of externship."
    reading = read_profile(text, current_year=YEAR)
    assert reading.profile.us_letters == 2
    span = reading.evidence["us_letters"]
    assert text[span.start : span.end] == span.text and "2" in span.text


@pytest.mark.parametrize("text", ["", " ", "\n\n", "x" * 30_000, "她 " * 500, "(((((", "me: her: "])
def test_odd_input_never_raises(text: str) -> None:
    assert len(applicant_only(text)) == len(text)


def test_a_follow_up_about_the_same_person_stays_theirs() -> None:
    earlier = "asking for my husband: graduated 2023, 1 month hands-on externship, 1 US LoR."
    follow_up = "now he says he wants dermatology and he has 2 publications. what changes?"
    assert all(p.owner is Owner.APPLICANT for p in parts(follow_up, earlier))
    assert parse_profile(follow_up, current_year=YEAR).research_output is None
    assert "2" not in applicant_only(follow_up)  # alone, "he" is someone else


@pytest.mark.parametrize(
    ("message", "field", "expected"),
    [
        ("Asking for my brother. He is in his final year of medicine in Egypt. IM.", "is_student",
         True),
        ("Asking for my wife. She has not done any clinical rotation in the US yet. IM.",
         "usce_hands_on_months", 0.0),
        ("Asking for my wife. She worked as a GP until 2019 and has not done any clinical work "
         "since. IM.", "home_clinical_recent", False),
    ],
)  # fmt: skip
def test_a_message_written_for_someone_reads_them_as_in_the_first_person(
    message: str, field: str, expected: object
) -> None:
    first = message.split(". ", 1)[1]
    mine = first.replace("He is in his", "I am in my").replace("She has", "I have")
    mine = mine.replace("She worked", "I worked")
    assert getattr(parse_profile(mine, current_year=YEAR), field) == expected
    assert getattr(parse_profile(message, current_year=YEAR), field) == expected


def test_asking_for_her_names_the_applicant_by_pronoun() -> None:
    text = (
        "those are my wife's details, I'm asking for her. I myself already did 3 months of "
        "externships with 3 LoRs. does she still need the same thing?"
    )
    profile = parse_profile(text, current_year=YEAR)
    assert profile.usce_hands_on_months is None and profile.us_letters is None


def test_text_longer_than_a_question_is_read_whole() -> None:
    """A history turn may be 20,000 characters: past a question's size the message is read
    whole, as before attribution, so its cost stays bounded."""
    from assistant.core.limits import MAX_QUESTION_CHARS

    other = "My roommate did 4 months of externships and got 3 LoRs. "
    long = other + "x " * MAX_QUESTION_CHARS
    assert parse_profile(long, current_year=YEAR).us_letters == 3
    assert parse_profile(other + "Me: 1 LoR.", current_year=YEAR).us_letters == 1


# Written about someone who is never said to be anyone's but the writer's child, friend or
# partner, with no "I" anywhere: the person the message is about is the applicant. The same
# facts in the first person must read the same (metamorphic).
ABOUT_THEM = [
    ("my son is a 2025 grad, CK 255, did 10 weeks of hands-on IM externships and has three US "
     "letters. his mentor says he should now do research. is the mentor right?",
     "I am a 2025 grad, CK 255, did 10 weeks of hands-on IM externships and have three US "
     "letters. my mentor says I should now do research. is the mentor right?"),
    ("Hi all, my daughter graduated in 2021 and did 3 months of externships with 2 letters. "
     "should she do research?",
     "Hi all, I graduated in 2021 and did 3 months of externships with 2 letters. should I do "
     "research?"),
    ("friend of mine asked me to post this - she graduated 2025, wants family med and has no "
     "US letters yet. externship or research job?",
     "I graduated 2025, want family med and have no US letters yet. externship or research "
     "job?"),
]  # fmt: skip


@pytest.mark.parametrize(("theirs", "mine"), ABOUT_THEM)
def test_a_message_only_about_someone_else_reads_them_like_the_writer(
    theirs: str, mine: str
) -> None:
    expected = parse_profile(mine, current_year=YEAR)
    assert expected.graduation_year is not None
    assert parse_profile(theirs, current_year=YEAR) == expected


def test_own_subjectless_facts_beside_a_relatives_stay_the_writers() -> None:
    """No "I", but nothing says "he" of the brother either: the subjectless facts are the
    writer's, and the brother's 4 months are not added to them."""
    own = "Graduated 2023, IM, 1 month externship. research or usce?"
    text = "My brother did 4 months of externships. " + own
    assert parse_profile(text, current_year=YEAR) == parse_profile(own, current_year=YEAR)


def test_a_peer_or_parent_named_first_is_not_taken_for_the_applicant() -> None:
    """ "My colleague did 3 months of externships and he matched": a peer's story beside a
    general question, not a message written for him; parents and mentors likewise."""
    for text in (
        "My colleague did 3 months of externships and he matched. is research useful for IM?",
        "My dad did 6 months of US electives in 1995, he says research is useless. true?",
    ):
        assert parse_profile(text, current_year=YEAR).usce_hands_on_months is None, text
