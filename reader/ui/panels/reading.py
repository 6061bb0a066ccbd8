"""The reading pane: one document as a thread of entry cards, with query highlights and match stepping."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reader import wording
from reader.library import News
from reader.model import Document, Entry
from reader.ui.panels.seen_tracker import SeenTracker
from reader.ui.views import plain_text
from reader.ui.views.delegates import EntryDelegate
from reader.ui.views.models import EntryListModel, ItemRole

ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


class EntryView(QListView):
    """The list of cards; j/k move like the arrow keys."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {Qt.Key.Key_J: Qt.Key.Key_Down, Qt.Key.Key_K: Qt.Key.Key_Up}
        if event.key() in keys and not event.modifiers():
            event = QKeyEvent(event.type(), keys[event.key()], event.modifiers())
        super().keyPressEvent(event)


class _Header(QLabel):
    """The pane's header; its text is laid out again for each width (the title is elided)."""

    def __init__(self, relayout):
        super().__init__()
        self._relayout = relayout

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()


class ReadingPane(QWidget):
    """A document's entries as cards, newest first or oldest first."""

    bookmark_toggled = Signal(object)  # Entry
    order_changed = Signal(bool)  # newest first
    entries_seen = Signal(object, object)  # DocRef, list[Entry]: in view long enough to be read
    document_shown = Signal(object)  # Document: a document (or a new reading of it) is shown
    copy_chosen = Signal(object)  # Copy: an "also in" link was followed

    def __init__(self, parent=None):
        super().__init__(parent)
        self.document: Document | None = None
        self.news = News()  # what is new in the document shown, as it was when it was opened
        self.newest_first = True
        self.zoom = 1.0
        self.base_point_size = QGuiApplication.font().pointSizeF() or 10.0

        self.header = _Header(self._show_header)
        self.header.setObjectName("threadHeader")
        # the title is elided to the pane's width: the label must not hold the pane wider
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._bits = ""
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.order_button = QToolButton()
        self.order_button.setObjectName("orderButton")
        self.order_button.setToolTip("Toggle newest first / oldest first")
        self.order_button.clicked.connect(self.toggle_order)
        self.key_only = QToolButton(objectName="keyOnly", text="◆ Key events only", checkable=True)
        self.key_only.setToolTip("Show only the entries the source marks as key events")
        self.key_only.toggled.connect(self._refill_keeping_place)
        self.model = EntryListModel(self)
        self.view = EntryView()
        self.view.setObjectName("thread")
        self.view.setModel(self.model)
        self.delegate = EntryDelegate(self.view)
        self.delegate.star_clicked.connect(self.bookmark_toggled)
        self.delegate.copy_clicked.connect(self.copy_chosen)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setUniformItemSizes(False)
        self.view.setWordWrap(True)
        self.view.verticalScrollBar().setSingleStep(24)
        self.tracker = SeenTracker(self.view, parent=self)
        self.tracker.seen.connect(self._seen)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.key_only, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.order_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._update_order_button()
        self.show_placeholder("Choose a document on the left, or search with Ctrl+F.")

    # -- content -------------------------------------------------------------

    def show_placeholder(self, text: str) -> None:
        """Show a message instead of a document."""
        self.document = None
        self.tracker.stop()
        self.header.setWordWrap(True)
        self.header.setToolTip("")
        self.header.setText(f"<p style='font-size:large'>{html.escape(text)}</p>")
        self._update_order_button()
        self.model.set_items(())

    def show_document(self, doc: Document, entry_id: str | None = None, news: News | None = None) -> None:
        """Show a document as a thread; scroll to and select entry_id if given, else to what is
        new since the reader last read (news), where a divider says so.

        The marks of matching entries belong to the document shown before: they are cleared
        until set_marks brings this one's.
        """
        if self.document is None or self.document.ref != doc.ref:
            self.model.set_marks(())
            self.model.set_copies({})
        self.document = doc
        self.news = news or News()
        kind = "Liveblog" if doc.kind == "liveblog" else "Article"
        when = doc.date or "date unknown"
        if doc.date and doc.date_source in ("path", "capture", "text"):
            when = f"~{doc.date} ({doc.date_source})"  # worked out: the tooltip says how
        bits = [kind, when, wording.entries(len(doc.entries))]
        keys = sum(e.key_event for e in doc.entries)
        if keys:
            bits.append(wording.count(keys, "key event"))
        if doc.captures:
            bits.append(wording.captures(doc.captures))
        if doc.closed:
            bits.append("closed")
        if doc.site:
            bits.append(doc.site)
        if doc.source_url:
            bits.append(doc.source_url)
        self._bits = " · ".join(bits)
        self.header.setWordWrap(False)
        self._show_header()
        note = f"\nDate: {doc.date_note}" if doc.date_note else ""
        self.header.setToolTip(plain_text.tooltip(doc.title + note))
        self._update_order_button()
        self._fill()
        divider = self.model.divider
        if entry_id:
            self.go_to(entry_id)
        elif divider:
            self.go_to(divider[0])
        elif self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))
            self.view.scrollToTop()
        self.tracker.follow({e.id for e in doc.entries})  # (each card is noted read once, when read)
        self.document_shown.emit(doc)

    def add_news(self, news: News) -> None:
        """Mark what became new while the document is shown (what was marked stays marked)."""
        if self.document is None or (news.new <= self.news.new and news.edited <= self.news.edited):
            return
        self.news = News(True, self.news.new | news.new, self.news.edited | news.edited,
                         self.news.last_read or news.last_read)
        self._refill_keeping_place()

    def forget_news(self) -> None:
        """Take away the marks of what was new (the document was marked read)."""
        self.news = News(opened=True)
        self._refill_keeping_place()
        self.tracker.stop()

    def _seen(self, entries: list) -> None:
        if self.document is not None:
            self.entries_seen.emit(self.document.ref, entries)

    def next_new(self) -> bool:
        """Move to the next new entry after the current one (in display order); False if none."""
        current = self.view.currentIndex().row()
        row = next((r for r, e in enumerate(self.model.items) if r > current and e.id in self.news.new), -1)
        return row >= 0 and self.go_to(self.model.items[row].id)

    def first_new(self) -> bool:
        """Move to the first new entry (in display order); False if none."""
        row = next((r for r, e in enumerate(self.model.items) if e.id in self.news.new), -1)
        return row >= 0 and self.go_to(self.model.items[row].id)

    def _show_header(self) -> None:
        """Show the document's title on one line (elided to the pane's width) over its details."""
        if self.document is None:
            return
        font = QFont(self.header.font())
        size = font.pointSizeF() * 1.5
        font.setPointSizeF(size)
        font.setBold(True)
        room = max(100, self.header.contentsRect().width() - 12)
        title = QFontMetricsF(font).elidedText(self.document.title, Qt.TextElideMode.ElideRight, room)
        self.header.setText(
            f"<div style='font-size:{size:.1f}pt; font-weight:700'>{html.escape(title)}</div>"
            f"<div>{html.escape(self._bits)}</div>")

    def _reversed(self) -> bool:
        """Oldest first applies to liveblogs; articles read top to bottom."""
        return not self.newest_first and self.document is not None and self.document.kind == "liveblog"

    def _fill(self) -> None:
        """Show the document's entries: pinned ones first, the rest in reading order; only key
        events when that is asked for."""
        entries = list(self.document.entries if self.document else ())
        if self._reversed():
            entries.reverse()
        entries = [e for e in entries if e.pinned] + [e for e in entries if not e.pinned]
        if self.key_only.isChecked() and not self.key_only.isHidden():
            entries = [e for e in entries if e.key_event]
        self.model.set_items(tuple(entries))
        news = self.news
        first = next((e.id for e in entries if e.id in news.new), None) if news.opened else None
        since = f"New since you last read ({wording.local_when(news.last_read)})" if news.last_read else "New"
        self.model.set_news(news.new, news.edited, (first, since) if first else None)

    def _refill_keeping_place(self) -> None:
        current = self.current_entry()
        self._fill()
        if (current is None or not self.go_to(current.id)) and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))

    def set_highlighter(self, spans_for) -> None:
        """Set the function giving highlight spans for a text (None: no query).

        It runs for the cards that are painted only; which entries match at all comes from
        the index (set_marks), worked out off the GUI thread.
        """
        self.delegate.spans_for = spans_for or (lambda text: [])
        self.delegate.terms_version += 1
        if spans_for is None:
            self.model.set_marks(())
        self.view.viewport().update()

    def set_marks(self, entry_ids) -> None:
        """Mark the entries that match the query (the bar beside a card; F3 steps through them)."""
        self.model.set_marks(entry_ids)

    def set_bookmarked(self, ids: set[str]) -> None:
        """Mark which entries carry a filled star."""
        self.model.set_bookmarked(ids)

    # -- navigation ------------------------------------------------------------

    def go_to(self, entry_id: str) -> bool:
        """Scroll an entry into view and make it current; return False if it is not shown."""
        row = self.model.row_of(entry_id)
        if row < 0:
            return False
        index = self.model.index(row)
        self.view.setCurrentIndex(index)
        self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        return True

    def step_match(self, forward: bool = True) -> bool:
        """Move to the next (or previous) entry that matches the query; wrap around."""
        rows = [i for i, e in enumerate(self.model.items) if e.id in self.model.marked]
        if not rows:
            return False
        current = self.view.currentIndex().row()
        if forward:
            target = next((r for r in rows if r > current), rows[0])
        else:
            target = next((r for r in reversed(rows) if r < current), rows[-1])
        return self.go_to(self.model.items[target].id)

    def toggle_order(self) -> None:
        """Switch between newest first and oldest first, keeping the current entry."""
        self.set_newest_first(not self.newest_first)
        self.order_changed.emit(self.newest_first)

    def set_newest_first(self, newest_first: bool) -> None:
        current = self.current_entry()
        self.newest_first = newest_first
        self._update_order_button()
        if self.document is not None:
            self._fill()
            if current:
                self.go_to(current.id)

    def _update_order_button(self) -> None:
        self.order_button.setText("↓ Newest first" if self.newest_first else "↑ Oldest first")
        self.order_button.setVisible(self.document is not None and self.document.kind == "liveblog")
        self.key_only.setVisible(self.document is not None
                                 and any(e.key_event for e in self.document.entries))

    # -- selection -------------------------------------------------------------

    def current_entry(self) -> Entry | None:
        """Return the entry with the keyboard focus, or None."""
        index = self.view.currentIndex()
        return index.data(ItemRole) if index.isValid() else None

    def selected_entries(self) -> list[Entry]:
        """Return the selected entries in display order."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [self.model.items[r] for r in rows]

    # -- zoom ------------------------------------------------------------------

    def set_zoom(self, zoom: float) -> None:
        """Set the text size as a factor of the system font size; the reader's place is kept."""
        top = self.view.indexAt(self.view.viewport().rect().topLeft())
        current = self.view.currentIndex()
        shown = current.isValid() and self.view.visualRect(current).intersects(self.view.viewport().rect())
        self.zoom = min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        self.delegate.point_size = self.base_point_size * self.zoom
        self.delegate.clear_cache()
        self.view.doItemsLayout()
        anchor = current if shown else top
        if anchor.isValid():
            self.view.scrollTo(anchor, QAbstractItemView.ScrollHint.PositionAtTop)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 1e-6), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 1e-6),
                           ZOOM_STEPS[0]))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.delegate.clear_cache()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.delegate.clear_cache()

