"""The domain lexicon (lexicon.toml): specialties, kinds of experience, number words.

One table, read by profile reading, intent, query synonyms, the support scorer and the chat page
(through the API), so that adding a specialty is a one-row change. `ADVISOR_LEXICON` names
another file (tests use it to show that every reader sees a new row).
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

SpecialtyClass = Literal["primary", "moderate", "competitive"]
DEFAULT = Path(__file__).with_name("lexicon.toml")


@dataclass(frozen=True)
class Specialty:
    name: str
    specialty_class: SpecialtyClass | None
    aliases: tuple[str, ...]  # how applicants name it (lower case)
    intent: tuple[str, ...]  # regexes that make a question about a specialty
    expand: tuple[str, ...]  # shorthands query expansion spells out
    spellings: tuple[str, ...]  # forms the support scorer folds into the name


@dataclass(frozen=True)
class Experience:
    kind: str
    hands_on: bool


@dataclass(frozen=True)
class Lexicon:
    specialties: tuple[Specialty, ...]
    experience: tuple[Experience, ...]
    number_words: dict[str, int]
    spelling: tuple[str, ...] = ()  # words profile reading corrects misspellings to

    @property
    def hands_on_kinds(self) -> frozenset[str]:
        return frozenset(e.kind for e in self.experience if e.hands_on)

    def specialty(self, name: str) -> Specialty | None:
        return next((s for s in self.specialties if s.name == name), None)


def _specialty(row: dict[str, object]) -> Specialty:
    def words(key: str) -> tuple[str, ...]:
        return tuple(str(w) for w in cast(list[object], row.get(key, [])))

    cls = row.get("class")
    if cls not in (None, "primary", "moderate", "competitive"):
        raise ValueError(f"specialty {row.get('name')!r}: unknown class {cls!r}")
    return Specialty(
        name=str(row["name"]),
        specialty_class=cast(SpecialtyClass | None, cls),
        aliases=words("aliases"),
        intent=words("intent"),
        expand=words("expand"),
        spellings=words("spellings"),
    )


@functools.cache
def load(path: Path | None = None) -> Lexicon:
    """The lexicon at `path`, else `ADVISOR_LEXICON`, else the packaged lexicon.toml."""
    path = path or Path(os.environ.get("ADVISOR_LEXICON") or DEFAULT)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Lexicon(
        specialties=tuple(_specialty(r) for r in data.get("specialties", [])),
        experience=tuple(
            Experience(str(r["kind"]), bool(r["hands_on"])) for r in data.get("experience", [])
        ),
        number_words={str(k): int(v) for k, v in data.get("number_words", {}).items()},
        spelling=tuple(str(w) for w in data.get("spelling", {}).get("words", [])),
    )
