"""The search field: debounced as-you-type queries, Enter to search now, Down into the results."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

DEBOUNCE_MS = 150


class SearchBar(QLineEdit):
    """Emits `search` with the text once typing pauses (or on Enter), `cleared` when emptied."""

    search = Signal(str)
    cleared = Signal()
    down = Signal()  # the reader wants to move into the results

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("searchBar")
        self.setPlaceholderText("Search the archive…   (Ctrl+F)   e.g. Mariupol, \"humanitaire corridor\"")
        self.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._fire)
        self.textEdited.connect(self._edited)
        self.returnPressed.connect(self._fire)

    def _edited(self, text: str) -> None:
        if not text.strip():
            self.timer.stop()
            self.cleared.emit()
        else:
            self.timer.start()

    def _fire(self) -> None:
        self.timer.stop()
        if self.text().strip():
            self.search.emit(self.text())

    def set_query(self, text: str) -> None:
        """Put text in the field and search for it now (e.g. a 'did you mean' suggestion)."""
        self.setText(text)
        self._fire()

    def clear(self) -> None:
        """Empty the field without searching (the window's Esc action)."""
        self.timer.stop()
        super().clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)
