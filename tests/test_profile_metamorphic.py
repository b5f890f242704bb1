"""Same facts, other words: every rewording of a message must give the same facts and verdict.

The variants are the forms applicants write (issue 16): graduation years, zero USCE, durations in
words and weeks. A reading that fails one form and not another is a bug of a kind, not of a case.
"""

from __future__ import annotations

import itertools

import pytest

from assistant.domain.profile import parse_profile
from assistant.domain.rules import decide

YEAR = 2026
GRADUATED_2021 = [
    "I graduated in 2021",
    "2021 grad",
    "graduate of 2021",
    "class of 2021",
    "yog 2021",
    "YOG: 2021",
    "MBBS '21",
    "graduated 5 years ago",
    # (session 17, forum_h dev) Indian English, a clause between, where from
    "2021 passout",
    "passed out in 2021",
    "graduated the year after covid hit, 2021",
    "graduated from Ain Shams University in 2021",
    "MBBS, 2021",
    "graduated a while back, in twenty twenty-one",
    # (session 18, self-written) a month before the year, "back" for "ago"
    "Graduation: 06/2021",
    "graduated 07-2021",
    "graduated 5 yrs back",
    "finished med school 5 years ago",
    "finished medical school in two thousand and twenty one",
]
NO_USCE = [
    "no USCE",
    "0 USCE",
    "zero usce",
    "no US clinical experience",
    "never done a rotation in the US",
    "no US exp",
    # (session 18, forum_i and reading_forms_c dev) a reply to "any of it in the US?", dictated
    "none of it was in the US",
    "I have none in the US",
    "I have not yet completed any clinical rotations in the United States",
    "never did clinical work in the US",
    "no you ask ee at all",
    "I have not done any you ask ee",
    "haven't set foot in a US hospital",
]
THREE_MONTHS_HANDS_ON = [
    "3 months of hands-on externships",
    "three months of externships",
    "12 weeks of externships",
    "twelve weeks of hands-on externships",
    "ext 3 mo",
    "three-ish months of hands-on externships",
    # (session 18, reading_forms_c dev) the length in brackets, or only the months named
    "IM externships (hands-on, total 3 months)",
    "hands-on externship time: Sept–Nov 2025 (3 months)",
    "hands-on IM externships from September to November 2025",
    "hands-on externships Jan–Mar 2026",
    # (the dots of "U.S." end no clause)
    "hands-on IM externships in the U.S. from Jan 2026 to Mar 2026",
    "IM externships in the U.S. (hands-on, total 3 months)",
    "Sept 2025 se Nov 2025 tak IM externships kiye (hands-on)",
]


def facts(text: str) -> dict[str, object]:
    known = parse_profile(text, current_year=YEAR).known()
    known.pop("usce_types", None)  # which word named the rotation is not a fact of the applicant
    known.pop("graduation_year", None)  # "5 years ago" gives no calendar year
    return known


@pytest.mark.parametrize(("when", "usce"), list(itertools.product(GRADUATED_2021, NO_USCE)))
def test_graduation_and_zero_usce_read_the_same_in_every_form(when: str, usce: str) -> None:
    text = f"{when}, {usce}, want IM. research or rotations first?"
    reference = f"{GRADUATED_2021[0]}, {NO_USCE[0]}, want IM. research or rotations first?"
    assert facts(text) == facts(reference)
    verdict = decide(parse_profile(text, current_year=YEAR)).verdict
    assert verdict == decide(parse_profile(reference, current_year=YEAR)).verdict
    assert verdict is not None and verdict.value == "USCE_URGENT"


@pytest.mark.parametrize("usce", THREE_MONTHS_HANDS_ON)
def test_three_months_of_hands_on_read_the_same_in_every_form(usce: str) -> None:
    text = f"2023 grad, {usce}, 3 US letters, IM."
    assert parse_profile(text, current_year=YEAR).usce_hands_on_months == 3.0


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("graduated last year, IM", 1.0),
        ("finished med school last year, IM", 1.0),
        ("passed out last year, IM", 1.0),
        ("I graduated this year", 0.0),
        ("2019 graduate, no usce", 7.0),
        ("'19 grad, no usce", 7.0),
    ],
)
def test_relative_and_year_first_graduation_forms(text: str, years: float) -> None:
    assert parse_profile(text, current_year=YEAR).years_since_graduation == years


