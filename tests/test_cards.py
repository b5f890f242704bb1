"""Answer cards (issue 18): every quote verbatim in its article, every answer sentence supported
by the quotes it cites, and the kind of answer a question asks for read from its words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answer.cards import (
    EARLIER_TURN_WEIGHT,
    KINDS,
    Card,
    CardTerms,
    asked_kinds,
    in_context,
    load_cards,
    match,
)
from assistant.core.types import Profile
from assistant.domain.rules import holds
from assistant.text.support import needed_passages, split_sentences, support

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CARDS = load_cards()


def test_the_cards_cover_the_articles_topics() -> None:
    assert len(CARDS) >= 60
    assert len({c.id for c in CARDS}) == len(CARDS)
    assert {c.kind for c in CARDS} == set(KINDS)
    phrasings = [p.lower() for c in CARDS for p in c.asks]
    assert len(phrasings) == len(set(phrasings)), "a phrasing must point to one card"


@pytest.mark.parametrize("card", CARDS, ids=[c.id for c in CARDS])
def test_each_answer_sentence_rests_on_verbatim_quotes(card: Card) -> None:
    texts = []
    for quote in card.quotes:
        source = (CORPUS / f"{quote.doc_id}.txt").read_text(encoding="utf-8")
        assert quote.text in source, quote.text
        texts.append(quote.text)
    for sentence in split_sentences(card.answer):
        keep = needed_passages(sentence, texts)
        assert support(sentence, "\n".join(texts[i] for i in keep)).supported, sentence


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how long should research be?", "number"),
        ("How many US letters do I need", "number"),
        ("1 year or 2 of research?", "number"),
        ("does a case report count as research?", "yes_no"),
        ("Is an observership enough?", "yes_no"),
        ("observership vs externship for IM", "comparison"),
        ("how do I get a strong letter from my attending", "how"),
        ("what is a sub-internship", "what"),
    ],
)
def test_the_kind_of_answer_asked_for(question: str, kind: str) -> None:
    assert kind in asked_kinds(question)


def test_a_missing_field_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "cards.toml"
    bad.write_text('[[card]]\nid = "x"\nkind = "number"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_cards(bad)


def test_a_key_term_names_its_card() -> None:
    """BM25 over the cards' words: an abbreviation is spelled out, and the card that holds the
    term scores highest (scaled to 1.0)."""
    scores = CardTerms(CARDS).scores("what is a sub-I exactly")
    assert max(scores, key=scores.__getitem__) == "sub-internship"
    assert max(scores.values()) == 1.0
    assert CardTerms(CARDS).scores("zzzz qqqq") == {}


def _card(card_id: str, kind: str = "number") -> Card:
    return Card(card_id, f"topic {card_id}", kind, (), "An answer.", ())


def test_shared_terms_outrank_slightly_closer_context() -> None:
    """Similarity follows a message's context; the key terms keep its focus. A card 0.05 less
    similar but holding the question's terms wins; without terms the closer card wins."""
    cards = [_card("context"), _card("focus")]
    question = np.array([1.0, 0.0])
    vectors = [np.array([[0.80, 0.6]]), np.array([[0.75, 0.66]])]
    assert match("x", question, cards, vectors).card.id == "context"  # type: ignore[union-attr]
    found = match("x", question, cards, vectors, {"focus": 1.0, "context": 0.2})
    assert found is not None and found.card.id == "focus"
    assert found.score == pytest.approx(0.75)  # the threshold still sees similarity alone
    assert found.rank_score == pytest.approx(0.75 + 0.3)


def test_a_follow_up_mixes_in_its_earlier_question_at_a_lower_weight() -> None:
    vector, terms = in_context(
        np.array([1.0, 0.0]), {"a": 1.0}, np.array([0.0, 1.0]), {"a": 0.5, "b": 1.0}
    )
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0)
    assert vector[0] > vector[1] > 0  # the follow-up leads, the earlier question counts
    assert terms == pytest.approx({"a": 1 + EARLIER_TURN_WEIGHT * 0.5, "b": EARLIER_TURN_WEIGHT})


