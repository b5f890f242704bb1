"""GET /api/lexicon: the domain vocabulary the chat page offers (from assistant/core/lexicon.toml),
so the page never keeps a copy of its own."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.schemas import LexiconOut
from assistant.core import lexicon

router = APIRouter(prefix="/api", tags=["lexicon"])


@router.get("/lexicon", response_model=LexiconOut)
async def get_lexicon() -> LexiconOut:
    """Specialties an applicant can name (with their competitiveness class) and the kinds of
    experience, marking those that count as hands-on USCE."""
    lex = lexicon.load()
    return LexiconOut.model_validate(
        {
            "specialties": [
                {"name": s.name, "specialty_class": s.specialty_class}
                for s in lex.specialties
                if s.aliases  # named in questions only (intent), not a profile target
            ],
            "experience": [{"kind": e.kind, "hands_on": e.hands_on} for e in lex.experience],
        }
    )
