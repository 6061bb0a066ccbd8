"""The Documents tab's list model: documents filtered, in a stable order, grouped by month."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, Qt

from reader import dates, wording
from reader.model import DocRef, DocumentInfo
from reader.text import fold
from reader.ui.views import plain_text
from reader.ui.views.models import BookmarkedRole, ItemRole, _Index, _ListModel

ORDERS = ("newest", "oldest", "title", "new")
UNDATED = "undated"


@dataclass(frozen=True)
class MonthHeader:
    """The heading row of a month's documents (click to fold it away or out)."""

    month: str  # "YYYY-MM", or UNDATED
    count: int
    folded: bool = False

    @property
    def label(self) -> str:
        if self.month == UNDATED:
            return "Date unknown"
        if self.month.endswith("-00"):
            return self.month[:4]
        return f"{date.fromisoformat(self.month + '-01'):%B %Y}"


def document_key(doc: DocumentInfo, order: str, new: int = 0) -> tuple:
    """Return the sort key of a document: by date (undated last) then title, by title, or by
    how many new entries it has (most first, then newest)."""
    day = dates.day_number(doc.date)
    title = fold(doc.title)
    if order == "title":
        return (title, -day, doc.ref)
    if order == "new":
        return (new == 0, -new, -day, title, doc.ref)
    return (day == 0, -day if order == "newest" else day, title, doc.ref)


def month_of(doc: DocumentInfo) -> str:
    """Return the heading a document goes under: "YYYY-MM", "YYYY-00" (a year only) or UNDATED."""
    if not doc.date:
        return UNDATED
    return doc.date[:7] if len(doc.date) >= 7 else f"{doc.date[:4]}-00"


def header_key(month: str, order: str) -> tuple:
    """The sort key of a month's heading: just before the month's first document."""
    if month == UNDATED:
        return (True, -(10**12), "", "")
    number = int(month.replace("-", "")) * 100
    return (False, -(number + 99), "", "") if order == "newest" else (False, number - 1, "", "")


