"""Answers by question kind, with the real MiniLM index (issue 18): an information question gets a
direct answer first (a number for "how long"), a decision gets the verdict, a plan and what would
change it, an undecided decision is answered both ways before facts are asked for, and the same
question in other words gets the same direct answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.core.types import Answer
from assistant.domain.rules import RULES
from assistant.service import Advisor
from assistant.text.evidence import stands_alone
from assistant.text.support import support
from ingest.pipeline import run_ingest

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    root = tmp_path_factory.mktemp("answer-kinds")
    settings = Settings(corpus_dir=Path("corpus"), data_dir=root / "data", embedder="minilm")
    run_ingest(settings)
    return Advisor(settings)


def kinds(answer: Answer) -> list[str]:
    return [b.kind for b in answer.blocks]


def direct(answer: Answer) -> str:
    return next(b.text for b in answer.blocks if b.kind == "direct_answer")


@pytest.mark.parametrize(
    "question",
    [
        "How long should I do research if I went unmatched? 1 year or 2?",
        "how many months of research should i plan for after my rotations",
        "Research duration: is 6 months enough or do I need a full year?",
    ],
)
def test_how_long_is_answered_with_a_number_first(real: Advisor, question: str) -> None:
    answer = real.ask(question)
    assert kinds(answer)[0] == "direct_answer", kinds(answer)
    assert re.search(r"\d", direct(answer)), direct(answer)
    assert "missing_facts" not in kinds(answer)[:1]


@pytest.mark.parametrize(
    "question",
    [
        "Does a case report or a QI project count as research?",
        "do QI projects and case reports count as research for ERAS?",
        "is a quality improvement project considered research?",
    ],
)
def test_does_x_count_leads_with_the_answer_not_a_quote(real: Advisor, question: str) -> None:
    answer = real.ask(question)
    lead = direct(answer)
    assert lead.startswith(("Yes", "No", "Usually", "Rarely", "Only")), lead
    assert "QI" in lead or "quality improvement" in lead, lead


def test_an_undecided_decision_is_answered_both_ways_before_asking(real: Advisor) -> None:
    answer = real.ask("Should I do research or USCE first? I am a 2023 grad")
    first = kinds(answer).index("missing_facts")
    assert first > 0 and set(kinds(answer)[:first]) == {"direct_answer"}, kinds(answer)
    both_ways = " ".join(str(getattr(b, "text", "")) for b in answer.blocks[:first])
    assert "no hands-on USCE" in both_ways and "add research" in both_ways, both_ways


def test_a_decision_gets_a_supported_plan_and_what_would_change(real: Advisor) -> None:
    answer = real.ask("yog 2022, no usce, no US letters, want IM. research or rotations first?")
    # the recommendation, its short answer in plain words when a card has one, then the plan
    order = [k for k in kinds(answer) if k != "direct_answer"]
    assert order[:3] == ["recommendation", "plan", "what_would_change"], kinds(answer)
    assert kinds(answer).index("plan") <= 2, kinds(answer)
    quotes = {c.n: c.quote for c in answer.citations}
    plan = next(b for b in answer.blocks if b.kind == "plan")
    assert 3 <= len(plan.items) <= 5
    for item in plan.items:
        cited = "\n".join(quotes[n] for n in item.citations)
        text = re.sub(r"\s*\[\d+\]", "", item.text)
        assert item.citations and support(text, cited).supported, item.text
    change = next(b for b in answer.blocks if b.kind == "what_would_change")
    assert "add research" in change.text, change.text


def test_an_information_question_with_a_profile_answers_it_then_decides(real: Advisor) -> None:
    answer = real.ask(
        "Do QI projects count as research? I'm a 2021 grad with 2 months of hands-on IM "
        "externships and 1 US letter."
    )
    assert kinds(answer)[0] == "direct_answer", kinds(answer)
    assert "recommendation" in kinds(answer)
    assert "QI" in direct(answer) or "quality improvement" in direct(answer), direct(answer)


def test_a_question_of_fact_with_too_few_facts_to_decide_is_answered_without_asking(
    real: Advisor,
) -> None:
    """The facts are the context of "how recent": the answer leads, with no request
    for facts and no "which applies to you?" in its place; with facts enough to decide, the
    same question is answered and then decided (above)."""
    answer = real.ask("how recent does USCE have to be? so far i did 2 months of IM externships")
    assert "missing_facts" not in kinds(answer) and answer.recommendation is None, kinds(answer)
    assert kinds(answer)[0] == "direct_answer", kinds(answer)
    decided = real.ask(
        "how recent does USCE have to be? so far i did 2 months of IM externships and got 2 US "
        "letters"
    )
    assert decided.recommendation is not None


FIRST = "yog 2022, no usce, 1 US letter, want IM. research or rotations first?"


def test_a_follow_up_without_new_facts_answers_it_and_does_not_repeat_the_verdict(
    real: Advisor,
) -> None:
    first = real.ask(FIRST)
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first.answer}]
    answer = real.ask("and do observerships count for anything?", history=history)
    assert "recommendation" not in kinds(answer) and "plan" not in kinds(answer), kinds(answer)
    assert answer.recommendation is not None
    assert answer.recommendation.verdict == first.recommendation.verdict  # type: ignore[union-attr]
    assert "recommendation stands" in answer.answer
    # the reason is cited, once: the sentence the rule's headline rests on, not all its quotes
    why = [b for b in answer.blocks if b.kind == "evidence" and b.title == "Why it stands:"]
    assert len(why) == 1 and len(why[0].items) == 1, answer.answer
    quote = next(c.quote for c in answer.citations if c.n == why[0].items[0].citations[0])
    rule = next(r for r in RULES if r.id == first.recommendation.rule_id)  # type: ignore[union-attr]
    assert quote in {q.text for q in rule.quotes}, quote


def test_a_follow_up_that_doubts_the_advice_hears_first_that_it_stands(real: Advisor) -> None:
    """ "But my friend matched with papers, doesn't that count?" moves no fact: the direct answer
    opens with the advice as it stands, in the rule's headline, cited with the rule's own
    sentence, then answers the point raised; the reason is not listed a second time."""
    first = real.ask(FIRST)
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first.answer}]
    answer = real.ask(
        "but my friend matched IM with zero USCE and 3 papers. doesn't research count?",
        history=history,
    )
    assert answer.recommendation is not None
    assert answer.recommendation.verdict == first.recommendation.verdict  # type: ignore[union-attr]
    assert "recommendation" not in kinds(answer), kinds(answer)
    lead = answer.blocks[0]
    assert lead.kind == "direct_answer" and lead.text.startswith(
        "For your facts the advice is still:"
    )
    opening = lead.citations[0]
    rule = next(r for r in RULES if r.id == first.recommendation.rule_id)  # type: ignore[union-attr]
    quote = next(c.quote for c in answer.citations if c.n == opening)
    assert quote in {q.text for q in rule.quotes}, quote
    assert support(lead.text.split(f"[{opening}]")[0], quote).supported
    assert not any(b.kind == "evidence" and b.title == "Why it stands:" for b in answer.blocks)


@pytest.mark.parametrize(
    ("earlier", "follow_up", "about"),
    [
        ("how many LoRs should I get?", "could my lab PI write one instead?", r"letter"),
        ("how many months of USCE do I need?", "do they have to be recent?", r"1.3 years"),
    ],
)
def test_a_short_follow_up_is_answered_about_the_earlier_topic(
    real: Advisor, earlier: str, follow_up: str, about: str
) -> None:
    """A pronoun ("they", "one") points back: the earlier question counts in the card chosen,
    while the follow-up alone has no card close enough to answer it."""
    alone = real.ask(follow_up)
    assert "direct_answer" not in kinds(alone), kinds(alone)
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": "…"}]
    answer = real.ask(follow_up, history=history)
    assert re.search(about, direct(answer)), direct(answer)


def test_a_follow_up_with_new_facts_says_what_changed_first(real: Advisor) -> None:
    first = real.ask(FIRST)
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first.answer}]
    answer = real.ask(
        "update: I just finished 3 months of hands-on externships and got 3 US letters. so?",
        history=history,
    )
    at = kinds(answer).index("recommendation")
    echo = answer.blocks[at - 1]
    assert echo.kind == "profile_echo" and "New in this message" in echo.text, kinds(answer)
    assert answer.recommendation is not None and answer.recommendation.verdict.value == (
        "ADD_RESEARCH"
    )


def test_a_follow_up_whose_new_fact_moves_nothing_answers_the_new_question(
    real: Advisor,
) -> None:
    earlier = "YOG 2023, no USCE at all, no US letters, want IM. research or externships first?"
    first = real.ask(earlier)
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": first.answer}]
    answer = real.ask(
        "problem is I only have a B1/B2 visa. can I even do a hands-on externship with it?",
        history=history,
    )
    assert kinds(answer)[0] == "direct_answer", kinds(answer)
    assert "recommendation" not in kinds(answer), kinds(answer)
    assert "It leaves the recommendation as it was: hands-on USCE first." in answer.answer
    assert answer.recommendation is not None
    assert answer.recommendation.verdict.value == "USCE_FIRST"


def test_a_follow_up_that_only_names_a_kind_does_not_say_no_facts_were_read(
    real: Advisor,
) -> None:
    """ "externship waitlists" names a kind of rotation, which the echo does not show: the
    profile read from the earlier turn stands, and the answer never claims none was read; nor
    is the wait read as months of externship."""
    first = real.ask(FIRST)
    history = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": first.answer}]
    answer = real.ask(
        "externship waitlists r like 6 months 😩 should i do observerships meanwhile or is that "
        "pointless",
        history=history,
    )
    assert "could not read any profile facts" not in answer.answer, answer.answer
    assert answer.profile_evidence["usce_hands_on_months"].turn == 0
    assert answer.recommendation is not None
    assert answer.recommendation.verdict == first.recommendation.verdict  # type: ignore[union-attr]


def test_a_follow_up_that_also_has_experience_adds_to_the_earlier_facts(real: Advisor) -> None:
    earlier = (
        "YOG 2021, working in IM wards at home until last month. Did an 8-week hands-on IM "
        "externship in Chicago last year, got 1 good letter. CK 241, applying IM. Research next?"
    )
    first = real.ask(earlier)
    assert first.recommendation is not None
    assert first.recommendation.verdict.value == "USCE_FIRST"
    history = [{"role": "user", "content": earlier}, {"role": "assistant", "content": first.answer}]
    answer = real.ask(
        "wait, I forgot: I also did a 4 wk sub-I in 2023 and the attending wrote me a really "
        "strong letter. does that change anything?",
        history=history,
    )
    assert (answer.profile["usce_hands_on_months"], answer.profile["us_letters"]) == (3.0, 2)
    assert answer.recommendation is not None
    assert answer.recommendation.verdict.value == "ADD_RESEARCH"


@pytest.mark.parametrize(
    ("text", "alone"),
    [
        ("USMLE Step 1 / Step 2 CK (or equivalent)", False),
        ("Preferably at a university-affiliated IM department", False),
        ("Research, publications, posters, QI projects", False),
        ("Strong US letters are currency.", True),
        ("Keep 1–2 clinical half-days if possible while doing research", True),
        # a scenario's premise states a goal the applicant never gave
        ("You want Internal Medicine or Neurology.", False),
        ("You want any IM/FM spot you can realistically get.", False),
        ("You want depth, not just quantity.", True),
    ],
)
def test_a_quote_shown_alone_reads_as_a_statement(text: str, alone: bool) -> None:
    assert stands_alone(text) is alone


@pytest.mark.parametrize(
    "question",
    [
        "what do programs look for in an IMG application?",
        "derm applicant, what research should I do?",
        "is a research year worth it after going unmatched?",
    ],
)
def test_every_evidence_quote_stands_alone(real: Advisor, question: str) -> None:
    answer = real.ask(question)
    quotes = {c.n: c.quote for c in answer.citations}
    for block in answer.blocks:
        if block.kind == "evidence":
            for item in block.items:
                assert all(stands_alone(quotes[n]) for n in item.citations), item.text


def test_each_question_of_a_multi_part_message_gets_its_answer(real: Advisor) -> None:
    answer = real.ask(
        "Is an observership enough for IM? And how many months of hands-on USCE should I get "
        "before I apply?"
    )
    directs = [b.text for b in answer.blocks if b.kind == "direct_answer"]
    assert len(directs) >= 2, kinds(answer)
    assert any(re.search(r"\d", text) for text in directs), directs


def test_a_further_question_of_a_multi_part_message_is_named_with_its_answer(
    real: Advisor,
) -> None:
    answer = real.ask(
        "unmatched once, CK 238, 2 months externship, 1 LoR. should I do research now? also can "
        "research compensate for my score?"
    )
    named = [b for b in answer.blocks if b.kind == "direct_answer" and b.asks]
    assert [b.asks for b in named] == ["can research compensate for my score?"], kinds(answer)
    assert "**On “can research compensate for my score?”:**" in answer.answer


def test_the_applicants_own_options_are_answered_after_the_verdict(real: Advisor) -> None:
    answer = real.ask(
        "YOG 2022, IM, no US exp yet. options for that month: (a) 4wk hands-on IM externship "
        "(b) 4wk observership at Mayo (c) 4wk research elective. which one??"
    )
    order = kinds(answer)
    assert order[:2] == ["recommendation", "direct_answer"], order
    pick = answer.blocks[1]
    assert pick.text.startswith("Take the hands-on externship"), pick.text
    assert "observership" in pick.text and pick.citations


@pytest.mark.parametrize(
    "question",
    [
        # statements only: the message is one ask, its sentences are not asks of their own
        "Choice 1: helping at a free clinic on weekends for 5 months. Choice 2: a 4-week "
        "hands-on IM externship. 2022 grad, CK 240, no USCE, IM. Money for one only.",
        # a second ask typed without its question mark
        "derm img need usce? and how many pubs",
        "is a virtual rotation worth it. and how recent should usce be",
        "Rate it: IM, YOG 2024, money tight. Plan: 6 weeks hands-on IM externship then apply.",
        # offers laid out, a question of their own beside them: the pick answers after the verdict
        "Offer 1: hands-on FM externship starting now. Offer 2: IM observership in 3 months. I "
        "want IM. does FM experience even help for IM? 2024 grad, no usce",
    ],
)
def test_an_answer_has_at_most_one_in_short(real: Advisor, question: str) -> None:
    answer = real.ask(question)
    unnamed = [b for b in answer.blocks if b.kind == "direct_answer" and not b.asks]
    assert len(unnamed) <= 1, [b.text[:60] for b in unnamed]
    assert answer.answer.count("**In short:**") <= 1, answer.answer
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    firsts = list(dict.fromkeys(markers))
    assert firsts == sorted(firsts), firsts  # sources numbered in reading order


def test_a_question_typed_without_its_mark_is_named(real: Advisor) -> None:
    answer = real.ask("is an observership hands-on? and how many letters do i need")
    assert any(getattr(b, "asks", None) == "how many letters do i need" for b in answer.blocks), [
        (b.kind, getattr(b, "asks", None)) for b in answer.blocks
    ]


def test_each_of_four_numbered_asks_is_answered_or_named(real: Advisor) -> None:
    """A post that numbers four questions gets an answer to each of the four, and a price
    after them is named as not covered rather than answered with a card that shares a word."""
    answer = real.ask(
        "IMG 2022, want IM. 1) how many months of hands-on USCE do I need? 2) how many US "
        "letters? 3) does an observership count as USCE? 4) how recent does the USCE need to "
        "be? 5) is $4000 for a 4 week externship a normal price?"
    )
    asked = [b.asks or "" for b in answer.blocks if b.kind == "direct_answer"]
    named = [b.text for b in answer.blocks if b.kind == "notice" and b.code == "not_covered"]
    assert any("recent" in a for a in asked), asked  # the fourth ask has its own answer
    assert any("normal price" in n for n in named), named
    assert not any("price" in a for a in asked), asked
