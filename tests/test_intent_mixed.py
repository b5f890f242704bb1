"""Intent per ask (issue 16, item 6): a message that asks two things is answered for the part the
articles cover, and the other ask is named as not covered; context that only describes the
applicant (a green card, a hospital, a Step score) never turns a question into a refusal; a
message whose only ask is out of scope is refused with its topic named.

The messages here are written for these tests, not taken from the probe or the eval sets.
"""

from __future__ import annotations

import pytest

from assistant.domain.intent import (
    REASON_ABROAD,
    REASON_CLINICAL,
    REASON_DOCUMENTS,
    REASON_EXAMS,
    REASON_LOGISTICS,
    REASON_ONBOARDING,
    REASON_PRICES,
    REASON_SPECIFICS,
    REASON_STATISTICS,
    REASON_VENDOR,
    REASON_VISA,
    asks_only_facts,
    classify,
    has_own_topic,
    picks_among_options,
)

IN_SCOPE_ASK = "should i get more hands-on usce or start research?"


@pytest.mark.parametrize(
    ("other", "reason"),
    [
        ("also do I need step 3 before I apply?", REASON_EXAMS),
        ("btw which programs in Ohio take older grads?", REASON_SPECIFICS),
        ("and also what's the IMG match rate for IM?", REASON_STATISTICS),
        ("P.S. can someone proofread my personal statement?", REASON_DOCUMENTS),
        ("2) how do I get a J-1 waiver after residency?", REASON_VISA),
        ("also how many preference signals should I send?", REASON_LOGISTICS),
    ],
)
@pytest.mark.parametrize("order", ["in_scope_first", "other_first"])
def test_a_mixed_message_is_answered_and_names_the_ask_left_out(
    other: str, reason: str, order: str
) -> None:
    message = f"{IN_SCOPE_ASK} {other}" if order == "in_scope_first" else f"{other}\n{IN_SCOPE_ASK}"
    intent = classify(message)
    assert intent.in_scope, intent
    assert intent.prioritisation, intent
    assert [item.reason for item in intent.not_covered] == [reason]
    # What is searched is the in-scope ask alone.
    assert "research" in intent.stripped_question
    assert other.split()[-1] not in intent.stripped_question


@pytest.mark.parametrize(
    "message",
    [
        "does volunteering at a free clinic count as usce? im on a green card btw",
        "Green card holder, 2nd cycle. Is an observership enough or do I need hands-on rotations?",
        "I did 4 weeks at Mount Sinai Hospital as an observer. Does that count as USCE?",
        "CK 238, Step 3 not taken yet. how long should a research year be if I went unmatched?",
        "Need advice: I have 3 LoRs from my externship. Do I need research for IM?",
    ],
)
def test_context_that_looks_out_of_scope_does_not_refuse(message: str) -> None:
    intent = classify(message)
    assert intent.in_scope, intent
    assert intent.not_covered == ()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        # Only the ask decides; an in-domain backstory does not make it answerable.
        (
            "YOG 2019, 3 months USCE, 2 LoRs. Which programs in Texas are IMG friendly?",
            REASON_SPECIFICS,
        ),
        (
            "Need a list:\n- IM programs with no YOG cutoff\n- FM programs for 10+ YOG\n"
            "YOG 2012, no USCE.",
            REASON_SPECIFICS,
        ),
        (
            "I have 2 months of externships. AMO or the other rotation company, which is legit?",
            REASON_VENDOR,
        ),
        (
            "2023 grad preparing for USCE. My patient is 70 with potassium 6.8, what do I give?",
            REASON_CLINICAL,
        ),
        (
            "Chest pain and dizziness since my externship started. what should I do?",
            REASON_CLINICAL,
        ),
        (
            "CK 250, 3 months USCE. If I retake Step 3 will programs see my scores?",
            REASON_LOGISTICS,
        ),
    ],
)
def test_a_message_whose_only_ask_is_out_of_scope_is_refused(message: str, reason: str) -> None:
    intent = classify(message)
    assert not intent.in_scope, intent
    assert intent.reason == reason


def test_a_question_mark_inside_brackets_does_not_split_the_ask() -> None:
    # "(USCE hub?)" is an aside inside the vendor question, not an ask of its own.
    intent = classify("AMO vs the other one (USCE hub?) which is legit for hands-on IM?")
    assert (intent.in_scope, intent.reason) == (False, REASON_VENDOR)