@pytest.mark.parametrize(
    "text",
    [
        "derm: done 1 month derm elective, 1 US letter",
        "I want to match dermatology. 1 month derm elective, 1 US letter",
        "derm aspirant. 1 month derm elective, 1 US letter",
        "1 month derm elective, 1 US letter. research or rotations first for derm?",
        "dermatology or bust! 1 month derm elective, 1 US letter",
        "1 month derm elective, 1 US letter, wanna do derm",
    ],
)
def test_the_target_specialty_reads_the_same_in_every_form(text: str) -> None:
    profile = parse_profile(text, current_year=YEAR)
    assert (profile.specialty, profile.specialty_class) == ("dermatology", "competitive")


@pytest.mark.parametrize(
    "text",
    [
        "no USCE",
        "zero clinical experience in the USA",
        "never done any clinical rotation in the US",
        "zero rotations of any kind in the US",
        "nothing hands-on in the US",
        "no US electives yet",
        # a 'rotation' that was online only; the same in Hinglish and Spanish
        "did a 'rotation' with a US attending but it was all online",
        "koi USCE nahi",
        "nada de USCE",
    ],
)
def test_no_us_experience_reads_as_zero_hands_on_in_every_form(text: str) -> None:
    assert parse_profile(f"2022 grad, IM. {text}.", current_year=YEAR).usce_hands_on_months == 0


@pytest.mark.parametrize(
    "text",
    [
        "3 US letters",
        "LoRs: three",
        "US LORs: 3 solid ones",
        "| US LORs | 3 |",
        # (session 18) other separators, a field beside it, "one" for a letter
        "LORs x3",
        "LoRs → 3",
        "LoR:3 US / home: IM resident",
        "2 really strong US LoRs + 1 ok one",
    ],
)
def test_letters_read_the_same_as_prose_or_form_field(text: str) -> None:
    assert parse_profile(f"2 months of externships\n{text}", current_year=YEAR).us_letters == 3


@pytest.mark.parametrize(
    "job",
    [
        "Since 2021 I have been a medical writer for a CRO",
        "since then I've been working in pharma as a medical advisor, non clinical",
        "haven't touched a patient since 2019",
        "no clinical work at all since 2019",
        "I do utilization review for an insurer now, no patients",
    ],
)
def test_an_old_graduate_away_from_patients_is_urgent_in_every_form(job: str) -> None:
    """Stale hands-on USCE and no clinical work since: recent clinical work first, urgently."""
    text = f"Graduated 2016. Did a 2-month externship in 2020, 2 US letters. {job}. IM."
    profile = parse_profile(text, current_year=YEAR)
    assert profile.home_clinical_recent is False
    verdict = decide(profile).verdict
    assert verdict is not None and verdict.value == "USCE_URGENT"


@pytest.mark.parametrize(
    "offer",
    [
        "I got offered a 4 week hands-on externship in Chicago",
        "I was offered a 1 month externship at a community hospital",
        "I have an offer for a 2 month externship next spring",
        "accepted into a 3 month externship that starts in June",
    ],
)
def test_an_offer_is_not_experience_had(offer: str) -> None:
    """Planned vs done (issue 16): an offered or scheduled rotation adds no hands-on months."""
    profile = parse_profile(
        f"2022 grad, no letters yet. {offer}. Should I take it?", current_year=YEAR
    )
    assert not profile.usce_hands_on_months, profile.known()


# The same rotations as prose and as the lines of a pasted CV (issue 18, forum_g dev): the kind
# heads the line, the length and the letters are fields after it.
ROTATIONS_AS_PROSE = (
    "MD 2020. I did an 8 week IM externship in Houston in 2025 and a 4 week FM externship in "
    "Jacksonville in 2025, 3 LoRs. IM. Research next or another rotation?"
)
ROTATIONS_AS_A_CV = [
    "MD 2020\nExperience:\n• Externship (hands-on), Internal Medicine - Houston, TX - Mar–Apr 2025"
    " (8 wks) - 2 LoRs\n• Externship (hands-on), FM - Jacksonville - Jun 2025 (4 wks) - 1 LoR\n"
    "Target: IM\nq: more research or another rotation?",
    "MD 2020\nUS Clinical Experience:\n  > Externship, IM, Houston - 8 wks - 2025 - 2 LoRs\n"
    "  > Externship, FM, Jacksonville - 4 wks - 2025 - LoR\nTarget: IM\nResearch or rotation?",
    "MD 2020\n1. Externship, Internal Medicine, Houston, 8 weeks (2025), 2 LoRs\n"
    "2. Externship, Family Medicine, Jacksonville, 4 weeks (2025), 1 LoR\nIM. research next?",
]


