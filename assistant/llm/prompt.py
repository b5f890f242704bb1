"""Prompts: the answer prompt (numbered sources, a fixed verdict) and the follow-up condenser.

Written for small models too: short instructions, one example of the citation format, the
rules' verdict stated as a fact to explain rather than a question to re-decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.prompts import ChatPromptTemplate


@dataclass(frozen=True)
class Source:
    """One numbered source as the model sees it: a verbatim quote of a corpus document."""

    n: int
    text: str
    title: str = ""


# Tuned on the dev questions only (evals/llm_compare.py): sources and question in the last user
# message, where a small model attends most; the instructions repeated at the end.
ANSWER_SYSTEM = """You are IMG Advisor. You help international medical graduates prepare a US \
residency application. Answer ONLY from the numbered sources in the user's message. Use the \
sources' own words where you can. Never invent a fact, a number or a source number.
Write 2 to 4 short sentences. End every sentence with the number of its source in square \
brackets, like [2].
If the sources do not answer the question, write: The sources do not answer this.
{decision}"""

ANSWER_HUMAN = """Sources:
{sources}

Question: {question}

Answer in 2 to 4 sentences, each ending with its source number like [1]:"""

DECISION_FIXED = """
The decision for this applicant is already made by fixed rules. Do not change it and never \
advise the opposite. Explain it with the sources.
Decision: {headline}.
Why: {rationale}
"""

DECISION_UNDECIDED = """
The applicant has not given the facts needed to decide between research and clinical \
experience ({missing}). Do not tell them which to do first; explain what the sources say.
"""

CONDENSE_SYSTEM = """Rewrite the user's last message as one complete question that can be \
understood without the conversation. Keep the user's facts (years, months, scores, letters, \
specialty). Reply with the question only."""

CONDENSE_HUMAN = """Conversation:
{history}

Last message: {question}

Complete question:"""

answer_prompt = ChatPromptTemplate.from_messages(
    [("system", ANSWER_SYSTEM), ("human", ANSWER_HUMAN)]
)
condense_prompt = ChatPromptTemplate.from_messages(
    [("system", CONDENSE_SYSTEM), ("human", CONDENSE_HUMAN)]
)


def format_sources(sources: Sequence[Source]) -> str:
    """One line per source: "[n] quote". No titles: small models copy them into the answer."""
    return "\n".join(f"[{s.n}] {' '.join(s.text.split())}" for s in sources)


def answer_variables(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The answer prompt's variables from the chain's inputs.

    Args:
        inputs: `question`, `sources` (list of `Source`), and optionally `headline` and
            `rationale` (the rules' verdict, in words) or `missing` (the facts that would decide).

    Returns:
        The variables of `answer_prompt`.
    """
    if inputs.get("headline"):
        decision = DECISION_FIXED.format(
            headline=inputs["headline"], rationale=inputs.get("rationale") or ""
        )
    elif inputs.get("missing"):
        decision = DECISION_UNDECIDED.format(missing=inputs["missing"])
    else:
        decision = ""
    question = str(inputs["question"])
    if inputs.get("profile_text"):
        question = f"{question}\n\n({inputs['profile_text']})"
    return {
        "decision": decision,
        "sources": format_sources(inputs.get("sources") or []),
        "question": question,
    }


def history_text(history: Sequence[Mapping[str, Any]], limit: int = 6) -> str:
    """The last turns of a chat as "User: …" / "Assistant: …" lines (assistant turns trimmed)."""
    lines = []
    for turn in list(history)[-limit:]:
        role = "User" if turn.get("role") == "user" else "Assistant"
        content = " ".join(str(turn.get("content", "")).split())
        if role == "Assistant" and len(content) > 300:
            content = content[:300] + "…"  # the user's own facts matter, not our long answers
        lines.append(f"{role}: {content}")
    return "\n".join(lines)
