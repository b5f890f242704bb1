"""Letters and experience from another country's health system are not US ones, however the
message spells the place: a city without its country, a title of another system, a breakdown of
a total by writer. Metamorphic: the US facts stay the same whatever is added from abroad."""

from __future__ import annotations

import pytest

from assistant.domain.profile import parse_profile

BASE = "Graduated 2024, IM. 3 months of hands-on IM externships in Chicago, done 2026."


def letters(text: str) -> int | None:
    return parse_profile(text, current_year=2026).us_letters


@pytest.mark.parametrize(
    "said",
    [
        "I have 2 LoRs from my externship attendings and 1 from my professor in Karachi.",
        "3 LoRs total: 2 from my externship attendings, 1 from my house job supervisor.",
        "LoRs: 4 total -> 2 from Chicago attendings, 1 from a consultant in Lahore, 1 from NHS.",
        "Letters: 1 from consultants in Riyadh + 2 from my Chicago externship attendings.",
        "2 letters from professors at my home university and 2 from my US attendings.",
        "I have 2 strong letters from the Egyptian faculty and 2 from US attendings in Ohio.",
    ],
)
def test_a_breakdown_by_writer_counts_only_the_us_letters(said: str) -> None:
    assert letters(f"{BASE} {said} Research next?") == 2


@pytest.mark.parametrize(
    "said",
    [
        "I have 3 LoRs from consultants in Dubai.",
        "My 2 letters are from my NHS supervisors.",
        "I got 2 LoRs from my house job in Peshawar.",
    ],
)
def test_letters_only_from_abroad_are_not_us_letters(said: str) -> None:
    assert letters(f"{BASE} {said}") is None


def test_a_letter_still_in_progress_is_not_counted() -> None:
    said = "LoRs: 0 from US so far, my attending said a letter is in progress."
    assert letters(f"{BASE} {said}") == 0


@pytest.mark.parametrize(
    "said",
    [
        "What should a good USCE letter actually say? Starting my first externship next week.",
        "how do I make sure I get output + a good letter out of it",
        "Will a letter from the PI help much?",
        "does a LoR from my home country HOD count as a US letter?",
        "My PI says he will write me a letter when I need it.",
        "questions about LoR: 1- when do i tell the attending i want a letter?",
    ],
)
def test_a_letter_talked_about_is_not_a_letter_had(said: str) -> None:
    """ "a letter" in a question, a wish or a promise is not one in hand."""
    assert parse_profile(said, current_year=2026).us_letters is None


@pytest.mark.parametrize(
    "said",
    [
        "I got a letter from my externship attending in Chicago.",
        "did a 4 week sub-I and the attending wrote me a strong letter",
        "4 weeks of hands-on IM in Ohio with a strong letter",
        "USCE: 1 month hands-on, a strong US letter, CK 240",
    ],
)
def test_a_letter_said_to_be_had_counts_one(said: str) -> None:
    assert parse_profile(said, current_year=2026).us_letters == 1


def test_letters_added_with_plus_are_in_addition() -> None:
    # "+ 1 LoR from home" adds a home letter; it does not break a total down
    assert letters(f"{BASE} I got 1 good LoR + 1 LoR from home.") == 1
    assert letters(f"{BASE} None of my letters are from the US.") == 0


@pytest.mark.parametrize(
    "abroad",
    [
        "Before that I did 2 months of IM electives in Toronto (Canada).",
        "Also a 1 month sub-internship in the UK.",
        "I also did 6 weeks of hands-on surgery in Lahore.",
    ],
)
def test_experience_in_a_foreign_city_or_country_is_not_usce(abroad: str) -> None:
    profile = parse_profile(f"{BASE} {abroad}", current_year=2026)
    assert profile.usce_hands_on_months == 3.0


def test_a_city_one_comes_from_does_not_move_the_rotation_abroad() -> None:
    text = "Coming from Lagos for a 2-month hands-on IM externship in Brooklyn, done 2026."
    assert parse_profile(text, current_year=2026).usce_hands_on_months == 2.0


@pytest.mark.parametrize(
    "never",
    [
        "I've never been to the US.",
        "I have never been in the USA for any clinical work.",
        "Right now I have nothing US.",
        "I'm a student graduating 2026, nothing US yet.",
        "Right now I have literally nothing US-based.",
        "no experience in the US",
    ],
)
def test_never_been_to_the_us_is_no_usce(never: str) -> None:
    profile = parse_profile(f"Graduated 2024, IM. {never} Research or USCE?", current_year=2026)
    assert profile.usce_hands_on_months == 0.0


RESEARCH_BASE = "Graduated 2024, IM, 0 hands-on USCE. I have 1 published case report."


@pytest.mark.parametrize(
    "unfinished",
    [
        "Also 2 manuscripts in progress.",
        "Plus 1 paper 'in prep'.",
        "My PI promised me 2 first-author papers by spring.",
        "With 2 papers coming, should I stay?",
        "I'm drafting 1 systematic review.",
    ],
)
def test_work_not_yet_out_is_not_research_output(unfinished: str) -> None:
    profile = parse_profile(f"{RESEARCH_BASE} {unfinished}", current_year=2026)
    assert profile.research_output == 1


