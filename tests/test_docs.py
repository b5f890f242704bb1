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


def test_every_path_the_docs_name_exists() -> None:
    """Module moves must not leave the docs pointing at files that are gone."""
    root = README.parent
    texts = [README, *sorted((root / "docs").glob("*.md"))]
    pattern = re.compile(
        r"\b((?:assistant|ingest|evals|tests)/[\w/]+\.(?:py|toml|jsonl|js|css|md))\b"
    )
    missing = {
        f"{doc.name}: {path}"
        for doc in texts
        for path in pattern.findall(doc.read_text(encoding="utf-8"))
        if not (root / path).exists()
    }
    assert missing == set()
