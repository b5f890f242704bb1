"""Read the corpus folder: every `.txt`/`.md` file plus the optional `metadata.toml`.

Bad files never stop the others: each gets one clear `Problem` naming the file, and ingest goes
on with the rest. Links and special files are vetted by :mod:`ingest.corpus_files`: nothing
outside the corpus folder is ever read.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.core.types import DocumentMeta
from ingest.corpus_files import Unreadable, read_inside, walk

METADATA_FILE = "metadata.toml"
SUFFIXES = (".txt", ".md")


class CorpusError(RuntimeError):
    """The corpus as a whole is unusable (missing folder, not a folder)."""


@dataclass(frozen=True)
class SourceFile:
    doc_id: str
    path: Path
    text: str
    sha256: str
    meta: DocumentMeta
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "document"


def _read_metadata(
    corpus_dir: Path, root: Path, max_bytes: int, problems: list[Problem]
) -> dict[str, dict[str, Any]]:
    path = corpus_dir / METADATA_FILE
    if not os.path.lexists(path):  # lexists: a broken link is reported, not taken for "none"
        return {}
    try:
        data = tomllib.loads(read_inside(path, root, max_bytes).decode("utf-8"))
    except Unreadable as exc:
        problems.append(Problem(str(path), f"metadata ignored: {exc}"))
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), f"metadata ignored, not valid TOML: {exc}"))
        return {}
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        problems.append(Problem(str(path), "metadata ignored: [documents] must be a table"))
        return {}
    return {str(k): v for k, v in documents.items() if isinstance(v, dict)}


def _orphan_entries(
    corpus_dir: Path, metadata: dict[str, dict[str, Any]], doc_ids: set[str]
) -> list[Problem]:
    """A problem per metadata entry that describes no file: most likely a typo or a renamed
    file, and its metadata would otherwise be lost without a word."""
    problems = []
    for key in sorted(set(metadata) - doc_ids):
        close = difflib.get_close_matches(key, sorted(doc_ids), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        message = f"entry {key!r} names no document in the corpus (ignored){hint}"
        problems.append(Problem(str(corpus_dir / METADATA_FILE), message))
    return problems


# UTF-32 first: the UTF-32-LE mark (FF FE 00 00) starts with the UTF-16-LE one (FF FE).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def _decode(raw: bytes) -> str:
    """The text of a UTF-8 file (BOM or not) or of a UTF-16/32 one with a byte-order mark, or a
    ValueError whose message tells the user what is wrong."""
    codec, label = next(((c, n) for bom, c, n in _BOMS if raw.startswith(bom)), ("utf-8-sig", ""))
    # Without a mark, NUL bytes mean binary, or UTF-16/32 whose byte order cannot be known.
    if not label and b"\x00" in raw[:8192]:
        raise ValueError(
            "binary file or UTF-16/32 without a byte-order mark (contains NUL bytes); "
            "re-save it as UTF-8, skipped"
        )
    try:
        text = raw.decode(codec)  # these codecs drop the byte-order mark
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not {label or 'UTF-8'} text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, skipped"
        ) from None
    if not text.strip():
        raise ValueError("empty file, skipped")
    return text


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return "Untitled"


def load_corpus(corpus_dir: Path, *, max_bytes: int) -> tuple[list[SourceFile], list[Problem]]:
    """All readable documents of `corpus_dir`, sorted by id, and a problem per skipped file."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path {corpus_dir} is not a folder")
    root = corpus_dir.resolve(strict=True)
    problems: list[Problem] = []
    metadata = _read_metadata(corpus_dir, root, max_bytes, problems)
    found, refused = walk(corpus_dir, SUFFIXES)
    problems.extend(Problem(str(path), reason) for path, reason in refused)
    files: list[SourceFile] = []
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, Path] = {}
    # Files described in the metadata go first, so that of two copies of one text the
    # described one is kept and the stray copy is reported; likewise a file before a link to it.
    candidates = sorted(
        found, key=lambda p: (slugify(p.stem) not in metadata, p.is_symlink(), str(p))
    )
    for path in candidates:
        try:
            text = _decode(read_inside(path, root, max_bytes))
        except Unreadable as exc:
            problems.append(Problem(str(path), f"{exc}, skipped"))
            continue
        except ValueError as exc:
            problems.append(Problem(str(path), str(exc)))
            continue
        doc_id = slugify(path.stem)
        if doc_id in seen_id:
            problems.append(
                Problem(str(path), f"same document id {doc_id!r} as {seen_id[doc_id]}, skipped")
            )
            continue
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if sha in seen_hash:
            problems.append(
                Problem(str(path), f"same content as {seen_hash[sha]}, skipped as a duplicate")
            )
            continue
        entry = dict(metadata.get(doc_id, {}))
        hints = {k: entry.pop(k) for k in list(entry) if k.startswith(("drop_", "hint_"))}
        try:
            meta = DocumentMeta(doc_id=doc_id, **{"title": _first_line(text), **entry})
        except ValidationError as exc:
            first = exc.errors()[0]
            problems.append(
                Problem(
                    str(path),
                    f"metadata for {doc_id!r} ignored ({'.'.join(map(str, first['loc']))}: "
                    f"{first['msg']})",
                )
            )
            meta = DocumentMeta(doc_id=doc_id, title=_first_line(text))
        seen_hash[sha] = str(path)
        seen_id[doc_id] = path
        files.append(SourceFile(doc_id, path, text, sha, meta, hints))
    # Against every file found, not only those loaded: a skipped file has its own problem.
    problems.extend(_orphan_entries(corpus_dir, metadata, {slugify(p.stem) for p in found}))
    return sorted(files, key=lambda f: f.doc_id), problems