@pytest.mark.parametrize("cv", ROTATIONS_AS_A_CV)
def test_a_pasted_cv_reads_as_the_same_story_told_in_prose(cv: str) -> None:
    prose, listed = facts(ROTATIONS_AS_PROSE), facts(cv)
    for fact in ("usce_hands_on_months", "us_letters", "years_since_graduation", "specialty"):
        assert listed.get(fact) == prose.get(fact), (fact, listed, prose)
    assert listed["us_letters"] == 3


@pytest.mark.xfail(
    strict=True,
    reason="'hands-on' before a named rotation reads as the whole category, so a second rotation "
    "named after it is taken as a restatement (the guard that keeps '3 months hands-on "
    "externship (12 wks total)' at 3 months)",
)
def test_hands_on_describing_one_rotation_still_adds_the_next() -> None:
    profile = parse_profile(
        "I did an 8 week hands-on IM externship and a 4 week FM externship.", current_year=YEAR
    )
    assert profile.usce_hands_on_months == 3


@pytest.mark.parametrize(
    "lines",
    [
        # a count said again or as a total is not added
        "1. Externship in Chicago, 8 weeks, 4 LoRs\n2. Externship in Chicago again, 4 weeks, "
        "same 4 LoRs",
        # a title and the body under it restate
        "Title: 6 months USCE + 4 LORs, what else?\n\nGrad 2021, 6 months hands-on IM, 4 US LORs",
        # two people's lists are not one list
        "My roommate:\n- 1 month externship, 4 LoRs\nMe:\n- 1 month externship, 4 LoRs",
    ],
)
def test_letters_said_again_are_not_added(lines: str) -> None:
    assert parse_profile(lines, current_year=YEAR).us_letters == 4


@pytest.mark.parametrize(
    "none", ["US: none", "US clinical: none", "US experience: none", "USCE: none", "US exp - 0"]
)
def test_a_form_field_saying_no_us_experience_is_zero_hands_on(none: str) -> None:
    profile = parse_profile(f"MD 2023\nCK 226\n{none}\nSpecialty: Peds", current_year=YEAR)
    assert profile.usce_hands_on_months == 0


@pytest.mark.parametrize("label", ["Planned", "Upcoming", "Plan"])
def test_rotations_under_a_plan_label_are_not_had(label: str) -> None:
    profile = parse_profile(
        f"Graduation: 2026\n{label}: 2 x 4-wk electives (hands-on IM), Jan–Feb 2027\nIM or psych",
        current_year=YEAR,
    )
    assert not profile.usce_hands_on_months, profile.known()


@pytest.mark.parametrize(
    ("job", "clinical"),
    [
        ("working as a doctor in an ER", True),
        ("working as a GP in a clinic", True),
        ("been practising the whole time", True),
        ("practising nonstop since graduating", True),
        ("consultant physician at a hospital back home", True),
        ("still practising surgery here", True),
        ("working full time clinically the whole time", True),
        ("not practising since 2020", False),
        ("working as a scribe in an ER in Houston", None),  # charting for the doctors
        ("currently working as a medical scribe in a clinic", None),
    ],
)
def test_a_scribe_job_is_not_clinical_work(job: str, clinical: bool | None) -> None:
    text = f"2021 grad, no USCE, {job}. IM. research or USCE?"
    assert parse_profile(text, current_year=YEAR).home_clinical_recent is clinical


@pytest.mark.parametrize(
    "hypothetical",
    [
        "thinking of doing 3 months of externships",
        "say I take a 3 month externship in June",
        "what if I did 3 months of externships first",
        "I might do 3 months of externships next year",
        "if I do 3 months of externships this summer",
    ],
)
def test_a_hypothetical_rotation_is_not_experience_had(hypothetical: str) -> None:
    known = parse_profile(f"2022 grad, IM. {hypothetical}, then what?", current_year=YEAR).known()
    assert "usce_hands_on_months" not in known, known


def test_a_counterfactual_of_ones_own_facts_is_read_to_be_weighed() -> None:
    # "what if I already had…": the applicant asks what those facts would mean
    text = "what if i already had 3 months of IM externships + 3 LoRs? then what"
    assert parse_profile(text, current_year=YEAR).usce_hands_on_months == 3


