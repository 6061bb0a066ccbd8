"""The Results tab: a query's hit count, other spellings, notes, and the hits as cards."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QComboBox, QLabel, QToolButton, QWidget

from reader import wording
from reader.model import DocRef, Filters, Hit, SearchResult
from reader.ui.panels.layout import card_list, lay_out_panel, wire_choosing
from reader.ui.panels.timeline import TimelineStrip
from reader.ui.views import plain_text
from reader.ui.views.delegates import HitDelegate
from reader.ui.views.models import HitListModel, ItemRole


class ResultsPanel(QWidget):
    """Emits `chosen` when the current hit changes, `opened` when one is activated."""

    chosen = Signal(object)  # Hit: show it
    opened = Signal(object)  # Hit: show it and read it (focus moves to the pane)
    options_changed = Signal()  # sort or "this document only" changed: ask again
    suggestion = Signal(str)  # a "did you mean" link was followed
    snippets_wanted = Signal(object)  # list[Hit]: shown without their snippets yet
    range_changed = Signal(object)  # (first day, last day) the hits are narrowed to, or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = HitListModel(self)
        self.view = card_list("results")
        self.view.setModel(self.model)
        self.view.setItemDelegate(HitDelegate(self.view))
        self.view.itemDelegate().copies_toggled.connect(self.toggle_copies)
        self.view.installEventFilter(self)  # → and ← list a hit's copies and fold them again
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        wire_choosing(self.view, self.chosen, self.opened)
        self.info = QLabel(objectName="resultInfo", wordWrap=True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.linkActivated.connect(self._link)
        self.note = plain_text.label(QLabel(objectName="queryNote", wordWrap=True, visible=False))
        self.sort = QComboBox()
        self.sort.addItems(["Relevance", "Newest first"])
        self.sort.currentIndexChanged.connect(self.options_changed)
        self.this_doc = QCheckBox("This document only")
        self.this_doc.toggled.connect(self.options_changed)
        self.every_copy = QCheckBox("Every copy")
        self.every_copy.setToolTip("List each copy of a story as a hit of its own (else copies in "
                                   "other documents are one hit: → lists them under it)")
        self.every_copy.toggled.connect(self.options_changed)
        self.timeline = TimelineStrip("hit")
        self.timeline.range_chosen.connect(self._range_chosen)
        self.chip = QToolButton(objectName="rangeChip", visible=False)
        self.chip.setToolTip("Show the hits of every date again")
        self.chip.clicked.connect(self.clear_range)
        self.date_range: tuple[str, str] | None = None
        lay_out_panel(self, [(self.sort, 0), (self.this_doc, 0), (self.every_copy, 0), (None, 1),
                             (self.chip, 0)],
                      self.info, self.note, self.timeline, self.view)
        self._asked: set[str] = set()  # hits whose snippets were asked for
        self._summary = ""  # the line above the hits shown
        self.view.verticalScrollBar().valueChanged.connect(self._want_snippets)

    def sort_order(self) -> str:
        return "date" if self.sort.currentIndex() == 1 else "relevance"

    def filters(self, document: DocRef | None) -> Filters:
        """Return what narrows the query: the timeline's range, the document (this one only),
        and whether every copy is a hit."""
        after, before = self.date_range or (None, None)
        return Filters(after, before, document, all_copies=self.every_copy.isChecked())

    def show_result(self, result: SearchResult, indexing: bool) -> None:
        """Show a query's answer; the first hit becomes current without being opened.

        Its timeline is that of the query over every date, the chosen range marked on it.
        """
        self.timeline.set_timeline(result.timeline, self.date_range)
        self.model.set_items(result.hits)
        self._asked = set()
        self.view.itemDelegate().clear_cache()
        self._summary = summary(result, indexing)
        self.info.setText(self._summary)
        self.note.setText(result.message or "")
        self.note.setVisible(bool(result.message))
        QTimer.singleShot(0, self._want_snippets)  # once the rows are laid out
        if result.hits:
            selection = self.view.selectionModel()
            selection.blockSignals(True)
            selection.setCurrentIndex(self.model.index(0), QItemSelectionModel.SelectionFlag.NoUpdate)
            selection.blockSignals(False)

    @Slot(str, str)
    def _range_chosen(self, first: str, last: str) -> None:
        self.date_range = (first, last)
        label = first if first == last else f"{first} – {last}"
        self.chip.setText(f"{label}  ✕")
        self.chip.setVisible(True)
        self.range_changed.emit(self.date_range)

    def clear_range(self) -> None:
        """Stop narrowing the hits to a range of dates."""
        if self.date_range is None:
            return
        self.date_range = None
        self.chip.setVisible(False)
        self.range_changed.emit(None)

    def toggle_copies(self, row: int, show: bool | None = None) -> None:
        """List the copies of the hit in a row under it, or fold them (show: None toggles)."""
        row = self.model.toggle_copies(row, show)
        self.view.setCurrentIndex(self.model.index(row))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress and self.model.rowCount():
            key = event.key()
            if key in (Qt.Key.Key_Right, Qt.Key.Key_Plus, Qt.Key.Key_Left, Qt.Key.Key_Minus):
                row = self.view.currentIndex().row()
                hit = self.model.item(row)
                if hit is not None and (hit.copies or self.model.is_copy(hit.id)):
                    self.toggle_copies(row, key in (Qt.Key.Key_Right, Qt.Key.Key_Plus))
                    return True
        return super().eventFilter(watched, event)

    def add_snippets(self, hits: list[Hit]) -> None:
        """Show the snippets built for hits of the current result."""
        self.model.update_hits(hits)

    def _want_snippets(self, *_args) -> None:
        """Ask for the snippets of the hits in view (and a screenful below) that lack them."""
        if not self.model.rowCount():
            return
        top = self.view.indexAt(self.view.viewport().rect().topLeft())
        bottom = self.view.indexAt(self.view.viewport().rect().bottomLeft())
        first = top.row() if top.isValid() else 0
        last = bottom.row() if bottom.isValid() else self.model.rowCount() - 1
        wanted = [h for h in self.model.missing_snippets(first, last + (last - first) + 1)
                  if h.id not in self._asked]
        if wanted:
            self._asked.update(h.id for h in wanted)
            self.snippets_wanted.emit(wanted)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._want_snippets()

    def show_searching(self, query: str) -> None:
        """Say that an answer is on its way (the hits of the last one stay until it comes)."""
        self.info.setText(f"<i>Searching for {html.escape(query.strip())}…</i>")

    def show_failure(self, reason: str) -> None:
        self.info.setText(self._summary)
        self.note.setText(f"The search failed: {reason}")
        self.note.setVisible(True)

    def clear(self) -> None:
        self.model.set_items(())
        self.timeline.set_timeline(None)
        self.date_range = None
        self.chip.setVisible(False)
        self._summary = ""
        self.info.setText("")
        self.note.setVisible(False)

    def enter(self) -> None:
        """Move the keyboard into the hits (the first one is shown)."""
        self.view.setFocus()
        if self.model.rowCount():
            index = self.view.currentIndex()
            self.view.setCurrentIndex(index if index.isValid() else self.model.index(0))
            self.chosen.emit(self.view.currentIndex().data(ItemRole))

    def selected(self) -> list[Hit]:
        """Return the selected hits in list order."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [self.model.items[r] for r in rows]

    @Slot(str)
    def _link(self, href: str) -> None:
        if href.startswith("suggest:"):
            self.suggestion.emit(href[len("suggest:"):])


def summary(result: SearchResult, indexing: bool) -> str:
    """Return the rich-text line above the hits: count, other spellings, did you mean."""
    noun = "hit" if result.total == 1 else "hits"
    parts = [f"<b>{result.total:,} {noun}</b>"]
    listed = result.total
    if result.stories is not None and result.stories != result.total:
        stories = wording.count(result.stories, "story", "stories")
        if result.folded:
            parts = [f"<b>{wording.entries(result.total)}, {stories}</b>"]
            listed = result.stories
        else:
            parts[0] += f" ({stories})"
    if listed > len(result.hits) and result.hits:
        parts[0] += f" (showing {len(result.hits)})"
    for _typed, others in result.variants.items():
        also = ", ".join(f"{html.escape(n)} ({c})" for n, c in others.items())
        parts.append(f"also matched: {also}")
    if result.suggestion:
        s = html.escape(result.suggestion, quote=True)
        parts.append(f"did you mean <a href='suggest:{s}'>{html.escape(result.suggestion)}</a>?")
    if result.partial or indexing:
        parts.append("<i>indexing — results so far</i>")
    return " · ".join(parts)
