"""The architecture contracts (pyproject [tool.importlinter], drawn in docs/architecture.md)."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import BIN, ROOT


def test_import_contracts_are_kept() -> None:
    """Each layer imports only layers below it; the product never imports the eval suite."""
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_eval_commands_come_from_an_entry_point() -> None:
    """`advisor eval` and `advisor bench` exist although assistant/ never imports evals/."""
    result = subprocess.run(
        [str(BIN / "advisor"), "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert " eval " in result.stdout and " bench " in result.stdout


def test_no_control_characters_in_the_sources() -> None:
    """A regex written as "\\b" in a non-raw string is a backspace: the pattern silently
    matches nothing. No source or data file holds such characters."""
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
    files = [
        p
        for folder in ("assistant", "ingest", "evals", "tests")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in {".py", ".toml", ".js", ".html", ".css"}
    ]
    assert files
    found = [str(p) for p in files if bad.search(p.read_text(encoding="utf-8"))]
    assert not found, found