def test_ps_in_a_sentence_is_not_a_postscript() -> None:
    intent = classify("can someone write my PS for IM? yog 2021, 3 mo hands-on usce")
    assert (intent.in_scope, intent.reason) == (False, REASON_DOCUMENTS)


def test_the_independent_scope_probe_dev_part() -> None:
    """evals/datasets/scope_mixed.jsonl (dev part; the held-out part is never tuned on) and
    scope_mixed_b.jsonl (all dev): written by helpers who read only the articles. Floors just
    under today's figures on the 460 dev messages."""
    from evals.scope_probe import load, score

    figures, misses = score(load("dev"))
    share = {name: hits / total for name, (hits, total) in figures.items()}
    assert share["in_scope_answered"] >= 0.97, misses
    assert share["out_of_scope_refused"] >= 0.92, misses
    assert share["topic_named"] >= 0.98, misses
    assert share["mixed_answered"] >= 0.89, misses
    assert share["left_out_named"] >= 0.93, misses


@pytest.mark.parametrize(
    ("message", "in_scope"),
    [
        # A kind of rotation: the articles answer (fee-based externships vary; check reputation).
        ("are paid observerships a scam?", True),
        ("Fee-based externships, worth it or a scam? 4k a month is a lot", True),
        # A particular seller or offer: the articles vouch for none.
        ("they want $2900 for a 4 week externship, is this legit?", False),
        ("paid externships through RotationHub: legit? they charge 3k", False),
    ],
)
def test_legit_about_a_kind_of_rotation_is_answered_about_a_seller_refused(
    message: str, in_scope: bool
) -> None:
    intent = classify(message)
    assert intent.in_scope is in_scope, intent
    if not in_scope:
        assert intent.reason == REASON_VENDOR


@pytest.mark.parametrize(
    ("message", "in_scope"),
    [
        # The articles' numbers, asked of their activities in the fewest words.
        ("how long should research be?", True),
        ("how many electives are enough?", True),
        ("ok and how many letters do I need?", True),
        ("when should I start rotations", True),
        # The same question form about something the articles do not cover.
        ("how long does a visa take?", False),
        ("how many letters are in the alphabet", False),
        ("how many calories in rice", False),
    ],
)
def test_a_short_how_long_or_how_many_question(message: str, in_scope: bool) -> None:
    assert classify(message).in_scope is in_scope


def test_questions_listed_under_a_lead_in_are_asks_of_their_own() -> None:
    intent = classify(
        "Two things: 1) does an observership at Cleveland Clinic count as USCE for IM apps? "
        "2) what's Cleveland Clinic's CK cutoff for IMGs? thx"
    )
    assert intent.in_scope, intent
    assert [item.reason for item in intent.not_covered] == [REASON_SPECIFICS]
    # a list that answers the lead-in's question stays one ask
    assert not classify("Need a list:\n- IM programs with no YOG cutoff\n- FM ones").in_scope


@pytest.mark.parametrize(
    ("message", "in_scope"),
    [
        # whether an experience counts is answered by its kind, wherever it was
        ("does an observership at Cleveland Clinic count as USCE?", True),
        ("Would an externship at Mayo count as hands-on USCE?", True),
        # the hospital itself is the question
        ("Does Mayo take observers?", False),
        # rating a plan is in scope, rating a document is not
        ("Rate it: FM, YOG 2025, CK 231. Plan: 6 weeks hands-on FM externship, then apply.", True),
        ("rate my plan: 3 months externships then research. missing anything?", True),
        ("here is my personal statement, rate it", False),
        ("Plan: apply in September. My PS draft is below, can you rate it?", False),
        # how to judge a kind of rotation is answered; whether one seller is legit is not
        ("how to find a legit externship and not get scammed? so many paid ones out there", True),
        ("how do I spot a scam observership?", True),
        ("they want $2900 for a 4 week externship, is this legit?", False),
    ],
)
def test_an_out_of_scope_surface_refuses_only_what_the_articles_do_not_cover(
    message: str, in_scope: bool
) -> None:
    assert classify(message).in_scope is in_scope


@pytest.mark.parametrize(
    ("typed", "dictated"),
    [
        (
            "the observership is free and the externship is 4000 dollars, worth it?",
            "the observer ship is free and the ex turn ship is 4000 dollars, worth it?",
        ),
        (
            "what is a sub-I and how is it different from an externship",
            "what is a sub-I and how is it different from an ex turn ship",
        ),
    ],
)
def test_words_typed_in_pieces_do_not_change_the_scope(typed: str, dictated: str) -> None:
    assert classify(dictated).in_scope == classify(typed).in_scope is True


