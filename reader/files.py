"""Write files so that a failure leaves no partial file: temporary file, fsync, rename."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from pathlib import Path


class WriteError(Exception):
    """A file could not be written; the message says why in plain words."""


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "no permission to write there"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    if exc.errno == errno.EISDIR:
        return "that is a folder"
    return exc.strerror or str(exc)


def write_text(path: Path, text: str, overwrite: bool = False) -> None:
    """Write UTF-8 text to path atomically; raise WriteError, leaving nothing partial behind."""
    path = Path(path)
    data = text.encode("utf-8")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {_reason(exc)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WriteError(f"cannot write {path}: that is a folder")
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_stream(path, data)  # a device or pipe such as /dev/stdout: nothing to rename
        return
    if st is not None and not overwrite:
        raise WriteError(f"{path} already exists")
    if not path.parent.is_dir():
        raise WriteError(f"cannot write {path}: the folder does not exist")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.fchmod(fd, 0o666 & ~_umask())  # a file the user made: the usual mode, not mkstemp's 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {_reason(exc)}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """Return the process's umask (reading it means setting it: briefly, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _write_stream(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {_reason(exc)}") from None

