"""The index of one archive: where it lives, and per-thread searchers that survive concurrent commits.

whoosh opens a segment's files lazily, and a commit merges and deletes small segments while
other threads or processes still read them; a folder is renamed when a build is promoted.
A read that fails because the index changed under it reopens and tries again: only a failure
on an index that did not change is damage (IndexDamaged), and deciding what to do about it is
the caller's business, never the search path's.
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from whoosh import index as whoosh_index

from reader.model import Copy, DocRef, Filters, Hit, SearchResult
from reader.search import compat
from reader.search.arrays import copies, entries, fast, segment_arrays
from reader.search.arrays.copies import CopyGroups
from reader.search.arrays.entries import EntryTable
from reader.search.arrays.prepared import Prepared
from reader.search.indexing import updating
from reader.search.indexing.updating import IndexBusy, IndexReport, ProgressFn
from reader.search.manifest import MANIFEST, IndexDamaged, Manifest
from reader.search.query import folding, querying

T = TypeVar("T")

# What reading a damaged (or concurrently rewritten) index raises; programming errors are not among them.
READ_ERRORS = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error, UnicodeDecodeError,
               whoosh_index.IndexError)
READ_ATTEMPTS = 8  # reopen this often while the index keeps changing under a read
MAX_READERS = 32  # readers kept for threads; the oldest are let go (closed once collected)


@dataclass(frozen=True)
class _Identity:
    """Which index a searcher was opened on: folder, the folder's inode, table-of-contents generation."""

    directory: Path | None
    inode: int
    generation: int


@dataclass
class _Reader:
    searcher: object
    prepared: Prepared
    identity: _Identity
    local_generation: int


def _read_error(exc: BaseException) -> bool:
    return isinstance(exc, READ_ERRORS) or compat.raised_in_whoosh(exc)


def _release(reader) -> None:
    """Close a reader's files unless it was closed already."""
    if not getattr(reader, "is_closed", False):
        reader.close()


