"""Find and read the files of the corpus folder without ever leaving it.

Whatever is ingested is quoted back to users, so a symlink in the corpus folder must not become a
way to publish other files of the server (``passwd.txt -> /etc/passwd``), and a special file (a
FIFO named ``notes.txt``) must not hang ingest. Folder links are never followed; a file link is
read only if its fully resolved target lies inside the resolved corpus folder.

A refused entry raises :class:`Unreadable`, whose message says what is wrong with the entry but
never where a link points: messages are shown to users, and the target is a server path.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Opening a FIFO for reading blocks until a writer shows up; O_NONBLOCK makes the open return at
# once (it changes nothing for regular files). O_NOFOLLOW: the checked path cannot be swapped for
# a link between the check and the open. Neither exists on Windows, where they are not needed.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class Unreadable(ValueError):
    """A corpus entry that is not read; the message names the reason, without any server path."""


def walk(corpus_dir: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files under `corpus_dir` whose suffix is in `suffixes`, and (entry, reason) for the
    folders that were not entered (folder links, unreadable folders)."""
    found: list[Path] = []
    refused: list[tuple[Path, str]] = []

    def unreadable(exc: OSError) -> None:
        refused.append((Path(exc.filename), f"folder cannot be read ({exc.strerror}), skipped"))

    # followlinks=False: a linked folder is listed among the folders but never entered, so no
    # path of the walk goes through a link (file links are checked one by one when read).
    for dirpath, dirnames, filenames in os.walk(corpus_dir, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        refused.extend(
            (here / d, "linked folder, not followed") for d in dirnames if (here / d).is_symlink()
        )
        found.extend(here / f for f in filenames if Path(f).suffix.lower() in suffixes)
    return found, sorted(refused)


def _resolve(path: Path) -> Path:
    try:
        return path.resolve(strict=True)
    except RuntimeError:  # how Python < 3.13 reports a symlink loop
        raise Unreadable("symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable("symlink loop") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR) and path.is_symlink():
            raise Unreadable("broken link") from None
        raise Unreadable(f"cannot be read ({exc.strerror})") from None


def _file_type(mode: int) -> str | None:
    """None for a regular file, else what it is, for the message."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def _check_regular(mode: int) -> None:
    kind = _file_type(mode)
    if kind is not None:
        raise Unreadable(f"not a regular file ({kind})")


def read_inside(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of corpus entry `path`, read through its resolved target.

    Args:
        path: The entry as found in the corpus folder (possibly a link).
        root: The corpus folder, already resolved.
        max_bytes: Larger files are refused without being read.

    Raises:
        Unreadable: a broken link, a symlink loop, a target outside `root`, not a regular file,
            over `max_bytes`, or an OS error while reading.
    """
    target = _resolve(path)
    if not target.is_relative_to(root):
        raise Unreadable("link to a file outside the corpus folder")
    try:
        # Checked before opening: opening a device can have side effects of its own.
        _check_regular(target.lstat().st_mode)
        with open(os.open(target, _OPEN_FLAGS), "rb") as handle:
            info = os.fstat(handle.fileno())  # the file actually opened, in case of a swap
            _check_regular(info.st_mode)
            if info.st_size > max_bytes:
                raise Unreadable(
                    f"{info.st_size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit "
                    "(ADVISOR_MAX_FILE_MB)"
                )
            return handle.read()
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror})") from None
