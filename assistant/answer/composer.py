"""The grounded answer composer: the default backend, no language model (pure).

Every factual sentence of the answer is either the rules layer's verdict (cited with the rule's
own source quotes) or a verbatim quote of retrieved evidence; every citation is verified against
the canonical document text before it is returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answer.cards import Card, asked_kinds
from assistant.answer.render import render
from assistant.core.blocks import (
    Block,
    DirectAnswerBlock,
    DisagreementBlock,
    EvidenceBlock,
    Item,
    MissingFactsBlock,
    Notice,
    NoticeBlock,
    PlanBlock,
    PlanItem,
    ProfileEchoBlock,
    RecommendationBlock,
    WhatWouldChangeBlock,
)
from assistant.core.types import (
    Citation,
    Disagreement,
    Document,
    Recommendation,
    ScoredChunk,
    Verdict,
)
from assistant.domain.clarify import Clarification
from assistant.domain.intent import NotCovered
from assistant.domain.options import Pick
from assistant.domain.plan import USCE_VERDICTS, Branch, Change, Planned
from assistant.domain.rules import Decision, Quote, Rule
from assistant.text.citations import locate, make_citation
from assistant.text.evidence import Span, rank_spans, spans_of
from assistant.text.stance import Stance, contradiction, stances
from assistant.text.support import is_negated, needed_passages, support
from ingest.sparse import tokenize

# The verdict as a label in plain words; the claim after it is the rule's headline (its sources'
# own words), cited with the rule's quotes.
VERDICT_LABEL: dict[Verdict, str] = {
    Verdict.USCE_FIRST: "hands-on USCE first",
    Verdict.USCE_URGENT: "hands-on USCE first, urgently",
    Verdict.ADD_RESEARCH: "add research now",
    Verdict.RESEARCH_AND_USCE: "research and USCE, both",
}
# Fallback wording when a rule has no headline of its own.
VERDICT_HEADLINE: dict[Verdict, str] = {
    Verdict.USCE_FIRST: "prioritize hands-on USCE, and the US letters it produces, before research",
    Verdict.USCE_URGENT: "prioritize recent, hands-on USCE urgently; research can wait",
    Verdict.ADD_RESEARCH: "your hands-on USCE and US letters are in place, so add research next",
    Verdict.RESEARCH_AND_USCE: "you need both research and hands-on USCE, with research "
    "weighing heavily",
}

VERDICT_FOCUS: dict[Verdict, str] = {
    Verdict.USCE_FIRST: "hands-on USCE first letters before research",
    Verdict.USCE_URGENT: "recent hands-on USCE years since graduation current clinical",
    Verdict.ADD_RESEARCH: "USCE and letters in place research next academic programs",
    Verdict.RESEARCH_AND_USCE: "competitive specialty research and USCE both clinical",
}

# A decision's answer already quotes the rule's sentences, cites every plan step and answers its
# asks: further quotes after it are padding more often than not (blind rating of forum dev
# decisions: "a padded 'More from the sources' list" the commonest complaint; of 1,085 such
# quotes under 368 forum-dev decisions, 182 were gold). Two keep all but one of the answers' gold
# citations (363 → 362).
QUOTES_AFTER_A_PLAN = 2
RESEARCH_STANCES = frozenset({"research_positive"})
CLINICAL_STANCES = frozenset({"usce_first", "usce_then_research", "clinical_experience"})

ABSTAIN_TEXT = (
    "I can only help with preparing a US residency application as an international medical "
    "graduate, from the advice articles I have: hands-on US clinical experience (USCE) versus "
    "research, observerships versus externships and sub-internships, US letters of "
    "recommendation, timing and years since graduation, and research roles for unmatched IMGs. "
    "{reason} Try asking, for example: “I graduated 6 years ago with no US experience: research "
    "or clinical rotations first?”"
)

INJECTION_NOTICE = (
    "Your message contained instructions addressed to me; I ignored them and answered only from "
    "the sources."
)


@dataclass
class CitationRegistry:
    """Numbers citations in order of first use; one number per distinct quoted span."""

    documents: dict[str, Document]
    section_at: Callable[[str, int], str] | None = None
    citations: list[Citation] = field(default_factory=list)
    _by_span: dict[tuple[str, int, int], int] = field(default_factory=dict)

    @classmethod
    def continuing(
        cls,
        documents: dict[str, Document],
        section_at: Callable[[str, int], str] | None,
        citations: list[Citation],
    ) -> CitationRegistry:
        """A registry that goes on numbering after `citations` (same numbers for their spans)."""
        registry = cls(documents, section_at, citations=list(citations))
        registry._by_span = {(c.doc_id, c.start, c.end): c.n for c in citations}
        return registry

    def cite(self, doc_id: str, section: str, start: int, end: int) -> int | None:
        key = (doc_id, start, end)
        if key in self._by_span:
            return self._by_span[key]
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        citation = make_citation(len(self.citations) + 1, doc.meta, section, doc.text, start, end)
        if not citation.verified:
            return None  # never show a citation that does not match its source
        self.citations.append(citation)
        self._by_span[key] = citation.n
        return citation.n

    def cite_quote(self, doc_id: str, quote: str, section: str = "") -> int | None:
        doc = self.documents.get(doc_id)
        if doc is None:
            return None
        # (a list item is cited without its bullet, as the source panel shows the item)
        where = locate(_BULLET.sub("", quote).strip(" |"), doc.text)
        if where is None:
            return None
        if not section and self.section_at is not None:
            section = self.section_at(doc_id, where[0])
        return self.cite(doc_id, section or doc.meta.title, *where)

    def cite_span(self, span: Span) -> int | None:
        return self.cite(span.doc_id, span.section, span.start, span.end)

    def number(self, span: Span) -> int | None:
        """The number `span` is already cited under, if it is."""
        return self._by_span.get((span.doc_id, span.start, span.end))


_BULLET = re.compile(r"^\s*[-*•]\s+")


def markers(numbers: Sequence[int | None]) -> str:
    return "".join(f"[{n}]" for n in dict.fromkeys(n for n in numbers if n is not None))


def _where(span: Span, title: str) -> str:
    """Where a quote stands: its document and, for a list item, the heading it is listed under.
    An item is a piece of a list ("Aiming for academic Internal Medicine, Neurology, or
    Pathology"); its heading ("1. You already have good USCE and letters") says what the list
    is of (issue 18, evidence that stands alone; raters called bare items fragments)."""
    heading = span.section.rsplit(" > ", 1)[-1].strip()
    if span.kind == "item" and heading and heading != title:
        inner = heading.replace("“", "‘").replace("”", "’")  # quotes inside the quoted heading
        return f"{_short(title)}, under “{inner}”"
    return _short(title)


def render_span(span: Span) -> str:
    """A quote as it reads in the answer: table rows become 'a → b', the rest stays verbatim."""
    text = span.text
    if span.kind == "row":
        cells = [c.strip() for c in text.strip("|").split("|") if c.strip()]
        text = " → ".join(cells)
    return f"“{text.rstrip()}”"


@dataclass
class Composed:
    blocks: list[Block]
    citations: list[Citation]
    recommendation: Recommendation | None
    sources_disagree: list[Disagreement]

    @property
    def answer(self) -> str:
        return render(self.blocks)


def _ask_text(ask: Clarification) -> str:
    """ "You wrote “X” and “Y” … which is right? If “X”: …; if “Y”: …." """
    said = " and ".join(f"“{r.said}”" for r in ask.readings)
    meanings = "; ".join(
        f"if “{r.said}” is right: {VERDICT_LABEL[r.verdict]}"
        if r.verdict is not None
        else f"if “{r.said}” is right, I would need more facts to decide"
        for r in ask.readings
    )
    return (
        f"You wrote {said}, which say different things about {ask.topic}. Which is right? "
        f"{meanings[0].upper()}{meanings[1:]}."
    )


def compose(
    question: str,
    *,
    prioritisation: bool,
    injection: bool,
    decision: Decision | None,
    profile_echo: str | None,
    evidence: list[ScoredChunk],
    documents: dict[str, Document],
    section_at: Callable[[str, int], str] | None = None,
    similarity: Callable[[Span], float | None] | None = None,
    max_quotes: int = 4,
    asks: Sequence[Clarification] = (),
    not_covered: Sequence[NotCovered] = (),
    plan: Sequence[Planned] = (),
    change: Change | None = None,
    branches: Sequence[Branch] = (),
    card: Card | None = None,
    more_cards: Sequence[tuple[Card, str | None]] = (),
    option: Pick | None = None,
    unchanged: bool = False,
    questioned: bool = False,
    changed: str | None = None,
) -> Composed:
    """Build the answer: direct answer first, then the reasons, each with inline citations."""
    registry = CitationRegistry(documents, section_at)
    parts: list[Block] = []
    recommendation: Recommendation | None = None

    verdict_now = decision.verdict if decision is not None else None
    if card is not None and (_against(card, verdict_now) or _leans_against(card, verdict_now)):
        # A general answer that reads as advice against this applicant's verdict ("with good
        # letters, extra time can go toward research" to someone the rules send to USCE) is
        # not shown: the verdict and its quotes answer instead.
        card = None
    # a follow-up that moves nothing names the recommendation only when something answers the
    # new question; otherwise the recommendation, shown in full, is the answer
    repeated = unchanged and card is None and not more_cards
    unchanged = unchanged and not repeated
    kept = decision if unchanged and decision is not None and decision.verdict else None
    stands = _why_it_stands(kept) if kept is not None else None
    # A follow-up that doubts advice it leaves standing ("are you sure?", "doesn't that count?")
    # hears first that it stands, in the rule's own sentence, then the answer to its point.
    # (Cited before the card's quotes, so the markers stay in reading order.)
    opens = stands is not None and questioned and card is not None
    stands_n = registry.cite_quote(stands[1].doc_id, stands[1].text) if opens and stands else None
    if card is not None:
        # A reviewed answer to what was asked leads; the quotes below are its evidence.
        block = card_block(card, registry, put=question, decided=verdict_now is not None)
        if stands is not None and stands_n is not None:
            block = block.model_copy(
                update={
                    "text": f"For your facts the advice is still: {stands[0]} [{stands_n}] "
                    f"{block.text}",
                    "citations": list(dict.fromkeys([stands_n, *block.citations])),
                }
            )
        parts.append(block)
    if kept is not None and kept.verdict is not None and kept.rule is not None:
        # A follow-up that changed no fact: the new question is answered, the recommendation
        # is named once, not repeated with its quotes and plan.
        recommendation = Recommendation(
            verdict=kept.verdict, rule_id=kept.rule.id, rationale=kept.rule.rationale
        )
        label = VERDICT_LABEL[kept.verdict]
        parts.append(
            ProfileEchoBlock(
                text=f"{changed} It leaves the recommendation as it was: {label}."
                if changed
                else f"Your facts are as before, so the recommendation stands: {label}."
            )
        )
        # Why it stands, in the rule's own sentence, cited, not a bare claim (unless the lead
        # already said it). Only the sentence the rule's headline rests on: the rest of the
        # rule's quotes, the plan and what-would-change were shown before.
        n = registry.cite_quote(stands[1].doc_id, stands[1].text) if stands else None
        by_n = {c.n: c for c in registry.citations}
        if not opens and n in by_n:
            parts.append(EvidenceBlock(title="Why it stands:", items=[quote_line(by_n[n])]))
        profile_echo = None
    elif decision is not None and decision.verdict is not None and decision.rule is not None:
        if changed:  # a follow-up's new facts, first
            said = f"{changed} The recommendation is as before:" if repeated else changed
            parts.append(ProfileEchoBlock(text=said))
        rule_refs = [registry.cite_quote(q.doc_id, q.text) for q in decision.quotes]
        cited = [n for n in rule_refs if n is not None]
        headline = _headline(decision.rule, decision.verdict)
        parts.append(verdict_block(decision.verdict, headline, cited, registry.citations))
        recommendation = Recommendation(
            verdict=decision.verdict,
            rule_id=decision.rule.id,
            rationale=decision.rule.rationale,
            citations=cited,
        )
        # Which of the applicant's own options the verdict points to, and a card on the
        # message's specifics ("unpaid for 12 months?"), in one short answer right after it,
        # before the plan: not a second "In short" at the end.
        sentences = list(option.sentences) if option is not None else []
        for other, asked in more_cards:
            if (
                _unlabelled(asked)
                and other != card
                and not _against(other, verdict_now)
                and not _leans_against(other, verdict_now)
            ):
                sentences += [
                    (sentence, other.quotes)
                    for sentence in _said(other, asked or question, decided=True)
                ]
        if sentences:
            parts.append(_direct_answer(sentences, registry))
        if plan:
            parts.append(plan_block(plan, registry))
        if change is not None:
            parts.append(change_block(change, registry))
    elif prioritisation and decision is not None and asks:
        parts.append(
            MissingFactsBlock(
                text="**I can't give you a firm recommendation yet.** "
                + " ".join(_ask_text(ask) for ask in asks),
                items=[Item(text=f"which is right about {ask.topic}") for ask in asks],
            )
        )
    elif prioritisation and decision is not None:
        facts = "; ".join(decision.missing_facts) or "more about your situation"
        if branches:
            # Asking for facts never replaces the answer: what the rules say either way first,
            # in the same short answer as a card that leads (one "In short", not two).
            either_way = branches_block(branches, registry)
            if card is not None and isinstance(parts[0], DirectAnswerBlock):
                parts[0] = parts[0].model_copy(
                    update={
                        "text": f"{parts[0].text} {either_way.text}",
                        "citations": list(
                            dict.fromkeys([*parts[0].citations, *either_way.citations])
                        ),
                    }
                )
            else:
                parts.append(either_way)
        heading = (
            "**Which applies to you?**"
            if branches
            else "**I can't give you a firm recommendation yet.**"
        )
        parts.append(
            MissingFactsBlock(
                text=f"{heading} It depends on facts I could not read from your question: {facts}. "
                "Tell me those and I will apply the sources' decision rules.",
                items=[Item(text=fact) for fact in decision.missing_facts],
            )
        )

    # The message's other questions, each answered by its own card (never one that reads
    # against the verdict, never the lead's again).
    # (those that name no question first: they join the first "In short" while it is still the
    # last cited block, so the markers stay in reading order)
    for other, asked in sorted(more_cards, key=lambda pair: not _unlabelled(pair[1])):
        if other == card or _against(other, verdict_now):
            continue
        if _unlabelled(asked) and recommendation is not None and not unchanged:
            continue  # answered right after the verdict
        block = card_block(other, registry, asked, put=asked or question)
        short = next((p for p in parts if isinstance(p, DirectAnswerBlock) and not p.asks), None)
        if block.asks or short is None:
            parts.append(block)
            continue
        # one "In short", not two: an answer that names no question joins the first one
        parts[parts.index(short)] = short.model_copy(
            update={
                "text": f"{short.text} {block.text}",
                "citations": list(dict.fromkeys([*short.citations, *block.citations])),
            }
        )

    if profile_echo and (prioritisation or decision is not None):
        parts.append(ProfileEchoBlock(text=profile_echo))

    # Evidence quotes, ranked by relevance, a few per document, no near-duplicates. Relevance is
    # not stance: "chase research aggressively, even before more USCE" can be the closest quote
    # for an applicant the rules send to clinical work first, so a quote that contradicts the
    # verdict is never offered as support for it (the check the guard applies to model prose).
    # Such quotes can still appear as one side of a reported disagreement, labelled as such.
    verdict = recommendation.verdict if recommendation is not None else None
    candidates = [
        (span, sc.score)
        for sc in evidence
        for span in spans_of(sc.chunk)
        if contradiction(span.text, verdict) is None
    ]
    focus = question
    if recommendation is not None:
        # Rank the evidence for what the verdict says, not only for the question's words.
        focus = f"{question} {VERDICT_FOCUS[recommendation.verdict]}"
    chosen = rank_spans(focus, candidates, limit=max_quotes, similarity=similarity)
    if chosen:
        lead = "What the sources say:" if parts else None
        shown = chosen
        direct = [p for p in parts if isinstance(p, DirectAnswerBlock)]
        if direct:
            # quotes the answers above already cite or say are not repeated below them (and,
            # never shown, are not cited either)
            answered = {n for p in direct for n in p.citations}
            said = " ".join(p.text for p in direct)
            shown = [
                span
                for span in chosen
                if registry.number(span) not in answered and not _repeats(span.text, said)
            ]
            lead = "More from the sources:"
        # a quote already listed above (a rule's own sentence under "Why") is not listed twice
        listed = {
            n
            for p in parts
            if isinstance(p, RecommendationBlock | EvidenceBlock)
            for item in p.items
            for n in item.citations
        }
        lines: list[Item] = []
        for span in shown:
            if recommendation is not None and len(lines) >= QUOTES_AFTER_A_PLAN:
                break
            n = registry.cite_span(span)
            if n is None or n in listed:
                continue
            title = documents[span.doc_id].meta.title
            lines.append(
                Item(text=f"{render_span(span)} ({_where(span, title)}) [{n}]", citations=[n])
            )
        if not lines:
            lead = None
        if not parts and lines:
            # No verdict to lead with: the best quote is the direct answer.
            first = chosen[0]
            n = registry.cite_span(first)
            parts.append(
                DirectAnswerBlock(
                    text=f"{render_span(first)} [{n}]", citations=[n] if n is not None else []
                )
            )
            lines = lines[1:]
            lead = "More from the sources:" if lines else None
        if lines:
            parts.append(EvidenceBlock(title=lead, items=lines))

    disagreements = _disagreements(question, prioritisation, chosen, evidence, registry)
    for item in disagreements:
        parts.append(disagreement_block(item, registry.citations))

    parts += [_not_covered_note(item) for item in not_covered]
    parts += notes(registry.citations, injection=injection)
    if not registry.citations and not parts:
        parts.append(
            NoticeBlock(
                code=Notice.NO_ANSWER, text="The sources I have do not answer this question."
            )
        )
    return Composed(parts, registry.citations, recommendation, disagreements)


def _not_covered_note(item: NotCovered) -> NoticeBlock:
    """Names the ask of a mixed message that the answer leaves out, and why."""
    asked = item.text if len(item.text) <= 160 else item.text[:157].rstrip() + "…"
    return NoticeBlock(
        code=Notice.NOT_COVERED,
        text=f"Not covered by the articles, so not answered here: “{asked}” ({item.reason}).",
    )


def notes(citations: list[Citation], *, injection: bool) -> list[Block]:
    """The notes under an answer: which cited sources have a commercial interest, and that
    instructions in the question were ignored."""
    out: list[Block] = []
    commercial = sorted(c.n for c in citations if c.commercial_interest)
    if commercial:
        refs = ", ".join(f"[{n}]" for n in commercial)
        out.append(
            NoticeBlock(
                code=Notice.COMMERCIAL_INTEREST,
                text=f"Note: {refs} come{'s' if len(commercial) == 1 else ''} from a publisher "
                "with a commercial interest (it sells rotations or application products).",
            )
        )
    if injection:
        out.append(NoticeBlock(code=Notice.INJECTION_IGNORED, text=INJECTION_NOTICE))
    return out


def quote_line(citation: Citation) -> Item:
    """A cited quote as a list item: verbatim, table cells joined by arrows, title attributed."""
    quote = (
        " → ".join(p.strip() for p in citation.quote.split(" | "))
        if " | " in citation.quote
        else citation.quote
    )
    return Item(text=f"“{quote}” ({_short(citation.title)}) [{citation.n}]", citations=[citation.n])


def _headline(rule: Rule, verdict: Verdict) -> str:
    """The rule's claim in its sources' words (the verdict's fallback wording without one)."""
    return rule.headline or VERDICT_HEADLINE[verdict]


def _why_it_stands(decision: Decision) -> tuple[str, Quote] | None:
    """The rule's headline as a sentence, and the one quote it rests on (the first quote when
    none does alone), for a recommendation that stands."""
    if decision.rule is None or decision.verdict is None or not decision.quotes:
        return None
    headline = _headline(decision.rule, decision.verdict)
    rests = _rests_on(headline, [q.text for q in decision.quotes])
    reason = decision.quotes[rests[0] if rests else 0]
    return f"{headline}.", reason  # (headlines are written to follow a colon)


def _rests_on(headline: str, sentences: Sequence[str]) -> list[int]:
    """The positions of the sentences that support the headline on their own (the shared
    support scorer)."""
    return [i for i, sentence in enumerate(sentences) if support(headline, sentence).supported]


def verdict_block(
    verdict: Verdict, headline: str, refs: list[int], citations: list[Citation]
) -> RecommendationBlock:
    """The verdict, then the rule's own source sentences as the reason, each cited.

    The rule's rationale (our words) goes in `Answer.recommendation`; the answer text keeps to
    what the sources say, so every sentence in it can be checked against a quote.
    """
    by_n = {c.n: c for c in citations}
    # The headline cites the quotes that support it on their own; every rule quote is still
    # listed, and cited, below it.
    known = [n for n in refs if n in by_n]
    backing = [known[i] for i in _rests_on(headline, [by_n[n].quote for n in known])]
    head_refs = backing or list(refs)  # no single quote suffices: cite them jointly
    return RecommendationBlock(
        verdict=verdict,
        label=VERDICT_LABEL[verdict],
        text=f"{headline[:1].upper()}{headline[1:]}. {markers(list(head_refs))}".rstrip(),
        citations=list(dict.fromkeys(head_refs)),
        items=[quote_line(by_n[n]) for n in dict.fromkeys(refs) if n in by_n],
    )


def plan_block(plan: Sequence[Planned], registry: CitationRegistry) -> PlanBlock:
    """The next steps, each in our words and cited with the sentences it rests on, and what it
    means for this applicant."""
    items = []
    for step in plan:
        cited = _cite_needed(step.text, step.quotes, registry)
        text = f"{step.text} {markers(cited)}".rstrip()
        items.append(PlanItem(text=text, citations=cited, for_you=step.for_you))
    return PlanBlock(items=items)


def _cite_needed(text: str, quotes: Sequence[Quote], registry: CitationRegistry) -> list[int]:
    """Cite the quotes `text` rests on: each supports it alone or is needed jointly."""
    keep = needed_passages(text, [q.text for q in quotes])
    refs = [registry.cite_quote(quotes[i].doc_id, quotes[i].text) for i in keep]
    return [n for n in dict.fromkeys(refs) if n is not None]


def _against(card: Card, verdict: Verdict | None) -> bool:
    """Whether a card's answer reads as advice against the verdict."""
    return any(contradiction(sentence, verdict) for sentence in card.sentences)


def _leans_against(card: Card, verdict: Verdict | None) -> bool:
    """Whether a card argues for the other side of the applicant's verdict: "research is a
    differentiator" beside a clinical-first verdict ("is he right that research makes up for my
    fail?"), or "'just do more research' is overrated" / "research can wait" beside a verdict
    that sends the applicant to research now. Either would undo the recommendation."""
    if verdict is None:
        return False
    return (card.leans == "research" and verdict in USCE_VERDICTS) or (
        card.leans == "clinical" and verdict not in USCE_VERDICTS
    )


def card_block(
    card: Card,
    registry: CitationRegistry,
    asks: str | None = None,
    put: str = "",
    *,
    decided: bool = False,
) -> DirectAnswerBlock:
    """A card's answer, each sentence cited with the quotes it rests on; `asks` names the
    question of a multi-part message it answers, `put` is the text that asked it, `decided`
    whether a verdict answers the message's decision."""
    said = _said(card, put, decided=decided)
    block = _direct_answer([(sentence, card.quotes) for sentence in said], registry)
    return block.model_copy(update={"asks": ask_label(asks)}) if asks else block


# A yes/no card's opening word(s) before its colon: "Yes:", "No, not reliably:", "Usually not:".
_POLARITY = re.compile(r"^(?:yes|no|usually|rarely|not)\b[^:.;]{0,40}:\s+(?=\S)", re.IGNORECASE)


def _said(card: Card, put: str, *, decided: bool = False) -> tuple[str, ...]:
    """The card's sentences as said to `put`: its "Yes:" / "No:" opener only where a yes-or-no
    question was asked ("how much does research weigh?" is not answered "Yes: …"), and not
    where a verdict answers the decision, unless the card is written for this applicant's
    situation (`when`): "is a research year the right move now?" from someone the rules send
    to research is not answered "No:" by the card on whether research guarantees a match."""
    sentences = card.sentences
    keep = not put or (
        card.opener and "yes_no" in asked_kinds(put) and (not decided or bool(card.when))
    )
    if keep or not sentences:
        return sentences
    first = _POLARITY.sub("", sentences[0], count=1)
    return (first[:1].upper() + first[1:], *sentences[1:])


# What an applicant wrote is shown inside a label: no markup, no citation markers, short.
_MARKUP = re.compile(r"[\[\]*_`<>#|\\]+")
ASK_LABEL_CHARS = 70
# Words that lead into a question without being part of it ("and how many pubs", "2) does…").
_LEAD_IN = r"(?:(?:and|also|btw|plus|so|ok(?:ay)?|but|\d\)|[a-d]\))\s+)"
_QUESTION_WORDS = re.compile(
    rf"^\W*{_LEAD_IN}*"
    r"(?:(?:how|what|which|why|when|where|who)\s|(?:is|are|do|does|can|should|will|would|could)"
    r"\s+(?:i|u|you|we|they|it|this|that|there|he|she|my|an?|the|\d+|research|usce|pubs?|"
    r"observerships?|externships?|letters?|lors?|programs?|pds?)\b)",
    re.IGNORECASE,
)


def _unlabelled(asked: str | None) -> bool:
    """Whether an answer to `asked` is shown without naming a question: asked of the whole
    message (None), or an ask not put as a question."""
    return asked is None or ask_label(asked) is None


def ask_label(ask: str) -> str | None:
    """The question an ask puts, to name it ("can research compensate for my score?"); None
    for an ask that is not put as a question ("I'm an IMG pls help"), whose words may be
    context."""
    sentences = re.split(r"(?<=[.!?])\s+", ask)
    questions = [q for q in sentences if q.rstrip().endswith("?")]
    if not questions:
        # a question typed without its mark: "and how many pubs", "2) how many weeks do I need
        # before ERAS. (I said 4 wk but it was 6)"
        questions = [q for q in sentences if _QUESTION_WORDS.match(q)][-1:]
    if not questions:
        return None
    text = " ".join(_MARKUP.sub(" ", questions[-1]).split()).strip(" ,;:-–—")
    text = re.sub(r"\s+(?=[?.!,])", "", text)
    _preamble, colon, question = text.partition(": ")
    if colon and _QUESTION_WORDS.match(question):
        # "final year here, 2 things: does a research elective count…": what leads up to the
        # colon is not the question (raters called such labels garbled)
        text = question
    text = re.sub(rf"^{_LEAD_IN}+", "", text, flags=re.I)
    if len(text) > ASK_LABEL_CHARS:
        text = text[:ASK_LABEL_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:-–—") + "…"
    return text or None


def branches_block(branches: Sequence[Branch], registry: CitationRegistry) -> DirectAnswerBlock:
    """A decision the facts do not settle yet, answered for each reading, each cited."""
    return _direct_answer([(b.text, b.quotes) for b in branches], registry)


def _direct_answer(
    sentences: Sequence[tuple[str, Sequence[Quote]]], registry: CitationRegistry
) -> DirectAnswerBlock:
    """Sentences in our words, each followed by the markers of the quotes it needs."""
    texts, cited_all = [], []
    for sentence, quotes in sentences:
        cited = _cite_needed(sentence, quotes, registry)
        texts.append(f"{sentence} {markers(cited)}".rstrip())
        cited_all += cited
    return DirectAnswerBlock(text=" ".join(texts), citations=list(dict.fromkeys(cited_all)))


def change_block(change: Change, registry: CitationRegistry) -> WhatWouldChangeBlock:
    """The nearest change of facts that moves the verdict, with the rule that would then apply,
    cited with the sentences that name the change and the new rule's own."""
    cited = _cite_needed(change.text, change.quotes, registry)
    return WhatWouldChangeBlock(text=f"{change.text} {markers(cited)}".rstrip(), citations=cited)


def disagreement_block(item: Disagreement, citations: list[Citation]) -> DisagreementBlock:
    """Both sides of a disagreement, each in its source's words and cited."""
    by_n = {c.n: c for c in citations}
    return DisagreementBlock(
        title="The sources differ in emphasis, research-positive and clinical-first:",
        items=[quote_line(by_n[n]) for side in item.sides for n in side["citations"] if n in by_n],
    )


# A further quote whose words the answers above already say adds nothing: "2–3 months of solid,
# hands-on USCE…" below an answer that says it.
REPEAT_SHARE = 0.8


def _repeats(quote: str, said: str) -> bool:
    """Whether most of the quote's key words (stemmed, no stopwords) are in `said`."""
    words = set(tokenize(quote))
    return bool(words) and len(words & set(tokenize(said))) >= REPEAT_SHARE * len(words)


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


_RESEARCH_WORD = re.compile(r"\b(?:research|publications?|papers?|pubs)\b", re.I)
_CLINICAL_WORD = re.compile(r"\b(?:usce|clinical|hands-on|rotations?|externships?)\b", re.I)


# What research does for an application, said for it ("research matters", "a high-impact way to
# build", "can be a game-changer"): a sentence that only names research ("GCP training is
# expected", "'research fellow' can mean many things", "pay-to-publish research") is no side.
_RESEARCH_VALUE = re.compile(
    r"\b(?:matters?|helps?|valuable|value|high-impact|impact|differentiator|stand\s+out|game-"
    r"changer|open\s+doors|strengthens?|boosts?|builds?|mandatory|essential|huge|powerful|edge"
    r"|upgrad\w+|climb|competitive\s+advantage)\b",
    re.I,
)


_ONLY_IF = re.compile(r"\bonly\s+(?:\w+\s+){0,2}if\b", re.I)
# What clinical experience does for an application, said for it.
_CLINICAL_VALUE = re.compile(
    r"\b(?:matters?|critical|crucial|priority|prioritize|first|wins|essential|filter\w*|"
    r"reassures?|valuable|beats?|more\s+than|weight|competitive|must|need)\b",
    re.I,
)


def _for_research(sentence: str) -> bool:
    """Speaks for research: says what it is worth (or ranks it first), neither negated nor
    ranking clinical work first."""
    found = stances(sentence)
    return (
        bool(_RESEARCH_WORD.search(sentence))
        and (
            bool(found & {Stance.RESEARCH_FIRST, Stance.BOTH})
            or bool(_RESEARCH_VALUE.search(sentence))
        )
        and not _ONLY_IF.search(sentence)  # "research only helps if…" is a caveat
        and not is_negated(sentence)
        and not found & {Stance.CLINICAL_FIRST, Stance.DROP_CLINICAL}
    )


def _for_clinical(sentence: str) -> bool:
    """Speaks for clinical experience first: ranks it first, or names it (not research) and is
    not negated."""
    found = stances(sentence)
    if found & {Stance.RESEARCH_FIRST, Stance.DROP_CLINICAL}:
        return False
    if Stance.CLINICAL_FIRST in found:
        return True
    # "IMGs can engage in clinical or basic science research" is about research; "the best
    # letters describe your clinical abilities" names clinical work without speaking for it
    return (
        bool(_CLINICAL_WORD.search(sentence))
        and bool(_CLINICAL_VALUE.search(sentence))
        and not _RESEARCH_WORD.search(sentence)
        and not is_negated(sentence)
    )


def _disagreements(
    question: str,
    prioritisation: bool,
    chosen: list[Span],
    evidence: list[ScoredChunk],
    registry: CitationRegistry,
) -> list[Disagreement]:
    """Research-positive vs clinical-first evidence for the same question, each side cited."""
    if not prioritisation:
        return []  # stance differences matter where the question is what to do first
    stance = {d: doc.meta.stance for d, doc in registry.documents.items()}
    research = [sc for sc in evidence if stance.get(sc.chunk.doc_id) in RESEARCH_STANCES]
    clinical = [sc for sc in evidence if stance.get(sc.chunk.doc_id) in CLINICAL_STANCES]
    if not research or not clinical:
        return []
    quoted = []
    for group, name, says_it in (
        (research, "research_positive", _for_research),
        (clinical, "usce_first", _for_clinical),
    ):
        # A side is quoted with a sentence that says it: a warning against research from a
        # research-positive article is not the research side (issue 18).
        spans = [(s, sc.score) for sc in group for s in spans_of(sc.chunk) if says_it(s.text)]
        best = rank_spans(question + " research clinical", spans, limit=1)
        if not best:
            return []  # one side has nothing that says it: no disagreement, nothing cited
        quoted.append((name, best[0]))
    sides = []
    for name, span in quoted:
        n = registry.cite_span(span)
        sides.append({"stance": name, "citations": [n] if n is not None else []})
    if not all(side["citations"] for side in sides):
        return []
    return [Disagreement(topic="research versus hands-on US clinical experience", sides=sides)]
