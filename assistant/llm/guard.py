"""The guard between a language model and the reader (pure: no LangChain, no models).

A model may make the prose better but never the advice worse. The draft is split into sentences
and each one is kept only if:

1. every source it cites exists (an uncited sentence may be attributed to the one source that
   supports it best, under a stricter bar);
2. it does not contradict the rules' verdict (`assistant.text.stance`), nor, when the rules
   could not decide for lack of facts, hand out personal advice the rules withheld;
3. the text it cites supports it, by the project's deterministic support scorer
   (`assistant.text.support.support`: content overlap, the embedding similarity passed in, and every
   number of the sentence present in the cited text), with a score above the guard's own bar;
   citations that do not support a sentence another citation supports are removed from it;
4. any advice it gives (research first, clinical first, both, clinical unnecessary) is advice
   its cited text gives too;
5. when it is a near-copy of its source, it does not swap a key term ("choose an externship"
   copied as "choose an observership": `assistant.text.alteration`);
6. it answers rather than asks, and it does not state facts about the reader: "You want
   Internal Medicine or Neurology" is a source's worked example, not this applicant.

When too little survives, the caller falls back to the grounded answer. Every decision is
reported with a reason, in the Answer's `guard` field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.core.codes import GuardCode
from assistant.core.types import Verdict
from assistant.text.alteration import Swap, key_terms, swapped_terms
from assistant.text.stance import Stance, contradiction, personal_advice, stances
from assistant.text.support import (
    SUPPORT_THRESHOLD,
    SupportResult,
    citation_markers,
    split_sentences,
    strip_markers,
    support,
)

Similarity = Callable[[str, str], float | None]

# Model spellings of a citation, rewritten to "[n]" before anything else: small models write
# "[Source 2]" or "(Source 2)" as often as "[2]".
_SOURCE_MARKER = re.compile(
    r"[\[(【]\s*(?:sources?|src|doc(?:ument)?|ref(?:erence)?)\s*#?\s*"
    r"(\d{1,3}(?:\s*(?:,|and|&)\s*\d{1,3})*)\s*[\])】]",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-•*+]\s+|\d{1,2}[.)]\s+|#{1,6}\s+|>\s*)+")
_LABEL = re.compile(r"^(?:answer|response|assistant|summary)\s*:\s*", re.IGNORECASE)
# Models copy the prompt's source lines: "(Types of USCE) 🔹 Clerkships – …".
_LEADING_ASIDE = re.compile(r"^\([^()]{3,120}\)\s*|^[^\w\s\[(“\"']+\s*")
_WORD = re.compile(r"[A-Za-z]{2,}")
# "The sources do not answer this": the honest reply the prompt asks for; needs no citation.
NO_ANSWER = re.compile(
    r"\b(?:sources?|articles?|documents?)\s+(?:\w+\s+){0,2}"
    r"(?:do\s*n[o']?t|does\s*n[o']?t|cannot|can't)\s+(?:\w+\s+){0,2}"
    r"(?:answer|cover|say|address|mention|contain|discuss)",
    re.IGNORECASE,
)

# A sentence that tells the reader who they are: the articles' scenarios and checklists are
# written in the second person ("You have zero or minimal USCE"), and a copied line would pin a
# stranger's facts on this applicant. Advice in the second person ("You need…") is not matched.
_ABOUT_READER = re.compile(
    r"^(?:you(?:'|’)(?:re|ve)|you\s+(?:already\s+)?(?:want|wanted|graduated|did|are|were|"
    r"have\s+(?!to\b|got\s+to\b)|had\s+(?!to\b)))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GuardConfig:
    """Thresholds of the guard (chosen on the dev questions; see evals/llm_compare.py).

    Attributes:
        min_kept: Fewest supported model sentences for the model's answer to be used.
        min_kept_share: Smallest share of the model's (non-repeated) sentences that must survive;
            below it, the survivors are likely fragments of an answer that was mostly wrong.
        max_sentence_chars: Longer "sentences" are run-on garbage, dropped unread.
        min_score: Support score a model sentence needs on top of the scorer's own verdict.
            The scorer's threshold (0.45) was calibrated on human-written pairs; on the dev
            drafts of SmolLM2, the sentences it passed with 0.45-0.55 were mostly distorted
            paraphrases (a meaning flipped, a claim added), the ones above were faithful.
        attribute_uncited: Give a sentence the model left uncited the one source that supports
            it best, if one does: small models forget the markers far more often than the facts,
            and the support check is the same either way.
        attribution_min_score: The bar for an attributed sentence, higher because searching
            every source for support is easier than passing on the one cited.
    """

    min_kept: int = 1
    min_kept_share: float = 0.25
    max_sentence_chars: int = 600
    min_score: float = 0.55
    attribute_uncited: bool = True
    attribution_min_score: float = 0.6


@dataclass
class Judged:
    """One sentence of the draft and what the guard decided about it."""

    sentence: str  # as the model wrote it (markers normalised)
    kept: bool
    code: GuardCode
    reason: str
    text: str = ""  # the sentence as shown to the reader (kept sentences only)
    citations: list[int] = field(default_factory=list)
    removed_citations: list[int] = field(default_factory=list)
    score: float | None = None


@dataclass
class GuardResult:
    """The guard's verdict on a whole draft."""

    draft: str
    sentences: list[Judged]
    fallback: bool
    fallback_reason: str | None = None
    error: str | None = None  # set when the model itself failed (no draft to judge)
    config: GuardConfig = field(default_factory=GuardConfig)

    @property
    def kept(self) -> list[Judged]:
        return [s for s in self.sentences if s.kept]

    @property
    def dropped(self) -> list[Judged]:
        return [s for s in self.sentences if not s.kept]

    def report(self) -> dict[str, Any]:
        """The `Answer.guard` payload: every sentence kept or dropped, each with its reason.

        `i` is the sentence's position in the draft.
        """
        kept, dropped = [], []
        for i, s in enumerate(self.sentences):
            if s.kept:
                kept.append(
                    {
                        "i": i,
                        "sentence": s.text,
                        "code": s.code,
                        "citations": s.citations,
                        "removed_citations": s.removed_citations,
                        "score": s.score,
                    }
                )
            else:
                dropped.append({"i": i, "sentence": s.sentence, "code": s.code, "reason": s.reason})
        return {
            "draft": self.draft,
            "kept": kept,
            "dropped": dropped,
            "fallback": self.fallback,
            "fallback_reason": self.fallback_reason,
            "error": self.error,
            "thresholds": {**asdict(self.config), "support": SUPPORT_THRESHOLD},
        }