def test_the_scope_traps_dev_part() -> None:
    """evals/datasets/scope_traps.jsonl (dev part): messages built to trap a careless scope
    check, by a helper who read only the articles (session 16). Floors just under its dev
    figures after tuning (79/80, 35/40, 34/35, 39/40, 29/39); the held-out third is not tuned on."""
    from evals.scope_probe import DATASETS, load, score

    figures, misses = score(load("dev", (DATASETS / "scope_traps.jsonl",)))
    share = {name: hits / total for name, (hits, total) in figures.items()}
    assert share["in_scope_answered"] >= 0.97, misses
    assert share["out_of_scope_refused"] >= 0.85, misses
    assert share["mixed_answered"] >= 0.95, misses
    assert share["left_out_named"] >= 0.72, misses


@pytest.mark.parametrize(
    "message",
    [
        # in scope under an out-of-scope surface
        "Years out: 9. Everyone tells me to quit. What should a person like me work on first?",
        "what are the warning signs of a pay-to-play 'research fellowship'?",
        "Just asking in general, not about any specific agency: how do I tell a real research "
        "position from an exploitative one?",
        "Voice memo transcript: so on the rotation how do I actually stand out day to day",
        "Is it fine to list my CRC job under clinical, or does it go under research?",
        "What should I hand my letter writers so the letters aren't generic?",
        "a resident offered to put my name on his meta-analysis for formatting help, ok?",
        "what makes it hard for a student abroad to get US electives?",
    ],
)
def test_in_scope_asks_under_an_out_of_scope_surface_are_answered(message: str) -> None:
    assert classify(message).in_scope, classify(message)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("Also how many FM programs should I apply to with 1 US letter?", REASON_LOGISTICS),
        ("do preference signals matter for programs where I rotated?", REASON_LOGISTICS),
        ("what's the ERAS character limit for each experience?", REASON_LOGISTICS),
        ("should I take CK before or after my 2 externships?", REASON_EXAMS),
        ("any data on how many matched IMGs had research only?", REASON_STATISTICS),
        ("fix the grammar of my email to the attending pls", REASON_DOCUMENTS),
        ("what's the work-up for syncope? my sub-I starts monday", REASON_CLINICAL),
        # (session 19: uncovered kinds the scope did not know)
        ("I have 2 US letters. Is $5k a normal price for a 4 week externship?", REASON_PRICES),
        ("observership done. how much would it cost in total for 2 months?", REASON_PRICES),
        ("can I do an observership on an ESTA?", REASON_VISA),
        ("IM applicant, 3 months USCE. when is the ERAS deadline this year?", REASON_LOGISTICS),
        ("how to upload my LoRs to ERAS?", REASON_LOGISTICS),
        ("should I waive my right to see my letters?", REASON_LOGISTICS),
        ("does MD Anderson take IMG research volunteers?", REASON_SPECIFICS),
        ("do I need malpractice insurance for a hands-on externship?", REASON_ONBOARDING),
        ("will the hospital run a background check before my sub-I?", REASON_ONBOARDING),
    ],
)
def test_out_of_scope_asks_in_the_articles_words_are_refused(message: str, reason: str) -> None:
    intent = classify(message)
    assert not intent.in_scope and intent.reason == reason, intent


def test_a_document_request_beside_a_real_question_answers_the_question() -> None:
    intent = classify(
        "Review my CV (pasted below) and tell me: are 2 home-country case reports enough, or "
        "do I need US research?"
    )
    assert intent.in_scope
    assert [item.reason for item in intent.not_covered] == [REASON_DOCUMENTS]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("H-1B or J-1, which is better for an IMG? and how much USCE do I need?", REASON_VISA),
        (
            "Canada or the US route, which is easier? Also how recent should my USCE be?",
            REASON_ABROAD,
        ),
    ],
)
def test_a_choice_between_visas_or_countries_is_named_as_not_covered(
    message: str, reason: str
) -> None:
    intent = classify(message)
    assert intent.in_scope, intent
    assert [item.reason for item in intent.not_covered] == [reason]


def test_a_visa_named_as_context_of_the_decision_is_not_an_ask() -> None:
    intent = classify("I'm on an H-1B, should I do research or USCE first?")
    assert intent.in_scope and not intent.not_covered


