"""What a reader keeps of an archive's entries, as a Library gives it: bookmarks and exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reader import export, files
from reader.bookmarks import BookmarkError, BookmarkStore
from reader.library.documents import Documents
from reader.model import Bookmark, DocRef, Document, Entry
from reader.search import SearchIndex


class Bookmarks:
    """The bookmarks of one archive (kept in a store shared by every archive)."""

    def __init__(self, store: BookmarkStore, archive_id: str, index: SearchIndex, documents: Documents):
        self.archive_id = archive_id  # the archive folder's resolved path: how the stores name it
        self._store, self._index, self._documents = store, index, documents

    def add(self, entry_id: str, note: str | None = None, tags: Iterable[str] = ()) -> Bookmark:
        """Bookmark an entry with a snapshot of its text; raise BookmarkError if it is unknown."""
        found = self._documents.entry(entry_id)
        if found is None:
            existing = self._store.get(entry_id)
            if existing is None:
                raise BookmarkError(f"no entry with id {entry_id}")
            tags = tuple(tags)
            return self._store.update(entry_id, note=note, tags=(*existing.tags, *tags) if tags else None)
        doc, entry = found
        return self._store.add(entry.id, doc.ref, doc.title, entry.headline, snapshot_text(entry),
                               doc.date, note, tags)

    def remove(self, entry_id: str) -> bool:
        """Remove a bookmark; return False if there was none."""
        return self._store.remove(entry_id)

    def annotate(self, entry_id: str, note: str | None = None, tags: Iterable[str] | None = None,
                 ) -> Bookmark:
        """Set a bookmark's note and/or replace its tags (bookmarking the entry first if needed)."""
        if self._store.get(entry_id) is None:
            self.add(entry_id)
        return self._store.update(entry_id, note=note, tags=tags)

    def get(self, entry_id: str) -> Bookmark | None:
        """Return one bookmark, or None."""
        return self._store.get(entry_id)

    def list(self, tag: str | None = None, text: str | None = None, everywhere: bool = False,
             ) -> list[Bookmark]:
        """Return bookmarks newest first (this archive's, or everywhere=True: every archive's).

        This archive's are marked whether their entry is still in it; another archive's are
        taken as they were saved (its index is not opened).
        """
        marks = self._store.list(tag, text, everywhere)
        here = self.archive_id
        ours = [b.entry_id for b in marks if b.archive == here]
        if not ours or self._index.directory() is None:
            return marks
        present = self._index.present(ours)
        return [replace(b, in_archive=b.entry_id in present) if b.archive == here else b for b in marks]

    def is_here(self, mark: Bookmark) -> bool:
        """Return True when a bookmark belongs to this archive."""
        return mark.archive == self.archive_id

    def tags(self, everywhere: bool = False) -> list[str]:
        """Return every tag in use (this archive's, or every archive's), sorted."""
        return self._store.tags(everywhere)

    def version(self) -> tuple:
        """Return a value that changes whenever any program changes the bookmarks."""
        return self._store.version()

    def counts(self) -> dict[DocRef, int]:
        """Return how many bookmarks each document has."""
        return self._store.counts_by_document()


class Export:
    """Entries and bookmarks as export items, rendered as text or Markdown, written to a file."""

    def __init__(self, store: BookmarkStore, documents: Documents):
        self._store, self._documents = store, documents

    def items(self, entry_ids: list[str]) -> list[export.ExportItem]:
        """Return export items for entry ids, from the archive or, failing that, bookmark snapshots."""
        marks = {b.entry_id: b for b in self._store.list()}
        items = []
        for entry_id in entry_ids:
            found = self._documents.entry(entry_id)
            if found is not None:
                items.append(export.from_entry(*found, marks.get(entry_id)))
            elif entry_id in marks:
                items.append(export.from_bookmark(replace(marks[entry_id], in_archive=False)))
            else:
                raise BookmarkError(f"no entry with id {entry_id}")
        return items

    def bookmark_items(self, marks: list[Bookmark]) -> list[export.ExportItem]:
        """Return export items for bookmarks: the live entry when it exists, else the snapshot."""
        items = []
        for mark in marks:
            found = self._documents.entry(mark.entry_id) if mark.in_archive else None
            items.append(export.from_entry(*found, mark) if found else export.from_bookmark(
                replace(mark, in_archive=False)))
        return items

    @staticmethod
    def entry_items(doc: Document, entries: Iterable[Entry], marks: dict[str, Bookmark] | None = None,
                    ) -> list[export.ExportItem]:
        """Return export items for entries of a document shown (with their bookmarks, by id)."""
        return [export.from_entry(doc, e, (marks or {}).get(e.id)) for e in entries]

    @staticmethod
    def render(items: list[export.ExportItem], fmt: str = "txt", chronological: bool = False) -> str:
        """Return export items as text ("txt") or Markdown ("md"), in their order or by date."""
        return export.render(export.chronological(items) if chronological else items, fmt)

    @staticmethod
    def write(path: Path, text: str, overwrite: bool = False) -> None:
        """Write an export atomically; raise files.WriteError with a clear reason."""
        files.write_text(path, text, overwrite)


def snapshot_text(entry: Entry) -> str:
    """Return the text kept with a bookmark: paragraphs, then captions."""
    return "\n\n".join((*entry.paragraphs, *(f"[{c.label}] {c.text}" for c in entry.captions)))
