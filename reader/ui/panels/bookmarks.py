"""The Bookmarks panel (filter by text and tag) and the dialog for a bookmark's note and tags."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reader.model import Bookmark
from reader.ui.panels.layout import card_list, lay_out_panel, wire_choosing
from reader.ui.views.delegates import BookmarkDelegate
from reader.ui.views.models import BookmarkListModel, ItemRole

ALL_TAGS = "All tags"
SCOPES = ("All archives", "This archive")


class BookmarksPanel(QWidget):
    """Lists bookmarks; emits `opened` when one is activated and `filter_changed` to reload."""

    chosen = Signal(object)  # Bookmark: show it
    opened = Signal(object)  # Bookmark: show it and read it (focus moves to the pane)
    filter_changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = BookmarkListModel(self)
        self.text = QLineEdit(placeholderText="Filter bookmarks by text or note")
        self.text.setClearButtonEnabled(True)
        self.tag = QComboBox()
        self.tag.addItem(ALL_TAGS)
        self.scope = QComboBox()
        self.scope.addItems(SCOPES)
        self.scope.setToolTip("Bookmarks of every archive you opened, or of this one")
        self.view = card_list("bookmarks")
        self.view.setModel(self.model)
        self.view.setItemDelegate(BookmarkDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        wire_choosing(self.view, self.chosen, self.opened)
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self.filter_changed)
        self.text.textChanged.connect(self.timer.start)
        self.tag.currentIndexChanged.connect(self.timer.start)
        self.scope.currentIndexChanged.connect(self.timer.start)
        lay_out_panel(self, [(self.text, 1), (self.tag, 0), (self.scope, 0)], self.view)

    def filters(self) -> tuple[str | None, str | None, bool]:
        """Return (tag, text, every archive's) to filter by."""
        tag = self.tag.currentText()
        return ((None if tag == ALL_TAGS else tag), (self.text.text().strip() or None),
                self.scope.currentIndex() == 0)

    def set_archive(self, archive: str) -> None:
        """Say which archive is open: the others' bookmarks are labelled with theirs."""
        self.model.here = archive
        self.view.itemDelegate().clear_cache()

    def set_bookmarks(self, marks: list[Bookmark], tags: list[str]) -> None:
        """Show bookmarks and offer the tags in use."""
        current = self.tag.currentText()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItems([ALL_TAGS, *tags])
        self.tag.setCurrentIndex(max(0, self.tag.findText(current)))
        self.tag.blockSignals(False)
        current = self.view.currentIndex().data(ItemRole)
        self.model.set_items(marks)
        self.view.itemDelegate().clear_cache()
        row = self.model.row_of(current.entry_id) if current is not None else -1
        if row >= 0:  # keep the reader's place without opening it again
            selection = self.view.selectionModel()
            selection.blockSignals(True)
            self.view.setCurrentIndex(self.model.index(row))
            selection.blockSignals(False)

    def selected(self) -> list[Bookmark]:
        """Return the selected bookmarks in list order."""
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [self.model.items[r] for r in rows]


class NoteDialog(QDialog):
    """Edit a bookmark's note and tags."""

    def __init__(self, title: str, note: str, tags: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Bookmark: note and tags")
        self.note = QPlainTextEdit(note)
        self.note.setTabChangesFocus(True)
        self.tags = QLineEdit(", ".join(tags), placeholderText="comma-separated, e.g. mariupol, bronnen")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Entry:", QLineEdit(title, readOnly=True))
        form.addRow("Note:", self.note)
        form.addRow("Tags:", self.tags)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addWidget(buttons)
        self.resize(520, 300)
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def values(self) -> tuple[str, list[str]]:
        """Return the note and the tags as typed."""
        return self.note.toPlainText().strip(), [t for t in self.tags.text().split(",") if t.strip()]