def normalise_markers(text: str) -> str:
    """Rewrite "[Source 2]", "(source 1 and 3)" and the like as "[2]", "[1, 3]"."""

    def repl(m: re.Match[str]) -> str:
        numbers = re.findall(r"\d{1,3}", m.group(1))
        return f"[{', '.join(numbers)}]"

    return _SOURCE_MARKER.sub(repl, text)


_LEADING_MARKER = re.compile(r"^\s*(?:[-*•]\s*)?\[\d{1,3}(?:\s*,\s*\d{1,3})*\]")
_ANY_MARKER = re.compile(r"(\[\d{1,3}(?:\s*,\s*\d{1,3})*\])")


def markers_to_suffix(text: str) -> str:
    """A draft written "[1] Claim. [2] Claim." (markers first, as some models do) rewritten as
    "Claim [1]. Claim [2].": otherwise each marker would be read as citing the sentence before
    it. Drafts that open with prose are left alone; a marker with no text after it is dropped."""
    if not _LEADING_MARKER.match(text):
        return text
    lines = []
    for line in text.split("\n"):
        pieces = _ANY_MARKER.split(line)
        out = [pieces[0]]
        for marker, segment in zip(pieces[1::2], pieces[2::2], strict=True):
            body = segment.strip()
            if not body:
                continue
            end = body[-1] if body[-1] in ".!?" else ""
            body = f"{body[: len(body) - len(end)]} {marker}{end}"
            out.append((" " if out[-1] and not out[-1].endswith(" ") else "") + body)
        lines.append("".join(out))
    return "\n".join(lines)


def _clean(sentence: str) -> str:
    text = _BULLET.sub("", sentence.strip())
    text = text.replace("**", "").replace("__", "")
    text = _LABEL.sub("", text)
    return _LEADING_ASIDE.sub("", _LEADING_ASIDE.sub("", text)).strip()


def _with_markers(text: str, numbers: list[int]) -> str:
    """The sentence without its old markers, the kept ones before the final punctuation."""
    body = strip_markers(text).rstrip()
    tail = "".join(f"[{n}]" for n in numbers)
    if body and body[-1] in ".!?":
        return f"{body[:-1]} {tail}{body[-1]}"
    return f"{body} {tail}."


