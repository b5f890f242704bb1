"""Profile parsing: a table of phrases and the facts they must (and must not) produce."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from assistant.core.types import Profile
from assistant.domain import profile as profile_module
from assistant.domain.profile import (
    added_to,
    describe_profile,
    merge_profile,
    normalize_specialty,
    parse_profile,
    read_profile,
)

YEAR = 2025

# (text, expected facts). Only the listed fields are checked; use None to assert "unknown".
CASES: list[tuple[str, dict[str, Any]]] = [
    # graduation
    ("I graduated in 2019.", {"graduation_year": 2019, "years_since_graduation": 6.0,
                              "is_student": False}),
    ("class of 2018", {"graduation_year": 2018, "years_since_graduation": 7.0}),
    ("graduated 2017, IMG", {"graduation_year": 2017, "years_since_graduation": 8.0}),
    ("6 years since graduation", {"years_since_graduation": 6.0, "graduation_year": None}),
    ("six years since graduation", {"years_since_graduation": 6.0}),
    ("6 YOG, no USCE", {"years_since_graduation": 6.0}),
    ("I graduated 6 years ago", {"years_since_graduation": 6.0}),
    ("I'm 4 years out", {"years_since_graduation": 4.0}),
    ("I'm a fresh grad", {"years_since_graduation": 0.5, "is_student": False}),
    ("I just graduated", {"years_since_graduation": 0.5}),
    ("I'm a final-year medical student", {"is_student": True, "years_since_graduation": None}),
    ("graduated in 2019, applying in 2026", {"graduation_year": 2019}),
    # exams
    ("Step 1 pass", {"step1": "pass"}),
    ("I passed Step 1", {"step1": "pass"}),
    ("failed step 1 once", {"step1": "fail"}),
    ("CK 238", {"step2_ck": 238}),
    ("my Step 2 is 231", {"step2_ck": 231}),
    ("Step 2 CK 250", {"step2_ck": 250}),
    ("scored 244 on Step 2", {"step2_ck": 244}),
    ("low 230s", {"step2_ck": 232}),
    ("high 240s", {"step2_ck": 248}),
    ("applied to 230 programs", {"step2_ck": None}),
    # hands-on and other USCE
    ("I did a 2-week observership", {"usce_other_months": 0.5, "usce_types": ["observership"],
                                     "usce_hands_on_months": 0.0}),
    ("3 months of inpatient externships", {"usce_hands_on_months": 3.0,
                                           "usce_types": ["externship"]}),
    ("a 4-week sub-I", {"usce_hands_on_months": 1.0, "usce_types": ["sub-internship"]}),
    ("8 weeks of clerkships", {"usce_hands_on_months": 2.0, "usce_types": ["clerkship"]}),
    ("one month elective", {"usce_hands_on_months": 1.0, "usce_types": ["elective"]}),
    ("6 weeks of externship", {"usce_hands_on_months": 1.5}),
    ("3 weeks of electives", {"usce_hands_on_months": 0.75}),
    ("externships for 3 months and electives for 1 month", {"usce_hands_on_months": 4.0,
                                                            "usce_types": ["externship",
                                                                           "elective"]}),
    ("3 months of externships and a 4-week sub-I", {"usce_hands_on_months": 4.0}),
    ("a 2-week observership and 4 weeks of externship", {"usce_hands_on_months": 1.0,
                                                         "usce_other_months": 0.5}),
    ("2-3 months of externships", {"usce_hands_on_months": 2.0}),
    # when the last clinical work was, against YEAR (2025)
    ("my last clinical job was 2021", {"home_clinical_recent": False}),
    ("last clinical job ended in 2024", {"home_clinical_recent": True}),
    ("last clinical job was 2023", {"home_clinical_recent": None}),
    # a figure for USCE as a whole beside named rotations is their total, not one more rotation
    ("a 2 month externship and a 1 month sub-I, 3 months of USCE total",
     {"usce_hands_on_months": 3.0, "usce_types": ["externship", "sub-internship"]}),
    ("I have 3 months of USCE, including a 2-month externship", {"usce_hands_on_months": 3.0}),
    ("I did a 2-month externship. I have 2 months of hands-on experience.",
     {"usce_hands_on_months": 2.0}),
    ("a 4-week sub-I and two months of rotations", {"usce_hands_on_months": 3.0}),
    ("3 months USCE", {"usce_hands_on_months": 3.0, "usce_types": []}),
    ("a virtual rotation", {"usce_types": ["virtual"], "usce_hands_on_months": None}),
    # Only non-hands-on experience described: by the applicant's own account, no hands-on USCE.
    ("4 weeks of virtual rotations", {"usce_other_months": 1.0, "usce_hands_on_months": 0.0}),
    ("some shadowing in Chicago", {"usce_types": ["shadowing"], "usce_hands_on_months": None}),
    ("volunteering at a free clinic", {"usce_types": ["volunteering"]}),
    ("3 months of electives back home", {"usce_hands_on_months": None}),
    # "USCE" is hands-on in the corpus: saying none says nothing about observerships
    ("no USCE", {"usce_hands_on_months": 0.0, "usce_other_months": None}),
    ("no US clinical experience", {"usce_hands_on_months": 0.0, "usce_other_months": None}),
    ("no US experience at all", {"usce_hands_on_months": 0.0, "usce_other_months": 0.0}),
    ("no USCE, not even an observership", {"usce_hands_on_months": 0.0,
                                           "usce_other_months": 0.0}),
    ("no US anything", {"usce_hands_on_months": 0.0, "usce_other_months": 0.0, "us_letters": 0}),
    ("just a 2-week observership", {"usce_hands_on_months": 0.0, "usce_other_months": 0.5}),
    ("a 2-week observership, no hands-on", {"usce_hands_on_months": 0.0}),
    # letters
    ("two US LORs", {"us_letters": 2}),
    ("2 US letters", {"us_letters": 2}),
    ("3 strong letters of recommendation", {"us_letters": 3}),
    ("no US letters", {"us_letters": 0}),
    ("I don't have any US letters", {"us_letters": 0}),
    ("a letter of intent", {"us_letters": None}),
    ("I want to get 2 US letters", {"us_letters": None}),
    # specialty
    ("aiming for derm", {"specialty": "dermatology", "specialty_class": "competitive"}),
    ("applying to internal medicine", {"specialty": "internal medicine",
                                       "specialty_class": "primary"}),
    ("want psych", {"specialty": "psychiatry", "specialty_class": "primary"}),
    ("applying to IM", {"specialty": "internal medicine"}),
    ("applying to FM", {"specialty": "family medicine"}),
    ("I want peds", {"specialty": "pediatrics", "specialty_class": "primary"}),
    ("aiming for rad onc", {"specialty": "radiation oncology", "specialty_class": "competitive"}),
    ("applying to neurosurg", {"specialty": "neurosurgery", "specialty_class": "competitive"}),
    ("interested in ortho", {"specialty": "orthopedics", "specialty_class": "competitive"}),
    ("targeting gen surg", {"specialty": "general surgery", "specialty_class": "moderate"}),
    ("applying to neurology", {"specialty": "neurology", "specialty_class": "moderate"}),
    ("going for pathology", {"specialty": "pathology", "specialty_class": "moderate"}),
    ("applying to radiology", {"specialty": "radiology", "specialty_class": "competitive"}),
    ("want a transitional year", {"specialty": "transitional/preliminary"}),
    ("aiming for academic IM", {"specialty": "internal medicine", "academic_aim": True}),
    ("Im not sure what to want in im", {"specialty": None}),
    # situation
    ("I went unmatched last cycle", {"unmatched_before": True}),
    ("is research good for unmatched IMGs?", {"unmatched_before": None}),
    ("I can only afford one", {"can_afford_only_one": True}),
    ("money is tight", {"money_tight": True}),
    ("I have limited funds", {"money_tight": True}),
    ("I can afford a short unpaid period (~2 months) but then I need income",
     {"money_tight": True}),
    ("I can't afford to be unpaid for long", {"money_tight": True}),
    ("does research pay an income?", {"money_tight": None}),
    ("I'm on B1/B2", {"visa": "B1/B2"}),
    ("J-1 waiver later", {"visa": "J-1"}),
    ("on an H-1B", {"visa": "H-1B"}),
    ("I have a green card", {"visa": "green card"}),
    ("3 publications", {"research_output": 3}),
    ("two abstracts", {"research_output": 2}),
    ("3 publications and 2 posters", {"research_output": 5}),
    ("no research", {"research_output": 0}),
    ("no publications", {"research_output": 0}),
    ("I want to do research", {"research_output": None, "usce_types": []}),
    ("aiming for an academic program", {"academic_aim": True}),
    ("aiming for a university program", {"academic_aim": True}),
    ("Goal = academic IM", {"academic_aim": True}),
    ("I want university neurology programs", {"academic_aim": True}),
    # a question about academic programs, or a rotation at a university, states no aim
    ("is that true for academic programs too?", {"academic_aim": None}),
    ("6 weeks of sub-I at a university hospital", {"academic_aim": None}),
    ("a research job at a university", {"academic_aim": None}),
    ("I'm working clinically at home", {"home_clinical_recent": True}),
    ("no clinical work for 5 years", {"home_clinical_recent": False}),
    ("I have a non-clinical job", {"home_clinical_recent": False}),
    # observership never becomes hands-on; questions are not experience
    ("observership for 3 months", {"usce_hands_on_months": 0.0, "usce_other_months": 3.0}),
    ("should I do research or a 4-week sub-I?", {"usce_hands_on_months": None, "usce_types": []}),
    # a place belongs to the item it follows, not to the next one listed
    ("1 month hands-on psych externship with 1 good LoR + 1 LoR from home",
     {"usce_hands_on_months": 1.0, "us_letters": 1}),
    ("1 LoR from home + 2 months externship", {"usce_hands_on_months": 2.0}),
    ("2 months of electives back home", {"usce_hands_on_months": None}),
    ("2 LoRs from home", {"us_letters": None}),
    # what a plan names is not done yet
    ("Plan: 4-8 weeks hands-on externship first, then paid research",
     {"usce_hands_on_months": None}),
    ("I did 2 months of externships. Next step: a 4 week sub-I", {"usce_hands_on_months": 2.0}),
    ("my plan for next 12 months: 6 months volunteer research, then 2 months externship",
     {"usce_hands_on_months": None, "usce_other_months": None}),
    # a place won or a rotation that starts later is not experience yet
    ("an externship program accepted me for 8 weeks", {"usce_hands_on_months": None}),
    ("got an acceptance for 4 weeks of externship in NY", {"usce_hands_on_months": None}),
    ("I'll be doing a 4-week externship in June", {"usce_hands_on_months": None}),
    ("secured a 6-week sub-I", {"usce_hands_on_months": None}),
    ("I have a 2 month externship starting next month", {"usce_hands_on_months": None}),
    ("a 6-week sub-I that begins in August", {"usce_hands_on_months": None}),
    ("my 3 month externship starts January", {"usce_hands_on_months": None}),
    ("4 weeks of IM externship next spring", {"usce_hands_on_months": None}),
    # ... while one done at a date, or done and followed by another, still counts
    ("I did a 2 month externship in March 2025 and got 2 LoRs",
     {"usce_hands_on_months": 2.0, "us_letters": 2}),
    ("I did a 1 month externship. my next one starts in May",
     {"usce_hands_on_months": 1.0}),
    # amounts weighed in a question are options, not experience had
    ("which is better for the match — 3 months of observerships only, OR 2 months hands-on "
     "externship + 1 month research?",
     {"usce_hands_on_months": None, "usce_other_months": None}),
    ("what's better, 1 month sub-I or 2 months observership?", {"usce_hands_on_months": None}),
    ("is my 2 months of externship enough or should I do more?", {"usce_hands_on_months": 2.0}),
    ("I have 3 months of externship, should I do research or more?",
     {"usce_hands_on_months": 3.0}),
    # the writer's own count beside the year is what they mean, whenever they wrote it
    ("YOG 2021 (so 4 yrs), no USCE", {"graduation_year": 2021, "years_since_graduation": 4.0}),
    ("I graduated in 2019 (6 years ago)", {"years_since_graduation": 6.0}),
    ("graduated 2019, 3 years of research", {"years_since_graduation": float(YEAR - 2019)}),
    ("YOG 2020 2 yrs externship", {"years_since_graduation": float(YEAR - 2020)}),
    # options offered, listed or weighed are not experience had
    ("hospital gives me only ONE month off this year. options for that month: (a) 4wk hands-on "
     "IM externship (b) 4wk observership at Mayo. no US exp yet",
     {"usce_hands_on_months": 0.0, "usce_other_months": None, "months_available": 1.0}),
    ("US: 2 observerships (8 wks total), 2 LoRs. i have money for ONE more US thing: either "
     "1-month hands-on externship in Chicago or 6 months volunteer research",
     {"usce_hands_on_months": 0.0, "usce_other_months": 2.0, "can_afford_only_one": True}),
    ("2 offers on my table: 4 month clinical research asst (unpaid, cardiology) vs 2 month IM "
     "externship in Brooklyn", {"usce_hands_on_months": None}),
    ("starting 4 wk IM externship in Michigan next monday", {"usce_hands_on_months": None}),
    # a field set against a negated one is a correction: the one kept is the target
    ("omg sorry forgot to mention — target is plastics not IM", {"specialty": "plastic surgery"}),
    ("switching to derm instead of IM", {"specialty": "dermatology"}),
    ("not IM, plastics", {"specialty": "plastic surgery"}),
    ("not derm", {"specialty": None}),
    ("I like derm and IM", {"specialty": None}),
    # the time that is all they have is a limit, not a rotation done
    ("I can only do a 1 month externship this year because of work, no USCE",
     {"usce_hands_on_months": 0.0, "months_available": 1.0}),
    ("I only have 4 weeks of leave to spend in the US", {"months_available": 1.0}),
    ("I can only stay in the US for 6 weeks on my B1/B2", {"months_available": 1.5}),
    ("I have just 1 month before ERAS opens", {"months_available": 1.0}),
    ("my job gives me max 1 month off per year", {"months_available": 1.0}),
    ("I have only 1 month of USCE and 1 letter",
     {"usce_hands_on_months": 1.0, "months_available": None}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_parse_table(text: str, expected: dict[str, Any]) -> None:
    parsed = parse_profile(text, current_year=YEAR).model_dump()
    assert {k: parsed[k] for k in expected} == expected


def test_scenario_texts_parse_to_full_profiles() -> None:
    s2 = parse_profile(
        "6 years since graduation, working in non-clinical job, low 230s, no USCE. "
        "I want any IM/FM spot.",
        current_year=YEAR,
    )
    assert s2.known() == {
        "years_since_graduation": 6.0, "is_student": False, "step2_ck": 232,
        "usce_hands_on_months": 0.0, "specialty": "internal medicine",
        "specialty_class": "primary", "home_clinical_recent": False,
    }  # fmt: skip


def test_unknown_stays_unknown() -> None:
    assert parse_profile("Should I do research or USCE first?", current_year=YEAR).known() == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("derm", ("dermatology", "competitive")), ("Internal Medicine", ("internal medicine",
     "primary")), ("ENT", ("ENT", "competitive")), ("astronaut medicine", None)],
)  # fmt: skip
def test_normalize_specialty(name: str, expected: Any) -> None:
    assert normalize_specialty(name) == expected


def test_merge_explicit_wins_and_none_does_not_erase() -> None:
    parsed = Profile(usce_hands_on_months=0, us_letters=1, step2_ck=231, specialty="psychiatry")
    merged = merge_profile(parsed, {"usce_hands_on_months": 3, "us_letters": None})
    assert merged.usce_hands_on_months == 3
    assert merged.us_letters == 1  # None in the explicit facts never erases a parsed fact
    assert merged.step2_ck == 231


def test_merge_accepts_profile_and_none() -> None:
    parsed = Profile(step2_ck=231)
    assert merge_profile(parsed, None) == parsed
    assert merge_profile(parsed, Profile(step2_ck=250)).step2_ck == 250


def test_merge_recomputes_years_from_explicit_graduation_year() -> None:
    parsed = parse_profile("6 years since graduation", current_year=YEAR)
    merged = merge_profile(parsed, {"graduation_year": 2022}, current_year=YEAR)
    assert (merged.graduation_year, merged.years_since_graduation) == (2022, 3.0)


def test_merge_explicit_years_drop_conflicting_parsed_year() -> None:
    parsed = parse_profile("graduated in 2015", current_year=YEAR)
    merged = merge_profile(parsed, {"years_since_graduation": 2})
    assert (merged.graduation_year, merged.years_since_graduation) == (None, 2.0)


def test_merge_normalizes_explicit_specialty() -> None:
    merged = merge_profile(Profile(), {"specialty": "derm"})
    assert (merged.specialty, merged.specialty_class) == ("dermatology", "competitive")


def test_merge_rejects_malformed_explicit_values() -> None:
    with pytest.raises(ValidationError):
        merge_profile(Profile(), {"us_letters": "many"})


def test_describe_profile() -> None:
    profile = Profile(
        years_since_graduation=6, usce_hands_on_months=0, us_letters=0, step2_ck=231,
        specialty="internal medicine", specialty_class="primary",
    )  # fmt: skip
    assert describe_profile(profile) == (
        "I read your profile as: 6 years since graduation, no hands-on USCE, 0 US letters, "
        "Step 2 CK 231, targeting internal medicine."
    )
    assert describe_profile(Profile()) == "I could not read any profile facts from your question."


def test_describe_mentions_non_hands_on_experience_as_such() -> None:
    text = describe_profile(parse_profile("a 2-week observership", current_year=YEAR))
    assert "0.5 months of observership (not hands-on)" in text


def test_describe_says_one_as_one() -> None:
    """ "1 months of observership" was a slip the raters noticed (session 22)."""
    profile = Profile(usce_other_months=1, research_output=1, us_letters=1)
    text = describe_profile(profile)
    assert "1 month of observership" in text and "1 publication/abstract." in text, text
    assert "1 US letter" in text and "1 months" not in text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    # `_parse` is the parser without the safety net, so a bug cannot hide behind it
    assert isinstance(profile_module._parse(text, YEAR), Profile)
    assert isinstance(parse_profile(text, current_year=YEAR), Profile)
    # every span read is a real span of the text, and the text it names is the text there
    reading = read_profile(text, current_year=YEAR)
    for fact, span in reading.evidence.items():
        assert fact in reading.profile.known()
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == span.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "no ", "a ", "2-", "3 months ", "weeks ", "of ", "observership", "externship ", "step 2 ",
    "ck ", "230s ", "low ", "US ", "letters ", "and ", "or ", "graduated ", "2019 ", "yog ",
    "\x00", "\u202e", "é", "’", "—", "IM ", "derm ", "\n",
]), max_size=400).map("".join))  # fmt: skip
def test_parser_never_raises_on_phrase_soup(text: str) -> None:
    assert isinstance(profile_module._parse(text, YEAR), Profile)


@pytest.mark.parametrize(
    "text",
    [
        "I did a 2-week observership and 3 months of externships. " * 180,
        "a " * 5000,
        "1-" * 5000,
        "no " * 3400,
        "step 2 ck " * 1000,
        "graduated " * 1000,
        "only " * 2000 + "observership",
        "\x00\x01\x02 \u200b" * 2500,
    ],
    ids=["sentences", "articles", "dashes", "negations", "steps", "graduated", "only", "control"],
)
def test_long_inputs_parse_quickly(text: str) -> None:
    started = time.perf_counter()
    assert isinstance(profile_module._parse(text, YEAR), Profile)
    # not asserted: timing is machine-dependent; the print shows up with `pytest -s`
    print(f"{len(text)} chars in {time.perf_counter() - started:.3f} s")


# The parser probe (evals/datasets/profile_dev.jsonl): 50 self-descriptions written apart from the
# code and the eval questions, with the facts they state. A dev set: the parser was tuned on it.
# The lines it still misreads are listed with why; they xfail strictly, so a fix must remove them
# from this list and a regression on any other line fails.
KNOWN_MISSES = {
    "prof-008": "'3 months total, 1 of those an observership, the other 2 externships': no "
    "durations next to the kinds",
    "prof-047": "a hospital abroad named only by name (AIIMS)",
}
PROBE = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "evals/datasets/profile_dev.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            c,
            id=c["id"],
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[c["id"]])]
            if c["id"] in KNOWN_MISSES
            else [],
        )
        for c in PROBE
    ],
)
def test_parser_probe(case: dict[str, Any]) -> None:
    parsed = parse_profile(case["text"], current_year=case["current_year"]).model_dump()
    expected = dict(case["facts"])
    if "specialty" in expected:
        expected["specialty"] = normalize_specialty(expected["specialty"])[0]
    assert {k: parsed[k] for k in expected} == expected, case["text"]


# Kinds of wording found by the third independent forum set's dev part (session 12); each
# stated here in words of our own, with a variant, so a test names the kind, not the case.
@pytest.mark.parametrize(
    ("text", "facts"),
    [
        # scribing is US exposure, not hands-on USCE; the months are other experience
        (
            "I have a year of US clinical exposure from scribing in an ED.",
            {"usce_hands_on_months": 0.0, "usce_other_months": 12.0},
        ),
        ("6 months of US experience through shadowing", {"usce_hands_on_months": 0.0}),
        # "0 rotations" says none, as "no rotations" does
        ("0 clinical rotations so far, 2 yrs since graduation", {"usce_hands_on_months": 0.0}),
        ("zero rotations in the US yet", {"usce_hands_on_months": 0.0}),
        # a job away from patients
        (
            "since graduating it's been admin work, nothing clinical",
            {"home_clinical_recent": False},
        ),
        # a student then, a graduate now
        (
            "graduated 4 years ago; I did a clerkship as a final-year student back then",
            {"is_student": False, "years_since_graduation": 4.0},
        ),
        # intensified letters count
        ("the attending wrote me a really strong letter", {"us_letters": 1}),
        ("got a glowing letter from my PD", {"us_letters": 1}),
    ],
)
def test_kinds_of_wording_read(text: str, facts: dict[str, Any]) -> None:
    known = parse_profile(text, current_year=2026).known()
    assert {k: known.get(k) for k in facts} == facts, known


@pytest.mark.parametrize(
    "text",
    [
        "I booked an 8-week externship that starts in March.",
        "I've applied for an externship at a community hospital.",
        "I'm waitlisted for a sub-I in the spring.",
    ],
)
def test_a_rotation_booked_or_applied_for_is_not_an_experience(text: str) -> None:
    assert not {"externship", "sub-internship"} & set(
        parse_profile(text, current_year=2026).usce_types
    )


def test_a_later_turn_that_also_has_experience_adds_to_the_earlier_one() -> None:
    earlier = parse_profile(
        "8-week hands-on IM externship last year, 1 good letter", current_year=2026
    )
    text = "oh I forgot, I also did a 4 wk sub-I in 2023 and got a really strong letter"
    later = parse_profile(text, current_year=2026)
    both = added_to(earlier, later, text)
    assert (both.usce_hands_on_months, both.us_letters) == (3.0, 2)
    assert set(both.usce_types) == {"externship", "sub-internship"}
    # a correction replaces instead: no "also"
    fixed = "sorry, it was a 4 wk sub-I, not an externship"
    assert (
        added_to(earlier, parse_profile(fixed, current_year=2026), fixed).usce_hands_on_months
        == 1.0
    )


@pytest.mark.parametrize(
    ("said", "months"),
    [
        ("I have exactly ONE month free in July.", 1.0),
        ("I can't take more than 4 weeks off work.", 1.0),
        ("I can't be away for more than a month.", 1.0),
        ("I could manage a month away at most.", 1.0),
        ("i have 4 weeks free in december", 1.0),
        ("I have three months free before ERAS.", 3.0),
        ("I can only do 1 month.", 1.0),  # the wording read before: the same amount
        # a stay the visa allows
        ("my visa lets me stay only like 6 wks more in the US this year", 1.5),
        ("My visa allows me to stay just 1 month.", 1.0),
        ("I can stay in the US for only 6 weeks.", 1.5),
    ],
)
def test_the_time_available_in_its_many_wordings(said: str, months: float) -> None:
    """Metamorphic: each wording of "a month is all I have" reads what "I can only do 1
    month" reads, so the plan makes the most of the month instead of asking for 8–12 weeks."""
    assert parse_profile(said, current_year=2026).months_available == months