@pytest.mark.parametrize(
    "group",
    [
        "My lab published 12 papers this year.",
        "Our department published around 30 papers in two years.",
        "Research: my team (at the university) published 9 papers.",
    ],
)
def test_a_groups_papers_are_not_the_applicants(group: str) -> None:
    profile = parse_profile(f"{group} {RESEARCH_BASE}", current_year=2026)
    assert profile.research_output == 1


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("2 neuro letters + 1 IM letter", 3),
        ("2 IM letters and 1 psych letter", 3),
        ("2 US letters and 1 home letter", 2),
        ("3 LoRs (2 US + 1 home)", 2),
    ],
)
def test_letters_joined_by_plus_or_and_add_up(said: str, expected: int) -> None:
    assert letters(f"{BASE} {said}. Research next?") == expected


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("|Specialty| ENT (otolaryngology)|\n|YOG| 2025|", "ENT"),
        ("NSGY profile:\n• YOG 2023\n• 3 months hands-on (2 neurosurg sub-Is + 1 neuro ICU)",
         "neurosurgery"),
        ("Target is IM or FM, anything I can get.", None),
    ],
)  # fmt: skip
def test_a_forms_specialty_field_names_the_target(form: str, expected: str | None) -> None:
    assert parse_profile(form, current_year=2026).specialty == expected


@pytest.mark.parametrize(
    ("said", "hands_on", "other"),
    [
        ("I did 3 hands-on clerkships in the US: IM in Chicago, nephro in Ohio, cards in Texas, "
         "4 weeks each.", 3.0, None),
        ("Did 2 US clerkships this year, surgery and IM, 4 wks each, hands-on.", 2.0, None),
        ("2 IM externships (4 wks each, hands on) + 1 IM elective (4 wks) in NYC = 12 wks total.",
         3.0, None),
        ("Two hands-on externships, six weeks in Chicago and four in Ohio, so ten weeks total.",
         2.5, None),
        ("I did 3 observerships in the US, 4 weeks each = 12 weeks total.", 0.0, 3.0),
        ("I did 2 virtual rotations (4 wks each) with a US attending.", 0.0, 2.0),
        ("I did 2 electives in India, 4 weeks each.", None, None),
        # a length at the head is not a count of rotations; a restated total adds nothing
        ("I have done 2 months of externships, 4 weeks each.", 2.0, None),
        ("Did 3 months of rotations in Chicago, 4 weeks each, all hands-on.", 3.0, None),
        ("3 externships (4 wks each) = 12 weeks.", 3.0, None),
        ("My 2 externships were 4 weeks each (8 weeks total).", 2.0, None),
    ],
)  # fmt: skip
def test_a_length_that_closes_a_list_counts_each_rotation_once(
    said: str, hands_on: float | None, other: float | None
) -> None:
    profile = parse_profile(f"Graduated 2024, IM. {said}", current_year=2026)
    assert (profile.usce_hands_on_months, profile.usce_other_months) == (hands_on, other)


@pytest.mark.parametrize(
    "absence",
    [
        "USCE? none.", "nil USCE", "USCE: nil", "US clinical experience: N/A", "my USCE is zero",
        "I have not stepped into a US hospital yet.", "not a single day of US clinical experience",
        "never rotated in the US", "I have yet to do any USCE.", "zero, zilch, nada US experience",
        "I don't have any hands-on experience in the US", "no clinical exposure in the states",
    ],
)  # fmt: skip
def test_an_absence_written_any_way_is_no_usce(absence: str) -> None:
    profile = parse_profile(f"Graduated 2024, IM. {absence} Research or USCE?", current_year=2026)
    assert profile.usce_hands_on_months == 0.0


@pytest.mark.parametrize(
    ("said", "months"),
    [("6ish weeks", 1.5), ("one and a half months", 1.5), ("2 and a half months", 2.5),
     ("a month and a half", 1.5)],
)  # fmt: skip
def test_vague_and_mixed_lengths(said: str, months: float) -> None:
    text = f"Graduated 2024, IM. I did {said} of hands-on IM externship in Texas."
    assert parse_profile(text, current_year=2026).usce_hands_on_months == months


def test_a_question_about_usce_is_not_an_absence() -> None:
    assert (
        parse_profile("Is USCE none of those things?", current_year=2026).usce_hands_on_months
        is None
    )


@pytest.mark.parametrize(
    ("said", "months"),
    [
        ("Externship waitlists are like 6 months, should I do observerships meanwhile?", None),
        ("The wait time for externships is 4 months here.", None),
        ("My externship took 8 weeks.", 2.0),
    ],
)
def test_a_wait_is_not_an_experience(said: str, months: float | None) -> None:
    assert parse_profile(said, current_year=2026).usce_hands_on_months == months


