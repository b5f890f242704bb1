"""A deciding fact said two ways: the answer asks which is right and says what each would mean;
when every reading gives the same advice, it decides. Bad input never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.core.types import Profile, Verdict
from assistant.domain.clarify import decide_or_ask
from assistant.domain.profile import read_profile
from assistant.service import Advisor, QuestionError
from ingest.pipeline import run_ingest

YEAR = 2026
CONTRADICTORY = (
    "I don't have USCE yet. Just 2 months as an extern at a hospital in NY, and 2 letters "
    "from there. Graduated 2024. IM. Research now or USCE first?"
)


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    root = tmp_path_factory.mktemp("clarify") / "data"
    settings = Settings(corpus_dir=Path("corpus"), data_dir=root, embedder="fake")
    run_ingest(settings)
    return Advisor(settings)


def conflicts_of(text: str) -> dict[str, list[tuple[object, str]]]:
    reading = read_profile(text, current_year=YEAR)
    return {f: [(v, s.text) for v, s in said] for f, said in reading.conflicts.items()}


def test_no_usce_beside_hands_on_months_is_a_conflict_and_the_fact_stays_unknown() -> None:
    reading = read_profile(CONTRADICTORY, current_year=YEAR)
    assert reading.profile.usce_hands_on_months is None
    assert "usce_hands_on_months" not in reading.evidence
    assert conflicts_of(CONTRADICTORY) == {
        "usce_hands_on_months": [(2.0, "2 months as an extern"), (0.0, "don't have USCE")]
    }


@pytest.mark.parametrize(
    "text",
    [
        "No USCE yet, planning a 2 month externship. grad 2024",  # planned, not done
        "I did 2 months of externships; nothing in the US since. grad 2018",  # recency
        "I'm not a 'no USCE' person, I did a 3-month hands-on externship. grad 2018",  # quoted
        "Graduated 2019, class of 2019, no USCE",  # the same year twice
    ],
)
def test_what_is_not_a_contradiction(text: str) -> None:
    assert conflicts_of(text) == {}


def test_readings_that_change_the_verdict_are_asked_about() -> None:
    reading = read_profile(CONTRADICTORY, current_year=YEAR)
    said = {f: [(v, s.text) for v, s in x] for f, x in reading.conflicts.items()}
    decision, asks = decide_or_ask(reading.profile, said, current_year=YEAR)
    assert decision.verdict is None
    assert [a.fact for a in asks] == ["usce_hands_on_months"]
    verdicts = [r.verdict for r in asks[0].readings]
    assert verdicts[1] == Verdict.USCE_FIRST  # zero hands-on months: clinical first
    assert verdicts[0] != verdicts[1]


def test_readings_that_mean_the_same_decide() -> None:
    # 7 or 8 years out, no USCE: urgent either way, so nothing to ask
    text = "YOG 2019... no wait, I graduated 2018? Anyway: no USCE, no clinical work since 2020. IM"
    reading = read_profile(text, current_year=YEAR)
    assert "graduation_year" in reading.conflicts
    said = {f: [(v, s.text) for v, s in x] for f, x in reading.conflicts.items()}
    decision, asks = decide_or_ask(reading.profile, said, current_year=YEAR)
    assert asks == []
    assert decision.verdict == Verdict.USCE_URGENT


def test_no_conflict_is_the_plain_decision() -> None:
    decision, asks = decide_or_ask(
        Profile(usce_hands_on_months=0, years_since_graduation=1), {}, current_year=YEAR
    )
    assert asks == [] and decision.verdict == Verdict.USCE_FIRST


def test_the_answer_names_the_contradiction_and_what_each_reading_means(
    advisor: Advisor,
) -> None:
    answer = advisor.ask(CONTRADICTORY)
    assert answer.recommendation is None
    kinds = [b.kind for b in answer.blocks]
    assert kinds[0] == "missing_facts"
    text = answer.blocks[0].text
    assert "“2 months as an extern”" in text and "“don't have USCE”" in text
    assert "Which is right?" in text and "hands-on USCE first" in text
    assert answer.missing_facts == ["which is right about your hands-on US clinical experience"]
    # the other order says the same
    swapped = advisor.ask(
        "Graduated 2024. IM. Just 2 months as an extern at a hospital in NY, and 2 letters from "
        "there. I don't have USCE yet. Research now or USCE first?"
    )
    assert swapped.recommendation is None and swapped.missing_facts == answer.missing_facts


def test_a_later_turn_settles_a_contradiction(advisor: Advisor) -> None:
    history = [
        {"role": "user", "content": CONTRADICTORY},
        {"role": "assistant", "content": "Which is right?"},
    ]
    answer = advisor.ask(
        "the 2 months as an extern were hands-on, so 2 months of USCE", history=history
    )
    assert answer.recommendation is not None
    assert answer.profile["usce_hands_on_months"] == 2


@pytest.mark.parametrize(
    "question",
    [
        "😀🙏🏽🇰🇪" * 100,
        "Я выпускник 2019 года, нет USCE. 我想申请内科. research or USCE? مرحبا",
        "\u202e\u200b" * 50 + "graduated 2019, no USCE, IM",
        "no USCE " * 200,
    ],
)
def test_bad_input_gets_an_answer_not_a_crash(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question[:2000])
    assert answer.answer.strip()


def test_a_20000_character_message_is_refused_with_the_limit(advisor: Advisor) -> None:
    with pytest.raises(QuestionError, match="the limit is 2000"):
        advisor.ask("I graduated in 2019. " * 1000)