@pytest.mark.parametrize(
    "message",
    [
        # the only other ask is about rent: "which one??" picks among the offers laid out
        "2024 grad, no US experience yet. I got two offers: a research assistant job in a Boston "
        "lab and a 6-week hands-on IM externship in Ohio. which one?? also is 1800 a month normal "
        "rent in Boston??",
        # a fragment of the money context reads as unrelated; the ask still picks an offer
        "offered a paid lab job and an unpaid externship (I'd pay the fee + housing). 2025 "
        "grad, zero USCE. which one??",
    ],
)
def test_which_one_takes_the_topic_of_the_options_laid_out(message: str) -> None:
    assert classify(message).in_scope, classify(message)


def test_which_one_does_not_rescue_a_clinical_message() -> None:
    message = (
        "chest pain and shortness of breath since my externship started. which one, ER or clinic?"
    )
    assert not classify(message).in_scope


@pytest.mark.parametrize(
    "message",
    [
        "obs vs ext which better",  # the forums' short forms
        "is an obs letter worth anything or only ext ones",
        "why do programs care so much about the year of graduation? unfair to 12-yrs-out docs",
    ],
)
def test_short_forms_and_graduation_year_questions_are_in_scope(message: str) -> None:
    assert classify(message).in_scope, classify(message)


def test_obs_and_gynae_is_not_an_observership() -> None:
    assert not classify("best textbook for obs and gynae?").in_scope


def test_numbered_questions_inside_a_sentence_are_asks_of_their_own() -> None:
    intent = classify(
        "2024 grad here. my questions are 1) how many months of USCE do I need and 2) can "
        "letters be from surgery and 3) does Mayo Clinic take letters from externships? "
        "thanks in advance"
    )
    assert intent.in_scope, intent
    assert [n.text for n in intent.not_covered] == [
        "3) does Mayo Clinic take letters from externships?"
    ], intent.not_covered


@pytest.mark.parametrize(
    ("ask", "own"),
    [
        ("which one first?", False),
        ("Should I quit my job??", False),
        ("is that true?", False),
        ("how many letters do I need from the US?", True),
        ("how long tho?", True),  # an amount: the ask before it names the topic
        ("does a 2022 rotation still count or is it too old?", True),
    ],
)
def test_an_ask_names_a_topic_of_its_own_or_not(ask: str, own: bool) -> None:
    assert has_own_topic(ask) is own


def test_a_claim_checked_after_a_sentence_ending_in_a_short_form_is_a_question_of_fact() -> None:
    # "… in the US. Is that…": the claim reported is not the applicant's own choice
    message = (
        "My counsellor told me my 3 years in a hospital at home count as USCE and I don't need "
        "to do any in the US. Is that really how programs see it?"
    )
    assert asks_only_facts(message)


@pytest.mark.parametrize(
    "message",
    [
        "which is better, sub-I or externship? also roughly what do they cost",
        "is an externship worth it for FM? and what's the typical fee for one in Texas",
    ],
)
def test_a_price_asked_beside_a_real_question_is_named_as_not_covered(message: str) -> None:
    intent = classify(message)
    assert intent.in_scope and len(intent.not_covered) == 1, intent
    assert intent.not_covered[0].reason in (REASON_PRICES, REASON_SPECIFICS), intent


@pytest.mark.parametrize(
    ("ask", "picks"),
    [
        ("Research, or keep rotating?", True),
        ("which one?", True),
        ("which would you pick?", True),
        ("which one should I take?", True),
        ("what do i pick", True),
        ("who's right??", True),
        # an ask with a topic of its own is a question of its own
        ("which one gets better letters?", False),
        ("is the pubmed thing legit / worth it for my CV?", False),
        ("how many letters do I need?", False),
    ],
)
def test_an_ask_that_picks_among_options_is_told_from_a_question_of_its_own(
    ask: str, picks: bool
) -> None:
    assert picks_among_options(ask) is picks


