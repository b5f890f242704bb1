"""`advisor ask` in a terminal and in a pipe (issue 20): wrapped at the width, never cropped, no
word split across lines, every quote whole with its [n]; offsets and rule ids only with
--verbose; no dash before an empty section name."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from assistant.answer.render import render
from assistant.cli import answer_view, to_text
from assistant.core import blocks as b
from assistant.core.settings import Settings
from assistant.core.types import Answer, Citation, Recommendation, Verdict
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parents[1]
ADVISOR = str(Path(sys.executable).parent / "advisor")
# A verdict (so a rule id), a plan, long quote bullets, a dozen sources.
QUESTION = "I graduated 7 years ago with no USCE and want internal medicine: research first?"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
OFFSETS = re.compile(r"chars \d+–\d+")
# the answer's markdown: bold, italics (a line, or a plan step's "_For you: …_"), bullets
MARKS = re.compile(r"\*\*|(?:^|(?<= ))_(?=\S)|_$|^- ", re.M)
LABELS = {"•", "-", "—", "Sources", "(verified)", "(NOT", "verified)", "(commercial", "interest)"}


def _words(text: str) -> str:
    """Whitespace-normalised: the line breaks and indents of wrapping joined to single spaces."""
    return " ".join(text.split())


def _vocabulary(answer: dict[str, Any]) -> set[str]:
    """Every word the output may hold: a piece of a word split across lines is not one."""
    plain = MARKS.sub("", answer["answer"])
    words = set(plain.split()) | LABELS | {"Rule:", answer["recommendation"]["rule_id"], "chars"}
    for c in answer["citations"]:
        words |= set(f"[{c['n']}] {c['title']} {c['section']} “{c['quote']}”".split())
        words.add(f"{c['start']}–{c['end']}")
    return words


def assert_wraps(text: str, width: int, answer: dict[str, Any], *, verbose: bool) -> None:
    lines = text.splitlines()
    assert max(map(len, lines)) <= width, max(lines, key=len)
    vocabulary = _vocabulary(answer)
    split = [w for w in text.split() if w not in vocabulary]
    assert not split, split  # no word broken across lines, none cropped
    joined = _words(text)
    # The whole answer, line by line (markdown marks aside), with every bullet's end and [n].
    for line in MARKS.sub("", answer["answer"]).splitlines():
        assert _words(line) in joined, line
    numbers = [c["n"] for c in answer["citations"]]
    for c in answer["citations"]:
        where = f" — {c['section']}" if c["section"].strip() else ""  # no dash before nothing
        entry = joined[joined.rindex(_words(f"[{c['n']}] {c['title']}{where} (")) :]
        following = f"[{c['n'] + 1}] " if c["n"] < max(numbers) else None
        entry = entry[: entry.index(following)] if following else entry
        assert f"“{_words(c['quote'])}”" in entry, (c["n"], entry)  # whole, under its [n]
        assert (f"chars {c['start']}–{c['end']}" in entry) == verbose
    assert (answer["recommendation"]["rule_id"] in text) == verbose
    assert bool(OFFSETS.search(joined)) == verbose


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("cli-output") / "data"
    run_ingest(Settings(corpus_dir=ROOT / "corpus", data_dir=data, embedder="fake"))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {
        **environ,
        "ADVISOR_DATA_DIR": str(data),
        "ADVISOR_EMBEDDER": "fake",
        "ADVISOR_LLM": "grounded",
        "TERM": "xterm",
    }


@pytest.fixture(scope="module")
def answer(env: dict[str, str]) -> dict[str, Any]:
    """The same question's --json output: what the terminal text is checked against."""
    done = subprocess.run(
        [ADVISOR, "ask", QUESTION, "--json"], capture_output=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["recommendation"] and len(answer["citations"]) >= 5
    return answer


def _ask_in_terminal(env: dict[str, str], columns: int, *args: str) -> str:
    """stdout on a pseudo-terminal `columns` wide (stderr a pipe: no spinner in the text)."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen(
        [ADVISOR, "ask", QUESTION, *args],
        stdout=secondary,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    _, errors = proc.communicate(timeout=120)
    assert proc.returncode == 0, errors[-2000:]
    return ANSI.sub("", seen.decode()).replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("columns", "verbose"), [(60, False), (80, False), (120, False), (60, True)]
)
def test_a_terminal_gets_every_quote_whole_at_its_width(
    env: dict[str, str], answer: dict[str, Any], columns: int, verbose: bool
) -> None:
    text = _ask_in_terminal(env, columns, *(["--verbose"] if verbose else []))
    assert_wraps(text, columns, answer, verbose=verbose)


def test_a_pipe_gets_80_columns_and_no_padding(env: dict[str, str], answer: dict[str, Any]) -> None:
    done = subprocess.run(
        [ADVISOR, "ask", QUESTION], capture_output=True, env=env, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0 and done.stderr == b"", done.stderr[-2000:]
    text = done.stdout.decode()
    assert "\x1b[" not in text
    assert_wraps(text, 80, answer, verbose=False)
    assert max(map(len, text.splitlines())) > 70  # the width is used, not a narrow fallback
    assert all(line == line.rstrip() for line in text.splitlines())


# ---------------------------------------------------------------------------------------------
# The renderer alone, without a subprocess.

LONG = (
    "If you’re 4–5+ years out of graduation and mostly doing non-clinical work (lab, admin, "
    "gaps), research alone doesn’t fix that problem, and programs will ask what you did with "
    "the years in between, so plan recent hands-on clinical work before anything else."
)
LINK = "https://example.org/" + "a" * 70  # one word longer than the line: folded, never lost


def _answer() -> Answer:
    citations = [
        Citation(n=1, doc_id="d", title="An article", section="", quote=LONG, start=0,
                 end=len(LONG), verified=True),
        Citation(n=2, doc_id="d", title="An article", section="FAQ > 2. How long?",
                 quote=f"See {LINK} for more.", start=300, end=400, verified=True,
                 commercial_interest=True),
    ]  # fmt: skip
    blocks: list[b.Block] = [
        b.RecommendationBlock(
            verdict=Verdict.USCE_URGENT,
            label="hands-on USCE first, urgently",
            text="USCE, urgently. [1]",
            citations=[1],
            items=[b.Item(text=f"“{LONG}” (An article) [1]", citations=[1])],
        ),
        b.EvidenceBlock(
            title="What the sources say:", items=[b.Item(text=f"“{LONG}” [2]", citations=[2])]
        ),
    ]
    return Answer(
        question="q",
        answer=render(blocks),
        blocks=blocks,
        citations=citations,
        recommendation=Recommendation(
            verdict=Verdict.USCE_URGENT, rule_id="R1_urgent_old_grad_no_usce", rationale="r"
        ),
    )


@pytest.mark.parametrize("width", [40, 60, 100])
def test_the_view_wraps_with_hanging_indents_and_drops_nothing(width: int) -> None:
    text = to_text(Console(width=width, color_system=None), answer_view(_answer()))
    lines = text.splitlines()
    assert max(map(len, lines)) <= width
    assert lines == [line.rstrip() for line in lines]  # no padding to the width
    joined = _words(text)
    assert joined.count(f"“{LONG}” (An article) [1]") == 1
    assert f"“{LONG}” [2]" in joined
    assert f"[1] An article (verified) “{LONG}”" in joined  # empty section: no dash
    assert "[2] An article — FAQ > 2. How long? (verified) (commercial interest)" in joined
    assert LINK in "".join(text.split())  # the one word wider than the line, folded whole
    assert "chars" not in text and "R1_" not in text
    # Hanging indents: a bullet's wrapped lines under its text, a source's under its title.
    bullet_lines = [i for i, line in enumerate(lines) if line.startswith(" • ")]
    assert bullet_lines and all(lines[i + 1].startswith("   ") for i in bullet_lines)
    source_lines = [i for i, line in enumerate(lines) if re.match(r"\[\d\] ", line)]
    assert len(source_lines) == 2 and all(lines[i + 1].startswith("    ") for i in source_lines)


def test_verbose_adds_the_rule_id_and_offsets() -> None:
    text = to_text(Console(width=60, color_system=None), answer_view(_answer(), verbose=True))
    joined = _words(text)
    assert "Rule: R1_urgent_old_grad_no_usce" in joined
    assert f"chars 0–{len(LONG)}" in joined and "chars 300–400" in joined


def test_a_wrong_profile_key_names_the_keys_there_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    from assistant.cli import _read_profile

    path = tmp_path / "profile.json"
    path.write_text('{"letters": 2}', encoding="utf-8")
    with pytest.raises(typer.Exit):
        _read_profile(path)
    message = " ".join(capsys.readouterr().err.split())
    assert "letters: unknown key" in message
    assert "us_letters" in message and "Extra inputs" not in message
