"""Is each sub-question of a multi-part message answered, or named as not covered? (issue 18;
pure).

Against a probe whose every sub-question is labelled: the words of the message that ask it
(`quote`), whether the five articles answer it (`covered`), and for a covered one every passage
that does (`gold`). Per sub-question:

- answered (covered ones): a block that answers (a direct answer, the recommendation and its
  quotes, a plan step, what would change) cites one of its gold passages. Quotes listed as
  "more from the sources" do not count: they are the evidence, not the answer;
- named (not-covered ones): a not-covered note quotes it, or the whole message is declined as
  outside the articles' scope;
- wrongly named (covered ones): a not-covered note quotes it, or the whole message is declined.

A note names the one sub-question whose `quote` shares the largest part of the shorter one's
content words with the note's quoted words, if at least half.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evals.metrics.answers import matches
from evals.metrics.retrieval import Span

ANSWERING = ("direct_answer", "recommendation", "plan", "what_would_change")
_WORD = re.compile(r"[^\W\d_]{3,}|\d+", re.UNICODE)
# Words that say nothing about what is asked ("is it ok to…?").
# fmt: off
_FILLER = frozenset({
    "the", "and", "for", "are", "can", "does", "did", "has", "have", "how", "many", "much",
    "what", "when", "which", "who", "why", "will", "with", "this", "that", "these", "those",
    "there", "then", "than", "you", "your", "yours", "its", "not", "any", "all", "also", "just",
    "should", "would", "could", "about", "from", "into", "out", "too", "very", "more", "most",
    "some", "such", "only", "even", "still", "really", "get", "got", "was", "were", "been",
    "being", "our", "their", "them", "they", "she", "her", "his", "him",
})
# fmt: on
_QUOTED = re.compile(r"“([^”]+)”")


@dataclass(frozen=True)
class SubQuestionScore:
    """One labelled sub-question as the answer treated it."""

    covered: bool
    answered: bool  # an answering block cites its gold (covered only; False otherwise)
    named: bool  # a not-covered note quotes it, or the message was declined


def content_words(text: str) -> frozenset[str]:
    return frozenset(
        w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _FILLER
    )


def overlap(noted: str, asked: str) -> float:
    """The share of the shorter one's content words that the other has too."""
    a, b = content_words(noted), content_words(asked)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def quotes_it(noted: str, asked: str) -> bool:
    """Whether a note's quoted words may name the sub-question asked in `asked`."""
    return overlap(noted, asked) >= 0.5


def cited_by_answering_blocks(answer: Mapping[str, Any]) -> list[int]:
    out: list[int] = []
    for block in answer.get("blocks") or []:
        if block.get("kind") not in ANSWERING:
            continue
        out += list(block.get("citations") or [])
        out += [n for item in block.get("items") or [] for n in item.get("citations") or []]
    return out


def named_asks(answer: Mapping[str, Any]) -> list[str]:
    """The asks the answer names as not covered (the quoted words of its notes)."""
    return [
        quoted
        for block in answer.get("blocks") or []
        if block.get("kind") == "notice" and block.get("code") == "not_covered"
        for quoted in _QUOTED.findall(str(block.get("text", "")))
    ]


def score_message(
    answer: Mapping[str, Any],
    sub_questions: Sequence[Mapping[str, Any]],
    gold: Sequence[list[Span]],
) -> list[SubQuestionScore]:
    """Score one answer (as JSON) against its labelled sub-questions and, per sub-question, its
    gold spans (`gold[i]` for `sub_questions[i]`, empty for a not-covered one)."""
    spans = {c["n"]: Span(c["doc_id"], c["start"], c["end"]) for c in answer.get("citations") or []}
    cited = [spans[n] for n in cited_by_answering_blocks(answer) if n in spans]
    declined = bool(answer.get("abstained"))
    quoted = [str(sub.get("quote", "")) for sub in sub_questions]
    # each note names the one sub-question it shares the most words with, if enough
    named_ids = {
        max(candidates, key=lambda i: overlap(note, quoted[i]))
        for note in named_asks(answer)
        if (candidates := [i for i, asked in enumerate(quoted) if quotes_it(note, asked)])
    }
    out = []
    for i, (sub, sub_gold) in enumerate(zip(sub_questions, gold, strict=True)):
        covered = bool(sub.get("covered"))
        named = declined or i in named_ids
        answered = covered and any(matches(c, g) for c in cited for g in sub_gold)
        out.append(SubQuestionScore(covered, answered, named))
    return out


def summarize(scores: Sequence[SubQuestionScore]) -> dict[str, dict[str, Any]]:
    """Shares over the sub-questions each figure applies to, with their counts."""

    def share(values: list[bool]) -> dict[str, Any]:
        return {
            "value": round(sum(values) / len(values), 3) if values else None,
            "hits": sum(values),
            "total": len(values),
        }

    covered = [s for s in scores if s.covered]
    outside = [s for s in scores if not s.covered]
    return {
        "sub_questions_addressed": share([s.answered if s.covered else s.named for s in scores]),
        "covered_answered": share([s.answered for s in covered]),
        "not_covered_named": share([s.named for s in outside]),
        "covered_wrongly_named": share([s.named for s in covered]),
    }


DEFINITIONS: dict[str, str] = {
    "sub_questions_addressed": "labelled sub-questions answered (covered ones) or named as not "
    "covered (the others)",
    "covered_answered": "sub-questions the articles answer whose gold passage a block that "
    "answers cites (not the trailing quotes)",
    "not_covered_named": "sub-questions the articles do not answer that the answer names as not "
    "covered (or declines with the whole message)",
    "covered_wrongly_named": "sub-questions the articles answer that the answer names as not "
    "covered (lower is better)",
}