@pytest.mark.parametrize(
    "said", ["my visa lets me stay 2 years", "I can stay 6 months with my aunt in Houston"]
)
def test_a_stay_that_is_not_a_limit_is_not_time_available(said: str) -> None:
    """A stay said without "only" / "just" is where the time goes, not all the time there is."""
    assert parse_profile(said, current_year=2026).months_available is None


def test_time_that_cannot_be_taken_is_not_an_amount_available() -> None:
    """ "I cannot take two months' leave" says less than two months, not how much: unknown."""
    profile = parse_profile("I cannot take two months' leave from my job.", current_year=2026)
    assert profile.months_available is None


@pytest.mark.parametrize(
    ("said", "plainly"),
    [
        ("did 2 x 4wk US sub-Is in IM last summer", "did two 4-week US sub-Is in IM last summer"),
        ("I did 2x 4 week externships.", "I did two 4-week externships."),
        ("i have zero hands on, only a virtual rads elective (4 wks).",
         "i have zero hands on, only a 4 week virtual elective."),
    ],
)  # fmt: skip
def test_counts_and_kinds_written_oddly_read_as_written_plainly(said: str, plainly: str) -> None:
    """Metamorphic: "2 x 4wk" is "two 4-week"; "a virtual rads elective (4 wks)" is virtual,
    as "a 4 week virtual elective" is."""
    odd, plain = parse_profile(said, current_year=2026), parse_profile(plainly, current_year=2026)
    assert odd.usce_hands_on_months == plain.usce_hands_on_months
    assert odd.usce_other_months == plain.usce_other_months


