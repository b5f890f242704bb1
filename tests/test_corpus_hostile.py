"""Hostile corpus folders: links out of the corpus, loops, special files, UTF-16/32 files,
metadata entries that name no file, and inputs built to make one enormous chunk.

Every bad entry must give one clear problem naming it (and never where a link points), the other
files must still be ingested, and no chunk may exceed 2 * max_chars whatever the input.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core.settings import Settings
from assistant.core.types import Chunk
from ingest import chunking as chunking_mod
from ingest.chunking import chunk_document
from ingest.index import open_index
from ingest.loader import Problem, SourceFile, load_corpus
from ingest.pipeline import MAX_CHARS, run_ingest

MAX_BYTES = 20_000_000
GOOD = "Clinical Experience Guide\n\nHands-on rotations in the U.S. beat observerships.\n"
SECRET = "root:x:0:0:root:/root:/bin/bash\n"

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks here")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture(autouse=True)
def _strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let chunker bugs raise instead of hiding behind the never-raise fallback."""
    monkeypatch.setattr(chunking_mod, "_RAISE_ERRORS", True)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A one-document corpus, with a secret file right next to it (outside the corpus)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    return folder


def _load(folder: Path) -> tuple[dict[str, SourceFile], dict[str, str]]:
    """Loaded documents by id, and problem messages by entry name (one per entry)."""
    files, problems = load_corpus(folder, max_bytes=MAX_BYTES)
    by_name: dict[str, str] = {}
    for p in problems:
        name = Path(p.path).relative_to(folder).as_posix()
        assert name not in by_name, f"two problems for {name}: {by_name[name]!r}, {p.message!r}"
        by_name[name] = p.message
    return {f.doc_id: f for f in files}, by_name


def _no_secret(files: dict[str, SourceFile], problems: dict[str, str], secret_dir: Path) -> None:
    assert all("root:x:0:0" not in f.text for f in files.values())
    # Messages reach users: they must not tell where a link points.
    assert not any(str(secret_dir) in m or "secret" in m for m in problems.values())


# --------------------------------------------------------------------------------------------
# 1. Links and special files


@needs_symlinks
def test_link_to_a_file_outside_the_corpus_is_skipped(corpus: Path) -> None:
    secret = corpus.parent / "outside" / "secret.txt"
    (corpus / "passwd.txt").symlink_to(secret)
    (corpus / "relative.md").symlink_to(Path("..") / "outside" / "secret.txt")
    (corpus / "etc.txt").symlink_to("/etc/passwd")
    files, problems = _load(corpus)
    assert set(files) == {"good"}
    for name in ("passwd.txt", "relative.md", "etc.txt"):
        assert problems[name] == "link to a file outside the corpus folder, skipped"
    _no_secret(files, problems, secret.parent)


@needs_symlinks
def test_symlink_loops_and_broken_links_are_skipped(corpus: Path) -> None:
    (corpus / "a.txt").symlink_to("b.txt")
    (corpus / "b.txt").symlink_to("a.txt")
    (corpus / "self.txt").symlink_to("self.txt")
    (corpus / "gone.txt").symlink_to("missing.txt")
    (corpus / "gone-far.md").symlink_to(corpus.parent / "outside" / "missing" / "x.txt")
    files, problems = _load(corpus)
    assert set(files) == {"good"}
    assert problems == {
        "a.txt": "symlink loop, skipped",
        "b.txt": "symlink loop, skipped",
        "self.txt": "symlink loop, skipped",
        "gone.txt": "broken link, skipped",
        "gone-far.md": "broken link, skipped",
    }


@needs_symlinks
def test_links_inside_the_corpus_are_read(corpus: Path) -> None:
    (corpus / "sub").mkdir()
    (corpus / "sub" / "other.txt").write_text("Other Guide\n\nResearch matters too.\n", "utf-8")
    (corpus / "sub" / "notes.data").write_text("Notes\n\nLetters count.\n", "utf-8")
    (corpus / "alias.txt").symlink_to("good.txt")
    (corpus / "shortcut.md").symlink_to(Path("sub") / "other.txt")
    (corpus / "notes.txt").symlink_to(Path("sub") / "notes.data")
    files, problems = _load(corpus)
    # A link is read like the file it points to, so a link to a corpus file is a second copy:
    # the file is kept and the link reported, whatever the names.
    assert problems == {
        "alias.txt": f"same content as {corpus / 'good.txt'}, skipped as a duplicate",
        "shortcut.md": f"same content as {corpus / 'sub' / 'other.txt'}, skipped as a duplicate",
    }
    assert set(files) == {"good", "other", "notes"}
    # A document keeps its name in the corpus, never the target's path.
    assert files["notes"].path == corpus / "notes.txt"
    assert files["notes"].text == "Notes\n\nLetters count.\n"