def _judge_support(
    text: str,
    cited: list[int],
    sources: Mapping[int, str],
    similarity: Similarity | None,
    min_score: float,
) -> tuple[list[int], SupportResult]:
    """Citations of `cited` that support `text` alone; else all of them if they do together."""

    def check(passage: str) -> SupportResult:
        return support(text, passage, similarity=similarity(text, passage) if similarity else None)

    def good(result: SupportResult) -> bool:
        return result.supported and result.score >= min_score

    results = {n: check(sources[n]) for n in cited}
    alone = [n for n in cited if good(results[n])]
    if alone:
        return alone, max((results[n] for n in alone), key=lambda r: r.score)
    if len(cited) > 1:
        # A sentence may combine two sources ("2–3 months [1] and 2–3 letters [2]").
        together = check("\n".join(sources[n] for n in cited))
        if good(together):
            return list(cited), together
    best = max(results.values(), key=lambda r: r.score)
    if best.supported and not best.reasons:
        best = best.model_copy(
            update={"reasons": [f"score {best.score:.2f} below the guard's {min_score}"]}
        )
    return [], best


def _unbacked_stances(text: str, cited: list[int], sources: Mapping[int, str]) -> list[str]:
    """Recommendations the sentence makes that none of its cited sources makes.

    The support score weighs words; a sentence can share most of its words with a source and
    still recommend what the source does not ("Research is always better than USCE" against
    "Research is powerful, but it rarely replaces absent USCE"). Advice needs its own backing.
    """
    backed: set[Stance] = set()
    for n in cited:
        backed |= stances(sources[n])
    return sorted(s.value for s in stances(text) - backed)


def _swap(text: str, cited: list[int], sources: Mapping[int, str]) -> Swap | None:
    """A key-term swap against one cited source that no other cited source backs."""
    for n in cited:
        backed = key_terms(" ".join(sources[m] for m in cited if m != n))
        for swap in swapped_terms(text, sources[n]):
            if not set(swap.terms) <= backed:
                return swap
    return None


def _attribute(
    text: str,
    sources: Mapping[int, str],
    similarity: Similarity | None,
    config: GuardConfig,
) -> tuple[int, SupportResult] | None:
    """The source that best supports an uncited sentence (advice included), if one does."""
    best: tuple[int, SupportResult] | None = None
    for n, passage in sources.items():
        result = support(
            text, passage, similarity=similarity(text, passage) if similarity else None
        )
        if not (result.supported and result.score >= config.attribution_min_score):
            continue
        if _unbacked_stances(text, [n], sources):
            continue
        if best is None or result.score > best[1].score:
            best = (n, result)
    return best


def guard(
    draft: str,
    sources: Mapping[int, str],
    *,
    verdict: Verdict | None,
    undecided: bool = False,
    similarity: Similarity | None = None,
    config: GuardConfig | None = None,
) -> GuardResult:
    """Judge every sentence of a model's draft against its sources and the rules' verdict.

    Args:
        draft: The model's answer text, with [n] citation markers.
        sources: Source number -> the verbatim text the model was given under that number.
        verdict: The rules' verdict for this applicant, or None.
        undecided: True when the question asks what to do first but the rules lacked the facts
            to decide; personal advice either way is then dropped.
        similarity: Embedding cosine similarity of (sentence, passage), or None. If it has a
            `prepare(texts)` method, that is called once with every sentence and source first
            (to embed them in one batch).
        config: Thresholds.

    Returns:
        A `GuardResult`: the judged sentences and whether to fall back to the grounded answer.
    """
    config = config or GuardConfig()
    judged: list[Judged] = []
    seen: set[str] = set()
    pieces = [
        (raw, _clean(raw))
        for raw in split_sentences(markers_to_suffix(normalise_markers(draft or "")))
    ]
    prepare = getattr(similarity, "prepare", None)
    if prepare is not None and pieces:
        prepare([text for _, text in pieces] + list(sources.values()))
    for raw, text in pieces:
        key = " ".join(strip_markers(text).lower().split())
        if not _WORD.search(strip_markers(text)):
            judged.append(Judged(raw, False, GuardCode.EMPTY, "no words"))
            continue
        if key in seen:
            judged.append(Judged(raw, False, GuardCode.REPEATED, "repeats an earlier sentence"))
            continue
        seen.add(key)
        judged.append(_judge(raw, text, sources, verdict, undecided, similarity, config))

    considered = [s for s in judged if s.code not in (GuardCode.EMPTY, GuardCode.REPEATED)]
    supported = [s for s in judged if s.code in (GuardCode.SUPPORTED, GuardCode.ATTRIBUTED)]
    reason = None
    if not considered:
        reason = "the model returned no usable text"
    elif len(supported) < config.min_kept:
        reason = f"none of the model's {len(considered)} sentences survived verification"
    elif len(supported) / len(considered) < config.min_kept_share:
        reason = (
            f"only {len(supported)} of the model's {len(considered)} sentences survived "
            "verification"
        )
    return GuardResult(draft or "", judged, reason is not None, reason, config=config)