@pytest.mark.parametrize(
    ("said", "student"),
    [
        ("6th year of MBBS in Sudan (final year).", True),
        ("6th year MBBS (Pakistan).", True),
        ("5th year of a 6-year program in Kazakhstan.", True),
        ("I am in my final year of medicine.", True),
        ("I am in my final year of residency in India.", None),
        ("I'm in my last year of internship.", None),
    ],
)
def test_a_year_of_medical_school_is_a_student(said: str, student: bool | None) -> None:
    assert parse_profile(said, current_year=2026).is_student is student


@pytest.mark.parametrize(
    ("said", "field", "expected"),
    [
        ("IMG 2021, no USCE, CK 240, IM.", "graduation_year", 2021),
        ("Volunteering at a free clinic for 8 months + did 1 virtual IM rotation. 2024 grad.",
         "usce_hands_on_months", 0.0),
        ("plastics gang, YOG 2023, 3 months hands-on (gen surg sub-I + IM extern).", "specialty",
         "plastic surgery"),
        ("It was listed as an observership, I mostly watched. 2023 grad, IM.",
         "usce_hands_on_months", 0.0),
        ("3 months in 2025, not sure if it was technically an observership. 2022 grad, IM.",
         "usce_hands_on_months", None),
    ],
)  # fmt: skip
def test_more_ways_of_saying_it(said: str, field: str, expected: object) -> None:
    assert getattr(parse_profile(said, current_year=2026), field) == expected


@pytest.mark.parametrize(
    ("said", "months"),
    [
        ("She has an offer for a 6-month research position in Texas, and separately a 4-week "
         "hands-on externship in Chicago.", None),
        ("Offer A: 1-year research fellowship. Offer B: another 2 months of hands-on IM "
         "electives. Me: already done 3 months hands-on IM.", 3.0),
        ("I did 3 months of hands-on externships and now have an offer for research.", 3.0),
    ],
)  # fmt: skip
def test_offers_listed_in_a_sentence_are_not_experience(said: str, months: float | None) -> None:
    assert parse_profile(said, current_year=2026).usce_hands_on_months == months


@pytest.mark.parametrize(
    ("said", "letters_had"),
    [
        ("How do I actually ask an attending for a strong letter during my externship?", None),
        ("Tips to get a really strong letter out of my externship?", None),
        ("Can volunteering get me a LoR?", None),
        ("I need 3 letters before ERAS.", None),
        ("I got 2 strong letters.", 2),
        ("I earned a strong letter from my attending.", 1),
    ],
)
def test_a_letter_sought_is_not_a_letter_had(said: str, letters_had: int | None) -> None:
    assert letters(said) == letters_had


@pytest.mark.parametrize(
    ("said", "years_ago"),
    [
        ("My USCE was in 2022 (3 months hands-on IM, 3 letters).", 4.0),
        ("~half a year of hands-on USCE but all of it back in 2017, two US LORs", 9.0),
        ("my externships were in 2019, 3 months hands-on", 7.0),
    ],
)
def test_a_year_said_apart_from_the_length_dates_the_usce(said: str, years_ago: float) -> None:
    """When the US experience was done, said in its own clause, is still when it was done."""
    assert parse_profile(said, current_year=2026).usce_years_ago == years_ago


def test_a_decade_ago_and_an_aim_are_read() -> None:
    said = (
        "graduated a decade ago. did 1 month hands-on IM externship in Chicago. "
        "My aim is radiology."
    )
    profile = parse_profile(said, current_year=2026)
    assert profile.years_since_graduation == 10.0
    assert profile.specialty == "radiology"  # the aim, not the rotation's field


@pytest.mark.parametrize(
    ("said", "months"),
    [
        (
            "Title: 6 months USCE + 4 LORs, what now?\n\nGrad 2021, 6 months hands-on IM, 4 LORs.",
            6.0,
        ),
        ("I have 3 months of USCE. The 3 months hands-on were in IM.", 3.0),
        ("I did 2 months hands-on. Then 2 months hands-on in FM last year.", 4.0),
        ("2 months hands-on IM and 1 month hands-on FM", 3.0),
    ],
)
def test_an_amount_said_again_in_another_sentence_is_not_added(said: str, months: float) -> None:
    """A title's "6 months USCE" and the body's "6 months hands-on IM" are one experience told
    twice; a later amount that says it comes on top ("then", "another") adds."""
    assert parse_profile(said, current_year=2026).usce_hands_on_months == months


def test_a_total_said_to_be_hands_on_does_not_count_the_observing() -> None:
    said = (
        "did a couple of externships — 6 weeks hands-on in total (gen surg + ENT) — plus half "
        "a year of observerships."
    )
    profile = parse_profile(said, current_year=2026)
    assert (profile.usce_hands_on_months, profile.usce_other_months) == (1.5, 6.0)
    # a total that counts the observing too still holds that much less hands-on
    total = "3 months USCE total: 2 months externship and 1 month observership"
    assert parse_profile(total, current_year=2026).usce_hands_on_months == 2.0