class SearchIndex:
    """The index of one archive folder, kept in `root` (a folder of the data dir)."""

    def __init__(self, root: Path, archive_dir: Path, arrays: bool = True):
        """arrays=False: answer with whoosh's matchers only (the index of record), never from
        the postings arrays beside it."""
        self.root = root
        self.archive_dir = archive_dir
        self.final = root / "index"
        self.partial = root / "index.partial"
        self.write_lock = threading.Lock()  # one update at a time in this process
        # each thread's reader, by thread id: a thread of Qt's pool gets a new Python thread
        # state (and so empty threading.local data) for every task it runs
        self._readers: OrderedDict[int, _Reader] = OrderedDict()
        self._readers_lock = threading.Lock()
        self._arrays: tuple[_Identity, fast.IndexArrays] | None = None  # shared by the readers
        self._generation = 0  # bumped on every commit and promotion made here
        self._stopping = threading.Event()
        self._use_arrays = arrays

    # -- where it is ---------------------------------------------------------

    def directory(self) -> Path | None:
        """Return the folder to search: the complete index, else the one being built."""
        if (self.final / MANIFEST).exists():
            return self.final
        if (self.partial / MANIFEST).exists():
            return self.partial
        return None

    def exists(self) -> bool:
        """Return True when a complete index is on disk."""
        return (self.final / MANIFEST).exists()

    def problem(self) -> str | None:
        """Return why the complete index cannot be used (cheap checks only), or None."""
        if not self.final.exists():
            return "there is no index yet"
        try:
            Manifest.read(self.final).check(self.final)
        except IndexDamaged as exc:
            return str(exc)
        try:
            ix = whoosh_index.open_dir(str(self.final))
        except Exception as exc:  # noqa: BLE001 - whoosh raises many kinds on damaged files
            return f"the index cannot be opened ({type(exc).__name__}: {exc})"
        try:
            return segment_arrays.check_index(ix, self.final)
        finally:
            ix.close()

    def manifest(self) -> Manifest | None:
        """Return the manifest of the searchable index, or None."""
        directory = self.directory()
        if directory is None:
            return None
        try:
            return Manifest.read(directory)
        except IndexDamaged:
            return None

    # -- updating ------------------------------------------------------------

    def update(self, rebuild: bool = False, progress: ProgressFn | None = None,
               set_dates: dict[str, str] | None = None) -> IndexReport:
        """Bring the index in line with the archive (and the dates the reader set); build it first
        if needed. Raises IndexBusy when another process is updating it, IndexStopped after stop().
        """
        return updating.update(self, rebuild, progress, set_dates)

    def summary(self) -> IndexReport:
        """Return what the searchable index holds, as the report of an update that changed nothing."""
        manifest = self.manifest()
        if manifest is None:
            return IndexReport()
        report = IndexReport(files=len(manifest.files) + len(manifest.problems))
        return updating.summarize(manifest, report)

    def changed(self) -> None:
        """Note a commit or promotion made by this process: searchers reopen."""
        self._generation += 1

    def stop(self) -> None:
        """Make a running update stop at the next file or chunk, and every later one at once."""
        self._stopping.set()

    def stopping(self) -> bool:
        """Return True once stop() was called."""
        return self._stopping.is_set()

    # -- reading -------------------------------------------------------------

    def _identity(self) -> _Identity:
        directory = self.directory()
        if directory is None:
            return _Identity(None, 0, -1)
        try:
            inode = os.stat(directory).st_ino
        except OSError:
            inode = 0
        return _Identity(directory, inode, compat.toc_generation(directory))

    def _reader(self) -> _Reader | None:
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
        opened = _Reader(searcher, prepared, replace(identity, generation=generation), self._generation)
        with self._readers_lock:
            self._readers[threading.get_ident()] = opened
            while len(self._readers) > MAX_READERS:  # threads that are gone: let them be collected
                self._readers.popitem(last=False)
        return opened

    def _shared_arrays(self, searcher, identity: _Identity) -> fast.IndexArrays:
        """Return the postings arrays of an index generation, opened once for every thread."""
        with self._readers_lock:
            if self._arrays is not None and self._arrays[0] == identity:
                return self._arrays[1]
        arrays = fast.IndexArrays(searcher, identity.directory)
        with self._readers_lock:
            self._arrays = (identity, arrays)
        return arrays

    def _read(self, fn: Callable[[_Reader | None], T]) -> T:
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

    def query(self, text: str, variants, limit: int = 20, sort: str = "relevance",
              filters: Filters | None = None, snippets: int | None = None,
              cancelled: Callable[[], bool] | None = None, timeline: bool | str = False,
              new=None, fold_copies: bool = True) -> SearchResult:
        """Answer a query; raise IndexDamaged if the index cannot be read.

        Only the first `snippets` hits get snippets (None: all); SearchCancelled if cancelled()
        turns true before the hits are built; timeline: the matches over time too; new: the entry
        numbers is:new lets through (catchup.CatchUp.new_eids); fold_copies: one hit per story.
        """

        def ask(reader: _Reader | None) -> SearchResult:
            if reader is None:
                return SearchResult(text, 0, (), message="The index is not built yet.", partial=True)
            try:
                result = querying.run(reader.searcher, text, variants, reader.prepared, limit, sort,
                                      filters, snippets, cancelled, timeline, new, _groups(reader),
                                      fold_copies)
            except RecursionError:
                return SearchResult(text, 0, (), message="The query is too complex; simplify it.")
            return replace(result, partial=True) if reader.identity.directory == self.partial else result

        return self._read(ask)

    def with_snippets(self, result: SearchResult, hits: list[Hit]) -> list[Hit]:
        """Return the hits with their snippets (for hits asked for without them)."""

        def fill(reader: _Reader | None) -> list[Hit]:
            out = []
            for hit in hits:
                stored = reader.searcher.document(id=hit.id) if reader and not hit.snippet_ready else None
                out.append(querying.make_hit(stored, hit.score, result.terms) if stored else hit)
            return out

        return self._read(fill)

    def matching_ids(self, text: str, variants, document: DocRef, new=None) -> set[str]:
        """Return the ids of a document's entries that match a query."""
        return self._read(lambda r: querying.matching_ids(r.searcher, text, variants, r.prepared,
                                                          document, new) if r else set())

    def arrays_in_use(self) -> bool:
        """Return True when queries are answered from the postings arrays (else by whoosh's matchers)."""
        return self._read(lambda r: r is not None and r.prepared.arrays is not None)

    def doc_count(self) -> int:
        """Return how many entries the index holds (0 when there is none)."""
        return self._read(lambda r: r.searcher.doc_count() if r else 0)

    def document_of(self, entry_id: str) -> DocRef | None:
        """Return the document an entry belongs to, or None."""

        def find(reader: _Reader | None) -> DocRef | None:
            fields = reader.searcher.document(id=entry_id) if reader else None
            return DocRef.from_token(fields["doc"]) if fields else None

        return self._read(find)

    def entry_table(self) -> EntryTable:
        """Return every live entry as arrays (its document, id, fingerprint), worked out once per
        index generation."""

        def table(reader: _Reader | None) -> EntryTable:
            if reader is None:
                return entries.entry_table_of_nothing()
            if reader.prepared.entries is None:
                reader.prepared.entries = entries.entry_table(reader.searcher, reader.prepared)
            return reader.prepared.entries

        return self._read(table)

    def copy_groups(self) -> CopyGroups:
        """Return which live entries are copies of each other, brought up to date (and kept in
        the index folder) once per index generation."""

        return self._read(lambda r: _groups(r) if r else CopyGroups())

    def copies_of(self, entry_ids: list[str]) -> dict[str, tuple[Copy, ...]]:
        """Return the copies in other documents of those entries that have any, earliest first."""

        def find(reader: _Reader | None) -> dict[str, tuple[Copy, ...]]:
            groups = _groups(reader) if reader else CopyGroups()
            if not groups.count:
                return {}
            out = {}
            for entry_id in entry_ids:
                docnum = reader.searcher.document_number(id=entry_id)
                found = folding.copies_of(reader.searcher.stored_fields, groups, docnum,
                                          reader.prepared.column("chron")) if docnum is not None else ()
                if found:
                    out[entry_id] = found
            return out

        return self._read(find)

    def hits_of(self, entry_ids: list[str]) -> list[Hit]:
        """Return the entries of these ids as hits (their snippets their opening), in that order;
        ids the index does not hold are left out."""

        def find(reader: _Reader | None) -> list[Hit]:
            stored = [reader.searcher.document(id=e) for e in entry_ids] if reader else []
            return [querying.make_hit(s, 0.0, ()) for s in stored if s]

        return self._read(find)

    def present(self, entry_ids: set[str] | list[str]) -> set[str]:
        """Return which of these entry ids are in the index."""

        def find(reader: _Reader | None) -> set[str]:
            if reader is None:
                return set()
            return {e for e in entry_ids if reader.searcher.document_number(id=e) is not None}

        return self._read(find)


def _groups(reader: _Reader) -> CopyGroups:
    """Return the copy groups of a reader's index, worked out once per searcher (from its
    postings arrays when it has them, else the kept pairs)."""
    prepared = reader.prepared
    if prepared.copies is not None:
        return prepared.copies
    arrays = prepared.arrays
    if arrays is not None:
        live = arrays.live
    else:  # (whoosh's postings say which entries are live)
        if prepared.entries is None:
            prepared.entries = entries.entry_table(reader.searcher, prepared)
        live = np.zeros(reader.searcher.doc_count_all(), dtype=bool)
        live[prepared.entries.docnum] = True
    sources = copies.sources_of(reader.searcher, prepared, arrays) if arrays is not None else None
    prepared.copies = copies.groups(reader.identity.directory, prepared.column("eid"),
                                    prepared.column("fingerprint"), live, sources)
    return prepared.copies
    if prepared.entries is None:
        prepared.entries = entries.entry_table(reader.searcher, prepared)
    arrays = prepared.arrays
    size = reader.searcher.doc_count_all()
    prepared.copies = copies.groups(reader.identity.directory, prepared.entries, size,
                                    arrays.copy_bands if arrays else None,
                                    arrays.shingle_set if arrays else None)
    return prepared.copies
