"""The main window: lays out the panels and the reading pane, builds menus and actions, connects signals.

The index lifecycle and the order of searches belong to the Controller; bookmarks to
Bookmarks; what is done with entries to EntryActions, with searches to SearchActions, with what
is new to NewsActions. The window shows what they report.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader.library import Library
from reader.model import Bookmark, DocRef, Document, DocumentInfo, Entry, Hit, Problem, SearchResult
from reader.ui.control.bookmarking import Bookmarks, BookmarkState
from reader.ui.control.catching_up import CatchingUp
from reader.ui.control.controller import Controller
from reader.ui.control.tasks import TaskRunner
from reader.ui.panels.bookmarks import BookmarksPanel
from reader.ui.panels.documents import DocumentsPanel
from reader.ui.panels.reading import ReadingPane
from reader.ui.panels.results import ResultsPanel
from reader.ui.panels.whats_new import WhatsNewPanel
from reader.ui.views import plain_text
from reader.ui.window import dialogs, menus, window_state
from reader.ui.window.copy_links import CopyLinks
from reader.ui.window.entry_actions import EntryActions
from reader.ui.window.news_actions import NewsActions
from reader.ui.window.search_actions import SearchActions
from reader.ui.window.search_bar import SearchBar
from reader.ui.window.status_bar import IndexStatus
from reader.ui.window.theme import apply_theme

KEEP = object()  # open_document(ref, KEEP): at the entry the reader is at when it is shown


class MainWindow(QMainWindow):
    """Liveblog Reader's window over the controller's Library."""

    def __init__(self, controller: Controller, bookmarks: Bookmarks, catching: CatchingUp, tasks: TaskRunner,
                 settings: QSettings, icons: Path | None = None):
        super().__init__()
        self.controller, self.bookmarks, self.tasks, self.settings = controller, bookmarks, tasks, settings
        self.icons = icons
        self.problems: list[Problem] = []
        self._pending: tuple[DocRef, str | None, bool] | None = None  # document asked for, entry, focus
        self.setWindowTitle("Liveblog Reader")
        self.resize(1280, 820)
        self._build()
        self.marks_panel.set_archive(controller.library.archive_id)
        self.entries = EntryActions(self, self.pane, self.results, self.marks_panel, bookmarks, tasks,
                                    settings)
        self.entries.status.connect(self.show_status)
        self.news = NewsActions(self, catching)
        self.news.status.connect(self.show_status)
        self.copies = CopyLinks(self, tasks)
        self.copies.status.connect(self.show_status)
        self.searching = SearchActions(self)
        self.theme_actions = menus.build(self)
        self._connect()
        self._restore()

    @property
    def library(self) -> Library:
        return self.controller.library

    @property
    def result(self) -> SearchResult | None:
        """The search answer shown (None: no search)."""
        return self.searching.result

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
        self.whats_new = WhatsNewPanel()
        self.tabs.addTab(self.whats_new, "What's New")
        self.pane = ReadingPane()
        self.splitter = QSplitter()
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.pane)
        # the side panel takes a third of any width, the reading pane two thirds
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([400, 800])
        self.tabs.setMinimumWidth(200)
        central = QWidget()
        col = QVBoxLayout(central)
        col.setContentsMargins(6, 6, 6, 0)
        col.addWidget(self.search_bar)
        col.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = IndexStatus(self.statusBar())

    def _connect(self) -> None:
        c = self.controller
        c.documents_listed.connect(self._documents_listed)
        c.documents_added.connect(self._documents_added)
        c.problems_changed.connect(self._problems_changed)
        c.indexing.connect(self.status.indexing)
        c.index_progress.connect(self.status.index_progress)
        c.index_done.connect(self.status.index_done)
        c.archive_changed.connect(self._archive_changed)
        c.document_ready.connect(self._document_ready)
        c.status.connect(self.show_status)
        c.notice.connect(self._notice)
        c.library_changed.connect(self._library_changed)
        self.bookmarks.loaded.connect(self._bookmarks_loaded)
        self.bookmarks.message.connect(self.show_status)
        self.documents.chosen.connect(self.open_document)
        self.documents.opened.connect(partial(self._open_and_read))
        self.results.chosen.connect(self._hit_chosen)
        self.results.opened.connect(partial(self._hit_chosen, focus=True))
        self.marks_panel.chosen.connect(self.open_bookmark)
        self.marks_panel.opened.connect(partial(self.open_bookmark, focus=True))
        self.marks_panel.filter_changed.connect(self.refresh_bookmarks)
        self.pane.bookmark_toggled.connect(self.entries.toggle)
        self.pane.order_changed.connect(
            lambda newest: self.settings.setValue("pane/newest_first", "true" if newest else "false"))

    # -- settings -----------------------------------------------------------------

    def _restore(self) -> None:
        state = window_state.load(self.settings)
        if state.geometry is not None:
            self.restoreGeometry(state.geometry)
        if state.splitter is not None:
            self.splitter.restoreState(state.splitter)
        self.documents.set_order_index(state.documents_order)
        self.results.sort.setCurrentIndex(state.results_order)
        self.pane.set_newest_first(state.newest_first)
        self.pane.set_zoom(state.zoom)

    def save_settings(self) -> None:
        """Write window state to the settings file."""
        window_state.store(self.settings, window_state.WindowState(
            self.saveGeometry(), self.splitter.saveState(), self.documents.order_index(),
            self.results.sort.currentIndex(), self.pane.newest_first, self.pane.zoom))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)

    # -- the archive and the index ---------------------------------------------------

    def start(self) -> None:
        """List the documents, bring the index up to date and load the bookmarks."""
        self.news.start()  # (what is new: once the list is shown)
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
        self.marks_panel.set_archive(library.archive_id)
        self.documents.set_documents([])
        self.pane.show_placeholder("Loading…")
        self.searching.clear()
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
        row = self.documents.model.first_document_row()
        if self.pane.document is None and self._pending is None and row >= 0:
            self.documents.view.setCurrentIndex(self.documents.model.index(row))

    @Slot(object)
    def _problems_changed(self, problems: list[Problem]) -> None:
        self.problems = problems

    @Slot()
    def _archive_changed(self) -> None:
        if self.pane.document is not None:  # read again; the reader's place is kept (KEEP)
            self.open_document(self.pane.document.ref, KEEP)
        self.refresh_bookmarks()

    @Slot(str, str)
    def _notice(self, title: str, text: str) -> None:
        plain_text.message_box(QMessageBox.Icon.Warning, title, text, self).open()

    def show_status(self, text: str) -> None:
        self.status.show(text)

    # -- documents and the pane ----------------------------------------------------------

    def open_document(self, ref: DocRef, entry_id: str | None = None, focus: bool = False) -> None:
        """Show a document in the pane (parsed in the background), optionally at an entry."""
        self._pending = (ref, entry_id, focus)
        self.controller.open_document(ref)

    def _open_and_read(self, ref: DocRef) -> None:
        self.open_document(ref, focus=True)

    @Slot(object, object)
    def _document_ready(self, ref: DocRef, doc) -> None:
        if self._pending is None or self._pending[0] != ref:
            return  # the reader has asked for another document since
        _, entry_id, focus = self._pending
        self._pending = None
        if entry_id is KEEP:  # where the reader is now, not when the document was asked for
            current = self.pane.current_entry()
            entry_id = current.id if current is not None else None
        if isinstance(doc, str):
            self.pane.show_placeholder(f"This file cannot be read: {doc}")
            return
        if self.pane.document != doc:  # a sync that did not touch it leaves the reader's place
            self.pane.show_document(doc, entry_id, self.news.news(ref))
            self.news.opened(doc)
            self.searching.marks_wanted()
        elif entry_id:
            self.pane.go_to(entry_id)
        self.documents.select(ref)
        if focus:
            self.pane.view.setFocus()

    @Slot(object)
    def _hit_chosen(self, hit: Hit, focus: bool = False) -> None:
        self.open_document(hit.document, hit.id, focus)

    @Slot(object)
    def open_bookmark(self, mark: Bookmark, focus: bool = False) -> None:
        """Open a bookmark's entry in its thread, or its saved copy if it left the archive.

        A bookmark of another archive offers to open that archive, or to read the saved copy.
        """
        if not self.library.bookmarks.is_here(mark):
            choice = dialogs.ask_other_archive(self, mark)
            if choice == "open":
                self.set_archive(Path(mark.archive))
                self.open_document(mark.document, mark.entry_id, focus)
            elif choice == "copy":
                self._show_saved_copy(mark, "saved copy from another archive", focus)
            return
        if mark.in_archive:
            self.open_document(mark.document, mark.entry_id, focus)
        else:
            self._show_saved_copy(mark, "saved copy, no longer in the archive", focus)

    def _show_saved_copy(self, mark: Bookmark, what: str, focus: bool) -> None:
        self._pending = None
        paragraphs = tuple(p for p in mark.text.split("\n\n") if p.strip())
        entry = Entry(mark.entry_id, mark.headline, paragraphs, (), 0)
        copy = Document(mark.document, f"{mark.title} — {what}", "article", mark.date, False, (entry,))
        self.pane.show_document(copy, mark.entry_id)
        if focus:
            self.pane.view.setFocus()

    def zoom(self, step: int) -> None:
        """Zoom the pane in (1), out (-1) or back to the actual size (0); remembered."""
        {1: self.pane.zoom_in, -1: self.pane.zoom_out, 0: partial(self.pane.set_zoom, 1.0)}[step]()
        self.settings.setValue("pane/zoom", self.pane.zoom)

    def set_theme(self, theme: str) -> None:
        """Use a theme ("system", "light" or "dark"), remembered for the next start."""
        apply_theme(QApplication.instance(), theme)
        self.settings.setValue("view/theme", theme)
        menus.check_theme(self.theme_actions, theme)
        for view in (self.documents.view, self.results.view, self.marks_panel.view, self.pane.view):
            view.itemDelegate().clear_cache()
            view.viewport().update()

    def ask_document_date(self) -> None:
        """Ask for the date of the document being read (used when the file gives none)."""
        doc = self.pane.document
        if doc is None:
            self.show_status("Open a document first.")
            return
        date = dialogs.ask_date(self, doc)
        if date is not None:
            self.controller.set_date(doc.ref, date)

    def clear_document_date(self) -> None:
        """Forget the date set on the document being read."""
        if self.pane.document is not None:
            self.controller.set_date(self.pane.document.ref, None)

    def confirm_rebuild(self) -> None:
        """Ask, then rebuild the index from the archive's files (progress and outcome in the status bar)."""
        if dialogs.confirm_rebuild(self):
            self.show_status("Rebuilding the index…")
            self.controller.rebuild()

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.tabs.currentWidget().view.setFocus()

    def show_shortcuts(self) -> None:
        dialogs.show_shortcuts(self, self._menu_actions())

    def _menu_actions(self) -> list[QAction]:
        return [a for m in self.menuBar().actions() if m.menu() for a in m.menu().actions()]

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