def test_offers_being_compared_are_not_experience_had() -> None:
    """ "comparing an 8 wk hands-on externship vs an 8 wk observership … no usce yet": both are
    options; what was had is none."""
    text = (
        "comparing 8 wk hands-on externship at a community hosp vs 8 wk observership at a "
        "university hospital. which should i pick - 2024 grad, no usce yet"
    )
    profile = parse_profile(text, current_year=2026)
    assert profile.usce_hands_on_months == 0 and not profile.usce_other_months


@pytest.mark.parametrize(
    "said",
    [
        "2022 grad, not working rn",
        "i have been out of clinical since 2021",
        "I have not worked clinically since 2021",
        "2022 grad, currently unemployed",
    ],
)
def test_no_recent_clinical_work_in_its_many_wordings(said: str) -> None:
    """Metamorphic: each reads what "no clinical work since 2021" reads; "out of clinical
    trials" is about research, not patient care."""
    assert (
        parse_profile("no clinical work since 2021", current_year=2026).home_clinical_recent
        is False
    )
    assert parse_profile(said, current_year=2026).home_clinical_recent is False
    trials = parse_profile("out of clinical trials work since 2021", current_year=2026)
    assert trials.home_clinical_recent is None


def test_an_amount_had_stays_had_inside_a_question() -> None:
    """ "should i start it after my 60 days of hands-on externship?" asks about research; the
    60 days are had, as in "I did 60 days of hands-on externship"."""
    asked = "should i start research after my 60 days of hands-on externship?"
    plain = "I did 60 days of hands-on externship. should i start research?"
    assert parse_profile(asked, current_year=2026).usce_hands_on_months == 2.0
    assert parse_profile(plain, current_year=2026).usce_hands_on_months == 2.0
    assert (
        parse_profile("should i do 60 days of externship?", current_year=2026).usce_hands_on_months
        is None
    )