@pytest.mark.parametrize(
    "away",
    [
        "stopped practising in 2021",
        "stopped working in 2021",
        "haven't worked since 2021",
        "no clinical work since 2021",
    ],
)
def test_time_away_from_patients_reads_the_same_in_every_form(away: str) -> None:
    profile = parse_profile(f"2019 grad, {away}, no USCE, IM.", current_year=YEAR)
    assert profile.home_clinical_recent is False
    assert decide(profile).verdict == "USCE_URGENT"


def test_peers_named_in_the_plural_are_not_the_applicant() -> None:
    """ "batchmates are all going IM but I'm set on neurosurgery": the writer's specialty."""
    profile = parse_profile(
        "batchmates are all going IM but I'm set on neurosurgery. 1 sub-I (4 wks), 2 letters",
        current_year=YEAR,
    )
    assert profile.specialty == "neurosurgery"


@pytest.mark.parametrize("separator", [":", " →", " ➡️", " ="])
def test_a_form_field_reads_the_same_with_any_separator(separator: str) -> None:
    fields = ("Specialty", "Derm"), ("Grad", "2024"), ("USCE", "2 mo hands-on"), ("CK", "256")
    text = " | ".join(f"{label}{separator} {value}" for label, value in fields)
    profile = parse_profile(text, current_year=YEAR)
    assert (profile.specialty, profile.graduation_year) == ("dermatology", 2024), profile
    assert (profile.usce_hands_on_months, profile.step2_ck) == (2.0, 256), profile


def test_a_correction_takes_back_its_own_item_of_a_list_not_the_list() -> None:
    """ "…, 6 wks externship (hands on), 2 letters — wait no, 1 letter": the weeks stand."""
    text = (
        "2023 grad. USCE: 6 wks IM externship (hands on), 2 letters — wait no, actually 1 letter."
    )
    profile = parse_profile(text, current_year=YEAR)
    assert profile.usce_hands_on_months == 1.5, profile


@pytest.mark.parametrize(
    "virtual", ["a 4-week virtual IM rotation", "a 4 week tele IM one", "4 wks of telehealth"]
)
def test_a_virtual_rotation_in_any_words_is_not_hands_on(virtual: str) -> None:
    profile = parse_profile(f"2024 grad, IM. I did {virtual}.", current_year=YEAR)
    assert not profile.usce_hands_on_months, profile


@pytest.mark.parametrize(
    "not_had",
    [
        "I start my first externship next monday (IM, 4 weeks)",
        "Planned: 2 x 4-wk electives (hands-on IM) at US schools, Jan–Feb 2027",
        "my hands-on IM externship runs Jan–Mar 2027",
        "USCE June to August, hands-on IM",
        "3 mo hands-on total (1.5mo IM in NYC + 1.5mo IM in Baltimore)",
    ],
)
def test_a_length_in_brackets_or_months_named_counts_only_what_was_done(not_had: str) -> None:
    months = parse_profile(f"2023 grad. {not_had}.", current_year=YEAR).usce_hands_on_months
    assert months in (None, 0.0, 3.0), months  # never a planned rotation, never counted twice


@pytest.mark.parametrize(
    "said",
    [
        "I graduated 2022 from Cairo. wait sorry I graduated 2020 not 2022, long week",
        "graduated 2022 from Lahore, sorry I mean I graduated 2020, not 2022",
    ],
)
def test_a_year_corrected_in_so_many_words_is_the_one_read(said: str) -> None:
    assert parse_profile(f"{said}. no USCE, IM.", current_year=YEAR).graduation_year == 2020


def test_options_on_the_table_are_not_experience_had() -> None:
    """ "two things on the table: a research spot (a poster in 6 months) vs a 4 wk externship"
    weighs offers; "0 USCE" said before it stands."""
    text = (
        "2020 grad, 0 USCE, IM. I have two things on the table: an unpaid research spot (PI "
        "says maybe a poster in 6 months) vs a 4 wk hands-on IM externship. which one first?"
    )
    assert parse_profile(text, current_year=YEAR).usce_hands_on_months == 0.0


def test_a_relatives_match_told_as_a_story_is_not_the_applicants_profile() -> None:
    """No "I" in the message, but the cousin is someone whose match is told, not the person
    asking: "was he just lucky?" asks about the sources, not for the cousin."""
    text = (
        "my cousin matched neuro with 4 pubs from his research year and literally zero "
        "rotations in the US. so research can replace usce right?? or was he just lucky"
    )
    assert parse_profile(text, current_year=YEAR).known() == {}