@needs_symlinks
def test_linked_folders_are_not_followed(corpus: Path) -> None:
    outside = corpus.parent / "outside"
    (corpus / "ext").symlink_to(outside, target_is_directory=True)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "back").symlink_to(corpus, target_is_directory=True)  # a cycle
    (corpus / "sub" / "inner.txt").write_text("Inner Guide\n\nLetters matter a lot.\n", "utf-8")
    files, problems = _load(corpus)
    assert set(files) == {"good", "inner"}
    assert problems == {
        "ext": "linked folder, not followed",
        "sub/back": "linked folder, not followed",
    }
    _no_secret(files, problems, outside)


@needs_symlinks
def test_metadata_link_outside_is_ignored(corpus: Path) -> None:
    evil = corpus.parent / "outside" / "metadata.toml"
    evil.write_text('[documents.good]\ntitle = "Planted title"\n', encoding="utf-8")
    (corpus / "metadata.toml").symlink_to(evil)
    files, problems = _load(corpus)
    assert problems == {
        "metadata.toml": "metadata ignored: link to a file outside the corpus folder"
    }
    assert files["good"].meta.title == "Clinical Experience Guide"


@needs_symlinks
def test_broken_metadata_link_is_reported(corpus: Path) -> None:
    (corpus / "metadata.toml").symlink_to("nowhere.toml")
    _, problems = _load(corpus)
    assert problems == {"metadata.toml": "metadata ignored: broken link"}


def test_metadata_that_is_a_folder_is_reported(corpus: Path) -> None:
    (corpus / "metadata.toml").mkdir()
    files, problems = _load(corpus)
    assert problems == {"metadata.toml": "metadata ignored: not a regular file (folder)"}
    assert set(files) == {"good"}


def _load_within(
    folder: Path, fifos: list[Path], seconds: float = 20.0
) -> tuple[dict[str, SourceFile], dict[str, str]]:
    """_load in a thread: if it blocks on a FIFO, fail (and unblock it) instead of hanging."""
    result: list[tuple[dict[str, SourceFile], dict[str, str]]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(_load(folder))
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    hung = worker.is_alive()
    for fifo in fifos:  # a writer that comes and goes releases a blocked reader
        with contextlib.suppress(OSError):  # no reader waiting: nothing to release
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    worker.join(5)
    assert not hung, "load_corpus blocked on a FIFO"
    if errors:
        raise errors[0]
    return result[0]


@needs_fifo
def test_fifo_and_links_to_it_are_skipped_without_hanging(corpus: Path) -> None:
    fifo = corpus / "pipe.txt"
    os.mkfifo(fifo)
    (corpus / "to-pipe.md").symlink_to("pipe.txt")
    files, problems = _load_within(corpus, [fifo])
    assert set(files) == {"good"}
    assert problems == {
        "pipe.txt": "not a regular file (named pipe), skipped",
        "to-pipe.md": "not a regular file (named pipe), skipped",
    }


# --------------------------------------------------------------------------------------------
# 2. UTF-16 / UTF-32 with a byte-order mark

TEXT = (
    "Résumé Advice For IMGs\r\n\r\nUSCE — hands-on, not observing ✓. 日本の医師も歓迎。\r\n"
    "Emoji outside the BMP: 🩺 (a surrogate pair in UTF-16).\r\n"
)
ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8-sig": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-32-le": lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"),
    "utf-32-be": lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"),
}


