"""Model-assisted profile reading (issue 16, item 7): a chat model proposes the applicant's facts
through LangChain structured output; `domain.proposals.accept_proposals` decides which to use.

The model never decides anything here: it only points at words of the message. A proposal whose
words are not in the message, or that the deterministic reading contradicts, is dropped there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, Field

from assistant.domain.proposals import PROPOSABLE, ProposedFact

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)


class StatedFact(BaseModel):
    """One fact the message states."""

    name: str = Field(description="one of the fact names listed in the instructions")
    value: str | float | bool = Field(description="the fact's value")
    evidence: str = Field(description="the exact words of the message that state it, copied")


class StatedFacts(BaseModel):
    """The facts an applicant's message states for sure."""

    facts: list[StatedFact] = Field(default_factory=list)


_FACT_LIST = "\n".join(f"- {name}: {meaning}" for name, meaning in PROPOSABLE.items())
READ_SYSTEM = f"""You read messages from international medical graduates and list the facts \
about the writer that the message states for sure. Use only these fact names:
{_FACT_LIST}
For each fact give its value and copy the exact words of the message that state it as \
evidence. Leave out anything the message does not say. Plans are not facts: only what is done."""
READ_HUMAN = "Message:\n{message}"
read_prompt = ChatPromptTemplate.from_messages([("system", READ_SYSTEM), ("human", READ_HUMAN)])

# Messages longer than this are cut before the model sees them: the facts sit in the first few
# paragraphs, and a small model's context is short.
_MAX_CHARS = 4_000


def propose_facts(model: BaseChatModel, message: str) -> list[ProposedFact]:
    """The facts `model` proposes for `message`; [] when it cannot give structured output.

    Raises:
        Exception: the model call failed (the caller logs it and reads without the model).
    """
    try:
        # Tool calling with the schema forced: what llama.cpp's and OpenAI's servers turn into a
        # grammar or strict output; other models take their default structured-output method.
        structured = model.with_structured_output(StatedFacts, method="function_calling")
    except (NotImplementedError, TypeError, ValueError):
        try:
            structured = model.with_structured_output(StatedFacts)
        except NotImplementedError:
            log.info("%s gives no structured output: facts read without it", type(model).__name__)
            return []
    result: Any = (read_prompt | structured).invoke({"message": message[:_MAX_CHARS]})
    if isinstance(result, dict):  # some integrations return the parsed arguments as a dict
        result = StatedFacts.model_validate(result)
    if not isinstance(result, StatedFacts):
        return []
    return [ProposedFact(f.name, f.value, f.evidence) for f in result.facts]
