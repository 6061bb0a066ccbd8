"""The What's New tab: every entry new since the reader last read, grouped by document, newest first."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from reader import wording
from reader.model import DocumentInfo, Hit
from reader.ui.panels.layout import card_list, lay_out_panel, wire_choosing
from reader.ui.views.delegates import NEW, HitDelegate
from reader.ui.views.models import ItemRole, _Index, _ListModel


@dataclass(frozen=True)
class DocumentNews:
    """The heading of one document's new entries."""

    info: DocumentInfo
    count: int
    edited: int = 0


class WhatsNewModel(_ListModel):
    """Headings (DocumentNews) each followed by that document's new entries (Hit)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edited: set[str] = set()

    def show(self, found: list[tuple[DocumentInfo, list[Hit], set[str]]]) -> None:
        """Show the new entries of each document, as Library.reading.new_entries gives them."""
        items: list[object] = []
        self.edited = set()
        for info, hits, edited in found:
            items.append(DocumentNews(info, len(hits), len(edited)))
            items.extend(hits)
            self.edited |= edited
        self.set_items(tuple(items))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not self._valid(index):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.info.title if isinstance(item, DocumentNews) else item.headline or item.title
        if role == ItemRole:
            return item
        return None


class WhatsNewDelegate(HitDelegate):
    """A document's heading, or one of its new entries as a hit card."""

    def framed(self, index: QModelIndex) -> bool:
        return not isinstance(self.item(index), DocumentNews)

    def cache_key(self, item) -> object:
        return (item, isinstance(item, Hit) and item.id in self._model.edited)

    def blocks(self, item) -> list[tuple[str, float, int]]:
        if isinstance(item, DocumentNews):
            return [(item.info.title, 1.2, 0), ("x", 0.84, 0)]
        return super().blocks(item)

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        item = self.item(index)
        if isinstance(item, DocumentNews):
            edited = f", {item.edited} edited since you read them" if item.edited else ""
            return (f"<div style='font-size:large; font-weight:700'>{html.escape(item.info.title)}</div>"
                    f"<div style='color:{NEW}; font-size:small; font-weight:600'>"
                    f"{html.escape(wording.count(item.count, 'new entry', 'new entries') + edited)}</div>")
        card = super().html(index, palette)
        if item.id in self._model.edited:
            card = (f"<div style='color:{NEW}; font-size:small; font-weight:700'>✎ EDITED SINCE YOU READ IT"
                    f"</div>{card}")
        return card


class WhatsNewPanel(QWidget):
    """Emits `chosen` when the current entry changes, `opened` when one is activated (a Hit)."""

    chosen = Signal(object)  # Hit
    opened = Signal(object)  # Hit
    _chosen_item = Signal(object)  # a Hit or a heading
    _opened_item = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = WhatsNewModel(self)
        self.view = card_list("whatsNew")
        self.view.setModel(self.model)
        self.view.setItemDelegate(WhatsNewDelegate(self.view))
        self.info = QLabel(objectName="resultInfo", wordWrap=True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self._chosen_item.connect(self._chose)
        self._opened_item.connect(self._opened)
        wire_choosing(self.view, self._chosen_item, self._opened_item)
        lay_out_panel(self, [(self.info, 1)], self.view)
        self.show_new([])

    def _chose(self, item) -> None:
        if isinstance(item, Hit):
            self.chosen.emit(item)

    def _opened(self, item) -> None:
        if isinstance(item, Hit):
            self.opened.emit(item)

    def show_new(self, found: list[tuple[DocumentInfo, list[Hit], set[str]]]) -> None:
        """Show what is new, by document."""
        self.model.show(found)
        total = sum(len(hits) for _info, hits, _edited in found)
        self.info.setText(f"{wording.count(total, 'new entry', 'new entries')} in "
                          f"{wording.count(len(found), 'document')}, newest first" if total else
                          "Nothing new since you last read. Entries added to a document you opened "
                          "appear here.")
