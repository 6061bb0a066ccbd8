"""Thin Qt list models over the core's frozen dataclasses; each has one set_items()."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader import wording
from reader.library import DocumentInfo
from reader.model import Bookmark, Entry, Hit
from reader.text import fold

ItemRole = Qt.ItemDataRole.UserRole + 1
MarkedRole = Qt.ItemDataRole.UserRole + 4  # an entry matches the current query
BookmarkedRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex

ORDERS = ("newest", "oldest", "title")


class _ListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: tuple = ()

    def set_items(self, items: Sequence) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.items = tuple(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def item(self, row: int):
        """Return the dataclass of a row, or None."""
        return self.items[row] if 0 <= row < len(self.items) else None

    def _valid(self, index: _Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self.items)

    def _changed_all(self) -> None:
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1))


def _day_number(date: str | None) -> int:
    digits = "".join(part.ljust(2, "0") for part in (date or "").split("-"))[:8].ljust(8, "0")
    return int(digits) if digits.isdigit() else 0


def document_key(doc: DocumentInfo, order: str) -> tuple:
    """Return the sort key of a document: by date (undated last) then title, or by title."""
    day = _day_number(doc.date)
    title = fold(doc.title)
    if order == "title":
        return (title, -day, doc.path)
    return (day == 0, -day if order == "newest" else day, title, doc.path)


class DocumentListModel(_ListModel):
    """The archive's documents, filtered (accents and case folded) and in a stable order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bookmark_counts: dict[str, int] = {}
        self.order = "newest"
        self.needle = ""
        self._all: list[DocumentInfo] = []
        self._keys: list[tuple] = []  # sort keys of the shown rows

    def set_items(self, items: Sequence[DocumentInfo]) -> None:
        """Replace the whole list (it is filtered and sorted here)."""
        self._all = list(items)
        self._refill()

    def add_items(self, more: Iterable[DocumentInfo]) -> None:
        """Add documents to the list, each inserted as a row where it belongs."""
        for doc in more:
            self._all.append(doc)
            if not self._accepts(doc):
                continue
            key = document_key(doc, self.order)
            row = bisect.bisect(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._keys.insert(row, key)
            self.items = (*self.items[:row], doc, *self.items[row:])
            self.endInsertRows()

    def documents(self) -> list[DocumentInfo]:
        """Return every document, shown or not, in the order they were given."""
        return list(self._all)

    def total(self) -> int:
        """Return how many documents there are, shown or not."""
        return len(self._all)

    def set_filter(self, text: str) -> None:
        """Show only documents whose title contains text (accents and case folded)."""
        self.needle = fold(text.strip())
        self._refill()

    def set_order(self, order: str) -> None:
        """Order by "newest", "oldest" (undated last, then by title) or "title"."""
        self.order = order
        self._refill()

    def _accepts(self, doc: DocumentInfo) -> bool:
        return not self.needle or self.needle in fold(doc.title)

    def _refill(self) -> None:
        shown = sorted(((document_key(d, self.order), d) for d in self._all if self._accepts(d)),
                       key=lambda pair: pair[0])
        self._keys = [k for k, _ in shown]
        super().set_items([d for _, d in shown])

    def set_bookmark_counts(self, counts: dict[str, int]) -> None:
        """Set how many bookmarks each document (by path) has."""
        self.bookmark_counts = dict(counts)
        self._changed_all()

    def row_of(self, path: str) -> int:
        """Return the row of a document path, or -1."""
        return next((i for i, d in enumerate(self.items) if d.path == path), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        doc: DocumentInfo = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{doc.title}\n{doc.kind}, {wording.entries(doc.entries)}, {doc.date or 'no date'}"
        if role == ItemRole:
            return doc
        if role == BookmarkedRole:
            return self.bookmark_counts.get(doc.path, 0)
        return None


class HitListModel(_ListModel):
    """Search results."""

    def update_hits(self, hits: Iterable[Hit]) -> None:
        """Replace hits (same ids) by newer versions of them, e.g. with their snippets."""
        rows = {h.id: i for i, h in enumerate(self.items)}
        items = list(self.items)
        changed = []
        for hit in hits:
            row = rows.get(hit.id)
            if row is not None:
                items[row] = hit
                changed.append(row)
        self.items = tuple(items)
        for row in changed:
            self.dataChanged.emit(self.index(row), self.index(row))

    def missing_snippets(self, first: int, last: int) -> list[Hit]:
        """Return the hits of rows first..last that have no snippet yet."""
        return [h for h in self.items[max(0, first):last + 1] if not h.snippet_ready]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        hit: Hit = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.headline or hit.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.title}\n{hit.date or 'no date'}"
        if role == ItemRole:
            return hit
        return None


class EntryListModel(_ListModel):
    """The entries of the document in the reading pane, in display order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.marked: frozenset[str] = frozenset()  # ids of the entries that match the query
        self.bookmarked: set[str] = set()

    def set_marks(self, marked: Iterable[str]) -> None:
        """Set which entries match the query."""
        self.marked = frozenset(marked)
        self._changed_all()

    def set_bookmarked(self, ids: set[str]) -> None:
        """Set which entries are bookmarked."""
        self.bookmarked = set(ids)
        self._changed_all()

    def row_of(self, entry_id: str) -> int:
        """Return the row of an entry id, or -1."""
        return next((i for i, e in enumerate(self.items) if e.id == entry_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        entry: Entry = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.headline or ""
        if role == ItemRole:
            return entry
        if role == MarkedRole:
            return entry.id in self.marked
        if role == BookmarkedRole:
            return entry.id in self.bookmarked
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return entry.plain_text()[:500]
        return None


class BookmarkListModel(_ListModel):
    """Bookmarks, newest first; `here` is the open archive (others' bookmarks say whose they are)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.here = ""

    def row_of(self, entry_id: str) -> int:
        """Return the row of a bookmarked entry id, or -1."""
        return next((i for i, b in enumerate(self.items) if b.entry_id == entry_id), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        mark: Bookmark = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return mark.headline or mark.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return mark.note or mark.title
        if role == ItemRole:
            return mark
        return None