# Session 19: asks of a mixed message that take their topic from the message's context, and
# uncovered asks of kinds the scope did not know. Messages written for these tests.
@pytest.mark.parametrize(
    ("message", "left_out"),
    [
        # an amount of what the context names
        (
            "Starting a 4 week FM externship in Ohio next month. how long should i stay to get a "
            "good letter, and whats the cheapest airbnb near the clinic",
            "airbnb",
        ),
        # a greeting before the question
        (
            "hi does a sub-I count the same as an externship for IM, also any cheap rooms near "
            "Mount Sinai?",
            "rooms",
        ),
        # the plan or the advice judged, after a weighing
        (
            "My PI says take a second research year, my mentor says do hands-on rotations. "
            "Is my mentor right? and does the research lab even pay a salary",
            "salary",
        ),
        # a price asked beside an in-scope ask about the same rotation
        (
            "I signed up for an 8 week IM externship. When should I ask the attending for a "
            "letter? Also can I get a refund if they cancel?",
            "refund",
        ),
        # a visa question beside an ask about the rotation the context names
        (
            "got a hands-on IM elective offer for 4 weeks. how do I make sure the letter is "
            "strong? and can I legally do it on a tourist visa",
            "tourist",
        ),
    ],
)
def test_an_in_scope_ask_is_kept_beside_an_uncovered_one(message: str, left_out: str) -> None:
    intent = classify(message)
    assert intent.in_scope, intent
    assert any(left_out in item.text.lower() for item in intent.not_covered), intent.not_covered
    assert left_out not in intent.stripped_question.lower()


@pytest.mark.parametrize(
    "message",
    [
        # a clinical context still refuses a bare "what should I do?"
        "I get chest pain at night since my externship started. what should I do?",
        # scraps of an out-of-scope ask do not take the context
        "what visa agency do u recommend for getting externships + letters quickly?",
        "2 months of hands-on USCE done. names of IMG friendly programs in Ohio plz, thanks!",
    ],
)
def test_context_does_not_rescue_an_uncovered_ask(message: str) -> None:
    assert not classify(message).in_scope


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        # a second question run on with "and", no comma
        (
            "is a sub-I the same thing as an externship and does either one get me a letter?",
            ["is a sub-I the same thing as an externship", "and does either one get me a letter?"],
        ),
        (
            "can research make up for no USCE and whats the usual length of a research year?",
            ["can research make up for no USCE", "and whats the usual length of a research year?"],
        ),
        # the other branch of an ask
        (
            "do I need research for IM? if yes how long should it be if not what else helps?",
            [
                "do I need research for IM?",
                "if yes how long should it be",
                "if not what else helps?",
            ],
        ),
    ],
)
def test_run_on_asks_are_asks_of_their_own(message: str, asks: list[str]) -> None:
    assert list(classify(message).asks) == asks


@pytest.mark.parametrize(
    "message",
    [
        # "and" inside one ask: an activity, a short question, a statement
        "is it better to rotate at a university hospital and do research there?",
        "how do I reapply and what changes? also can virtual rotations replace in person ones?",
        "I want to know how long and how hard a research year is?",
    ],
)
def test_and_inside_one_ask_does_not_split_it(message: str) -> None:
    asks = classify(message).asks
    assert not any(a.lower().startswith("and do research") for a in asks)
    assert "and what changes?" not in asks
    assert "and how hard a research year is?" not in asks


@pytest.mark.parametrize(
    "message",
    [
        # the ask after an uncovered one goes on with it, not with the applicant's story
        "3 months hands-on IM done, 2 US letters. what's the J-1 waiver process after residency? "
        "and how long would I have to serve",
        "IM applicant, 3 months USCE, 3 LoRs. how many preference signals for IM this year?? "
        "and should I use one on the program where I rotated?",
    ],
)
def test_an_ask_after_an_uncovered_one_does_not_take_the_story_as_its_topic(message: str) -> None:
    assert not classify(message).in_scope


@pytest.mark.parametrize(
    ("message", "facts_only"),
    [
        # a question of fact that compares two kinds of a thing, asked in general terms: the
        # answer is the comparison, not "Which applies to you?"
        ("what makes a clinical LoR strong vs a generic one?", True),
        ("how does a clinical letter differ from a research letter, content-wise?", True),
        # the writer's own choice stays a decision
        ("what makes more sense for me, a clinical LoR or a research one?", False),
        # the core choice asked bare is still the decision, whoever asks it
        ("research or USCE first?", False),
    ],
)
def test_a_general_comparison_is_a_question_of_fact(message: str, facts_only: bool) -> None:
    assert asks_only_facts(message, no_facts=True) is facts_only


def test_a_comparison_by_a_writer_whose_facts_were_read_stays_a_decision() -> None:
    # (of activities: two kinds of letter compared are a question of fact whoever asks, since
    # session 21: "what makes a clinical LoR strong vs a generic one?" weighs no activity)
    assert not asks_only_facts("what makes an externship better than a research year?")
    assert asks_only_facts("what makes a clinical LoR strong vs a generic one?")
