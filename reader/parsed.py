"""Web archives parsed once: their documents kept in the data dir, so opening one is not a re-parse."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from reader.formats import versions
from reader.model import Caption, DocRef, Document, Entry

FOLDER = "parsed"  # in an archive's folder of the data dir
_FIELDS = tuple(tuple(f.name for f in dataclasses.fields(c)) for c in (Document, Entry, Caption, DocRef))


def layout() -> tuple:
    """Return what a kept file must have been written with: the web archive readers' version,
    this layout and the model's fields."""
    return versions.of("web archive"), 1, *_FIELDS


def stamp(full: Path) -> tuple[int, int]:
    """Return what says a file is unchanged: its size and modification time (ns)."""
    st = full.stat()
    return st.st_size, st.st_mtime_ns


def _path(folder: Path, rel: str) -> Path:
    return folder / (hashlib.sha1(rel.encode("utf-8")).hexdigest()[:20] + ".pickle")


def load(folder: Path, full: Path, rel: str) -> list[Document] | None:
    """Return the documents kept for archive file rel (at full), if they were kept from the file
    as it is now; else None."""
    try:
        with open(_path(folder, rel), "rb") as fh:
            written, kept_rel, kept_stamp, docs = pickle.load(fh)  # our own file in the data dir
        if (written, kept_rel, kept_stamp) == (layout(), rel, stamp(full)):
            return docs
    except Exception:  # noqa: BLE001 - missing, damaged or from another version: parse again
        return None
    return None


def store(folder: Path, rel: str, file_stamp: tuple[int, int], docs: list[Document]) -> None:
    """Keep the documents parsed from archive file rel as it was at file_stamp (taken before it
    was read); a failure to write is no failure to read."""
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((layout(), rel, file_stamp, docs), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, _path(folder, rel))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def forget_all(folder: Path) -> None:
    """Remove everything kept (a rebuild asked for parses every file again)."""
    shutil.rmtree(folder, ignore_errors=True)


def forget(folder: Path, rel: str) -> None:
    """Remove what is kept for an archive file (it is gone from the archive)."""
    with contextlib.suppress(OSError):
        _path(folder, rel).unlink()
