"""Which entry cards the reader has had in view long enough to read their start: seen, as feed readers count.

A card counts once it has been mostly in view (60% of it, or of the view if it is taller) for a
second. The clock is given, so tests move time on instead of waiting for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, QTimer, Signal
from PySide6.QtWidgets import QListView

SEEN_AFTER = 1.0  # seconds
MOSTLY = 0.6
TICK_MS = 250


class SeenTracker(QObject):
    """Watches a thread's view; emits `seen` with the entries read, each once per document shown."""

    seen = Signal(object)  # list[Entry]

    def __init__(self, view: QListView, clock: Callable[[], float] = time.monotonic, parent=None):
        super().__init__(parent)
        self.view = view
        self.clock = clock
        self.unseen: set[str] = set()  # the shown document's entries not reported yet
        self._since: dict[str, float] = {}  # entry id -> when it came mostly into view
        self.timer = QTimer(self, interval=TICK_MS)
        self.timer.timeout.connect(self.check)

    def follow(self, unseen: set[str]) -> None:
        """Watch for these entries of the document now shown (the others were seen before)."""
        self.unseen = set(unseen)
        self._since.clear()
        if self.unseen:
            self.timer.start()
        else:
            self.timer.stop()

    def stop(self) -> None:
        """Stop watching (no document is shown)."""
        self.follow(set())

    def in_view(self) -> list:
        """Return the entries whose cards are mostly in view now."""
        port = self.view.viewport().rect()
        if not self.view.isVisible() or port.height() <= 0:
            return []
        model = self.view.model()
        index = self.view.indexAt(QPoint(port.left() + 4, port.top() + 1))
        row = index.row() if index.isValid() else 0
        out = []
        while row < model.rowCount():
            rect = self.view.visualRect(model.index(row))
            if rect.top() > port.bottom():
                break
            shown = rect.intersected(port).height()
            if shown >= MOSTLY * min(rect.height(), port.height()) and rect.height() > 0:
                out.append(model.items[row])
            row += 1
        return out

    def check(self) -> list:
        """Note what is in view now; emit (and return) the entries in view long enough."""
        if not self.unseen:
            self.timer.stop()
            return []
        now = self.clock()
        visible = [e for e in self.in_view() if e.id in self.unseen]
        ids = {e.id for e in visible}
        for gone in [i for i in self._since if i not in ids]:  # out of view before it was read
            del self._since[gone]
        read = []
        for entry in visible:
            since = self._since.setdefault(entry.id, now)
            if now - since >= SEEN_AFTER:
                read.append(entry)
                self.unseen.discard(entry.id)
                del self._since[entry.id]
        if read:
            self.seen.emit(read)
        return read