def _judge(
    raw: str,
    text: str,
    sources: Mapping[int, str],
    verdict: Verdict | None,
    undecided: bool,
    similarity: Similarity | None,
    config: GuardConfig,
) -> Judged:
    if len(text) > config.max_sentence_chars:
        return Judged(
            raw, False, GuardCode.TOO_LONG, f"longer than {config.max_sentence_chars} characters"
        )
    cited = citation_markers(text)
    if stance := contradiction(text, verdict):
        return Judged(
            raw,
            False,
            GuardCode.CONTRADICTS_VERDICT,
            f"takes the stance {stance.value!r}, which contradicts the rules' verdict "
            f"{verdict.value if verdict else None} for this applicant",
        )
    if undecided and personal_advice(text):
        return Judged(
            raw,
            False,
            GuardCode.DECIDES_WITHOUT_FACTS,
            "gives personal advice although the rules lack the facts to decide",
        )
    plain = strip_markers(text).strip()
    if plain.endswith("?"):
        return Judged(raw, False, GuardCode.QUESTION, "asks a question instead of answering")
    if _ABOUT_READER.match(plain):
        return Judged(
            raw,
            False,
            GuardCode.ABOUT_THE_READER,
            "states facts about the reader; the sources cannot know them (a source's example?)",
        )
    if not cited:
        if NO_ANSWER.search(text) and len(text.split()) <= 25:
            return Judged(
                raw, True, GuardCode.NO_ANSWER, "says the sources do not answer", text=plain
            )
        # A near-copy that swaps a key term is never attributed to the source it distorts.
        swaps = {n: change for n, p in sources.items() if (change := swapped_terms(text, p))}
        faithful = {n: p for n, p in sources.items() if n not in swaps}
        if config.attribute_uncited and (found := _attribute(text, faithful, similarity, config)):
            n, result = found
            return Judged(
                raw,
                True,
                GuardCode.ATTRIBUTED,
                f"cited no source; the support scorer attributed it to [{n}]",
                text=_with_markers(text, [n]),
                citations=[n],
                score=result.score,
            )
        if swaps:
            n, swapped = next(iter(swaps.items()))
            return Judged(
                raw,
                False,
                GuardCode.ALTERED_QUOTE,
                f"cites no source; copies [{n}] but {swapped[0].describe()}",
            )
        return Judged(
            raw, False, GuardCode.NO_CITATION, "cites no source, and no source supports it"
        )
    unknown = [n for n in cited if n not in sources]
    if unknown:
        listed = ", ".join(f"[{n}]" for n in unknown)
        return Judged(
            raw,
            False,
            GuardCode.UNKNOWN_CITATION,
            f"cites {listed}, which {'is' if len(unknown) == 1 else 'are'} not among the "
            f"{len(sources)} sources",
        )
    kept, result = _judge_support(text, cited, sources, similarity, config.min_score)
    listed = "".join(f"[{n}]" for n in cited)

    def dropped(code: GuardCode, reason: str) -> Judged:
        return Judged(raw, False, code, reason, score=result.score)

    if not kept:
        code = GuardCode.INVENTED_NUMBER if result.missing_numbers else GuardCode.UNSUPPORTED
        because = "; ".join(result.reasons) or "not supported"
        return dropped(code, f"not supported by {listed}: {because}")
    if swap := _swap(text, kept, sources):
        return dropped(GuardCode.ALTERED_QUOTE, f"copies {listed} but {swap.describe()}")
    if unbacked := _unbacked_stances(text, kept, sources):
        return dropped(
            GuardCode.UNSUPPORTED_STANCE,
            f"recommends {', '.join(unbacked)}, which {listed} does not",
        )
    return Judged(
        raw,
        True,
        GuardCode.SUPPORTED,
        "supported by its citations",
        text=_with_markers(text, kept),
        citations=kept,
        removed_citations=[n for n in cited if n not in kept],
        score=result.score,
    )