def _load_one(folder: Path, name: str, raw: bytes) -> tuple[list[SourceFile], list[Problem]]:
    folder.mkdir()
    (folder / name).write_bytes(raw)
    return load_corpus(folder, max_bytes=MAX_BYTES)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_bom_encodings_give_the_same_text_and_hash_as_utf8(tmp_path: Path, encoding: str) -> None:
    [plain], problems = _load_one(tmp_path / "utf8", "doc.txt", TEXT.encode("utf-8"))
    assert not problems
    [other], problems = _load_one(tmp_path / encoding, "doc.txt", ENCODINGS[encoding](TEXT))
    assert not problems, problems
    assert other.text == plain.text == TEXT
    assert other.sha256 == plain.sha256 == hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    assert other.meta.title == "Résumé Advice For IMGs"


def test_nul_bytes_without_a_bom_are_still_skipped(tmp_path: Path) -> None:
    files, problems = _load_one(tmp_path / "c", "doc.txt", TEXT.encode("utf-16-le"))
    assert not files
    assert [p.message for p in problems] == [
        "binary file or UTF-16/32 without a byte-order mark (contains NUL bytes); "
        "re-save it as UTF-8, skipped"
    ]


def test_broken_utf16_and_bom_only_files_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "odd.txt").write_bytes(codecs.BOM_UTF16_LE + "Hello".encode("utf-16-le") + b"!")
    (folder / "bom-only.txt").write_bytes(codecs.BOM_UTF16_BE)
    (folder / "utf8-bom-only.txt").write_bytes(codecs.BOM_UTF8 + b"  \n")
    files, problems = _load(folder)
    assert not files
    assert problems["odd.txt"].startswith("not UTF-16 text (byte 0x21 at offset 12)")
    assert problems["bom-only.txt"] == "empty file, skipped"
    assert problems["utf8-bom-only.txt"] == "empty file, skipped"


# --------------------------------------------------------------------------------------------
# 3. No enormous chunk, whatever the input


def _check(text: str, chunks: list[Chunk], max_chars: int) -> None:
    """Exact offsets, in order, trimmed, every non-blank character covered, none over 2x."""
    pos = 0
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert c.text and c.text == c.text.strip()
        assert pos <= c.start < c.end
        assert not text[pos : c.start].strip(), text[pos : c.start][:80]
        assert len(c.text) <= 2 * max_chars, (c.kind, c.section, len(c.text), c.text[:80])
        pos = c.end
    assert not text[pos:].strip()


def _timed_chunks(text: str, max_chars: int = 700) -> tuple[list[Chunk], float]:
    t0 = time.perf_counter()
    chunks = chunk_document("hostile", "Hostile", text, max_chars=max_chars)
    return chunks, time.perf_counter() - t0


def _on_line_boundaries(text: str, chunks: list[Chunk]) -> bool:
    return all(
        (c.start == 0 or text[c.start - 1] in " \t\n")
        and (c.end == len(text) or text[c.end] == "\n")
        for c in chunks
    )


def test_huge_table_is_split_into_groups_of_whole_rows() -> None:
    rows = "\n".join(
        f"| {i} | Program {i} takes IMGs with {i % 7} months of USCE |" for i in range(50_000)
    )
    text = (
        "# Programs\n\nSome prose about programs that take IMGs, long enough to stand alone as a "
        "chunk of its own in this test document, which it does because it is well over the "
        "minimum size of a chunk.\n\nHere is the full list:\n"
        f"| Id | Program |\n|---|---|\n{rows}\n\nAfter the table, one closing remark."
    )
    chunks, seconds = _timed_chunks(text)
    _check(text, chunks, 700)
    assert seconds < 10, f"{seconds:.1f} s"
    tables = [c for c in chunks if "| Program " in c.text]
    assert len(tables) > 1000  # ~3 MB of rows, no more than 700 characters a chunk
    assert all(c.kind == "table" and c.section == "Programs" for c in tables)
    assert tables[0].text.startswith("Here is the full list:\n| Id | Program |\n|---|---|")
    assert _on_line_boundaries(text, tables)  # whole rows only
    assert max(len(c.text) for c in tables) <= 700
    assert chunks[-1].text.endswith("After the table, one closing remark.")


