"""Read the corpus folder: every `.txt`/`.md` file plus the optional `metadata.toml`.

Bad files never stop the others: each gets one clear `Problem` naming the file, and ingest goes
on with the rest.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.types import DocumentMeta

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


def _read_metadata(corpus_dir: Path, problems: list[Problem]) -> dict[str, dict[str, Any]]:
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), f"metadata ignored, not valid TOML: {exc}"))
        return {}
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        problems.append(Problem(str(path), "metadata ignored: [documents] must be a table"))
        return {}
    return {str(k): v for k, v in documents.items() if isinstance(v, dict)}


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 text or a ValueError whose message tells the user what is wrong."""
    if not raw.strip():
        raise ValueError("empty file, skipped")
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (contains NUL bytes), skipped")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, skipped"
        ) from None


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
    problems: list[Problem] = []
    metadata = _read_metadata(corpus_dir, problems)
    files: list[SourceFile] = []
    seen_hash: dict[str, str] = {}
    seen_id: dict[str, Path] = {}
    # Files described in the metadata go first, so that of two copies of one text the
    # described one is kept and the stray copy is reported.
    candidates = sorted(
        (p for p in corpus_dir.rglob("*") if p.suffix.lower() in SUFFIXES),
        key=lambda p: (slugify(p.stem) not in metadata, str(p)),
    )
    for path in candidates:
        if not path.is_file():
            continue
        size = path.stat().st_size
        if size > max_bytes:
            problems.append(
                Problem(
                    str(path),
                    f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit "
                    "(ADVISOR_MAX_FILE_MB), skipped",
                )
            )
            continue
        try:
            text = _decode(path, path.read_bytes())
        except ValueError as exc:
            problems.append(Problem(str(path), str(exc)))
            continue
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot be read ({exc.strerror}), skipped"))
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
    return sorted(files, key=lambda f: f.doc_id), problems
