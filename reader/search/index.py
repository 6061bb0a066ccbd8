"""The index of one archive: where it lives, updating it, and what is asked of it.

Reads go through per-thread searchers that survive concurrent commits (readers.py): only a
failure on an index that did not change is damage (IndexDamaged), and deciding what to do
about it is the caller's business, never the search path's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from reader.model import Copy, DocRef, Filters, Hit, SearchResult
from reader.search.arrays import copies, entries, upkeep
from reader.search.arrays.copies import CopyGroups
from reader.search.arrays.entries import EntryTable
from reader.search.indexing import updating
from reader.search.indexing.updating import IndexReport, ProgressFn
from reader.search.manifest import MANIFEST, IndexDamaged, Manifest
from reader.search.query import folding, querying
from reader.search.readers import Reader, Readers, T


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
        self._readers = Readers(self.directory, arrays)
        self._stopping = threading.Event()

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
            return upkeep.check_index(ix, self.final)
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
        self._readers.changed()

    def stop(self) -> None:
        """Make a running update stop at the next file or chunk, and every later one at once."""
        self._stopping.set()

    def stopping(self) -> bool:
        """Return True once stop() was called."""
        return self._stopping.is_set()

    # -- reading -------------------------------------------------------------

    def _read(self, fn: Callable[[Reader | None], T]) -> T:
        """Run fn on this thread's reader (see readers.py: reopened and retried when the index
        changed under it); raises IndexDamaged when the index is damaged."""
        return self._readers.read(fn)

    def close(self) -> None:
        """Close this thread's searcher."""
        self._readers.close()

    def query(self, text: str, variants, limit: int = 20, sort: str = "relevance",
              filters: Filters | None = None, snippets: int | None = None,
              cancelled: Callable[[], bool] | None = None, timeline: bool | str = False,
              new=None, fold_copies: bool = True) -> SearchResult:
        """Answer a query; raise IndexDamaged if the index cannot be read.

        Only the first `snippets` hits get snippets (None: all); SearchCancelled if cancelled()
        turns true before the hits are built; timeline: the matches over time too; new: the entry
        numbers is:new lets through (catchup.CatchUp.new_eids); fold_copies: one hit per story.
        """

        def ask(reader: Reader | None) -> SearchResult:
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

        def fill(reader: Reader | None) -> list[Hit]:
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

        def find(reader: Reader | None) -> DocRef | None:
            fields = reader.searcher.document(id=entry_id) if reader else None
            return DocRef.from_token(fields["doc"]) if fields else None

        return self._read(find)

    def entry_table(self) -> EntryTable:
        """Return every live entry as arrays (its document, id, fingerprint), worked out once per
        index generation."""

        def table(reader: Reader | None) -> EntryTable:
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

        def find(reader: Reader | None) -> dict[str, tuple[Copy, ...]]:
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

        def find(reader: Reader | None) -> list[Hit]:
            stored = [reader.searcher.document(id=e) for e in entry_ids] if reader else []
            return [querying.make_hit(s, 0.0, ()) for s in stored if s]

        return self._read(find)

    def present(self, entry_ids: set[str] | list[str]) -> set[str]:
        """Return which of these entry ids are in the index."""

        def find(reader: Reader | None) -> set[str]:
            if reader is None:
                return set()
            return {e for e in entry_ids if reader.searcher.document_number(id=e) is not None}

        return self._read(find)


def _groups(reader: Reader) -> CopyGroups:
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