class DocumentListModel(_ListModel):
    """The archive's documents, filtered (title, accents and case folded; a range of dates), in a
    stable order; by date, each month under a heading that folds its documents away."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bookmark_counts: dict[DocRef, int] = {}
        self.new_counts: dict[DocRef, int] = {}  # new entries since the reader last read
        self.order = "newest"
        self.needle = ""
        self.date_range: tuple[str, str] | None = None
        self.folded: set[str] = set()  # months whose documents are folded away
        self._all: list[DocumentInfo] = []
        self._keys: list[tuple] = []  # sort keys of the shown rows

    def grouped(self) -> bool:
        return self.order in ("newest", "oldest")

    def set_items(self, items: Sequence[DocumentInfo]) -> None:
        """Replace the whole list (it is filtered and sorted here)."""
        self._all = list(items)
        self._refill()

    def add_items(self, more: Iterable[DocumentInfo]) -> None:
        """Add documents to the list, each inserted as a row where it belongs (with its month's
        heading when it is the month's first)."""
        for doc in more:
            self._all.append(doc)
            if not self._accepts(doc):
                continue
            if self.grouped():
                month = month_of(doc)
                header = self._header_row(month)
                if header is None:
                    self._insert(header_key(month, self.order), MonthHeader(month, 1, month in self.folded))
                else:
                    old = self.items[header]
                    self._rows()[header] = MonthHeader(month, old.count + 1, old.folded)
                    self.dataChanged.emit(self.index(header), self.index(header))
                if month in self.folded:
                    continue
            self._insert(document_key(doc, self.order, self.new_counts.get(doc.ref, 0)), doc)

    def _insert(self, key: tuple, item) -> None:
        row = bisect.bisect(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys.insert(row, key)
        self._rows().insert(row, item)
        self.endInsertRows()

    def _rows(self) -> list:
        """Return the rows as a list to change in place (a first listing of 20,000 documents
        inserts them one by one: copying the rows for each was quadratic)."""
        if not isinstance(self.items, list):
            self.items = list(self.items)
        return self.items

    def _header_row(self, month: str) -> int | None:
        row = bisect.bisect_left(self._keys, header_key(month, self.order))
        if row < len(self.items) and isinstance(self.items[row], MonthHeader) \
                and self.items[row].month == month:
            return row
        return None

    def documents(self) -> list[DocumentInfo]:
        """Return every document, shown or not, in the order they were given."""
        return list(self._all)

    def total(self) -> int:
        """Return how many documents there are, shown or not."""
        return len(self._all)

    def shown(self) -> int:
        """Return how many documents are listed (headings not counted, folded ones counted)."""
        return sum(h.count for h in self.items if isinstance(h, MonthHeader)) if self.grouped() \
            else len(self.items)

    def set_filter(self, text: str) -> None:
        """Show only documents whose title contains text (accents and case folded)."""
        self.needle = fold(text.strip())
        self._refill()

    def set_date_range(self, date_range: tuple[str, str] | None) -> None:
        """Show only documents dated within (first day, last day), or all (None)."""
        self.date_range = date_range
        self._refill()

    def set_order(self, order: str) -> None:
        """Order by "newest", "oldest" (undated last, then by title), "title" or "new"."""
        self.order = order
        self._refill()

    def toggle(self, month: str) -> None:
        """Fold a month's documents away, or out again."""
        self.folded.symmetric_difference_update({month})
        self._refill()

    def _accepts(self, doc: DocumentInfo) -> bool:
        if self.needle and self.needle not in fold(doc.title):
            return False
        if self.date_range is not None:
            if not doc.date:
                return False
            first, last = dates.span(doc.date)
            return self.date_range[0] <= first and last <= self.date_range[1]
        return True

    def _refill(self) -> None:
        shown = sorted(((document_key(d, self.order, self.new_counts.get(d.ref, 0)), d)
                        for d in self._all if self._accepts(d)), key=lambda pair: pair[0])
        if self.grouped():
            counts: dict[str, int] = {}
            for _key, doc in shown:
                counts[month_of(doc)] = counts.get(month_of(doc), 0) + 1
            shown = [pair for pair in shown if month_of(pair[1]) not in self.folded]
            shown += [(header_key(m, self.order), MonthHeader(m, n, m in self.folded))
                      for m, n in counts.items()]
            shown.sort(key=lambda pair: pair[0])
        self._keys = [k for k, _ in shown]
        super().set_items([d for _, d in shown])

    def set_bookmark_counts(self, counts: dict[DocRef, int]) -> None:
        """Set how many bookmarks each document has."""
        self.bookmark_counts = dict(counts)
        self._changed_all()

    def set_new_counts(self, counts: dict[DocRef, int]) -> None:
        """Set how many new entries each document has (re-sorted when ordered by them)."""
        counts = {ref: n for ref, n in counts.items() if n}
        if counts == self.new_counts:
            return
        self.new_counts = counts
        if self.order == "new":
            self._refill()
        else:
            self._changed_all()

    def documents_in_order(self) -> list[DocumentInfo]:
        """Return every document the filter lets through, in the list's order (folded ones too)."""
        return sorted((d for d in self._all if self._accepts(d)),
                      key=lambda d: document_key(d, self.order, self.new_counts.get(d.ref, 0)))

    def first_document_row(self) -> int:
        """Return the row of the first document (not a heading), or -1."""
        return next((i for i, d in enumerate(self.items) if isinstance(d, DocumentInfo)), -1)

    def row_of(self, ref: DocRef) -> int:
        """Return the row of a document, or -1."""
        return next((i for i, d in enumerate(self.items)
                     if isinstance(d, DocumentInfo) and d.ref == ref), -1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        doc = self.items[index.row()]
        if isinstance(doc, MonthHeader):
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{doc.label} ({doc.count})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Click to fold this month's documents away, or out again"
            return doc if role == ItemRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title
        if role == Qt.ItemDataRole.ToolTipRole:
            when = doc.date or "date unknown"
            if doc.date_note and doc.date_source != "file":
                when += f" — {doc.date_note}"
            return plain_text.tooltip(f"{doc.title}\n{doc.kind}, {wording.entries(doc.entries)}, {when}")
        if role == ItemRole:
            return doc
        if role == BookmarkedRole:
            return self.bookmark_counts.get(doc.ref, 0)
        return None

