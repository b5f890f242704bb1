"""The Advisor service: question (+ profile, + history) → one `Answer`, for every surface.

Order of work: scope check → profile → rules verdict → hybrid retrieval → grounded composer →
citation verification. With a model backend (`local`, `openai:M`, `ollama:M`), the guarded chain
of `assistant.llm` then writes the prose: the grounded answer is still composed first, because it
is the fallback whenever the model fails or too little of its draft survives the guard.
The index loads when the Advisor is built; chat models on first use, kept in a small LRU cache
(a few backends at most, so no caller can grow it without bound). Which backends a *request*
may choose is `allowed_backend`'s business, checked by the API before anything is built.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answer.cards import MIN_SCORE as CARD_MIN_SCORE
from assistant.answer.cards import MIN_SCORE_OVER_VERDICT as CARD_MIN_SCORE_OVER_VERDICT
from assistant.answer.cards import MIN_SCORE_WITHOUT_TOPIC as CARD_MIN_SCORE_WITHOUT_TOPIC
from assistant.answer.cards import Card, CardTerms, in_context, load_cards, match
from assistant.answer.composer import ABSTAIN_TEXT, CitationRegistry, Composed, compose
from assistant.answer.render import render
from assistant.core.blocks import Notice, NoticeBlock
from assistant.core.events import ErrorEvent, FinalEvent, MetaEvent, StreamEvent, TokenEvent
from assistant.core.limits import MAX_QUESTION_CHARS
from assistant.core.settings import Settings
from assistant.core.types import (
    Answer,
    Citation,
    FactEvidence,
    Profile,
    ScoredChunk,
    Timings,
    Verdict,
)
from assistant.domain.attribution import applicant_only
from assistant.domain.clarify import Clarification, decide_or_ask
from assistant.domain.intent import (
    Intent,
    asks_only_facts,
    classify,
    has_own_topic,
    picks_among_options,
    with_situation,
)
from assistant.domain.options import Pick, judge_plan, lays_out_offers, pick_option
from assistant.domain.plan import branches, plan_for, what_would_change
from assistant.domain.profile import (
    FactSpan,
    ProfileReading,
    added_to,
    describe_profile,
    merge_profile,
    read_profile,
)
from assistant.domain.proposals import accept_proposals
from assistant.domain.replies import reply_reading
from assistant.domain.rules import Decision, Rule
from assistant.llm.backends import (
    Backend,
    BackendError,
    BackendNotAllowed,
    BackendUnavailable,
    allowed_backends,
    check_allowed,
    parse_backend,
)
from assistant.llm.similarity import EmbeddingSimilarity
from assistant.retrieval.hybrid import HybridRetriever
from assistant.retrieval.searches import searches
from assistant.text.citations import verify_all
from assistant.text.evidence import rank_spans, spans_of
from assistant.text.synonyms import name_scores
from ingest.embedder import Embedder, embed_cached, embedder_for
from ingest.index import IndexSnapshot, open_index

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.llm.guard import GuardResult

log = logging.getLogger(__name__)
# Chat models kept built (LRU); at least the allowed backends fit, so they never evict each other.
MIN_CACHED_MODELS = 4
__all__ = [
    "Advisor",
    "BackendError",
    "BackendNotAllowed",
    "BackendNotEnabled",
    "InvalidBackend",
    "QuestionError",
    "standalone_question",
]


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long); the message says why."""


class InvalidBackend(QuestionError, BackendError):
    """The `llm` option is not a backend string: a bad request, like a bad question."""


class BackendNotEnabled(InvalidBackend, BackendNotAllowed):
    """The `llm` option names a backend this server does not let requests choose."""


Turn = Mapping[str, Any]


def _user_turns(history: Sequence[Turn] | None) -> list[str]:
    return [str(t.get("content", "")) for t in history or [] if t.get("role") == "user"]


def _asked_before(history: Sequence[Turn] | None) -> list[str]:
    """Per user turn (the history's, then the question), the assistant turn right before it:
    what a short reply ("none yet") answers. "" where none came before."""
    out, last = [], ""
    for t in history or []:
        if t.get("role") == "user":
            out.append(last)
            last = ""
        else:
            last = str(t.get("content", ""))
    return [*out, last]