@pytest.mark.parametrize("peer", ["my batchmate", "batchmate", "a friend of mine", "friend"])
def test_a_peers_facts_are_not_the_writers_with_or_without_my(peer: str) -> None:
    text = f"{peer} got her only USCE in FM (4 wks) and is applying psych. I want neuro."
    profile = parse_profile(text, current_year=YEAR)
    assert (profile.specialty, profile.usce_hands_on_months) == ("neurology", None), profile


@pytest.mark.parametrize(
    "text",
    [
        "2023 grad, 3 months of hands-on IM externships, 3 US letters. research or more rotations?",
        "Me gradué en 2023. Hice 3 meses de externship hands-on en IM y tengo 3 cartas de "
        "recomendación de US. ¿Ahora investigación o más rotaciones?",
        "Sou formada em 2023. Fiz 3 meses de externship hands-on em IM, tenho 3 cartas fortes. "
        "Agora pesquisa ou mais rotações?",
        "Diplômé en 2023. J'ai fait 12 semaines d'externship hands-on en IM, 3 lettres US. "
        "Recherche ou encore des rotations?",
    ],
)
def test_the_same_applicant_in_spanish_portuguese_or_french_gets_the_same_verdict(
    text: str,
) -> None:
    from assistant.domain.intent import classify

    profile = parse_profile(text, current_year=YEAR)
    assert (profile.graduation_year, profile.usce_hands_on_months) == (2023, 3.0), profile
    assert profile.us_letters == 3, profile
    assert classify(text).prioritisation
    assert decide(profile).verdict == "ADD_RESEARCH"


def test_options_laid_out_in_portuguese_are_not_experience_had() -> None:
    text = "tenho duas opções: externship de 4 semanas em FM ou pesquisa paga de 1 ano. qual?"
    assert not parse_profile(text, current_year=YEAR).usce_hands_on_months


@pytest.mark.parametrize(
    "wants",
    [
        "I want neurosurgery",
        "I'm set on neurosurgery",
        "thinking about neurosurgery",
        "leaning towards neurosurgery",
    ],
)
def test_the_target_beats_a_rotations_specialty_in_every_form(wants: str) -> None:
    text = f"{wants}. I did a 1 month IM externship, 1 letter."
    assert parse_profile(text, current_year=YEAR).specialty == "neurosurgery"


@pytest.mark.parametrize(
    "opening", ["asking for my husband:", "for my husband:", "posting on behalf of my husband."]
)
def test_a_message_for_someone_else_reads_their_facts_in_every_form(opening: str) -> None:
    text = (
        f"{opening} grad 2023, 12 weeks hands-on IM externship, 2 US LoRs, wants academic IM. "
        "me (his wife, 2022 grad): 1 month externship, 1 LoR. his question: research now?"
    )
    profile = parse_profile(text, current_year=YEAR)
    assert (profile.graduation_year, profile.usce_hands_on_months) == (2023, 3.0), profile
    assert profile.us_letters == 2, profile


@pytest.mark.parametrize(
    ("said", "months"),
    [
        ("2 months of hands-on externships", 2.0),
        ("1 month psych externship. no sorry, it was two 4-week blocks so 2 months actually", 2.0),
        ("3 months of externships, well... wait actually it was 2 months not 3", 2.0),
        # a correction that splits the total into kinds is read from the split, not the total
        ("it's actually 2 months total but 1 of them was an observership. 4 wks hands-on", 1.0),
        # a time since, not a length
        ("2 months of hands-on externships. it's been 6 months since the last one", 2.0),
        ("2 months of hands-on externships, it was 6 months ago", 2.0),
    ],
)
def test_a_length_corrected_in_so_many_words_is_the_one_read(said: str, months: float) -> None:
    assert (
        parse_profile(f"2023 grad, IM. {said}.", current_year=YEAR).usce_hands_on_months == months
    )


TWO_HANDS_ON_ONE_OBSERVING = [
    "2 months of hands-on externships and 1 month of observership",
    "1 month observership, 2 months hands-on externship",
    # (session 22, blind rating of forum_i dev) a general total, then what it was made of: the
    # parts are the experience, the total is not a third amount
    "3 months of US experience: 1 month observership + 2 months hands-on externship",
    "I have 3 months of US experience. To be precise, 1 month was an observership and the "
    "other 2 months were hands-on externships",
    "USCE 12 weeks: 4 weeks observership, 8 weeks externship",
    "3 months USCE total: 1 month observership + 2 months externship",
]