def test_a_card_for_another_applicant_is_passed_over() -> None:
    """ "Is it too late at 4 YOG?" from someone with 2 months of externships is not answered by
    the card for 5+ YOG with no USCE; unknown facts never rule a card out."""
    older = next(c for c in CARDS if c.id == "older-grad-priority")
    general = _card("general")
    vectors = [np.array([[1.0, 0.0]]), np.array([[0.6, 0.8]])]
    question = np.array([1.0, 0.0])
    has_usce = Profile(years_since_graduation=4, usce_hands_on_months=2)
    found = match("x", question, [older, general], vectors, applicant=has_usce)
    assert found is not None and found.card.id == "general"
    for profile in (None, Profile(), Profile(years_since_graduation=6, usce_hands_on_months=0)):
        found = match("x", question, [older, general], vectors, applicant=profile)
        assert found is not None and found.card.id == "older-grad-priority"


def test_card_conditions_name_real_facts_and_operators() -> None:
    conditioned = [c for c in CARDS if c.when]
    assert conditioned
    for card in conditioned:
        for cond in card.when:
            assert cond.fact in Profile.model_fields, (card.id, cond.fact)
            assert holds(cond, Profile()), (card.id, "an unknown fact must not rule a card out")
            assert cond.op in ("==", "!=", "<", "<=", ">", ">="), (card.id, cond.op)


def test_a_yes_or_no_opener_is_said_only_to_a_yes_or_no_question() -> None:
    """ "Yes: …" answers "is USCE a filter?", not "how much do programs screen on USCE?" nor a
    card shown beside a verdict for "what should I do next?"."""
    from assistant.answer.composer import _said

    card = next(c for c in load_cards() if c.sentences[0].startswith("Yes:"))
    assert _said(card, "is lack of USCE a filter for IMGs?")[0].startswith("Yes:")
    for put in ("how much do programs screen on USCE?", "what should I do next?"):
        first = _said(card, put)[0]
        assert not first.lower().startswith("yes") and first[:1].isupper(), first
    assert _said(card, "")[0] == card.sentences[0]


def test_an_im_only_card_is_passed_over_for_other_specialties() -> None:
    """The academic-IM priority list is not the answer for a dermatology or psychiatry
    applicant; for IM, and when the specialty is unknown, it stays."""
    card = next(c for c in CARDS if c.id == "academic-im-ranking")
    assert card.fits(Profile()) and card.fits(Profile(specialty="internal medicine"))
    for specialty, cls in (("dermatology", "competitive"), ("psychiatry", "primary")):
        assert not card.fits(Profile(specialty=specialty, specialty_class=cls)), specialty
    primary = next(c for c in CARDS if c.id == "primary-care-specialties")
    assert not primary.fits(Profile(specialty="dermatology", specialty_class="competitive"))


def test_a_card_written_for_a_situation_is_passed_over_for_applicants_outside_it() -> None:
    """ "If you're 4–5+ years out and mostly doing non-clinical work …" is not the answer for a
    2023 graduate, nor for someone working clinically at home all along; "if you can stay 12–24
    months …" is not for someone with six weeks. Unknown facts do not rule a card out."""
    by_id = {c.id: c for c in CARDS}
    for card_id in ("research-fix-clinical-gap", "old-clinical-work-gap"):
        card = by_id[card_id]
        assert card.fits(Profile()) and card.fits(Profile(years_since_graduation=6)), card_id
        assert not card.fits(Profile(years_since_graduation=2)), card_id
        assert not card.fits(Profile(years_since_graduation=6, home_clinical_recent=True))
    for card_id in ("stay-in-us-12-24-months", "clinical-half-days-during-research"):
        card = by_id[card_id]
        assert card.fits(Profile()) and card.fits(Profile(months_available=18)), card_id
        assert not card.fits(Profile(months_available=1.5)), card_id


