"""The Documents tab: the archive's documents as cards by month, filtered by title or dates, sorted."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal, Slot
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QToolButton, QWidget

from reader import dates, timelines
from reader.model import DocRef, DocumentInfo
from reader.ui.panels.layout import card_list, lay_out_panel, wire_choosing
from reader.ui.panels.timeline import TimelineStrip
from reader.ui.views.delegates import DocumentDelegate
from reader.ui.views.document_model import ORDERS, DocumentListModel, MonthHeader
from reader.ui.views.models import ItemRole

ORDER_NAMES = ("Newest first", "Oldest first", "Title A–Z", "With new entries first")


class DocumentsPanel(QWidget):
    """Emits `chosen` when the current document changes, `opened` when one is activated."""

    chosen = Signal(object)  # DocRef: show it
    opened = Signal(object)  # DocRef: show it and read it (focus moves to the pane)
    _chosen_doc = Signal(object)  # DocumentInfo
    _opened_doc = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.filter = QLineEdit(placeholderText="Filter documents by title")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.order = QComboBox()
        self.order.addItems(ORDER_NAMES)
        self.order.currentIndexChanged.connect(self._order)
        self.empty = QLabel("No documents match.", objectName="emptyNote", visible=False)
        self._chosen_doc.connect(self._chosen)
        self._opened_doc.connect(self._opened)
        self.timeline = TimelineStrip("document")
        self.timeline.setToolTip("Documents per month: click or drag to list those of a range")
        self.timeline.range_chosen.connect(self._range_chosen)
        self.chip = QToolButton(objectName="rangeChip", visible=False)
        self.chip.setToolTip("List the documents of every date again")
        self.chip.clicked.connect(self.clear_range)
        self.view = card_list("documents")
        self.view.setUniformItemSizes(True)  # cards of one height: laid out without asking each row
        self.view.setModel(self.model)
        self.view.setItemDelegate(DocumentDelegate(self.view))
        wire_choosing(self.view, self._chosen_doc, self._opened_doc)
        self.view.clicked.connect(self._clicked)
        lay_out_panel(self, [(self.filter, 1), (self.order, 0), (self.chip, 0)], self.timeline,
                      self.empty, self.view)

    def set_documents(self, infos: list[DocumentInfo]) -> None:
        """Show these documents (keeping the current one current); the same list is left alone."""
        if infos == self.model.documents():
            self._show_timeline()
            return
        current = self.current()
        self.model.set_items(infos)
        self._after_change(current)
        self._show_timeline()

    def add_documents(self, more: list[DocumentInfo]) -> None:
        """Add documents to the list (a first start lists them while files are read)."""
        self.model.add_items(more)
        self.empty.setVisible(False)
        self._show_timeline()

    def _show_timeline(self) -> None:
        counts: dict[int, tuple[int, int]] = {}
        for doc in self.model.documents():
            number = dates.day_number(doc.date)
            count, keys = counts.get(number, (0, 0))
            counts[number] = (count + 1, keys + (1 if doc.key_events else 0))
        self.timeline.set_timeline(timelines.build(counts, "month"), self.model.date_range)

    @Slot(str, str)
    def _range_chosen(self, first: str, last: str) -> None:
        self.chip.setText(f"{first[:7]}  ✕" if first[:7] == last[:7] else f"{first[:7]} – {last[:7]}  ✕")
        self.chip.setVisible(True)
        current = self.current()
        self.model.set_date_range((first, last))
        self._after_change(current)

    def clear_range(self) -> None:
        """List the documents of every date again."""
        self.chip.setVisible(False)
        current = self.current()
        self.model.set_date_range(None)
        self.timeline.set_timeline(self.timeline.timeline)
        self._after_change(current)

    def _chosen(self, item) -> None:
        if isinstance(item, DocumentInfo):
            self.chosen.emit(item.ref)

    def _opened(self, item) -> None:
        if isinstance(item, MonthHeader):
            self.model.toggle(item.month)
        elif isinstance(item, DocumentInfo):
            self.opened.emit(item.ref)

    def _clicked(self, index) -> None:
        item = index.data(ItemRole)
        if isinstance(item, MonthHeader):
            current = self.current()
            self.model.toggle(item.month)
            self._after_change(current)

    def current(self) -> DocRef | None:
        """Return the current document, or None."""
        doc = self.view.currentIndex().data(ItemRole)
        return doc.ref if isinstance(doc, DocumentInfo) else None

    def select(self, ref: DocRef) -> None:
        """Make a document current without emitting `chosen`."""
        row = self.model.row_of(ref)
        if row < 0:
            return
        index = self.model.index(row)
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        self.view.viewport().update()
        self.view.scrollTo(index)

    def set_bookmark_counts(self, counts: dict[DocRef, int]) -> None:
        """Show how many bookmarks each document has."""
        self.model.set_bookmark_counts(counts)
        self.view.itemDelegate().clear_cache()
        self.view.doItemsLayout()

    def set_new_counts(self, counts: dict[DocRef, int]) -> None:
        """Show how many new entries each document has (the current one stays current)."""
        current = self.current()
        self.model.set_new_counts(counts)
        if current is not None and self.current() != current:
            self.select(current)

    def order_index(self) -> int:
        return self.order.currentIndex()

    def set_order_index(self, index: int) -> None:
        self.order.setCurrentIndex(max(0, min(index, len(ORDERS) - 1)))

    def _after_change(self, current: str | None) -> None:
        self.empty.setVisible(self.model.shown() == 0 and self.model.total() > 0)
        if current:
            self.select(current)

    @Slot(str)
    def _filter(self, text: str) -> None:
        current = self.current()
        self.model.set_filter(text)
        self._after_change(current)

    @Slot(int)
    def _order(self, index: int) -> None:
        current = self.current()
        self.model.set_order(ORDERS[index])
        self._after_change(current)
