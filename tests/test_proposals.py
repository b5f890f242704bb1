"""Model-assisted reading (issue 16, item 7): a model's proposed facts are used only on the
deterministic reading's terms. Pure checks of `accept_proposals`, then the structured-output call
and the service through LangChain fake chat models (the real llama.cpp server: test_llm_real.py).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.core.settings import Settings
from assistant.core.types import Profile
from assistant.domain.profile import FactSpan, ProfileReading, read_profile
from assistant.domain.proposals import ProposedFact, accept_proposals
from assistant.llm.facts import propose_facts
from assistant.service import Advisor
from ingest.pipeline import run_ingest

YEAR = 2026
EMPTY = ProfileReading(Profile(), {})


def accept(message: str, *facts: ProposedFact, reading: ProfileReading = EMPTY) -> Any:
    return accept_proposals(message, reading, facts, current_year=YEAR)


def test_a_fact_with_its_words_in_the_message_is_used_with_its_span() -> None:
    message = "Finished med school in the summer of twenty nineteen, now in Lagos."
    reading, rejected = accept(
        message,
        ProposedFact("graduation_year", 2019, "med school in the summer of twenty nineteen"),
    )
    assert rejected == []
    assert reading.profile.graduation_year == 2019
    assert reading.profile.years_since_graduation == 7  # derived, with the same evidence
    span = reading.evidence["graduation_year"]
    assert message[span.start : span.end] == span.text
    assert span.text == "med school in the summer of twenty nineteen"
    assert reading.evidence["years_since_graduation"] == span


def test_a_specialty_is_named_as_the_lexicon_names_it() -> None:
    reading, rejected = accept(
        "my heart is set on the brain surgery life",
        ProposedFact("specialty", "neurosurgery", "brain surgery life"),
    )
    assert rejected == []
    assert reading.profile.specialty == "neurosurgery"
    assert reading.profile.specialty_class is not None


@pytest.mark.parametrize(
    ("fact", "reason"),
    [
        (ProposedFact("us_letters", 3, "three strong letters"), "not in the message"),
        (ProposedFact("us_letters", "many", "letters from my attendings"), "not a valid value"),
        (ProposedFact("us_letters", 2, "letters from my attendings"), "without a number"),
        (ProposedFact("usce_hands_on_months", 2, "2 months observing in Houston"), "not hands-on"),
        (ProposedFact("visa", "J-1", "letters from my attendings"), "not a fact the rules read"),
        (ProposedFact("specialty", "astrology", "letters from my attendings"), "not a specialty"),
        (ProposedFact("us_letters", 2, ""), "not in the message"),
    ],
)
def test_a_proposal_that_fails_a_check_is_not_used(fact: ProposedFact, reason: str) -> None:
    message = "I have letters from my attendings and did 2 months observing in Houston."
    reading, rejected = accept(message, fact)
    assert reading == EMPTY
    assert len(rejected) == 1 and reason in rejected[0].reason


def test_the_deterministic_reading_wins_over_a_different_proposal() -> None:
    message = "2019 grad, 3 months of hands-on externships in IM."
    reading = read_profile(message, current_year=YEAR)
    assert reading.profile.usce_hands_on_months == 3
    after, rejected = accept(
        message,
        ProposedFact("usce_hands_on_months", 5, "3 months of hands-on externships"),
        ProposedFact("graduation_year", 2019, "2019 grad"),  # the same value: nothing changes
        reading=reading,
    )
    assert after.profile == reading.profile and after.evidence == reading.evidence
    assert [r.reason for r in rejected] == ["contradicts the deterministic reading"]


def test_a_fact_stated_two_ways_stays_a_question() -> None:
    said = [(2016, FactSpan(0, 4, "2016")), (2019, FactSpan(10, 14, "2019"))]
    reading = ProfileReading(Profile(), {}, {"graduation_year": said})
    after, rejected = accept(
        "2016 grad 2019 grad", ProposedFact("graduation_year", 2019, "2019"), reading=reading
    )
    assert after.profile.graduation_year is None
    assert rejected[0].reason == "the message states this fact two ways"


def test_evidence_matches_across_case_and_spacing() -> None:
    message = "Both   of my ATTENDINGS\nwrote strong letters"
    reading, _ = accept(message, ProposedFact("us_letters", 2, "both of my attendings"))
    assert reading.profile.us_letters == 2
    assert reading.evidence["us_letters"].text == "Both   of my ATTENDINGS"


# --------------------------------------------------------------------------------------------
# The structured-output call, through fake chat models


class ToolCallingFake(GenericFakeChatModel):
    """Answers prose like GenericFakeChatModel; bound to tools, answers with `tool_args`."""

    tool_args: dict[str, Any] | None = None
    fail: bool = False

    def bind_tools(self, tools: Any, *, tool_choice: Any = None, **kwargs: Any) -> Any:
        if self.fail:
            return GenericFakeChatModel(messages=iter([]))  # raises when called
        call = {"name": "StatedFacts", "args": self.tool_args or {"facts": []}, "id": "call-1"}
        return GenericFakeChatModel(messages=iter([AIMessage(content="", tool_calls=[call])]))


def prose_model(**kwargs: Any) -> ToolCallingFake:
    reply = AIMessage(content="Get hands-on US clinical experience first [1].")
    return ToolCallingFake(messages=itertools.repeat(reply), **kwargs)


def test_propose_facts_reads_the_structured_output() -> None:
    model = prose_model(
        tool_args={"facts": [{"name": "us_letters", "value": 2, "evidence": "both attendings"}]}
    )
    assert propose_facts(model, "both attendings wrote for me") == [
        ProposedFact("us_letters", 2, "both attendings")
    ]


def test_a_model_without_structured_output_proposes_nothing() -> None:
    plain = GenericFakeChatModel(messages=iter([AIMessage(content="hi")]))
    assert propose_facts(plain, "2019 grad") == []


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("proposals")
    settings = Settings(
        corpus_dir=Path("corpus"), data_dir=root / "data", embedder="fake", llm_read_facts=True
    )
    run_ingest(settings)
    return settings


MESSAGE = (
    "I'm a 2020 graduate targeting internal medicine, and I wrapped up a trio of month-long "
    "inpatient rotations in Chicago hospitals, all hands-on. Research or more clinical first?"
)
PROPOSED = {
    "facts": [
        {
            "name": "usce_hands_on_months",
            "value": 3,
            "evidence": "a trio of month-long inpatient rotations",
        },
        # invented: these words are nowhere in the message
        {"name": "us_letters", "value": 3, "evidence": "three great US letters"},
    ]
}


def test_the_service_uses_accepted_proposals_with_their_evidence(settings: Settings) -> None:
    advisor = Advisor(settings, chat_models={"openai:fake": prose_model(tool_args=PROPOSED)})
    answer = advisor.ask(MESSAGE, llm="openai:fake")
    assert answer.profile.get("usce_hands_on_months") == 3
    assert "us_letters" not in answer.profile
    span = answer.profile_evidence["usce_hands_on_months"]
    assert MESSAGE[span.start : span.end] == "a trio of month-long inpatient rotations"


def test_without_the_setting_or_when_the_model_fails_the_reading_is_deterministic(
    settings: Settings,
) -> None:
    plain = Advisor(
        settings.model_copy(update={"llm_read_facts": False}),
        chat_models={"openai:fake": prose_model(tool_args=PROPOSED)},
    )
    baseline = plain.ask(MESSAGE)  # grounded: no model at all
    assert plain.ask(MESSAGE, llm="openai:fake").profile == baseline.profile
    failing = Advisor(settings, chat_models={"openai:fake": prose_model(fail=True)})
    answer = failing.ask(MESSAGE, llm="openai:fake")
    assert answer.profile == baseline.profile
    assert not answer.abstained


def test_a_proposal_resting_on_someone_elses_words_is_not_used() -> None:
    """ "my roommate has 3 LoRs" is the roommate's: a model that reads it as the applicant's
    letters is refused, while the applicant's own words still count."""
    from assistant.domain.attribution import applicant_only

    message = "My roommate has 3 LoRs and 4 months of externships. Me: 1 month hands-on, 1 LoR."
    reading = read_profile(message, current_year=YEAR)
    facts = (
        ProposedFact("research_output", 2, "4 months of externships"),
        ProposedFact("us_letters", 3, "3 LoRs"),
    )
    accepted, rejected = accept_proposals(
        message, reading, facts, current_year=YEAR, own=applicant_only(message)
    )
    assert accepted.profile.us_letters == 1  # the applicant's, read deterministically
    assert {r.reason for r in rejected} >= {
        "its evidence is about someone other than the applicant"
    }