def test_a_card_arguing_for_research_never_follows_a_clinical_first_verdict() -> None:
    """ "Is he right that research makes up for my fail?" after "hands-on USCE first": a card
    saying research is a differentiator would undo the recommendation; after "add research",
    or with no verdict, it may be said."""
    from assistant.answer.composer import _leans_against
    from assistant.core.types import Verdict

    leaning = [c for c in CARDS if c.leans]
    assert {c.leans for c in leaning} == {"research", "clinical"}
    card = next(c for c in leaning if c.id == "research-match-data")
    assert _leans_against(card, Verdict.USCE_FIRST) and _leans_against(card, Verdict.USCE_URGENT)
    assert not _leans_against(card, Verdict.ADD_RESEARCH) and not _leans_against(card, None)
    neutral = next(c for c in CARDS if not c.leans)
    assert not any(_leans_against(neutral, verdict) for verdict in Verdict)


def test_a_card_arguing_for_clinical_work_never_answers_beside_a_research_verdict() -> None:
    """ "Isn't that a waste? everyone says research is overrated" from an applicant the rules send
    to research now: "'just do more research' is overrated" or "research can wait" would undo
    the recommendation; beside a clinical-first verdict, or with none, they may be said."""
    from assistant.answer.composer import _leans_against
    from assistant.core.types import Verdict

    for card_id in ("just-do-more-research", "research-can-wait", "only-afford-one"):
        card = next(c for c in CARDS if c.id == card_id)
        assert card.leans == "clinical"
        assert _leans_against(card, Verdict.ADD_RESEARCH)
        assert _leans_against(card, Verdict.RESEARCH_AND_USCE)
        assert not _leans_against(card, Verdict.USCE_FIRST) and not _leans_against(card, None)


def test_a_general_yes_or_no_card_leaves_the_decision_to_the_verdict() -> None:
    """ "Is a research year the right move now?" from someone the rules send to research is not
    answered "No:" by the card on whether research guarantees a match: beside a verdict, a
    general card's opener goes; a card written for the applicant's situation keeps it."""
    from assistant.answer.composer import _said

    general = next(c for c in CARDS if not c.when and c.sentences[0].startswith(("No:", "Yes:")))
    question = "is a research year the right move now?"
    assert _said(general, question)[0] == general.sentences[0]
    first = _said(general, question, decided=True)[0]
    assert not first.startswith(("No", "Yes")) and first[:1].isupper(), first
    fitted = next(c for c in CARDS if c.when and c.sentences[0].startswith(("No:", "Yes:")))
    assert _said(fitted, question, decided=True)[0] == fitted.sentences[0]


def test_a_yes_or_no_opener_needs_one_of_the_cards_questions_close() -> None:
    """ "Is observership ok for someone 8 years out?" matched on the recency card's answer words
    must not be told "Yes: … that's a problem": without a close question of its own the card
    is said without its opener; with one, as written."""
    from assistant.answer.cards import OPENER_MIN_SCORE, CardMatch
    from assistant.answer.composer import _said

    card = next(c for c in CARDS if c.sentences[0].startswith("Yes:") and not c.when)
    question = "is observership ok for someone who graduated 8 years ago?"
    far = CardMatch(card, 0.7, 0.9, ask_score=OPENER_MIN_SCORE - 0.1).answer
    near = CardMatch(card, 0.7, 0.9, ask_score=OPENER_MIN_SCORE + 0.1).answer
    assert far == card and far.id == card.id  # the same card, said differently
    assert not _said(far, question)[0].startswith("Yes")
    assert _said(near, question)[0].startswith("Yes:")


def test_the_match_scores_the_cards_questions_apart() -> None:
    card = Card("general", "topic", "number", ("an ask",), "An answer.", ())
    # rows: topic, one ask, answer; the question is the topic itself, far from the ask
    vectors = [np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])]
    found = match("x", np.array([1.0, 0.0]), [card], vectors)
    assert found is not None and found.ask_score == pytest.approx(0.0)