def standalone_question(question: str, history: Sequence[Turn] | None) -> str:
    """A retrieval query for a follow-up: short, context-free questions borrow the last turn.

    Deterministic (no model): "and what about research then?" alone retrieves nothing useful.
    """
    earlier = _earlier_question(question, history)
    return question if earlier is None else f"{earlier} {question}"


def card_vectors(cards: Sequence[Card], embedder: Embedder, settings: Settings) -> list[np.ndarray]:
    """Per card, its phrasings' embeddings: read from the model folder, where `advisor ingest`
    (or the first process that needs them) stores them; embedding all ~1450 takes about 4.5 s."""
    texts = [p for card in cards for p in card.phrasings]
    vectors = embed_cached(embedder, texts, settings.encoder_dir, "cards")
    out, at = [], 0
    for card in cards:
        out.append(vectors[at : at + len(card.phrasings)])
        at += len(card.phrasings)
    return out


def store_card_vectors(settings: Settings, embedder: Embedder | None = None) -> None:
    """Embed the answer cards' phrasings ahead of the first server start (after an ingest), so
    that no start waits for them; milliseconds when they are stored already."""
    card_vectors(load_cards(), embedder or embedder_for(settings), settings)


def _first_of_each(cards: list[tuple[Card, str | None]]) -> list[tuple[Card, str | None]]:
    """Each card once, with the first question it answers: named by that question when one of
    the message's asks is what it answers."""
    named = {card.id for card, ask in cards if ask is not None}
    seen: set[str] = set()
    out = []
    for card, ask in cards:
        if card.id not in seen and (ask is not None or card.id not in named):
            seen.add(card.id)
            out.append((card, ask))
    return out


def _weighs_options(turn: _Turn) -> bool:
    """Whether the message weighs the applicant's options, asked in so many words ("rotation or
    research?") or laid out to choose between ("Got 2 offers: (a) … or (b) …"): the verdict
    and its pick answer it, not a card that leads."""
    return turn.intent.chooses or lays_out_offers(turn.intent.stripped_question)


def _earlier_question(question: str, history: Sequence[Turn] | None) -> str | None:
    """The question a short follow-up continues ("can they be from my research PI?"): the last
    user turn, for a question under 12 words."""
    turns = _user_turns(history)
    return turns[-1] if turns and len(question.split()) < 12 else None


@dataclass
class _Turn:
    """One question on its way through the service (internal)."""

    question: str
    history: list[Turn]
    started: float
    intent: Intent
    applicant: Profile
    decision: Decision | None
    notices: list[str] = field(default_factory=list)
    evidence: dict[str, FactEvidence] = field(default_factory=dict)
    asks: list[Clarification] = field(default_factory=list)


# More asks than this are a list of facts, not questions. (Four: a fourth ask is a real one in
# forum posts that number their questions, "4) do the letters have to be recent?"; forum dev:
# 14 of 976 answers gain an answer, lead and evidence equal or better.)
MAX_OTHER_ASKS = 4
SHORT_ASK_WORDS = 8  # an ask of a multi-part message shorter than this continues the one before


def _card_text(turn: _Turn, query: str) -> str:
    """What an answer card is matched on: the message itself, not a follow-up joined with its
    earlier turn, which finds the earlier topic's card (forum dev follow-ups: 11/20 right this
    way, 5/20 joined)."""
    return turn.intent.stripped_question or query


def _with_proposals(
    reader: BaseChatModel, text: str, own: str, reading: ProfileReading, year: int
) -> ProfileReading:
    """The reading plus the model's accepted proposals (their words the applicant's own: `own`
    is `text` with other people's sentences blanked); the reading alone if the model fails."""
    from assistant.llm.facts import propose_facts

    try:
        proposals = propose_facts(reader, text)
    except Exception as exc:  # a model failure never costs the deterministic reading
        log.info("model-assisted reading failed: %s", exc)
        return reading
    accepted, rejected = accept_proposals(text, reading, proposals, current_year=year, own=own)
    for item in rejected:
        log.info("proposed %s=%r not used: %s", item.fact.name, item.fact.value, item.reason)
    return accepted


