"""Every profile fact carries its evidence: the span of the user's message it was read from
(Answer.profile_evidence, design.md), or none when the fact was given explicitly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core.settings import Settings
from assistant.domain.profile import read_profile
from assistant.service import Advisor
from evals.applicant_probe import load
from evals.cases import QUESTIONS, load_jsonl
from ingest.pipeline import run_ingest

YEAR = 2026
MESSAGES = [row["message"] for row in load("all")] + [c["question"] for c in load_jsonl(QUESTIONS)]
# Follow-ups that state no fact: the profile after them must be the profile before them.
FACTLESS_FOLLOW_UPS = [
    "ok and how many letters do I need?",
    "thanks! and is that true for academic programs too?",
    "what about research then?",
    "does an observership count?",
    "and how long should it be?",
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence") / "data"
    run_ingest(Settings(corpus_dir=Path("corpus"), data_dir=root, embedder="fake"))
    return root


@pytest.fixture(scope="module")
def advisor(data_dir: Path) -> Advisor:
    return Advisor(Settings(corpus_dir=Path("corpus"), data_dir=data_dir, embedder="fake"))


def test_every_fact_read_from_every_probe_message_has_its_span() -> None:
    for message in MESSAGES:
        reading = read_profile(message, current_year=YEAR)
        assert set(reading.evidence) == set(reading.profile.known()), message
        for span in reading.evidence.values():
            assert message[span.start : span.end] == span.text != ""


def test_a_span_points_into_the_original_text_despite_normalisation() -> None:
    # full-width digits, curly quotes, a zero-width space and runs of spaces all change length
    # when normalised; the span must still be the writer's own characters
    message = "Hi!!  I\u200bgraduated   in ２０２１ — did “8 wks” of IM electives… want Psych"
    reading = read_profile(message, current_year=YEAR)
    assert reading.profile.years_since_graduation == 5
    assert reading.evidence["graduation_year"].text == "graduated   in ２０２１"
    assert reading.evidence["specialty"].text == "Psych"


def test_the_answer_names_each_facts_span_and_turn(advisor: Advisor) -> None:
    history = [
        {"role": "user", "content": "I graduated in 2016 and want an internal medicine residency."},
        {"role": "assistant", "content": "To recommend, I need your hands-on USCE months."},
    ]
    question = "I have no USCE and 2 LoRs. so what should I do first?"
    answer = advisor.ask(question, history=history)
    evidence = answer.profile_evidence
    assert set(evidence) == set(answer.profile)
    assert evidence["graduation_year"].turn == 0
    assert evidence["graduation_year"].text == "graduated in 2016"
    assert evidence["specialty"].text == "internal medicine"
    assert evidence["usce_hands_on_months"].turn == 1
    assert question[evidence["us_letters"].start : evidence["us_letters"].end] == "2 LoRs"


def test_a_later_statement_wins_with_its_own_evidence(advisor: Advisor) -> None:
    history = [{"role": "user", "content": "I graduated in 2016, no USCE."}]
    answer = advisor.ask("sorry, typo: I graduated in 2019", history=history)
    assert answer.profile["graduation_year"] == 2019
    assert answer.profile_evidence["graduation_year"].turn == 1
    assert answer.profile_evidence["usce_hands_on_months"].turn == 0


def test_explicit_facts_have_no_evidence(advisor: Advisor) -> None:
    answer = advisor.ask(
        "I graduated in 2016, no USCE, 1 LoR, want IM. What first?",
        profile={"us_letters": 3, "specialty": "psychiatry", "years_since_graduation": 2},
    )
    assert answer.profile["us_letters"] == 3
    for fact in ("us_letters", "specialty", "specialty_class", "years_since_graduation"):
        assert fact not in answer.profile_evidence
    assert "graduation_year" not in answer.profile  # the explicit count replaced it
    assert answer.profile_evidence["usce_hands_on_months"].text == "no USCE"


@pytest.mark.parametrize("follow_up", FACTLESS_FOLLOW_UPS)
def test_a_follow_up_never_adds_a_fact_the_applicant_did_not_state(
    advisor: Advisor, follow_up: str
) -> None:
    for message in MESSAGES[::25]:
        before = advisor.profile_for(message, None, None)
        history = [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        after, evidence, _ = advisor.reading_for(follow_up, history, None)
        assert after.known() == before.known(), (message, follow_up)
        assert all(span.turn == 0 for span in evidence.values())


def test_cli_explain_shows_the_words_each_fact_was_read_from(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVISOR_EMBEDDER", "fake")
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps({"us_letters": 3}))
    result = CliRunner().invoke(
        app,
        [
            "ask",
            "--explain",
            "--data-dir",
            str(data_dir),
            "--profile",
            str(profile),
            "MBBS '19, 8 wks of IM electives in Chicago, want IM. research next?",
        ],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "How your profile was read" in result.output
    assert "graduation year: 2019 — read from “MBBS '19”" in result.output
    assert "usce hands on months: 2.0 — read from “8 wks of IM electives”" in result.output
    assert "us letters: 3 — given in --profile" in result.output
    plain = CliRunner().invoke(
        app, ["ask", "--data-dir", str(data_dir), "MBBS '19, want IM"], env={"COLUMNS": "200"}
    )
    assert "How your profile was read" not in plain.output


def test_a_bare_none_to_the_assistants_question_is_read_with_its_evidence(
    advisor: Advisor,
) -> None:
    """ "none yet lol" answers "how much hands-on USCE do you have?": 0 months, its evidence
    the reply's words; the same reply to a turn that asked nothing reads nothing."""
    asked = [
        {"role": "user", "content": "MS3 in nigeria. should i do research or usce"},
        {"role": "assistant", "content": "How much hands-on US experience do you already have?"},
    ]
    profile, evidence, _ = advisor.reading_for("none yet lol, want psych", asked, None)
    assert profile.usce_hands_on_months == 0
    assert evidence["usce_hands_on_months"].text == "none yet lol"
    assert evidence["usce_hands_on_months"].turn == 1
    told = [asked[0], {"role": "assistant", "content": "Hands-on USCE comes first."}]
    assert (
        advisor.reading_for("none yet lol, want psych", told, None)[0].usce_hands_on_months is None
    )
