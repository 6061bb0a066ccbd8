"""The archive's documents as a Library gives them: listed, parsed, found by name or entry, dated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from reader import archive, dates
from reader.bookmarks import BookmarkStore
from reader.model import DocRef, Document, DocumentInfo, Entry, Problem
from reader.search import SearchIndex


class Located(NamedTuple):
    """An entry and the document it is in."""

    document: Document
    entry: Entry


class Documents:
    """The documents of one archive folder (parsed web archives kept in `kept`)."""

    def __init__(self, archive_dir: Path, kept: Path, index: SearchIndex, store: BookmarkStore):
        self.archive_dir, self.kept = archive_dir, kept
        self._index, self._store = index, store

    def load(self) -> tuple[list[Document], list[Problem]]:
        """Parse every file of the archive."""
        return archive.load(self.archive_dir, self.set_dates())

    def iter_load(self) -> Iterator[Document | Problem]:
        """Parse the archive's files one by one (a Document each, or a Problem)."""
        return archive.iter_load(self.archive_dir, self.set_dates())

    def folders(self) -> list[Path]:
        """Return the archive folder and its visible sub-folders (at most 500): what a front end watches."""
        return archive.folders(self.archive_dir)

    @staticmethod
    def parse_file(root: Path, rel: str) -> list[Document] | Problem:
        """Read one file (rel, inside root) as the archive would: its documents or a Problem."""
        return archive.read_file(root, rel)

    def get(self, ref: DocRef) -> Document:
        """Parse one document; raise ArchiveError with the reason if it cannot be read."""
        return archive.read_document(self.archive_dir, ref, self.set_dates(), self.kept)

    def find(self, name: str) -> DocRef | None:
        """Return the document a reader named as `documents` shows it (the file, or "file#key"),
        or None if the archive has none of that name (nor a date set on one)."""
        infos = self.infos()
        refs = [i.ref for i in infos] if infos is not None else [d.ref for d in self.load()[0]]
        return next((ref for ref in [*refs, *self.set_dates()] if str(ref) == name), None)

    def infos(self) -> list[DocumentInfo] | None:
        """Return the document list from the complete index's manifest (no parsing), else None."""
        manifest = self._index.manifest() if self._index.exists() else None
        return manifest.documents() if manifest is not None else None

    @staticmethod
    def info(doc: Document) -> DocumentInfo:
        """Return the document-list summary of a parsed document."""
        return DocumentInfo.of(doc)

    def entry(self, entry_id: str) -> Located | None:
        """Find an entry by id: via the index, or by parsing the archive while there is none."""
        if self._index.directory() is not None:
            ref = self._index.document_of(entry_id)
            if ref is None:
                return None
            try:
                doc = self.get(ref)
            except archive.ArchiveError:
                return None
            entry = doc.entry(entry_id)
            return Located(doc, entry) if entry is not None else None
        for rel in archive.scan(self.archive_dir):
            docs = archive.read_file(self.archive_dir, rel, self.set_dates(), self.kept)
            for doc in docs if not isinstance(docs, Problem) else ():
                entry = doc.entry(entry_id)
                if entry is not None:
                    return Located(doc, entry)
        return None

    # -- dates the reader sets ------------------------------------------------------

    def set_dates(self) -> dict[DocRef, str]:
        """Return the dates the reader set on this archive's documents."""
        return self._store.set_dates()

    def set_date(self, ref: DocRef, date: str | None) -> bool:
        """Set a document's date ("YYYY", "YYYY-MM" or "YYYY-MM-DD"; None clears it).

        It is kept in the data dir (through re-indexing, rebuilds and edits of the file) and
        used when the document gives no date of its own; the next index update applies it.
        Raises ValueError for an unknown document or a malformed date; returns False when
        there was no date to clear.
        """
        if date is not None and not dates.valid(date):
            raise ValueError(f"not a date: {date!r} (YYYY, YYYY-MM or YYYY-MM-DD)")
        known = {d.ref for d in self.infos() or []}
        if not known:
            known = {d.ref for d in self.load()[0]}
        if ref not in known and not (date is None and ref in self.set_dates()):
            raise ValueError(f"no document {ref} in the archive")
        return self._store.set_date(ref, date)
