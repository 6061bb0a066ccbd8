"""What the reader does with entries: bookmark, annotate, copy and export them, from any list."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from reader import wording
from reader.library import Export, ExportItem, Library
from reader.model import LEAD, Entry
from reader.ui.control.bookmarking import Bookmarks
from reader.ui.control.tasks import TaskRunner
from reader.ui.panels.bookmarks import BookmarksPanel, NoteDialog
from reader.ui.panels.reading import ReadingPane
from reader.ui.panels.results import ResultsPanel
from reader.ui.views import plain_text


class EntryActions(QObject):
    """Acts on the entries, hits or bookmarks of the list the reader worked in last."""

    status = Signal(str)

    def __init__(self, window: QWidget, pane: ReadingPane, results: ResultsPanel,
                 marks_panel: BookmarksPanel, bookmarks: Bookmarks, tasks: TaskRunner,
                 settings: QSettings):
        super().__init__(window)
        self.window, self.pane, self.results, self.marks_panel = window, pane, results, marks_panel
        self.bookmarks, self.tasks, self.settings = bookmarks, tasks, settings
        self.focus_source: QWidget = pane.view
        QApplication.instance().focusChanged.connect(self._focus_changed)

    @property
    def library(self) -> Library:
        return self.bookmarks.library

    @Slot(QWidget, QWidget)
    def _focus_changed(self, _old, new) -> None:
        if new in (self.pane.view, self.results.view, self.marks_panel.view):
            self.focus_source = new

    def chronological(self) -> bool:
        return str(self.settings.value("export/chronological")) == "true"

    # -- bookmarks -------------------------------------------------------------------

    def target(self) -> tuple[str, str] | None:
        """Return (entry id, label) of the entry the reader is pointing at."""
        if self.focus_source is self.results.view:
            hit = self.results.model.item(self.results.view.currentIndex().row())
            return (hit.id, hit.headline or hit.title) if hit else None
        if self.focus_source is self.marks_panel.view:
            mark = self.marks_panel.model.item(self.marks_panel.view.currentIndex().row())
            return (mark.entry_id, mark.headline or mark.title) if mark else None
        entry = self.pane.current_entry()
        return (entry.id, entry.headline or LEAD) if entry else None

    def toggle_current(self) -> None:
        """Bookmark the pointed-at entry, or remove its bookmark."""
        target = self.target()
        if target:
            self.bookmarks.toggle(target[0])

    @Slot(object)
    def toggle(self, entry: Entry) -> None:
        self.bookmarks.toggle(entry.id)

    def edit_note(self) -> None:
        """Edit the note and tags of the pointed-at entry (bookmarking it first if needed)."""
        target = self.target()
        if target is None:
            return
        entry_id, label = target
        mark = self.bookmarks.by_id.get(entry_id)
        dialog = NoteDialog(label, mark.note if mark else "", mark.tags if mark else (), self.window)
        if dialog.exec() == NoteDialog.DialogCode.Accepted:
            self.bookmarks.annotate(entry_id, *dialog.values())

    # -- copy and export -------------------------------------------------------------

    def copy_current(self) -> None:
        """Copy the current entry as plain text."""
        entry, doc = self.pane.current_entry(), self.pane.document
        if entry and doc:
            QApplication.clipboard().setText(f"{entry.plain_text()}\n\n— {doc.title}")
            self.status.emit("Copied the entry as text.")

    def _collect(self, then) -> None:
        """Gather the selected items of the list the reader worked in last, then call `then`."""
        source, lib = self.focus_source, self.library
        if source is self.results.view:
            ids = [h.id for h in self.results.selected()]
            self.tasks.run(partial(lib.export.items, ids), then, self._export_failed)
        elif source is self.marks_panel.view:
            self.tasks.run(partial(lib.export.bookmark_items, self.marks_panel.selected()), then,
                           self._export_failed)
        else:
            doc = self.pane.document
            entries = self.pane.selected_entries() or (
                [self.pane.current_entry()] if self.pane.current_entry() else [])
            then(Export.entry_items(doc, entries, self.bookmarks.by_id) if doc else [])

    def export_selected(self) -> None:
        """Write the selected entries, hits or bookmarks to a .txt or .md file."""
        self._collect(self._export_items)

    def copy_selected(self) -> None:
        """Put the selected entries, hits or bookmarks on the clipboard as text."""
        self._collect(self._copy_items)

    def _copy_items(self, items: list[ExportItem]) -> None:
        if not items:
            self.status.emit("Select entries, hits or bookmarks to copy.")
            return
        QApplication.clipboard().setText(Export.render(items, "txt", self.chronological()))
        self.status.emit(f"Copied {wording.entries(len(items))} as text.")

    def _export_items(self, items: list[ExportItem]) -> None:
        if not items:
            self.status.emit("Select entries, hits or bookmarks to export "
                             "(Ctrl/Shift+click for several).")
            return
        start = str(self.settings.value("export/folder") or Path.home())
        path, chosen = QFileDialog.getSaveFileName(
            self.window, f"Export {wording.entries(len(items))}", str(Path(start) / "liveblog-export.txt"),
            "Text (*.txt);;Markdown (*.md)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".txt", ".md"):
            target = target.with_suffix(".md" if chosen.startswith("Markdown") else ".txt")
        fmt = "md" if target.suffix.lower() == ".md" else "txt"
        text = Export.render(items, fmt, self.chronological())
        self.settings.setValue("export/folder", str(target.parent))
        self.tasks.run(partial(Export.write, target, text, True),
                       partial(self._exported, target, len(items)), self._export_failed)

    def _exported(self, target: Path, count: int, _result=None) -> None:
        self.status.emit(f"Exported {wording.entries(count)} to {target}.")

    def _export_failed(self, exc: BaseException) -> None:
        self.status.emit(f"Export failed: {exc}")
        plain_text.message_box(QMessageBox.Icon.Warning, "Export failed", str(exc), self.window).open()
