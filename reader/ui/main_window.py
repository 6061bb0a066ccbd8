"""The main window: lays out the panels and the reading pane, builds menus and actions, connects signals.

The index lifecycle and the order of searches belong to the Controller; bookmarks to
Bookmarks; what is done with entries to EntryActions. The window shows what they report.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader.library import DocumentInfo, Library
from reader.model import Bookmark, Document, Entry, Hit, Problem, SearchResult
from reader.ui import dialogs, window_state
from reader.ui.bookmarking import Bookmarks, BookmarkState
from reader.ui.bookmarks_panel import BookmarksPanel
from reader.ui.controller import Controller
from reader.ui.documents_panel import DocumentsPanel
from reader.ui.entry_actions import EntryActions
from reader.ui.reading_pane import ReadingPane
from reader.ui.results_panel import ResultsPanel
from reader.ui.search_bar import SearchBar
from reader.ui.status_bar import IndexStatus
from reader.ui.tasks import TaskRunner

DOCUMENTS, RESULTS, BOOKMARKS = range(3)


class MainWindow(QMainWindow):
    """Liveblog Reader's window over the controller's Library."""

    def __init__(self, controller: Controller, bookmarks: Bookmarks, tasks: TaskRunner,
                 settings: QSettings, icons: Path | None = None):
        super().__init__()
        self.controller, self.bookmarks, self.tasks, self.settings = controller, bookmarks, tasks, settings
        self.icons = icons
        self.result: SearchResult | None = None
        self.problems: list[Problem] = []
        self._pending: tuple[str, str | None, bool] | None = None  # document asked for, entry, focus
        self.setWindowTitle("Liveblog Reader")
        self.resize(1280, 820)
        self._build()
        self.entries = EntryActions(self, self.pane, self.results, self.marks_panel, bookmarks, tasks,
                                    settings)
        self.entries.status.connect(self.show_status)
        self._build_actions()
        self._connect()
        self._restore()

    @property
    def library(self) -> Library:
        return self.controller.library

    # -- building ----------------------------------------------------------------

    def _build(self) -> None:
        self.search_bar = SearchBar()
        self.documents = DocumentsPanel()
        self.results = ResultsPanel()
        self.marks_panel = BookmarksPanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.documents, "Documents")
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(self.marks_panel, "Bookmarks")
        self.pane = ReadingPane()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 860])
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(6, 6, 6, 0)
        col.addWidget(self.search_bar)
        col.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = IndexStatus(self.statusBar())

    def _action(self, menu, text: str, slot, shortcut=None, context=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        if context is not None:
            action.setShortcutContext(context)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar, entries, pane = self.menuBar(), self.entries, self.pane
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open Archive Folder…", self.choose_archive, QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        export = self._action(file_menu, "&Export Selected…", entries.export_selected, "Ctrl+E")
        self.chronological = QAction("Export in &Chronological Order", self, checkable=True)
        self.chronological.setChecked(entries.chronological())
        self.chronological.toggled.connect(
            lambda on: self.settings.setValue("export/chronological", "true" if on else "false"))
        file_menu.addAction(self.chronological)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self._action(edit, "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self._action(edit, "C&lear the Search, Back to the Document", self.leave_search, "Esc")
        copy = self._action(edit, "&Copy Entry as Text", entries.copy_current,
                            QKeySequence.StandardKey.Copy, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        pane.addAction(copy)
        copy_selected = self._action(edit, "Copy &Selected as Text", entries.copy_selected, "Ctrl+Shift+C")
        edit.addSeparator()
        bookmark = self._action(edit, "&Bookmark / Remove Bookmark", entries.toggle_current, "Ctrl+D")
        note = self._action(edit, "Edit Bookmark &Note and Tags…", entries.edit_note, "Ctrl+Shift+D")
        for view in (pane.view, self.results.view, self.marks_panel.view):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            view.addActions([bookmark, note, copy_selected, export])
        view = bar.addMenu("&View")
        self._action(view, "&Documents", partial(self.show_tab, DOCUMENTS), "Ctrl+1")
        self._action(view, "&Results", partial(self.show_tab, RESULTS), "Ctrl+2")
        self._action(view, "&Bookmarks", partial(self.show_tab, BOOKMARKS), "Ctrl+3")
        view.addSeparator()
        self._action(view, "Next Match", partial(pane.step_match, True), QKeySequence.StandardKey.FindNext)
        self._action(view, "Previous Match", partial(pane.step_match, False),
                     QKeySequence.StandardKey.FindPrevious)
        self._action(view, "Newest First / Oldest First", pane.toggle_order, "Ctrl+R")
        view.addSeparator()
        self._action(view, "Zoom &In", partial(self.zoom, 1),
                     [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self._action(view, "Zoom &Out", partial(self.zoom, -1), "Ctrl+-")
        self._action(view, "&Actual Size", partial(self.zoom, 0), "Ctrl+0")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "Archive &Problems…", lambda: dialogs.show_problems(self, self.problems))
        self._action(help_menu, "Re&build Index", self.controller.rebuild)
        help_menu.addSeparator()
        self._action(help_menu, "&About Liveblog Reader",
                     lambda: dialogs.show_about(self, self.library.archive_dir, self.library.data_dir))

    def _connect(self) -> None:
        c = self.controller
        c.documents_listed.connect(self._documents_listed)
        c.documents_added.connect(self._documents_added)
        c.problems_changed.connect(self._problems_changed)
        c.indexing.connect(self.status.indexing)
        c.index_progress.connect(self.status.index_progress)
        c.index_done.connect(self.status.index_done)
        c.searchable.connect(self._rerun_search)
        c.archive_changed.connect(self._archive_changed)
        c.search_done.connect(self._search_done)
        c.search_failed.connect(self.results.show_failure)
        c.marks_ready.connect(self._marks_ready)
        c.snippets_ready.connect(self._snippets_ready)
        c.document_ready.connect(self._document_ready)
        c.status.connect(self.show_status)
        c.notice.connect(self._notice)
        c.library_changed.connect(self._library_changed)
        self.bookmarks.loaded.connect(self._bookmarks_loaded)
        self.bookmarks.message.connect(self.show_status)
        self.search_bar.search.connect(self.run_search)
        self.search_bar.cleared.connect(self.clear_search)
        self.search_bar.down.connect(self.results.enter)
        self.documents.chosen.connect(self.open_document)
        self.documents.opened.connect(partial(self._open_and_read))
        self.results.chosen.connect(self._hit_chosen)
        self.results.opened.connect(partial(self._hit_chosen, focus=True))
        self.results.options_changed.connect(self._rerun_search)
        self.results.suggestion.connect(self.search_bar.set_query)
        self.results.snippets_wanted.connect(self._snippets_wanted)
        self.marks_panel.chosen.connect(self.open_bookmark)
        self.marks_panel.opened.connect(partial(self.open_bookmark, focus=True))
        self.marks_panel.filter_changed.connect(self.refresh_bookmarks)
        self.pane.bookmark_toggled.connect(self.entries.toggle)
        self.pane.order_changed.connect(
            lambda newest: self.settings.setValue("pane/newest_first", "true" if newest else "false"))

    # -- settings -----------------------------------------------------------------

    def _restore(self) -> None:
        window_state.restore(self)

    def save_settings(self) -> None:
        """Write window state to the settings file."""
        window_state.save(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)

    # -- the archive and the index ---------------------------------------------------

    def start(self) -> None:
        """List the documents, bring the index up to date and load the bookmarks."""
        self.controller.start()
        self.refresh_bookmarks()

    def choose_archive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open Archive Folder", str(self.library.archive_dir))
        if folder:
            self.set_archive(Path(folder))

    def set_archive(self, folder: Path) -> None:
        """Switch to another archive folder (remembered for the next start)."""
        self.settings.setValue("archive", str(folder))
        self.controller.open_archive(folder)

    @Slot(object)
    def _library_changed(self, library: Library) -> None:
        self.documents.set_documents([])
        self.pane.show_placeholder("Loading…")
        self.clear_search()
        self.bookmarks.set_library(library)

    @Slot(object)
    def _documents_listed(self, infos: list[DocumentInfo]) -> None:
        self.documents.set_documents(infos)
        self._show_first()

    @Slot(object)
    def _documents_added(self, more: list[DocumentInfo]) -> None:
        self.documents.add_documents(more)
        self._show_first()

    def _show_first(self) -> None:
        if self.pane.document is None and self._pending is None and self.documents.model.rowCount():
            self.documents.view.setCurrentIndex(self.documents.model.index(0))

    @Slot(object)
    def _problems_changed(self, problems: list[Problem]) -> None:
        self.problems = problems

    @Slot()
    def _archive_changed(self) -> None:
        current = self.pane.current_entry()
        if self.pane.document is not None:
            self.open_document(self.pane.document.path, current.id if current else None)
        self.refresh_bookmarks()

    @Slot(str, str)
    def _notice(self, title: str, text: str) -> None:
        QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self).open()

    def show_status(self, text: str) -> None:
        self.status.show(text)

    # -- documents and the pane ----------------------------------------------------------

    def open_document(self, path: str, entry_id: str | None = None, focus: bool = False) -> None:
        """Show a document in the pane (parsed in the background), optionally at an entry."""
        self._pending = (path, entry_id, focus)
        self.controller.open_document(path)

    def _open_and_read(self, path: str) -> None:
        self.open_document(path, focus=True)

    @Slot(str, object)
    def _document_ready(self, path: str, doc) -> None:
        if self._pending is None or self._pending[0] != path:
            return  # the reader has asked for another document since
        _, entry_id, focus = self._pending
        self._pending = None
        if isinstance(doc, str):
            self.pane.show_placeholder(f"This file cannot be read: {doc}")
            return
        if self.pane.document != doc:  # a sync that did not touch it leaves the reader's place
            self.pane.show_document(doc, entry_id)
            if self.result is not None:
                self.controller.request_marks(self.result.query, path)
        elif entry_id:
            self.pane.go_to(entry_id)
        self.documents.select(path)
        if focus:
            self.pane.view.setFocus()

    @Slot(object)
    def _hit_chosen(self, hit: Hit, focus: bool = False) -> None:
        self.open_document(hit.document, hit.id, focus)

    @Slot(object)
    def open_bookmark(self, mark: Bookmark, focus: bool = False) -> None:
        """Open a bookmark's entry in its thread, or its saved copy if it left the archive."""
        if mark.in_archive:
            self.open_document(mark.document, mark.entry_id, focus)
            return
        self._pending = None
        paragraphs = tuple(p for p in mark.text.split("\n\n") if p.strip())
        entry = Entry(mark.entry_id, mark.headline, paragraphs, (), 0)
        copy = Document(mark.document, f"{mark.title} — saved copy, no longer in the archive",
                        "liveblog", mark.date, False, (entry,))
        self.pane.show_document(copy, mark.entry_id)
        if focus:
            self.pane.view.setFocus()

    def zoom(self, step: int) -> None:
        """Zoom the pane in (1), out (-1) or back to the actual size (0); remembered."""
        {1: self.pane.zoom_in, -1: self.pane.zoom_out, 0: partial(self.pane.set_zoom, 1.0)}[step]()
        self.settings.setValue("pane/zoom", self.pane.zoom)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        (self.documents.view, self.results.view, self.marks_panel.view)[index].setFocus()

    def show_shortcuts(self) -> None:
        dialogs.show_shortcuts(self, self._menu_actions())

    def _menu_actions(self) -> list[QAction]:
        return [a for m in self.menuBar().actions() if m.menu() for a in m.menu().actions()]

    # -- searching ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_bar.setFocus()
        self.search_bar.selectAll()

    def run_search(self, text: str) -> None:
        """Ask the controller for an answer; the newest question wins."""
        shown = self.pane.document
        document = shown.path if shown is not None and self.results.this_doc.isChecked() else None
        self.tabs.setCurrentIndex(RESULTS)
        self.controller.search(text, self.results.sort_order(), document)

    def _rerun_search(self, *_args) -> None:
        if self.search_bar.text().strip():
            self.run_search(self.search_bar.text())

    @Slot(object)
    def _search_done(self, result: SearchResult) -> None:
        self.result = result
        self.results.show_result(result, self.status.running)
        self.pane.set_highlighter(partial(Library.match_spans, result=result))
        if self.pane.document is not None:
            self.controller.request_marks(result.query, self.pane.document.path)

    @Slot(object)
    def _snippets_wanted(self, hits: list[Hit]) -> None:
        if self.result is not None:
            self.controller.fill_snippets(self.result, hits)

    @Slot(object, object)
    def _snippets_ready(self, result: SearchResult, hits: list[Hit]) -> None:
        if result is self.result:
            self.results.add_snippets(hits)

    @Slot(str, str, object)
    def _marks_ready(self, path: str, query: str, ids: set[str]) -> None:
        if (self.result is not None and self.result.query == query and self.pane.document is not None
                and self.pane.document.path == path):
            self.pane.set_marks(ids)

    def clear_search(self) -> None:
        """Forget the query; the reader stays where they are (the search field keeps the focus)."""
        self.controller.cancel_search()
        self.result = None
        self.results.clear()
        self.pane.set_highlighter(None)
        self.tabs.setCurrentIndex(DOCUMENTS)

    def leave_search(self) -> None:
        """Clear the search and go back to reading the document (Esc)."""
        self.search_bar.clear()
        self.clear_search()
        self.pane.view.setFocus()

    # -- bookmarks --------------------------------------------------------------------------

    def refresh_bookmarks(self) -> None:
        """Reload bookmarks, their tags and per-document counts in the background."""
        self.bookmarks.refresh(*self.marks_panel.filters())

    @Slot(object)
    def _bookmarks_loaded(self, state: BookmarkState) -> None:
        self.marks_panel.set_bookmarks(list(state.shown), list(state.tags))
        self.pane.set_bookmarked(set(self.bookmarks.by_id))
        self.documents.set_bookmark_counts(state.counts)

    def window_icon(self) -> QIcon:
        return QIcon(str(self.icons / "app.svg")) if self.icons else QIcon()

