"""The domain lexicon (assistant/core/lexicon.toml) is the one place vocabulary lives: a row
added there is seen by profile reading, intent, query synonyms and the page's specialty list."""

from __future__ import annotations

import json
import os
import subprocess
import typing
from pathlib import Path

from assistant.core import lexicon
from assistant.core.types import HANDS_ON_TYPES, UsceType
from tests.conftest import BIN

NEW_ROW = """
[[specialties]]
name = "sports medicine"
class = "moderate"
aliases = ["sports medicine", "sports med"]
intent = ['sports\\s+med(?:icine)?']
expand = ["sports med"]
"""

PROBE = """
import json
from fastapi.testclient import TestClient
from assistant.api.app import create_app
from assistant.core.settings import Settings
from assistant.domain.intent import _domain_score
from assistant.domain.profile import parse_profile
from assistant.text.synonyms import expansions

profile = parse_profile("2019 grad, no USCE. I want to apply to sports med.", current_year=2026)
with TestClient(create_app(Settings(), load=False)) as client:
    listed = [s["name"] for s in client.get("/api/lexicon").json()["specialties"]]
print(json.dumps({
    "profile": [profile.specialty, profile.specialty_class],
    "intent": _domain_score("is sports medicine hard to match as an img?")[1],
    "synonyms": expansions("sports med rotations"),
    "page": listed,
}))
"""


def _probe(lexicon_file: Path | None) -> dict[str, typing.Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("ADVISOR_LEXICON", None)
    if lexicon_file is not None:
        env["ADVISOR_LEXICON"] = str(lexicon_file)
    out = subprocess.run(
        [str(BIN / "python"), "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_new_specialty_row_is_seen_everywhere(tmp_path: Path) -> None:
    extended = tmp_path / "lexicon.toml"
    extended.write_text(lexicon.DEFAULT.read_text(encoding="utf-8") + NEW_ROW, encoding="utf-8")
    before, after = _probe(None), _probe(extended)

    assert before["profile"] == [None, None]
    assert after["profile"] == ["sports medicine", "moderate"]
    assert "specialty_name" not in before["intent"] and "specialty_name" in after["intent"]
    assert "sports medicine" not in before["synonyms"]
    assert "sports medicine" in after["synonyms"]
    assert "sports medicine" not in before["page"] and "sports medicine" in after["page"]


def test_experience_kinds_match_the_profile_types() -> None:
    kinds = {e.kind for e in lexicon.load().experience}
    assert kinds == set(typing.get_args(UsceType))
    assert lexicon.load().hands_on_kinds == HANDS_ON_TYPES
    assert {"observership", "shadowing", "volunteering", "virtual"}.isdisjoint(HANDS_ON_TYPES)


def test_the_page_keeps_no_specialty_list_of_its_own() -> None:
    script = (Path(lexicon.__file__).parents[1] / "web" / "static" / "profile.js").read_text()
    assert "'dermatology'" not in script and "getLexicon" in script


def test_the_profile_form_offers_the_lexicon_specialties(
    app_server: str, tab_factory: typing.Callable[..., typing.Any]
) -> None:
    """Real Chromium: the specialty field offers the lexicon's rows, from the API, and nothing
    else (a choice, not free text)."""
    tab = tab_factory(app_server).open()
    options = tab.page.locator("select#pf-specialty option")
    options.nth(1).wait_for(state="attached")
    shown = options.evaluate_all("(nodes) => nodes.map((n) => n.value)")
    readable = [s.name for s in lexicon.load().specialties if s.aliases]
    assert shown == ["", *readable]
    assert tab.console_errors == []
