"""Thin Qt list models over the core's frozen dataclasses; each has one set_items()."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reader.model import Bookmark, Copy, Entry, Hit
from reader.ui.views import plain_text

ItemRole = Qt.ItemDataRole.UserRole + 1
MarkedRole = Qt.ItemDataRole.UserRole + 4  # an entry matches the current query
BookmarkedRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex



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

    def is_copy(self, entry_id: str) -> bool:
        """Return True for a row that stands for a copy of the hit above it (results only)."""
        return False

    def expanded(self, entry_id: str) -> bool:
        """Return True when a hit's copies are listed under it (results only)."""
        return False

    def _valid(self, index: _Index) -> bool:
        return index.isValid() and 0 <= index.row() < len(self.items)

    def _changed_all(self) -> None:
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1))


class HitListModel(_ListModel):
    """Search results; a hit's copies in other documents can be listed under it, a row each."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.copy_of: dict[str, str] = {}  # a copy row's entry id -> the id of the hit it is under
        self.copies: dict[str, Copy] = {}  # a copy row's entry id -> the copy

    def set_items(self, items: Sequence) -> None:
        self.copy_of, self.copies = {}, {}
        super().set_items(items)

    def is_copy(self, entry_id: str) -> bool:
        return entry_id in self.copy_of

    def expanded(self, entry_id: str) -> bool:
        """Return True when a hit's copies are listed under it."""
        return entry_id in self.copy_of.values()

    def toggle_copies(self, row: int, show: bool | None = None) -> int:
        """List a hit's copies under it, or stop (show: None toggles); a copy row stands for the
        hit it is under. Return the hit's row."""
        hit = self.item(row)
        if hit is None:
            return row
        if hit.id in self.copy_of:
            row = self.row_of(self.copy_of[hit.id])
            hit = self.items[row]
        shown = self.expanded(hit.id)
        if show is None:
            show = not shown
        if show and not shown and hit.copies:
            rows = [copy_hit(c) for c in hit.copies]
            self.beginInsertRows(QModelIndex(), row + 1, row + len(rows))
            self.items = (*self.items[:row + 1], *rows, *self.items[row + 1:])
            self.copy_of.update({c.id: hit.id for c in hit.copies})
            self.copies.update({c.id: c for c in hit.copies})
            self.endInsertRows()
        elif not show and shown:
            count = len(hit.copies)
            self.beginRemoveRows(QModelIndex(), row + 1, row + count)
            self.items = (*self.items[:row + 1], *self.items[row + 1 + count:])
            for c in hit.copies:
                self.copy_of.pop(c.id, None)
                self.copies.pop(c.id, None)
            self.endRemoveRows()
        self.dataChanged.emit(self.index(row), self.index(row))
        return row

    def row_of(self, entry_id: str) -> int:
        """Return the row of an entry id, or -1."""
        return next((i for i, h in enumerate(self.items) if h.id == entry_id), -1)

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
            return plain_text.tooltip(f"{hit.title}\n{hit.date or 'no date'}")
        if role == ItemRole:
            return hit
        return None


def copy_hit(copy: Copy) -> Hit:
    """Return a copy as a row of the results (it opens that document at that entry)."""
    return Hit(copy.id, copy.document, copy.title, None, copy.date, 0, 0.0, "")


class EntryListModel(_ListModel):
    """The entries of the document in the reading pane, in display order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.copies: dict[str, tuple[Copy, ...]] = {}  # an entry's copies in other documents
        self.first_here: frozenset[str] = frozenset()  # entries of copies that appeared here first
        self.marked: frozenset[str] = frozenset()  # ids of the entries that match the query
        self.bookmarked: set[str] = set()
        self.new: frozenset[str] = frozenset()  # new since the reader last read (edited ones too)
        self.edited: frozenset[str] = frozenset()
        self.divider: tuple[str, str] | None = None  # (entry id, text): "New since you last read"

    def set_news(self, new: frozenset[str], edited: frozenset[str], divider: tuple[str, str] | None) -> None:
        """Set which entries are new or edited since read, and where the divider goes."""
        self.new, self.edited, self.divider = new, edited, divider
        self._changed_all()

    def news_of(self, entry_id: str) -> tuple[str | None, str | None]:
        """Return ("new" | "edited" | None, the divider's text above it or None)."""
        state = "edited" if entry_id in self.edited else "new" if entry_id in self.new else None
        return state, self.divider[1] if self.divider and self.divider[0] == entry_id else None

    def set_copies(self, copies: dict[str, tuple[Copy, ...]], first_here: frozenset[str] = frozenset()
                   ) -> None:
        """Set the entries' copies in other documents (by entry id; those without have none),
        and which of those entries are where their story first appeared."""
        self.copies, self.first_here = dict(copies), first_here
        self._changed_all()

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
            return plain_text.tooltip(mark.note or mark.title)
        if role == ItemRole:
            return mark
        return None