class Advisor:
    """Answers questions from one index snapshot, with the grounded backend or a guarded model.

    Args:
        settings: The settings (backend, endpoints, timeouts).
        index: An open index snapshot (default: the one in `settings.data_dir`).
        embedder: The query embedder (default: `settings.embedder`).
        chat_models: Ready chat models by backend name, used instead of building them from the
            settings: how tests plug in LangChain's fake chat models.

    Raises:
        BackendError: `settings.allowed_llms` holds something that is not a backend string.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        index: IndexSnapshot | None = None,
        embedder: Embedder | None = None,
        chat_models: Mapping[str, BaseChatModel] | None = None,
    ) -> None:
        self.settings = settings
        self.index = index or open_index(settings.data_dir, settings.chroma_url)
        self.embedder = embedder or embedder_for(settings)
        self.retriever = HybridRetriever(self.index, self.embedder)
        self._cards = load_cards()
        self._card_matrix: list[np.ndarray] | None = None
        self._card_terms = CardTerms(self._cards)
        self._cards_lock = threading.Lock()
        # Request policy: validated now, so a typo in ADVISOR_ALLOWED_LLMS stops start-up.
        self.allowed: frozenset[str] = allowed_backends(settings)
        self._given: dict[str, BaseChatModel] = dict(chat_models or {})
        self._models: OrderedDict[str, BaseChatModel] = OrderedDict()
        self._models_max = max(MIN_CACHED_MODELS, len(self.allowed))
        self._models_lock = threading.Lock()
        self.text_similarity = EmbeddingSimilarity(self.embedder.embed)

    @property
    def texts(self) -> dict[str, str]:
        """Canonical document texts by id (citations are verified against them)."""
        return self.index.texts

    def profile_for(
        self,
        question: str,
        history: Sequence[Turn] | None,
        explicit: Profile | Mapping[str, Any] | None,
    ) -> Profile:
        """Facts from earlier user turns, then this question (later wins), then explicit (wins)."""
        return self.reading_for(question, history, explicit)[0]

    def reading_for(
        self,
        question: str,
        history: Sequence[Turn] | None,
        explicit: Profile | Mapping[str, Any] | None,
        reader: BaseChatModel | None = None,
    ) -> tuple[Profile, dict[str, FactEvidence], dict[str, list[tuple[Any, str]]]]:
        """`profile_for`, with the span each fact was read from (its user turn and offsets),
        and the facts the conversation states two ways (each value with the words it was read
        from) that no later turn settled.

        A fact keeps the evidence of the turn whose value won; a fact given explicitly has
        none, since the applicant did not write it in the conversation. With a `reader` model,
        the question (not the earlier turns, read when they were asked) also gets the facts the
        model proposes and `domain.proposals` accepts.
        """
        year = dt.date.today().year
        profile = Profile()
        evidence: dict[str, FactEvidence] = {}
        conflicts: dict[str, list[tuple[Any, str]]] = {}
        texts = [*_user_turns(history), question]
        asked = _asked_before(history)
        for turn, text in enumerate(texts):
            reading = read_profile(text, current_year=year, earlier="\n".join(texts[:turn]))
            replied, (start, end) = reply_reading(text, asked[turn])
            if replied := {k: v for k, v in replied.items() if k not in reading.profile.known()}:
                # "none yet" to "how much hands-on USCE do you have?"; what the reply says
                # itself wins. Its evidence is the reply's "none".
                none = FactSpan(start=start, end=end, text=text[start:end])
                reading = dataclasses.replace(
                    reading,
                    profile=reading.profile.model_copy(update=replied),
                    evidence={**reading.evidence, **dict.fromkeys(replied, none)},
                )
            if reader is not None and turn == len(texts) - 1:
                own = applicant_only(text, "\n".join(texts[:turn]))
                reading = _with_proposals(reader, text, own, reading, year)
            later = added_to(profile, reading.profile, text) if turn else reading.profile
            profile = merge_profile(profile, later, current_year=year)
            for fact in reading.profile.known():
                conflicts.pop(fact, None)  # a later turn that states it plainly settles it
            for fact, said in reading.conflicts.items():
                conflicts[fact] = [(value, span.text) for value, span in said]
            for fact in reading.profile.known():
                span = reading.evidence.get(fact)
                if span is None:
                    evidence.pop(fact, None)
                else:
                    evidence[fact] = FactEvidence(
                        start=span.start, end=span.end, text=span.text, turn=turn
                    )
        if explicit:
            profile = merge_profile(profile, dict(explicit), current_year=year)
            given = Profile.model_validate(dict(explicit)).known()
            for fact in given:
                evidence.pop(fact, None)
            if "specialty" in given:
                evidence.pop("specialty_class", None)
            if "graduation_year" in given or "years_since_graduation" in given:
                for fact in ("graduation_year", "years_since_graduation"):
                    evidence.pop(fact, None)
        known = profile.known()
        unsettled = {fact: said for fact, said in conflicts.items() if fact not in known}
        return profile, {f: span for f, span in evidence.items() if f in known}, unsettled

    # ----------------------------------------------------------------------------------------
    # Backends

    def backend(self, llm: str | None = None) -> Backend:
        """The backend for a call: the per-call `llm` string, else `settings.llm`.

        Raises:
            InvalidBackend: not a known backend string (a `QuestionError` and a `BackendError`).
        """
        try:
            return parse_backend(llm or self.settings.llm)
        except BackendError as exc:
            raise InvalidBackend(str(exc)) from None

    def allowed_backend(self, llm: str | None = None) -> Backend:
        """`backend(llm)`, if requests may choose it here: `grounded`, `settings.llm` and
        `settings.allowed_llms`. The API calls this before anything is built or loaded; library
        and CLI callers (the operator) may use any backend through `ask` directly.

        Raises:
            InvalidBackend: not a backend string.
            BackendNotEnabled: a backend string, but not an allowed one (also an InvalidBackend).
        """
        backend = self.backend(llm)
        try:
            return check_allowed(backend, self.allowed)
        except BackendNotAllowed as exc:
            raise BackendNotEnabled(str(exc)) from None

    def chat_model(self, backend: Backend) -> BaseChatModel:
        """The backend's chat model, built on first use and kept in a bounded LRU cache
        (`max(4, len(allowed))` models), so the allowed backends stay built and no sequence of
        calls can grow the cache without bound. Models given to the constructor always stay.

        Raises:
            BackendUnavailable: the backend's package is missing or a setting is unset.
        """
        given = self._given.get(backend.name)
        if given is not None:
            return given
        with self._models_lock:
            model = self._models.get(backend.name)
            if model is not None:
                self._models.move_to_end(backend.name)
                return model
            from assistant.llm.backends import chat_model

            model = self._models[backend.name] = chat_model(backend, self.settings)
            while len(self._models) > self._models_max:
                evicted, _ = self._models.popitem(last=False)
                log.info("chat model %s evicted from the cache", evicted)
            return model

    def loaded_chat_models(self) -> dict[str, BaseChatModel]:
        """The chat models built so far, for an Advisor on a new index to start with."""
        with self._models_lock:
            return {**self._given, **self._models}

    def close(self) -> None:
        """Release the index (its vector store and its lease on the generation)."""
        self.index.close()

    # ----------------------------------------------------------------------------------------
    # Asking

    def intent_for(
        self,
        question: str,
        *,
        profile: Profile | Mapping[str, Any] | None = None,
        history: Sequence[Turn] | None = None,
    ) -> Intent:
        """How a question is read once the applicant's facts are read (in scope? a
        prioritisation?), without answering it: what `evals.intent_probe` scores.

        Raises:
            QuestionError: the question is empty or too long.
        """
        return self._turn(question, profile, history).intent

    def ask(
        self,
        question: str,
        *,
        profile: Profile | Mapping[str, Any] | None = None,
        history: Sequence[Turn] | None = None,
        llm: str | None = None,
    ) -> Answer:
        """Answer one question.

        Args:
            question: The user's question.
            profile: Explicit profile facts (they win over facts read from the text).
            history: Earlier chat turns, `{"role": "user" | "assistant", "content": str}`.
            llm: Backend for this call (`grounded`, `local`, `openai:M`, `ollama:M`); default
                `settings.llm`.

        Returns:
            The Answer. A model that fails or misbehaves yields the grounded answer with a
            notice, never an exception.

        Raises:
            QuestionError: the question is empty or too long.
            BackendError: `llm` is not a backend string.
        """
        final: Answer | None = None
        for event in self._events(question, profile, history, llm):
            if isinstance(event, FinalEvent):
                final = event.answer
        assert final is not None  # _events always ends with a final answer or raises
        return final

    def ask_stream(
        self,
        question: str,
        *,
        profile: Profile | Mapping[str, Any] | None = None,
        history: Sequence[Turn] | None = None,
        llm: str | None = None,
    ) -> Iterator[StreamEvent]:
        """Answer one question as a stream of typed events (assistant.core.events), for the API
        and the chat page, in this order:

        - `MetaEvent`: the question, backend, profile, recommendation (the verdict is known
          before any model runs) and the numbered `sources` the draft's [n] markers refer to;
        - `TokenEvent` (model backends only), repeated: draft text as it comes;
        - `FinalEvent`: the verified Answer; it replaces the draft (whose unverified sentences
          may be gone, and whose citations are renumbered);
        - `ErrorEvent` instead, for a question that cannot be answered.

        Args:
            question: As for `ask`.
            profile: As for `ask`.
            history: As for `ask`.
            llm: As for `ask`.

        Yields:
            Events. Never raises.
        """
        try:
            yield from self._events(question, profile, history, llm)
        except QuestionError as exc:
            yield ErrorEvent(error="bad_request", detail=str(exc))
        except Exception as exc:  # the stream is open: report it, never a traceback
            log.exception("ask_stream failed")
            yield ErrorEvent(error="internal", detail=type(exc).__name__)

    def _events(
        self,
        question: str,
        profile: Profile | Mapping[str, Any] | None,
        history: Sequence[Turn] | None,
        llm: str | None,
    ) -> Iterator[MetaEvent | TokenEvent | FinalEvent]:
        """Meta, tokens (model backends), final; raises QuestionError for a bad question."""
        backend = self.backend(llm)
        model: BaseChatModel | None = None
        unavailable: list[str] = []
        if backend.uses_model:
            try:
                model = self.chat_model(backend)  # built, not contacted: that waits for a call
            except BackendUnavailable as exc:
                unavailable.append(
                    Notice.LLM_UNAVAILABLE.with_detail(f"{exc}; showing the grounded answer")
                )
        reader = model if model is not None and self.settings.llm_read_facts else None
        turn = self._turn(question, profile, history, reader)
        if not turn.intent.in_scope:
            answer = self._abstain(turn)
            yield _meta(answer, backend.name, [])
            yield FinalEvent(answer=answer)
            return
        turn.notices.extend(unavailable)

        query = standalone_question(turn.intent.stripped_question or turn.question, turn.history)
        condensed, attempts = None, 2
        if model is not None and _user_turns(turn.history) and self.settings.llm_condense:
            from assistant.llm.run import condense

            try:
                condensed = condense(
                    model,
                    turn.intent.stripped_question or turn.question,
                    turn.history,
                    self.settings.llm_timeout_s,
                )
            except Exception as exc:  # counts as the first attempt: at most one retry in all
                log.info("condensing the follow-up failed: %s", exc)
                attempts = 1
            query = condensed or query

        t0 = time.perf_counter()
        rule = turn.decision.rule if turn.decision is not None else None
        queries = searches(query, rule.rationale if rule is not None else None)
        # One forward pass for every text this turn embeds: the searches, the card match and,
        # for a message of several asks, each ask (its own card).
        other_asks = turn.intent.asks[:MAX_OTHER_ASKS] if len(turn.intent.asks) > 1 else []
        self.retriever.prefetch(
            [q for q, _ in queries], extra=[_card_text(turn, query), *other_asks]
        )
        evidence = self.retriever.retrieve_all(queries, self.settings.top_k)
        retrieve_ms = _ms(t0)
        t1 = time.perf_counter()
        composed = self._compose(turn, query, evidence)
        grounded = self._grounded(turn, composed, retrieve_ms, t1)
        if model is None:
            yield _meta(grounded, "grounded", grounded.citations)
            yield FinalEvent(answer=grounded)
            return

        from assistant.llm.run import final_answer, generate, prompt_inputs

        sources = self._sources(turn, query, composed, evidence)
        yield _meta(grounded, backend.name, sources)
        echo = describe_profile(turn.applicant) if turn.intent.prioritisation else None
        result: GuardResult | None = None
        for item in generate(
            model,
            prompt_inputs(grounded, query, echo),
            sources,
            similarity=self.text_similarity,
            stall_s=self.settings.llm_timeout_s,
            attempts=attempts,
        ):
            if isinstance(item, TokenEvent):
                yield item
            else:
                result = item
        assert result is not None  # generate always ends with a result
        yield FinalEvent(
            answer=final_answer(
                grounded,
                result,
                backend=backend.name,
                sources=sources,
                texts=self.texts,
                report={"sources": len(sources), "standalone_question": condensed},
                timings=Timings(retrieve=retrieve_ms, generate=_ms(t1), total=_ms(turn.started)),
            ),
        )

    def _turn(
        self,
        question: str,
        profile: Profile | Mapping[str, Any] | None,
        history: Sequence[Turn] | None,
        reader: BaseChatModel | None = None,
    ) -> _Turn:
        started = time.perf_counter()
        question = (question or "").strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(
                f"the question is {len(question)} characters; the limit is {MAX_QUESTION_CHARS}"
            )
        turns = list(history or [])
        explicit = _stated_facts(profile)
        intent = classify(question, history=turns or None, explicit=explicit)
        if not intent.in_scope:
            return _Turn(question, turns, started, intent, Profile(), None)
        applicant, evidence, conflicts = self.reading_for(question, turns, profile, reader)
        situated = with_situation(intent, applicant, explicit=bool(explicit))
        decision, asks = (
            decide_or_ask(applicant, conflicts, current_year=dt.date.today().year)
            if situated.prioritisation
            else (None, [])
        )
        if (
            situated.prioritisation
            and (decision is None or decision.verdict is None)
            and asks_only_facts(intent.stripped_question, no_facts=not applicant.known())
        ):
            # Only questions of fact ("how recent does USCE have to be? I did 2 months of
            # externships"), with too few facts to decide: the questions are answered, and no
            # request for facts or "which applies to you?" stands in for the answer.
            intent = dataclasses.replace(situated, prioritisation=False)
            decision, asks = None, []
        else:
            intent = situated
        notices = [Notice.INJECTION_IGNORED.value] if intent.injection else []
        notices += [Notice.NOT_COVERED.with_detail(item.reason) for item in intent.not_covered]
        return _Turn(question, turns, started, intent, applicant, decision, notices, evidence, asks)

    def _abstain(self, turn: _Turn) -> Answer:
        refusal = NoticeBlock(
            code=Notice.OUT_OF_SCOPE,
            text=ABSTAIN_TEXT.format(
                reason=f"This question is outside that scope ({turn.intent.reason})."
            ),
        )
        return Answer(
            question=turn.question,
            answer=render([refusal]),
            blocks=[refusal],
            abstained=True,
            abstain_reason=turn.intent.reason,
            timings_ms=Timings(total=_ms(turn.started)),
        )

    def _since_last_turn(self, turn: _Turn) -> tuple[bool, str | None]:
        """For a follow-up: whether it leaves the recommendation as it was (no new fact, the
        same verdict, the options not weighed again), and what it changed, in words."""
        said_before = _user_turns(turn.history)
        if not said_before or turn.decision is None or turn.decision.verdict is None:
            return False, None
        now = len(said_before)
        new = {f for f, ev in turn.evidence.items() if ev.turn == now}
        if new:
            same = self._verdict_before(turn) == (turn.decision.verdict, turn.decision.rule)
            changed = describe_profile(Profile(**{f: getattr(turn.applicant, f) for f in new}))
            if not changed.startswith("I read your profile as:"):
                # only facts the echo does not show ("externship waitlists" names a kind): no
                # "I could not read any profile facts" beside a profile read from earlier turns
                return (not turn.intent.chooses if same else False), None
            if same:
                # a new fact that moves nothing ("I only have a B1/B2 visa"): the new question
                # is answered, the recommendation named once
                return not turn.intent.chooses, changed.replace(
                    "I read your profile as:", "New in this message:"
                )
            return False, changed.replace(
                "I read your profile as:", "New in this message, so the advice is recomputed:"
            )
        # No fact came from this message, so the earlier turns alone give the same profile and
        # the same verdict: nothing to re-read.
        return not turn.intent.chooses, None

    def _verdict_before(self, turn: _Turn) -> tuple[Verdict | None, Rule | None]:
        """The verdict and rule the earlier turns alone gave (their own words; no explicit
        profile, which both turns would share)."""
        said = _user_turns(turn.history)
        if not said:
            return None, None
        last = max(i for i, t in enumerate(turn.history) if t.get("role") == "user")
        applicant, _, conflicts = self.reading_for(said[-1], turn.history[:last], None)
        before, _ = decide_or_ask(applicant, conflicts, current_year=dt.date.today().year)
        return (before.verdict, before.rule) if before is not None else (None, None)

    def _compose(self, turn: _Turn, query: str, evidence: list[ScoredChunk]) -> Composed:
        prioritisation = turn.intent.prioritisation
        unchanged, what_changed = self._since_last_turn(turn)
        card = self._card_for(turn, query, unchanged)
        return compose(
            turn.question,
            prioritisation=prioritisation,
            injection=turn.intent.injection,
            decision=turn.decision,
            unchanged=unchanged,
            questioned=turn.intent.questions_advice,
            changed=what_changed,
            profile_echo=describe_profile(turn.applicant) if prioritisation else None,
            evidence=evidence,
            documents=self.index.documents,
            section_at=self.index.section_at,
            similarity=self.retriever.span_similarity(query),
            asks=turn.asks,
            not_covered=turn.intent.not_covered,
            plan=plan_for(turn.decision, turn.applicant) if turn.decision else (),
            change=what_would_change(turn.decision, turn.applicant) if turn.decision else None,
            card=card,
            option=self._option(turn),
            more_cards=_first_of_each(
                [*self._card_after_verdict(turn, query, card), *self._cards_for_other_asks(turn)]
            ),
            branches=branches(turn.applicant)
            if prioritisation and turn.decision and turn.decision.verdict is None and not turn.asks
            else (),
        )

    @staticmethod
    def _option(turn: _Turn) -> Pick | None:
        """Which of the applicant's options the verdict points to, when the message weighs them;
        else, for a plan laid out ("research year, then externships"), whether its order agrees
        with the verdict."""
        if turn.decision is None:
            return None
        asked = turn.intent.stripped_question
        picked = pick_option(asked, turn.decision.verdict) if _weighs_options(turn) else None
        return picked or judge_plan(asked, turn.decision.verdict)

    def warm_up(self) -> None:
        """Work a long-running server does before its first question (about 1 s): load the
        query encoder, split and classify the quotable sentences, read or embed the answer
        cards. A one-question CLI run skips it and does only what its question needs."""
        self.retriever.warm_up()
        self._card_vectors()

    def _card_for(self, turn: _Turn, query: str, unchanged: bool) -> Card | None:
        """The reviewed answer card for what was asked, when one is close enough; not when the
        message weighs the options itself and a verdict answers it. Over a verdict a card leads
        only when it is very close: otherwise the recommendation leads and the card follows it
        (`_card_after_verdict`)."""
        if turn.asks:
            return None  # a fact said two ways decides the answer: ask which is right first
        verdict = turn.decision is not None and turn.decision.verdict is not None
        if verdict and _weighs_options(turn):
            return None
        asked = _card_text(turn, query)
        # a recommendation shown in full leads unless the card is very close; one only named
        # (`unchanged`: a follow-up that moves nothing) does not compete with the card
        shown = verdict and not unchanged
        floor = CARD_MIN_SCORE_OVER_VERDICT if shown else CARD_MIN_SCORE
        return self._close_card(
            asked, turn.applicant, _earlier_question(asked, turn.history), floor
        )

    def _close_card(
        self,
        asked: str,
        applicant: Profile,
        earlier: str | None = None,
        floor: float = CARD_MIN_SCORE,
    ) -> Card | None:
        """The card closest to `asked` (a short follow-up: with its `earlier` question mixed in)
        among those that may describe `applicant`, if close enough. `asked` is embedded as
        written (spelling abbreviations out, as retrieval does, lowered lead relevance on forum
        dev from 0.733 to 0.683)."""
        said = name_scores(asked)  # "my 221" is a score to the embedder too
        vector, terms = self.retriever.embed_query(said), self._card_terms.scores(said)
        if earlier is not None:
            before = name_scores(earlier)
            vector, terms = in_context(
                vector, terms, self.retriever.embed_query(before), self._card_terms.scores(before)
            )
        found = match(asked, vector, self._cards, self._card_vectors(), terms, applicant)
        return found.answer if found is not None and found.score >= floor else None

    def _card_after_verdict(
        self, turn: _Turn, query: str, lead: Card | None
    ) -> list[tuple[Card, str | None]]:
        """A message that weighs the options itself, or a card not close enough to lead over a
        verdict, is answered by its verdict first; a card on its specifics ("is an observership
        even USCE?", "unpaid for 12 months?") follows it. (Forum dev: evidence recall of
        decision questions 31/34 without, 33/34 with.)"""
        verdict = turn.decision is not None and turn.decision.verdict is not None
        if turn.asks or not verdict:
            return []  # no verdict to follow
        if not _weighs_options(turn) and lead is not None:
            return []  # `lead`, _card_for's card, leads instead
        asked = _card_text(turn, query)
        card = self._close_card(asked, turn.applicant, _earlier_question(asked, turn.history))
        return [(card, None)] if card is not None else []

    def _cards_for_other_asks(self, turn: _Turn) -> list[tuple[Card, str | None]]:
        """Each further question of a multi-part message ("… and how many months should I
        get?") answered by its own card when one is close enough, with the question it answers;
        the choice itself is left to the verdict."""
        if len(turn.intent.asks) < 2 or turn.asks:
            return []
        out: list[tuple[Card, str | None]] = []
        before: str | None = None
        for ask in turn.intent.asks[:MAX_OTHER_ASKS]:
            # a short ask continues the one before it ("… research-heavy? do their lists
            # match?"), as a short follow-up continues the earlier turn
            earlier = before if before is not None and len(ask.split()) < SHORT_ASK_WORDS else None
            before = ask
            if picks_among_options(ask):
                continue  # the verdict and its pick answer it
            # an ask that names nothing of its own ("which one first?", "should I quit my
            # job??") is answered by a card only when one is very close to its words
            floor = CARD_MIN_SCORE if has_own_topic(ask) else CARD_MIN_SCORE_WITHOUT_TOPIC
            card = self._close_card(ask, turn.applicant, earlier, floor)
            if card is not None:
                out.append((card, ask))
        return out

    def _card_vectors(self) -> list[np.ndarray]:
        """The cards' phrasings embedded, once per process: read from the model folder, where
        the first process to need them stores them (embedding all ~500 takes about 3 s)."""
        with self._cards_lock:
            if self._card_matrix is None:
                self._card_matrix = card_vectors(self._cards, self.embedder, self.settings)
            return self._card_matrix

    def _grounded(self, turn: _Turn, composed: Composed, retrieve_ms: float, t1: float) -> Answer:
        decision = turn.decision
        return Answer(
            question=turn.question,
            answer=composed.answer,
            blocks=composed.blocks,
            recommendation=composed.recommendation,
            profile=turn.applicant.known(),
            profile_evidence=turn.evidence,
            citations=verify_all(composed.citations, self.texts),
            sources_disagree=composed.sources_disagree,
            backend="grounded",
            missing_facts=list(decision.missing_facts) if decision and not decision.verdict else [],
            notices=list(turn.notices),
            timings_ms=Timings(retrieve=retrieve_ms, generate=_ms(t1), total=_ms(turn.started)),
        )

    # ----------------------------------------------------------------------------------------
    # The guarded model path

    def _sources(
        self, turn: _Turn, query: str, composed: Composed, evidence: list[ScoredChunk]
    ) -> list[Citation]:
        """Numbered sources for the model: the grounded answer's citations (same numbers, so its
        verdict and notes keep their markers), then more evidence sentences up to the limit."""
        registry = CitationRegistry.continuing(
            self.index.documents, self.index.section_at, composed.citations
        )
        limit = self.settings.llm_sources
        if len(registry.citations) < limit:
            candidates = [(span, sc.score) for sc in evidence for span in spans_of(sc.chunk)]
            ranked = rank_spans(
                query,
                candidates,
                limit=limit,
                per_doc=3,
                similarity=self.retriever.span_similarity(query),
            )
            for span in ranked:
                if len(registry.citations) >= limit:
                    break
                registry.cite_span(span)
        return [c for c in verify_all(registry.citations, self.texts) if c.verified]


def _meta(answer: Answer, backend: str, sources: Sequence[Citation]) -> MetaEvent:
    """The `meta` event: what is known before any model runs."""
    return MetaEvent(
        question=answer.question,
        backend=backend,
        abstained=answer.abstained,
        recommendation=answer.recommendation,
        profile=answer.profile,
        missing_facts=answer.missing_facts,
        sources=list(sources),
        notices=answer.notices,
    )


def _stated_facts(profile: Profile | Mapping[str, Any] | None) -> dict[str, Any]:
    """The facts an explicit profile actually states."""
    if profile is None:
        return {}
    data = profile.model_dump() if isinstance(profile, Profile) else dict(profile)
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