def test_small_table_stays_whole_with_its_intro() -> None:
    rows = "\n".join(f"| Step {i} | Do thing {i} |" for i in range(10))
    text = f"# Plan\n\nHere is the plan:\n| Step | What |\n|---|---|\n{rows}\n\nDone."
    chunks = chunk_document("t", "t", text, max_chars=700, min_chars=0)
    _check(text, chunks, 700)
    [table] = [c for c in chunks if "| Step 0 |" in c.text]
    assert "Here is the plan:" in table.text and "| Step 9 | Do thing 9 |" in table.text
    assert table.kind == "table"


LINE_RUNS: dict[str, Callable[[int], str]] = {
    # A server log: no blank line, no sentence punctuation.
    "log": lambda i: f"2024-05-01 12:{i % 60:02d}:{i % 59:02d} GET /programs/{i} 200 {i * 7} bytes",
    # One sentence a line with no punctuation: each line looks like a plain heading.
    "unpunctuated": lambda i: f"Rotation {i} gives you hands on experience with US attendings",
    # Every line an intro ("...:"), hard-glued to the next one.
    "intro-chain": lambda i: f"Then consider step {i} of the plan:",
    # Lowercase continuation lines of one list item.
    "item-continuation": lambda i: "- Apply early to programs" if i == 0 else f"and program {i}",
    # Markdown headings with nothing under them: each merges forward into the next.
    "md-headings": lambda i: f"## Heading {i}",
    # Numbered list items.
    "numbered": lambda i: f"{i % 999 + 1}. Item number {i}",
}


@pytest.mark.parametrize("kind", sorted(LINE_RUNS))
def test_long_runs_of_lines_are_split_at_line_boundaries(kind: str) -> None:
    text = "\n".join(LINE_RUNS[kind](i) for i in range(100_000))
    chunks, seconds = _timed_chunks(text)
    _check(text, chunks, 700)
    assert seconds < 10, f"{seconds:.1f} s"
    assert len(chunks) > 100
    assert _on_line_boundaries(text, chunks)


def test_headings_between_blank_lines_do_not_pile_up() -> None:
    text = "\n\n".join(f"Plain Heading Number {i}" for i in range(50_000))
    chunks, seconds = _timed_chunks(text)
    _check(text, chunks, 700)
    assert seconds < 10, f"{seconds:.1f} s"


def _words(n: int) -> str:
    return " ".join(f"word{i % 97}" for i in range(n))


ENORMOUS_LINES: dict[str, Callable[[], str]] = {
    "prose": lambda: _words(200_000),
    "md-heading": lambda: "# " + _words(100_000),
    "table-row": lambda: "| " + _words(100_000) + " |\n|---|\n| x |",
    "intro": lambda: "Intro line:\n" + _words(100_000) + ":\n- an item",
    "no-whitespace": lambda: "x" * 300_000,
    "after-faq-question": lambda: "FAQ\n\nIs this long?\n" + _words(50_000),
}


@pytest.mark.parametrize("max_chars", [20, 200, 700])
@pytest.mark.parametrize("kind", sorted(ENORMOUS_LINES))
def test_one_enormous_line_is_cut(kind: str, max_chars: int) -> None:
    text = ENORMOUS_LINES[kind]()
    chunks, seconds = _timed_chunks(text, max_chars)
    _check(text, chunks, max_chars)
    assert seconds < 10, f"{seconds:.1f} s"
    if kind != "no-whitespace":  # cut between words, never inside one
        assert all(not text[c.end : c.end + 1].strip() for c in chunks)


_PIECES = [
    "# Heading",
    "FAQ",
    "Is this a question?",
    "| a | b |",
    "|---|---|",
    "- item",
    "1. Numbered",
    "Intro:",
    "A sentence of prose.",
    "lowercase continuation",
    "Title Case Heading",
    "",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from(_PIECES),
            st.builds(
                lambda p, n: p + " " + "word " * n, st.sampled_from(_PIECES), st.integers(0, 300)
            ),
        ),
        max_size=120,
    ),
    mx=st.integers(min_value=20, max_value=400),
    mn=st.integers(min_value=0, max_value=400),
)
def test_property_no_chunk_over_twice_max_chars(lines: list[str], mx: int, mn: int) -> None:
    text = "\n".join(lines)
    _check(text, chunk_document("p", "p", text, max_chars=mx, min_chars=mn), mx)


# --------------------------------------------------------------------------------------------
# 4. Metadata entries that name no file