@pytest.mark.parametrize(
    ("said", "visa"),
    [
        ("I have a B1/B2 visa. externship or research?", "B1/B2"),
        ("I am on a J1 visa. research now?", "J-1"),
        ("can I still do an externship on my B1/B2?", "B1/B2"),
        ("green card came through, how long until I can start rotations?", "green card"),
        ("visa refused twice (B1/B2), can't get to the US for now.", None),
        ("my J1 application was refused", None),
        ("what about H-1B? does it matter for research jobs?", None),
        ("can I do research on H1B?", None),
    ],
)
def test_a_visa_is_read_only_when_it_is_held(said: str, visa: str | None) -> None:
    """A refused visa, or one only asked about, is not the applicant's: the answer must not
    tell them "I read your profile as: visa B1/B2" after two refusals."""
    assert parse_profile(said, current_year=2026).visa == visa


def test_weeks_in_the_us_said_plainly_are_not_time_available() -> None:
    """ "I have 6 weeks in the US (externship)" may be experience, not a limit; "I have just 6
    weeks in the US" is one."""
    assert (
        parse_profile("I have 6 weeks in the US (externship).", current_year=2026).months_available
        is None
    )
    assert (
        parse_profile("I have just 6 weeks in the US.", current_year=2026).months_available == 1.5
    )