@pytest.mark.parametrize("usce", TWO_HANDS_ON_ONE_OBSERVING)
def test_a_total_and_its_breakdown_read_as_the_parts(usce: str) -> None:
    profile = parse_profile(f"2022 grad, IM. {usce}. 1 US letter.", current_year=YEAR)
    assert (profile.usce_hands_on_months, profile.usce_other_months) == (2.0, 1.0), usce


def test_an_amount_said_to_come_on_top_of_a_total_is_added() -> None:
    """The breakdown reading must not eat real additions: "then another" adds."""
    text = "3 months of USCE, then another 2 months hands-on and 1 month of observing"
    assert parse_profile(text, current_year=YEAR).usce_hands_on_months == 5.0


TWO_MONTHS_HANDS_ON_LISTED = [
    "2 months of hands-on externships",
    # (session 22, blind rating of forum_g dev) a second length that names only its field is
    # more of the kind listed just before it
    "1 month hands-on externship in IM and 1 month in FM",
    "did one month hands on elective in pathology and one month internal medicine",
    "4 weeks externship in IM, 4 weeks in neurology",
    "a 4 week sub-I in family medicine plus another 4 weeks in psychiatry",
]


@pytest.mark.parametrize("usce", TWO_MONTHS_HANDS_ON_LISTED)
def test_a_listed_length_takes_the_kind_before_it(usce: str) -> None:
    assert parse_profile(f"2022 grad. {usce}.", current_year=YEAR).usce_hands_on_months == 2.0


@pytest.mark.parametrize(
    ("text", "hands_on"),
    [
        ("1 year research and 2 months in IM", None),  # research says nothing of the 2 months
        ("1 month externship and 3 months of step 2 prep", 1.0),  # no field: not experience
        ("1 month externship in IM. 2 months in FM I shadowed", 1.0),  # another sentence
        ("2 months externship, and 1 month im going to do in FM", 2.0),  # "im" is not IM
    ],
)
def test_a_length_takes_no_kind_it_was_not_listed_with(text: str, hands_on: float | None) -> None:
    assert parse_profile(f"2022 grad. {text}.", current_year=YEAR).usce_hands_on_months == hands_on


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("money is tight", "money_tight"),
        # (session 22, blind rating of forum dev) the same limit in other words
        ("honestly broke rn", "money_tight"),
        ("I'm broke after Step 2", "money_tight"),
        ("I can't really afford to be unpaid for long", "money_tight"),
        ("we can only pay for one", "can_afford_only_one"),
        ("we can pay for only one", "can_afford_only_one"),
        ("I can fund just one", "can_afford_only_one"),
    ],
)
def test_a_money_limit_reads_the_same_in_every_form(text: str, field: str) -> None:
    profile = parse_profile(
        f"2023 grad, no USCE, IM. {text}. externship or research?", current_year=YEAR
    )
    assert getattr(profile, field) is True, text


@pytest.mark.parametrize("text", ["my PI broke the news that funding ended", "I broke my leg"])
def test_broke_is_a_money_limit_only_when_the_writer_is(text: str) -> None:
    assert parse_profile(text, current_year=YEAR).money_tight is None


@pytest.mark.parametrize(
    "text",
    [
        "Step 2 CK 241",
        "step 2: 241",
        "got 241 on step 2",
        # (session 22, blind rating of forum dev) the score in brackets after the exam's name
        "cleared Step 1 and Step 2 (241)",
        "CK (241)",
    ],
)
def test_a_step_2_score_reads_the_same_in_every_form(text: str) -> None:
    assert parse_profile(f"2022 grad, IM. {text}.", current_year=YEAR).step2_ck == 241


def test_a_year_in_brackets_after_step_2_is_not_a_score() -> None:
    assert parse_profile("took step 2 (2023), IM", current_year=YEAR).step2_ck is None


@pytest.mark.parametrize(
    "text",
    [
        "2 case reports",
        "2 publications",
        # (session 22, blind rating of forum dev) a field named before the kind of output
        "2 derm case reports",
        "two IM publications",
        "2 cardiology abstracts",
        "2 internal medicine case reports",
    ],
)
def test_research_output_reads_the_same_with_its_field_named(text: str) -> None:
    assert parse_profile(f"2022 grad, no USCE. {text}.", current_year=YEAR).research_output == 2
