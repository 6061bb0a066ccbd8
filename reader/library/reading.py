"""What the reader has read, as a Library gives it: catching up, and entries noted as seen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from reader import catchup
from reader.catchup import CatchUp
from reader.library.documents import Documents
from reader.model import DocRef, DocumentInfo, Entry, Hit
from reader.search import SearchIndex
from reader.search.arrays.entries import EntryTable
from reader.seen import SeenStore


class NewIn(NamedTuple):
    """A document's entries new since the reader last read it."""

    info: DocumentInfo
    hits: list[Hit]  # newest first
    edited: set[str]  # the ids of those edited since read (the others are new)


class ReadingRecord:
    """The reading state of one archive: which documents were opened, which entries seen."""

    def __init__(self, index: SearchIndex, store: SeenStore, documents: Documents):
        self._index, self._store, self._documents = index, store, documents
        # (the entry table and reading-state version it was worked out from, it): the table is
        # held, not its id(), which a new table can be given once the old one is freed
        self._caught_up: tuple[EntryTable, tuple, CatchUp] | None = None

    def catch_up(self) -> CatchUp:
        """Return what is new since the reader last read: per opened document, its new (and
        edited) entries; worked out again only when the index or the reading state changed."""
        table, version = self._index.entry_table(), self._store.version()
        cached = self._caught_up
        if cached is None or cached[0] is not table or cached[1] != version:
            self._caught_up = cached = (table, version, catchup.catch_up(table, self._store.state()))
        return cached[2]

    def version(self) -> tuple:
        """Return a value that changes whenever any program changes the reading state."""
        return self._store.version()

    def mark_opened(self, ref: DocRef, entries: Iterable[Entry] | None = None) -> None:
        """Note that the reader opened a document (holding these entries; None: as the index
        has it): the first time, what it holds is known, and what it gains later is new."""
        if entries is None:
            entries = self._documents.get(ref).entries
        self._store.mark_opened(ref, [(e.id, e.fingerprint) for e in entries])

    def mark_seen(self, ref: DocRef, entries: Iterable[Entry]) -> None:
        """Note that the reader has seen these entries of a document (with their text now); a
        document not opened before is opened first (what it holds is known, see mark_opened)."""
        entries = list(entries)
        if not self.catch_up().reading(ref).opened:
            self.mark_opened(ref)
        self._store.mark_seen(ref, [(e.id, e.fingerprint) for e in entries])

    def mark_read(self, ref: DocRef) -> int:
        """Mark every entry of a document as seen; return how many were not."""
        doc = self._documents.get(ref)
        before = self.catch_up().reading(ref)
        self.mark_seen(ref, doc.entries)
        return len(doc.entries) - before.seen

    def new_entries(self) -> list[NewIn]:
        """Return the new entries of the archive, per document with any (newest read first)."""
        caught = self.catch_up()
        infos = {i.ref: i for i in self._documents.infos() or []}
        out = []
        for ref, listed in caught.new.items():
            hits = sorted(self._index.hits_of([i for i, _edited in listed]),
                          key=lambda h: (h.time or h.date or "", -h.position), reverse=True)
            info = infos.get(ref) or DocumentInfo(ref, str(ref), "liveblog", None, False, len(hits))
            out.append(NewIn(info, hits, {i for i, edited in listed if edited}))
        out.sort(key=lambda item: max((h.time or h.date or "" for h in item.hits), default=""), reverse=True)
        return out
