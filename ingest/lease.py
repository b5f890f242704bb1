"""Leases on index generations: whoever reads a generation holds one, so no ingest deletes it.

A lease is a shared `flock(2)` on the generation's `.lease` file, held through an open file. It
ends when the reader releases it or when its process dies, even by SIGKILL, so a crashed server
never pins a generation for good. An ingest removes an old generation only when it can take the
same lock exclusively, that is when nobody reads it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LEASE_FILE = ".lease"


class GenerationGone(RuntimeError):
    """The generation was deleted (or is being deleted) before a lease could be taken."""


class Lease:
    """A held lease; `release()` is idempotent."""

    def __init__(self, handle: IO[bytes] | None) -> None:
        self._handle = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the file drops the lock


def _open(gen: Path) -> IO[bytes] | None:
    path = gen / LEASE_FILE
    try:
        return path.open("rb")
    except FileNotFoundError:
        if not gen.is_dir():
            raise GenerationGone(f"generation {gen.name} no longer exists") from None
    try:
        # Generations written before leases existed have no lease file yet.
        return path.open("ab")
    except FileNotFoundError:
        raise GenerationGone(f"generation {gen.name} no longer exists") from None
    except OSError:
        # A read-only data dir: no ingest can delete anything there, so no lease is needed.
        return None


def acquire(gen: Path) -> Lease:
    """Take a shared lease on a generation folder.

    Raises:
        GenerationGone: the folder is gone, or an ingest is deleting it right now.
    """
    handle = _open(gen)
    if handle is None:
        return Lease(None)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise GenerationGone(f"generation {gen.name} is being removed") from None
    return Lease(handle)


@contextmanager
def unused(gen: Path) -> Iterator[bool]:
    """Yield True, holding the generation exclusively, when no reader holds a lease on it;
    False when one does (the generation must stay)."""
    try:
        handle = (gen / LEASE_FILE).open("ab")
    except OSError:
        yield True  # no lease file can be made: nobody can be holding one
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        handle.close()