def test_metadata_entry_without_a_document_is_reported(corpus: Path) -> None:
    (corpus / "bad.txt").write_bytes(b"\x00\x01binary")
    (corpus / "metadata.toml").write_text(
        "[documents.good]\nstance = 'usce_first'\n"
        "[documents.goood]\nstance = 'usce_first'\n"
        "[documents.unrelated-thing]\nkind = 'advice'\n"
        "[documents.bad]\nkind = 'advice'\n",  # a file that exists but is skipped: its own problem
        encoding="utf-8",
    )
    files, problems = load_corpus(corpus, max_bytes=MAX_BYTES)
    meta = str(corpus / "metadata.toml")
    assert [str(p) for p in problems if p.path == meta] == [
        f"{meta}: entry 'goood' names no document in the corpus (ignored); did you mean 'good'?",
        f"{meta}: entry 'unrelated-thing' names no document in the corpus (ignored)",
    ]
    assert [f.doc_id for f in files] == ["good"] and files[0].meta.stance == "usce_first"


def test_doc_ids_are_slugs_of_file_names(corpus: Path) -> None:
    (corpus / "My Notes (v2).md").write_text("My Notes\n\nSome text here.\n", encoding="utf-8")
    (corpus / "metadata.toml").write_text(
        "[documents.my-notes-v2]\nkind = 'advice'\n", encoding="utf-8"
    )
    files, problems = load_corpus(corpus, max_bytes=MAX_BYTES)
    assert not problems
    assert {f.doc_id for f in files} == {"good", "my-notes-v2"}


def test_real_corpus_loads_without_problems() -> None:
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    files, problems = load_corpus(corpus, max_bytes=MAX_BYTES)
    assert not problems and len(files) == 5


# --------------------------------------------------------------------------------------------
# End to end: everything at once through a real ingest


@pytest.fixture
def hostile_corpus(corpus_copy: Path, tmp_path: Path) -> Iterator[Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    fifos = []
    if hasattr(os, "symlink"):
        (corpus_copy / "passwd.txt").symlink_to(outside / "secret.txt")
        (corpus_copy / "loop-a.txt").symlink_to("loop-b.txt")
        (corpus_copy / "loop-b.txt").symlink_to("loop-a.txt")
        (corpus_copy / "ext").symlink_to(outside, target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(corpus_copy / "pipe.txt")
        fifos.append(corpus_copy / "pipe.txt")
    (corpus_copy / "utf16.txt").write_bytes(ENCODINGS["utf-16-le"](TEXT))
    rows = "\n".join(f"| {i} | Program {i} |" for i in range(3_000))
    (corpus_copy / "big-table.md").write_text(
        f"# Programs\n\n| Id | Name |\n|---|---|\n{rows}\n", encoding="utf-8"
    )
    with (corpus_copy / "metadata.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[documents.no-such-file]\nkind = 'advice'\n")
    yield corpus_copy
    for fifo in fifos:
        fifo.unlink()


def test_hostile_corpus_ingests_the_rest(hostile_corpus: Path, tmp_path: Path) -> None:
    settings_ = Settings(corpus_dir=hostile_corpus, data_dir=tmp_path / "data", embedder="fake")
    summary = run_ingest(settings_)
    problems = "\n".join(summary.problems)
    if hasattr(os, "symlink"):
        assert "passwd.txt: link to a file outside the corpus folder, skipped" in problems
        assert "loop-a.txt: symlink loop, skipped" in problems
        assert "ext: linked folder, not followed" in problems
    if hasattr(os, "mkfifo"):
        assert "pipe.txt: not a regular file (named pipe), skipped" in problems
    assert "metadata.toml: entry 'no-such-file' names no document in the corpus" in problems
    assert "secret.txt" not in problems and str(tmp_path / "outside") not in problems
    assert {"utf16", "big-table"} <= set(summary.added)
    assert summary.chunks_per_document["big-table"] > 10
    index = open_index(settings_.data_dir)
    assert all(len(c.text) <= 2 * MAX_CHARS for c in index.chunks)
    assert not any("root:x:0:0" in c.text for c in index.chunks)
    assert index.documents["utf16"].text.startswith("Résumé Advice For IMGs")
