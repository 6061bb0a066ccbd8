"""The one object front ends talk to: the archive, its index and the bookmarks, in a data-dir layout."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reader import archive, catchup, dates, errorlog, parsed
from reader.archive import ArchiveError
from reader.bookmarks import BookmarkError, BookmarkStore
from reader.catchup import CatchUp, News, Reading
from reader.export import ExportItem
from reader.files import WriteError
from reader.model import (
    Copy,
    DocRef,
    Document,
    DocumentInfo,
    Entry,
    Filters,
    Hit,
    Problem,
    SearchResult,
)
from reader.search import (
    IndexBusy,
    IndexDamaged,
    IndexReport,
    IndexStopped,
    Progress,
    ProgressFn,
    SearchCancelled,
    SearchIndex,
    Variants,
    mark,
    match_spans,
    set_dates_of,
)
from reader.search.arrays.entries import EntryTable
from reader.seen import SeenStore
from reader.shelf import Shelf, snapshot_text

# what front ends use besides Library: the values and errors its methods give (they import nothing
# below this module; tests/test_layers.py checks it by their imports)
__all__ = ["ArchiveError", "BookmarkError", "CatchUp", "DocumentInfo", "ExportItem", "IndexBusy",
           "IndexDamaged", "IndexReport", "IndexStopped", "Library", "News", "Progress", "Reading",
           "SearchCancelled", "WriteError", "archive_key", "mark", "snapshot_text"]


def archive_key(archive_dir: Path) -> str:
    """Return the data-dir folder name for one archive folder."""
    resolved = str(archive_dir.resolve())
    return hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]


class Library(Shelf):
    """An archive folder with its index (and bookmarks) kept in a data dir.

    data_dir/
      archives/<key>/index/          the Whoosh index and its manifest
      archives/<key>/parsed/         web archives' documents, kept once parsed (reader/parsed.py)
      archives/<key>/archive-path    which archive folder this is
      bookmarks.sqlite3              bookmarks, for every archive
      reading.sqlite3                what the reader has seen, for every archive
      errors.log                     tracebacks of internal errors met reading files

    Searching never repairs the index: a search on a damaged index raises IndexDamaged and the
    front end decides when to rebuild (update_index(rebuild=True)).
    """

    def __init__(self, archive_dir: Path, data_dir: Path, variant_files: Iterable[Path] = ()):
        self.archive_dir = Path(archive_dir)
        self.archive_id = str(self.archive_dir.resolve())
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "archives" / archive_key(self.archive_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        errorlog.attach(self.data_dir / errorlog.FILE)  # internal errors met reading files
        (self.root / "archive-path").write_text(self.archive_id, encoding="utf-8")
        self._index = SearchIndex(self.root, self.archive_dir)
        self.kept = self.root / parsed.FOLDER  # web archives' documents, kept once parsed
        self.variants = Variants.load(*variant_files)
        self._bookmarks = BookmarkStore(self.data_dir / "bookmarks.sqlite3", self.archive_id)
        self._seen = SeenStore(self.data_dir / "reading.sqlite3", self.archive_id,
                               self.root / "reading-state.npz")
        # (the entry table and reading-state version it was worked out from, it): the table is
        # held, not its id(), which a new table can be given once the old one is freed
        self._caught_up: tuple[EntryTable, tuple, CatchUp] | None = None

    def notices(self) -> list[str]:
        """Return what the reader should be told about opening this library (else nothing)."""
        found = list(self.variants.problems)
        for store in (self._bookmarks, self._seen):
            if store.recovered:
                found.append(store.recovered)
        return found

    # -- the archive -------------------------------------------------------

    def load(self) -> tuple[list[Document], list[Problem]]:
        """Parse every file of the archive."""
        return archive.load(self.archive_dir, self.set_dates())

    def folders(self) -> list[Path]:
        """Return the archive folder and its visible sub-folders (at most 500): what a front end watches."""
        return archive.folders(self.archive_dir)

    @staticmethod
    def parse_file(root: Path, rel: str) -> list[Document] | Problem:
        """Read one file (rel, inside root) as the archive would: its documents or a Problem."""
        return archive.read_file(root, rel)

    def iter_load(self) -> Iterator[Document | Problem]:
        """Parse the archive's files one by one (a Document each, or a Problem)."""
        return archive.iter_load(self.archive_dir, self.set_dates())

    def document(self, ref: DocRef) -> Document:
        """Parse one document; raise ArchiveError with the reason if it cannot be read."""
        return archive.read_document(self.archive_dir, ref, self.set_dates(), self.kept)

    def find_document(self, name: str) -> DocRef | None:
        """Return the document a reader named as `documents` shows it (the file, or "file#key"),
        or None if the archive has none of that name (nor a date set on one)."""
        infos = self.document_infos()
        refs = [i.ref for i in infos] if infos is not None else [d.ref for d in self.load()[0]]
        return next((ref for ref in [*refs, *self.set_dates()] if str(ref) == name), None)

    # -- dates the reader sets ------------------------------------------------------

    def set_dates(self) -> dict[DocRef, str]:
        """Return the dates the reader set on this archive's documents."""
        return self._bookmarks.set_dates()

    def set_date(self, ref: DocRef, date: str | None) -> bool:
        """Set a document's date ("YYYY", "YYYY-MM" or "YYYY-MM-DD"; None clears it).

        It is kept in the data dir (through re-indexing, rebuilds and edits of the file) and
        used when the document gives no date of its own; the next index update applies it.
        Raises ValueError for an unknown document or a malformed date; returns False when
        there was no date to clear.
        """
        if date is not None and not dates.valid(date):
            raise ValueError(f"not a date: {date!r} (YYYY, YYYY-MM or YYYY-MM-DD)")
        known = {d.ref for d in self.document_infos() or []}
        if not known:
            known = {d.ref for d in self.load()[0]}
        if ref not in known and not (date is None and ref in self.set_dates()):
            raise ValueError(f"no document {ref} in the archive")
        return self._bookmarks.set_date(ref, date)

    def document_infos(self) -> list[DocumentInfo] | None:
        """Return the document list from the complete index's manifest (no parsing), else None."""
        manifest = self._index.manifest() if self._index.exists() else None
        return manifest.documents() if manifest is not None else None

    @staticmethod
    def info(doc: Document) -> DocumentInfo:
        """Return the document-list summary of a parsed document."""
        return DocumentInfo.of(doc)

    def entry(self, entry_id: str) -> tuple[Document, Entry] | None:
        """Find an entry by id: via the index, or by parsing the archive while there is none."""
        if self._index.directory() is not None:
            ref = self._index.document_of(entry_id)
            if ref is None:
                return None
            try:
                doc = self.document(ref)
            except archive.ArchiveError:
                return None
            entry = doc.entry(entry_id)
            return (doc, entry) if entry is not None else None
        for rel in archive.scan(self.archive_dir):
            docs = archive.read_file(self.archive_dir, rel, self.set_dates(), self.kept)
            for doc in docs if not isinstance(docs, Problem) else ():
                entry = doc.entry(entry_id)
                if entry is not None:
                    return doc, entry
        return None

    # -- the index ---------------------------------------------------------

    def searchable(self) -> bool:
        """Return True when there is an index to search (complete, or a build's committed part)."""
        return self._index.directory() is not None

    def needs_update(self) -> bool:
        """Return True if the index is missing or the archive's files changed since it was built."""
        if self._index.problem() is not None:
            return True
        manifest = self._index.manifest()
        if manifest is None:
            return True
        set_dates = self.set_dates()
        for rel, m in manifest.files.items():
            if m.set_dates != set_dates_of(set_dates, rel):
                return True
        current = set()
        for rel in archive.scan(self.archive_dir):
            current.add(rel)
            m = manifest.known(rel)
            try:
                st = (self.archive_dir / rel).stat()
            except OSError:
                if m is None or m.size != -1:
                    return True
                continue
            if m is None or m.stamp() != (st.st_size, st.st_mtime_ns):
                return True
            if m.parser != archive.parser_version(rel):  # read by readers that changed since
                return True
        return current != set(manifest.files) | set(manifest.problems)

    def update_index(self, rebuild: bool = False, progress: ProgressFn | None = None) -> IndexReport:
        """Build or sync the index (raises IndexBusy if another process is updating it)."""
        return self._index.update(rebuild=rebuild, progress=progress, set_dates=self.set_dates())

    def index_summary(self) -> IndexReport:
        """Return what the index holds (documents, entries, files skipped) without updating it."""
        return self._index.summary()

    def stop(self) -> None:
        """Stop a running index update at the next file or chunk (the program is closing).

        What was committed is kept; the next update carries on from there.
        """
        self._index.stop()

    def doc_count(self) -> int:
        """Return how many entries are indexed."""
        return self._index.doc_count()

    def search(self, text: str, limit: int = 20, sort: str = "relevance",
               filters: Filters | None = None, snippets: int | None = None,
               cancelled: Callable[[], bool] | None = None, timeline: bool | str = False) -> SearchResult:
        """Answer a query, narrowed by filters (dates, one document: applied to the whole query,
        whatever its shape); raise IndexDamaged if the index cannot be read (it needs a rebuild).

        snippets=N builds snippets for the first N hits only (with_snippets adds the others'
        when they are shown); a search whose cancelled() turns true raises SearchCancelled;
        timeline=True (or "day", "week", "month") adds the hits over time (result.timeline).
        Copies of one story in several documents are one hit (hit.copies names the others;
        result.stories counts them); Filters(all_copies=True) makes every copy a hit of its own.
        """
        new = self.catch_up().new_eids if _asks_new(text, filters) else None
        return self._index.query(text, self.variants, limit, sort, filters, snippets, cancelled,
                                 timeline, new, not (filters and filters.all_copies))

    def timeline(self, text: str, by: str | None = None, filters: Filters | None = None) -> SearchResult:
        """Return a query's answer with its hits over time, by day, week or month (None: chosen
        from the range); result.timeline's counts add up to result.stories (each story once, on
        the day it first appeared), or result.total with Filters(all_copies=True)."""
        return self.search(text, limit=1, filters=filters, snippets=0, timeline=by or True)

    def with_snippets(self, result: SearchResult, hits: list[Hit]) -> list[Hit]:
        """Return hits of result with their snippets built."""
        return self._index.with_snippets(result, hits)

    def matching_entries(self, text: str, document: DocRef) -> set[str]:
        """Return the ids of a document's entries that match a query (for marks in a thread)."""
        new = self.catch_up().new_eids if _asks_new(text, None) else None
        return self._index.matching_ids(text, self.variants, document, new)

    def copies_of(self, entry_ids: list[str]) -> dict[str, tuple[Copy, ...]]:
        """Return, for those of these entries that have copies in other documents, the copies
        (earliest first; Copy.first marks where the story first appeared, if not here)."""
        return self._index.copies_of(entry_ids)

    # -- reading state ----------------------------------------------------------

    def catch_up(self) -> CatchUp:
        """Return what is new since the reader last read: per opened document, its new (and
        edited) entries; worked out again only when the index or the reading state changed."""
        table, version = self._index.entry_table(), self._seen.version()
        cached = self._caught_up
        if cached is None or cached[0] is not table or cached[1] != version:
            self._caught_up = cached = (table, version, catchup.catch_up(table, self._seen.state()))
        return cached[2]

    def reading_version(self) -> tuple:
        """Return a value that changes whenever any program changes the reading state."""
        return self._seen.version()

    def mark_opened(self, ref: DocRef, entries: Iterable[Entry] | None = None) -> None:
        """Note that the reader opened a document (holding these entries; None: as the index
        has it): the first time, what it holds is known, and what it gains later is new."""
        if entries is None:
            entries = self.document(ref).entries
        self._seen.mark_opened(ref, [(e.id, e.fingerprint) for e in entries])

    def mark_seen(self, ref: DocRef, entries: Iterable[Entry]) -> None:
        """Note that the reader has seen these entries of a document (with their text now); a
        document not opened before is opened first (what it holds is known, see mark_opened)."""
        entries = list(entries)
        if not self.catch_up().reading(ref).opened:
            self.mark_opened(ref)
        self._seen.mark_seen(ref, [(e.id, e.fingerprint) for e in entries])

    def mark_read(self, ref: DocRef) -> int:
        """Mark every entry of a document as seen; return how many were not."""
        doc = self.document(ref)
        before = self.catch_up().reading(ref)
        self.mark_seen(ref, doc.entries)
        return len(doc.entries) - before.seen

    def new_entries(self) -> list[tuple[DocumentInfo, list[Hit], set[str]]]:
        """Return the new entries of the archive: per document with any (newest read first), its
        summary, its new entries as hits (newest first) and which of them were edited since."""
        caught = self.catch_up()
        infos = {i.ref: i for i in self.document_infos() or []}
        out = []
        for ref, listed in caught.new.items():
            hits = sorted(self._index.hits_of([i for i, _edited in listed]),
                          key=lambda h: (h.time or h.date or "", -h.position), reverse=True)
            info = infos.get(ref) or DocumentInfo(ref, str(ref), "liveblog", None, False, len(hits))
            out.append((info, hits, {i for i, edited in listed if edited}))
        out.sort(key=lambda item: max((h.time or h.date or "" for h in item[1]), default=""), reverse=True)
        return out

    @staticmethod
    def match_spans(text: str, result: SearchResult) -> list[tuple[int, int]]:
        """Return where a result's query terms (all variant spellings too) occur in text."""
        stem = [t for kind, t in result.terms if kind == "stem"]
        exact = [t for kind, t in result.terms if kind == "exact"]
        return match_spans(text, stem, exact)


def _asks_new(text: str, filters: Filters | None) -> bool:
    """Return True when a query wants the new entries only (is:new, or the filter)."""
    return "is:new" in text.lower() or bool(filters and filters.new_only)
