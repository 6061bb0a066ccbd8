"""Per-thread searchers of one index that survive concurrent commits: reopened when the index
changed, and a read that fails because it changed under it tried again.

whoosh opens a segment's files lazily, and a commit merges and deletes small segments while
other threads or processes still read them; a folder is renamed when a build is promoted. Only a
failure on an index that did not change is damage (IndexDamaged).
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from whoosh import index as whoosh_index

from reader.search import compat
from reader.search.arrays import fast
from reader.search.arrays.prepared import Prepared
from reader.search.indexing.updating import IndexBusy
from reader.search.manifest import IndexDamaged

T = TypeVar("T")

# What reading a damaged (or concurrently rewritten) index raises; programming errors are not among them.
READ_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error, UnicodeDecodeError,
               whoosh_index.IndexError)
READ_ATTEMPTS = 8  # reopen this often while the index keeps changing under a read
MAX_READERS = 32  # readers kept for threads; the oldest are let go (closed once collected)
SETTLED_NS = 3_000_000_000  # a folder's mtime this old would change with its next change (FAT: 2 s steps)


@dataclass(frozen=True)
class Identity:
    """Which index a searcher was opened on: folder, the folder's inode, table-of-contents generation."""

    directory: Path | None
    inode: int
    generation: int


@dataclass
class Reader:
    """One thread's searcher, what was prepared for it, and the index generation it was opened on."""

    searcher: object
    prepared: Prepared
    identity: Identity
    local_generation: int


def _read_error(exc: BaseException) -> bool:
    return isinstance(exc, READ_ERRORS) or compat.raised_in_whoosh(exc)


def _release(reader) -> None:
    """Close a reader's files unless it was closed already."""
    if not getattr(reader, "is_closed", False):
        reader.close()


class Readers:
    """The searchers of one index, one per thread (by thread id: a thread of Qt's pool gets a new
    Python thread state, and so empty threading.local data, for every task it runs)."""

    def __init__(self, directory: Callable[[], Path | None], use_arrays: bool = True):
        """directory() says which folder to search now; use_arrays=False: never the postings arrays."""
        self._directory = directory
        self._use_arrays = use_arrays
        self._readers: OrderedDict[int, Reader] = OrderedDict()
        self._readers_lock = threading.Lock()
        self._arrays: tuple[Identity, fast.IndexArrays] | None = None  # shared by the readers
        self._generation = 0  # bumped on every commit and promotion made by this process
        self._listed: tuple[tuple[Path, int, int], int] | None = None  # (folder, inode, mtime), generation

    def changed(self) -> None:
        """Note a commit or promotion made by this process: searchers reopen."""
        self._generation += 1

    def _identity(self) -> Identity:
        directory = self._directory()
        if directory is None:
            return Identity(None, 0, -1)
        try:
            stat = os.stat(directory)
        except OSError:
            return Identity(directory, 0, compat.toc_generation(directory))
        # Listing a folder of 230 segments' files takes a millisecond; a commit adds a table of
        # contents to it, which changes the folder's mtime. So the listing is kept while the
        # mtime stays the same, once it is older than any file system's clock steps ("racy git").
        seen = (directory, stat.st_ino, stat.st_mtime_ns)
        listed = self._listed
        if listed is not None and listed[0] == seen and time.time_ns() - stat.st_mtime_ns > SETTLED_NS:
            return Identity(directory, stat.st_ino, listed[1])
        generation = compat.toc_generation(directory)
        self._listed = (seen, generation)
        return Identity(directory, stat.st_ino, generation)

    def _reader(self) -> Reader | None:
        """Return this thread's searcher, reopened when the index changed; None if there is no index."""
        current = self._readers.get(threading.get_ident())
        if current is not None and current.local_generation == self._generation:
            identity = self._identity()
            if identity == current.identity:
                return current
        self.close()
        identity = self._identity()
        if identity.directory is None:
            return None
        searcher = whoosh_index.open_dir(str(identity.directory)).searcher()
        # a searcher dropped without close() (its thread ended) closes its files when collected
        weakref.finalize(searcher, _release, searcher.reader())
        generation = searcher.reader().generation()
        shared = partial(self._shared_arrays, searcher, replace(identity, generation=generation))
        prepared = Prepared(searcher, shared if self._use_arrays else None)
        prepared.open()
        opened = Reader(searcher, prepared, replace(identity, generation=generation), self._generation)
        with self._readers_lock:
            self._readers[threading.get_ident()] = opened
            while len(self._readers) > MAX_READERS:  # threads that are gone: let them be collected
                self._readers.popitem(last=False)
        return opened

    def _shared_arrays(self, searcher, identity: Identity) -> fast.IndexArrays:
        """Return the postings arrays of an index generation, opened once for every thread."""
        with self._readers_lock:
            if self._arrays is not None and self._arrays[0] == identity:
                return self._arrays[1]
        arrays = fast.IndexArrays(searcher, identity.directory)
        with self._readers_lock:
            self._arrays = (identity, arrays)
        return arrays

    def read(self, fn: Callable[[Reader | None], T]) -> T:
        """Run fn on this thread's reader; reopen and retry when the index changed under it.

        Raises IndexDamaged when reading fails twice on an index that did not change.
        """
        failures = 0
        last: BaseException | None = None
        for _ in range(READ_ATTEMPTS):
            seen = self._identity()
            opened = None
            try:
                opened = self._reader()
                return fn(opened)
            except RecursionError:
                raise
            except Exception as exc:
                if not _read_error(exc):
                    raise
                last = exc
                before = opened.identity if opened is not None else seen
                self.close()
                if self._identity() != before:
                    continue  # a commit, merge or promotion happened meanwhile: not damage
                failures += 1
                if failures >= 2:
                    raise IndexDamaged(f"{type(exc).__name__}: {exc}") from exc
        raise IndexBusy(f"the index changed too often while it was read ({last}); try again")

    def close(self) -> None:
        """Close this thread's searcher."""
        with self._readers_lock:
            current = self._readers.pop(threading.get_ident(), None)
        if current is not None:
            current.searcher.close()
