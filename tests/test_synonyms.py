"""Domain wording spelled out for the models (assistant/text/synonyms.py)."""

from __future__ import annotations

import pytest

from assistant.text.synonyms import expand_query, name_scores, spell_out


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("will research make up for my 221?", "will research make up for my 221 score?"),
        ("CK 245, YOG 2021", "CK 245 score, YOG 2021"),
        ("step 2: 219 (i know)", "step 2: 219 score (i know)"),
        ("221 score", "221 score"),  # already named
        ("paid $250 for it", "paid $250 for it"),  # an amount
        ("1,250 dollars", "1,250 dollars"),
        ("250k in loans", "250k in loans"),
        ("graduated 2021", "graduated 2021"),  # a year
        ("3.5 months, 2 pubs", "3.5 months, 2 pubs"),
        ("240 weeks", "240 weeks"),
    ],
)
def test_a_bare_step_score_is_named_as_a_score(text: str, named: str) -> None:
    assert name_scores(text) == named


def test_abbreviations_are_spelled_out_and_expanded() -> None:
    assert "US clinical experience" in spell_out("no USCE yet")
    assert "letters of recommendation" in expand_query("how many LoRs?")
    # "im" inside "I'm" is not internal medicine
    assert "internal medicine" not in spell_out("I'm not sure")
