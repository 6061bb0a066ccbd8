"""Opening archive files as untrusted input: regular files only, never more bytes than they declare."""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from reader.formats.common import ArchiveError

BLOCK = 1 << 20
_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


@contextlib.contextmanager
def read_errors() -> Iterator[None]:
    """Turn the operating system's errors while reading a file into an ArchiveError with a reason."""
    try:
        yield
    except FileNotFoundError:
        raise ArchiveError("file not found (deleted, or a broken link)") from None
    except PermissionError:
        raise ArchiveError("no permission to read it") from None
    except IsADirectoryError:
        raise ArchiveError("is a folder") from None
    except OSError as exc:
        raise ArchiveError(f"cannot be read ({exc.strerror or exc})") from None


def _refuse_irregular(full: Path, st: os.stat_result) -> None:
    """Raise ArchiveError unless st is a regular file's (a device or pipe would be read forever)."""
    if stat.S_ISREG(st.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
    via = ""
    if full.is_symlink():
        with contextlib.suppress(OSError):
            via = f", which it links to ({os.path.realpath(full)})"
    raise ArchiveError(f"not a regular file: {kind}{via}; only files are read")


@contextlib.contextmanager
def open_regular(full: Path) -> Iterator[tuple[BinaryIO, int]]:
    """Open a regular file for reading; yield (stream, its size). Raise ArchiveError with a reason
    for anything else: a device, a pipe, a socket or a link to one (never opened to wait or read
    forever), or a file that cannot be opened."""
    with read_errors():
        _refuse_irregular(full, os.stat(full))
        # not blocking: a file swapped for a pipe since the check must not make the open wait
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        try:
            st = os.fstat(fd)
            _refuse_irregular(full, st)
            stream = os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
    with stream:
        yield stream, st.st_size


def read_bytes(full: Path, limit: int) -> bytes:
    """Return a regular file's bytes; ArchiveError with a reason when it is over `limit` bytes or
    cannot be read."""
    with open_regular(full) as (stream, size), read_errors():
        if size > limit:
            raise ArchiveError(f"too large ({_megabytes(size)}; the most read of one file is "
                               f"{_megabytes(limit)})")
        data = stream.read(limit + 1)
    if len(data) > limit:  # it grew while it was read
        raise ArchiveError(f"too large (over {_megabytes(limit)}: it grew while it was read)")
    return data


def digest(full: Path) -> str:
    """Return the SHA-1 of a regular file's bytes, read in blocks up to the size it declared when
    opened (web archives can be hundreds of MB; a file that keeps growing is not followed)."""
    h = hashlib.sha1()
    with open_regular(full) as (stream, size), read_errors():
        left = size
        while left > 0 and (block := stream.read(min(BLOCK, left))):
            h.update(block)
            left -= len(block)
    return h.hexdigest()


def head(full: Path, count: int) -> bytes:
    """Return the first `count` bytes of a regular file (b"" for anything that cannot be read)."""
    try:
        with open_regular(full) as (stream, _size), read_errors():
            return stream.read(count)
    except ArchiveError:
        return b""


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size:,} bytes"
