"""What a message takes back (assistant/domain/corrections.py) is not read. Metamorphic: a
message with a typo and its correction reads as the message written right the first time."""

from __future__ import annotations

import pytest

from assistant.domain.corrections import retracted, without_retracted
from assistant.domain.profile import parse_profile

YEAR = 2026


def facts(text: str) -> dict[str, object]:
    profile = parse_profile(text, current_year=YEAR)
    return {k: v for k, v in profile.model_dump().items() if v not in (None, [], {})}


@pytest.mark.parametrize(
    ("corrected", "right"),
    [
        ("I graduated 2019 — sorry, typo, 2022. IM, no USCE yet.",
         "I graduated 2022. IM, no USCE yet."),
        ("Graduated 2020, oops I mean 2023! 1 month hands-on externship in Ohio.",
         "Graduated 2023! 1 month hands-on externship in Ohio."),
        ("8 weeks (not 8 months, autocorrect) of hands-on IM externship in Texas. Grad 2024.",
         "8 weeks of hands-on IM externship in Texas. Grad 2024."),
        ("I want neurosurgery, actually no, scratch that, I'm going for family medicine. "
         "Grad 2023.", "I'm going for family medicine. Grad 2023."),
        ("I said I stopped clinical work in 2019 but I misspoke, I'm working as a GP now. IM.",
         "I'm working as a GP now. IM."),
    ],
)  # fmt: skip
def test_a_corrected_message_reads_as_the_right_one(corrected: str, right: str) -> None:
    assert facts(corrected) == facts(right)


@pytest.mark.parametrize(
    "text",
    [
        "I graduated 2022 and have 2 letters.",
        "I did not do research (not yet).",
        "I have an externship offer (not started) and 1 LoR.",
        "Sorry for the long post. I graduated 2021.",
        "",
        "(not 5",
    ],
)
def test_nothing_is_taken_back_unless_a_value_is_corrected(text: str) -> None:
    assert without_retracted(text) == text
    assert len(without_retracted(text)) == len(text)


def test_retracted_spans_keep_offsets_and_line_breaks() -> None:
    text = "YOG 2018 — sorry, typo,\n2021.\nIM."
    blanked = without_retracted(text)
    assert len(blanked) == len(text) and blanked.count("\n") == text.count("\n")
    assert "2021" in blanked and "2018" not in blanked
    assert all(start < end for start, end in retracted(text))
