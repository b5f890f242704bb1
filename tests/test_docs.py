"""The README stays true: every setting is documented, and every documented setting exists."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.core.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_a_readme_row_and_no_row_is_stale() -> None:
    documented = set(re.findall(r"^\| `ADVISOR_([A-Z0-9_]+)` \|", README.read_text(), re.M))
    fields = {name.upper() for name in Settings.model_fields}
    assert fields - documented == set(), "settings missing from the README table"
    assert documented - fields == set(), "README rows for settings that do not exist"
