"""The four verdicts of the rules layer (design.md): names fixed, other tools depend on them."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What to do first: USCE_FIRST, USCE_URGENT, ADD_RESEARCH or RESEARCH_AND_USCE."""

    USCE_FIRST = "USCE_FIRST"
    USCE_URGENT = "USCE_URGENT"
    ADD_RESEARCH = "ADD_RESEARCH"
    RESEARCH_AND_USCE = "RESEARCH_AND_USCE"
