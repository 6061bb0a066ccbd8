"""The main window: document list, search results, reading pane, menus; all file and index work via tasks."""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QFileSystemWatcher, QSettings, QSortFilterProxyModel, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader import archive, export
from reader.library import Library
from reader.model import Bookmark, Document, Entry, Hit, Problem, SearchResult
from reader.search import IndexBusy, IndexReport, IndexStopped, Progress
from reader.ui.bookmarks_panel import BookmarksPanel, NoteDialog
from reader.ui.delegates import DocumentDelegate, HitDelegate, card_list, lay_out_panel
from reader.ui.models import (
    DocumentListModel,
    HitListModel,
    ItemRole,
    SortDateRole,
    SortTitleRole,
    n_entries,
)
from reader.ui.reading_pane import ReadingPane
from reader.ui.search_bar import SearchBar
from reader.ui.tasks import TaskRunner

RESULT_LIMIT = 200
FIRST_LISTED = 50  # documents shown before the rest of a first start's parse
SHORTCUTS = [
    ("Ctrl+F", "Search"), ("Esc", "Clear the search, back to the document"),
    ("Enter", "Open the selected document or hit"), ("↑ ↓  or  j k", "Move between entries"),
    ("F3 / Shift+F3", "Next / previous match in the document"),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "Documents / Results / Bookmarks"),
    ("Ctrl+D", "Bookmark the current entry (or remove the bookmark)"),
    ("Ctrl+Shift+D", "Edit the bookmark's note and tags"),
    ("Ctrl+E", "Export the selected entries, hits or bookmarks"),
    ("Ctrl+Shift+C", "Copy the selected entries as text"),
    ("Ctrl/Shift+click", "Select several"), ("Ctrl+O", "Open an archive folder"),
    ("Ctrl+C", "Copy the current entry as text"), ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / reset"),
    ("Ctrl+R", "Newest first / oldest first"), ("Ctrl+Q", "Quit"),
]


class MainWindow(QMainWindow):
    """Liveblog Reader's window over one Library."""

    def __init__(self, library: Library, settings: QSettings, tasks: TaskRunner,
                 open_library: Callable[[Path], Library] | None = None, icons: Path | None = None):
        super().__init__()
        self.library = library
        self.settings = settings
        self.tasks = tasks
        self.open_library = open_library
        self.icons = icons
        self.generation = 0  # bumped when the archive changes; late results are dropped
        self.search_seq = 0
        self.result: SearchResult | None = None
        self.index_running = False
        self.index_ready = False
        self.problems: list[Problem] = []
        self.docs: dict[str, Document] = {}
        self.pending_entry: str | None = None
        self.bookmarked: dict[str, Bookmark] = {}
        self.setWindowTitle("Liveblog Reader")
        self.resize(1280, 820)
        self._build()
        self._build_actions()
        self._restore()
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._archive_changed)
        self.watcher.fileChanged.connect(self._archive_changed)
        self.sync_timer = QTimer(self, singleShot=True, interval=1000)
        self.sync_timer.timeout.connect(self.update_index)

    # -- building ------------------------------------------------------------

    def _build(self) -> None:
        self.search_bar = SearchBar()
        self.search_bar.search.connect(self.run_search)
        self.search_bar.cleared.connect(self.clear_search)
        self.search_bar.down.connect(self._into_results)

        self.doc_model = DocumentListModel(self)
        self.doc_proxy = QSortFilterProxyModel(self)
        self.doc_proxy.setSourceModel(self.doc_model)
        self.doc_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.doc_filter = QLineEdit(placeholderText="Filter documents by title")
        self.doc_filter.setClearButtonEnabled(True)
        self.doc_filter.textChanged.connect(self.doc_proxy.setFilterFixedString)
        self.doc_sort = QComboBox()
        self.doc_sort.addItems(["Newest first", "Oldest first", "Title A–Z"])
        self.doc_sort.currentIndexChanged.connect(self._sort_documents)
        self.doc_view = card_list("documents")
        self.doc_view.setModel(self.doc_proxy)
        self.doc_view.setItemDelegate(DocumentDelegate(self.doc_view))
        self.doc_view.selectionModel().currentChanged.connect(self._document_chosen)
        self.doc_view.activated.connect(self._focus_pane)
        docs_tab = QWidget()
        lay_out_panel(docs_tab, [(self.doc_filter, 1), (self.doc_sort, 0)], self.doc_view)

        self.hit_model = HitListModel(self)
        self.hit_view = card_list("results")
        self.hit_view.setModel(self.hit_model)
        self.hit_view.setItemDelegate(HitDelegate(self.hit_view))
        self.hit_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.hit_view.activated.connect(self._hit_activated)
        self.hit_view.clicked.connect(self._hit_activated)
        self.result_info = QLabel(objectName="resultInfo", wordWrap=True)
        self.result_info.setTextFormat(Qt.TextFormat.RichText)
        self.result_info.linkActivated.connect(self._link)
        self.result_note = QLabel(objectName="queryNote", wordWrap=True)
        self.result_sort = QComboBox()
        self.result_sort.addItems(["Relevance", "Newest first"])
        self.result_sort.currentIndexChanged.connect(self._rerun_search)
        self.this_doc = QCheckBox("This document only")
        self.this_doc.toggled.connect(self._rerun_search)
        results_tab = QWidget()
        lay_out_panel(results_tab, [(self.result_sort, 0), (self.this_doc, 0), (None, 1)],
                      self.result_info, self.result_note, self.hit_view)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(docs_tab, "Documents")
        self.tabs.addTab(results_tab, "Results")
        self.bookmarks_panel = BookmarksPanel()
        self.bookmarks_panel.opened.connect(self.open_bookmark)
        self.bookmarks_panel.filter_changed.connect(self.refresh_bookmarks)
        self.tabs.addTab(self.bookmarks_panel, "Bookmarks")
        self.pane = ReadingPane()
        self.pane.order_changed.connect(self._order_changed)
        self.pane.bookmark_toggled.connect(self.toggle_bookmark)
        self.focus_source: QWidget = self.pane.view
        QApplication.instance().focusChanged.connect(self._focus_changed)
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

        self.status = QLabel(objectName="status")
        self.progress = QProgressBar(maximumWidth=220, visible=False)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.progress)

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
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open Archive Folder…", self.choose_archive, QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export Selected…", self.export_selected, "Ctrl+E")
        self.chronological = QAction("Export in &Chronological Order", self, checkable=True)
        self.chronological.setChecked(str(self.settings.value("export/chronological")) == "true")
        self.chronological.toggled.connect(
            lambda on: self.settings.setValue("export/chronological", "true" if on else "false"))
        file_menu.addAction(self.chronological)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.file_menu = file_menu
        edit = bar.addMenu("&Edit")
        self._action(edit, "&Find", self.focus_search, QKeySequence.StandardKey.Find)
        self._action(edit, "&Copy Entry as Text", self.copy_current, QKeySequence.StandardKey.Copy,
                     Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pane.addActions(edit.actions()[-1:])
        self.copy_selected_action = self._action(edit, "Copy &Selected as Text", self.copy_selected,
                                                 "Ctrl+Shift+C")
        edit.addSeparator()
        self.bookmark_action = self._action(edit, "&Bookmark / Remove Bookmark",
                                            self.toggle_current_bookmark, "Ctrl+D")
        self.note_action = self._action(edit, "Edit Bookmark &Note and Tags…", self.edit_note,
                                        "Ctrl+Shift+D")
        self.edit_menu = edit
        context = [self.bookmark_action, self.note_action, self.copy_selected_action,
                   self.export_action]
        for view in (self.pane.view, self.hit_view, self.bookmarks_panel.view):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            view.addActions(context)
        view = bar.addMenu("&View")
        self._action(view, "&Documents", partial(self._show_tab, 0), "Ctrl+1")
        self._action(view, "&Results", partial(self._show_tab, 1), "Ctrl+2")
        self._action(view, "&Bookmarks", partial(self._show_tab, 2), "Ctrl+3")
        view.addSeparator()
        self._action(view, "Next Match", partial(self.pane.step_match, True),
                     QKeySequence.StandardKey.FindNext)
        self._action(view, "Previous Match", partial(self.pane.step_match, False),
                     QKeySequence.StandardKey.FindPrevious)
        self._action(view, "Newest First / Oldest First", self.pane.toggle_order, "Ctrl+R")
        view.addSeparator()
        self._action(view, "Zoom &In", self._zoom_in, [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self._action(view, "Zoom &Out", self._zoom_out, "Ctrl+-")
        self._action(view, "&Actual Size", self._zoom_reset, "Ctrl+0")
        self.view_menu = view
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "Archive &Problems…", self.show_problems)
        self._action(help_menu, "Re&build Index", partial(self.update_index, True))
        help_menu.addSeparator()
        self._action(help_menu, "&About Liveblog Reader", self.show_about)

    # -- settings --------------------------------------------------------------

    def _restore(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self.doc_sort.setCurrentIndex(_int(s.value("documents/sort"), 0))
        self.result_sort.setCurrentIndex(_int(s.value("results/sort"), 0))
        self.pane.set_newest_first(str(s.value("pane/newest_first", "true")) == "true")
        self.pane.set_zoom(_float(s.value("pane/zoom"), 1.0))

    def save_settings(self) -> None:
        """Write window state to the settings file."""
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("documents/sort", self.doc_sort.currentIndex())
        s.setValue("results/sort", self.result_sort.currentIndex())
        s.setValue("pane/newest_first", "true" if self.pane.newest_first else "false")
        s.setValue("pane/zoom", self.pane.zoom)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        super().closeEvent(event)

    # -- start-up and the index ---------------------------------------------------

    def start(self) -> None:
        """Fill the document list and bring the index up to date, both in the background."""
        self.generation += 1
        gen = self.generation
        self.docs.clear()
        self.status.setText(f"Opening {self.library.archive_dir}…")
        self.tasks.run(partial(_document_list, self.library), partial(self._documents_loaded, gen),
                       self._task_failed, partial(self._documents_loaded, gen))
        self._watch()
        self.update_index()
        self.refresh_bookmarks()
        if self.library.bookmarks.recovered:
            self.status.setText(self.library.bookmarks.recovered)
            QMessageBox(QMessageBox.Icon.Warning, "Bookmarks", self.library.bookmarks.recovered,
                        parent=self).open()

    def _watch(self) -> None:
        paths = self.watcher.directories() + self.watcher.files()
        if paths:
            self.watcher.removePaths(paths)
        self.tasks.run(partial(archive.folders, self.library.archive_dir),
                       partial(self._watch_folders, self.generation), self._task_failed)

    def _watch_folders(self, gen: int, folders: list[Path]) -> None:
        if gen == self.generation:
            self.watcher.addPaths([str(f) for f in folders])

    @Slot()
    def _archive_changed(self, _path: str = "") -> None:
        self.sync_timer.start()

    def update_index(self, rebuild: bool = False) -> None:
        """Build, sync or (rebuild=True) rebuild the index in the background."""
        if self.index_running:
            if rebuild:
                self.status.setText("The index is being updated; try the rebuild when it is done.")
            return
        self.index_running = True
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        lib, gen = self.library, self.generation
        self.tasks.run(lambda report: lib.update_index(rebuild=bool(rebuild), progress=report),
                       partial(self._index_done, gen), partial(self._index_failed, gen),
                       partial(self._index_progress, gen))

    def _documents_loaded(self, gen: int, loaded) -> None:
        if gen != self.generation:
            return
        infos, problems = loaded
        current = self._current_document_path()
        self.doc_model.set_items(infos)
        self._sort_documents()
        if problems:
            self.problems = problems
        if not self.status.text() or self.status.text().startswith("Opening"):
            self.status.setText(f"{len(infos)} documents")
        if current:
            self._select_document(current)
        elif self.doc_proxy.rowCount() and self.pane.document is None:
            self.doc_view.setCurrentIndex(self.doc_proxy.index(0, 0))

    def _index_progress(self, gen: int, p: Progress) -> None:
        if gen != self.generation:
            return
        self.progress.setRange(0, max(1, p.files_total))
        self.progress.setValue(p.files_done)
        note = " — search works on what is indexed so far" if p.searchable else ""
        self.status.setText(f"Indexing: {p.files_done:,} of {p.files_total:,} files, "
                            f"{p.entries_done:,} entries{note}")
        if p.searchable and not self.index_ready:
            self.index_ready = True
            self._rerun_search()

    def _index_done(self, gen: int, report: IndexReport) -> None:
        self.index_running = False
        self.progress.setVisible(False)
        if gen != self.generation:
            self.update_index()
            return
        self.index_ready = True
        self.problems = report.problems
        text = f"{report.files:,} files, {report.entries:,} entries indexed"
        if report.rebuilt and "requested" not in report.rebuilt:
            text += f" (rebuilt: {report.rebuilt})"
        if report.problems:
            text += f" — {len(report.problems)} files skipped (Help → Archive Problems)"
        self.status.setText(text)
        self.status.setToolTip("\n".join(f"{p.path}: {p.reason}" for p in report.problems))
        if report.added or report.changed or report.removed or report.rebuilt:
            self.docs.clear()
            self.tasks.run(partial(_document_list, self.library),
                           partial(self._documents_loaded, gen), self._task_failed,
                           partial(self._documents_loaded, gen))
            self._rerun_search()
            self._reload_current()
            self.refresh_bookmarks()

    def _index_failed(self, gen: int, exc: BaseException) -> None:
        self.index_running = False
        self.progress.setVisible(False)
        if isinstance(exc, IndexBusy):
            self.status.setText(f"{exc}. Searching what is there; will retry.")
            QTimer.singleShot(5000, self.update_index)
        elif isinstance(exc, IndexStopped):
            self.status.setText("Indexing stopped; it carries on from there at the next start.")
        else:
            self.status.setText(f"Indexing failed: {exc}")

    def _task_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Something went wrong: {exc}")

    # -- documents -----------------------------------------------------------------

    def _sort_documents(self) -> None:
        choice = self.doc_sort.currentIndex()
        role = SortTitleRole if choice == 2 else SortDateRole
        order = Qt.SortOrder.DescendingOrder if choice == 0 else Qt.SortOrder.AscendingOrder
        self.doc_proxy.setSortRole(role)
        self.doc_proxy.sort(0, order)

    def _current_document_path(self) -> str | None:
        return self.pane.document.path if self.pane.document else None

    def _select_document(self, path: str) -> None:
        row = self.doc_model.row_of(path)
        if row >= 0:
            index = self.doc_proxy.mapFromSource(self.doc_model.index(row))
            self.doc_view.selectionModel().blockSignals(True)
            self.doc_view.setCurrentIndex(index)
            self.doc_view.selectionModel().blockSignals(False)
            self.doc_view.scrollTo(index)

    @Slot()
    def _document_chosen(self, current, _previous=None) -> None:
        info = current.data(ItemRole) if current.isValid() else None
        if info is not None:
            self.open_document(info.path)

    def open_document(self, path: str, entry_id: str | None = None) -> None:
        """Show a document in the pane (parsed in the background), optionally at an entry."""
        self.pending_entry = entry_id
        if path in self.docs:
            self._document_ready(self.generation, path, self.docs[path])
            return
        self.tasks.run(partial(_parse, self.library, path),
                       partial(self._document_ready, self.generation, path), self._task_failed)

    def _document_ready(self, gen: int, path: str, doc) -> None:
        if gen != self.generation:
            return
        if isinstance(doc, str):
            self.pane.show_placeholder(f"This file cannot be read: {doc}")
            return
        self.docs[path] = doc
        entry_id, self.pending_entry = self.pending_entry, None
        if self.pane.document is not doc:
            self.pane.show_document(doc, entry_id)
        elif entry_id:
            self.pane.go_to(entry_id)
        self._select_document(path)

    def _reload_current(self) -> None:
        current = self.pane.current_entry()
        path = self._current_document_path()
        if path:
            self.open_document(path, current.id if current else None)

    @Slot()
    def _focus_pane(self, _index=None) -> None:
        self.pane.view.setFocus()

    # -- search ------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_bar.setFocus()
        self.search_bar.selectAll()

    def run_search(self, text: str) -> None:
        """Search in the background; the newest answer wins."""
        self.search_seq += 1
        seq = self.search_seq
        sort = "date" if self.result_sort.currentIndex() == 1 else "relevance"
        document = self._current_document_path() if self.this_doc.isChecked() else None
        lib = self.library
        self.tabs.setCurrentIndex(1)
        self.tasks.run(lambda: lib.search(text, RESULT_LIMIT, sort, document),
                       partial(self._search_done, seq), self._search_failed)

    @Slot()
    def _into_results(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.hit_view.setFocus()
        if not self.hit_view.currentIndex().isValid() and self.hit_model.rowCount():
            self.hit_view.setCurrentIndex(self.hit_model.index(0))

    def _rerun_search(self, *_args) -> None:
        if self.search_bar.text().strip():
            self.run_search(self.search_bar.text())

    def _search_done(self, seq: int, result: SearchResult) -> None:
        if seq != self.search_seq:
            return
        self.result = result
        self.hit_model.set_items(result.hits)
        self.hit_view.itemDelegate().clear_cache()
        self.result_info.setText(_result_summary(result, self.index_running))
        self.result_note.setText(result.message or "")
        self.result_note.setVisible(bool(result.message))
        self.pane.set_highlighter(partial(Library.match_spans, result=result))
        if result.hits:
            self.hit_view.setCurrentIndex(self.hit_model.index(0))

    def _search_failed(self, exc: BaseException) -> None:
        self.result_note.setText(f"The search failed: {exc}")
        self.result_note.setVisible(True)

    def clear_search(self) -> None:
        """Forget the query and go back to the document view."""
        self.search_seq += 1
        self.result = None
        self.hit_model.set_items(())
        self.result_info.setText("")
        self.result_note.setVisible(False)
        self.pane.set_highlighter(None)
        self.tabs.setCurrentIndex(0)
        self.pane.view.setFocus()

    @Slot()
    def _hit_activated(self, index) -> None:
        hit: Hit = index.data(ItemRole)
        if hit is not None:
            self.open_document(hit.document, hit.id)

    def _link(self, href: str) -> None:
        if href.startswith("suggest:"):
            self.search_bar.set_query(href[len("suggest:"):])

    # -- the pane --------------------------------------------------------------------

    def copy_current(self) -> None:
        """Copy the current entry as plain text."""
        entry = self.pane.current_entry()
        doc = self.pane.document
        if entry and doc:
            QApplication.clipboard().setText(f"{entry.plain_text()}\n\n— {doc.title}")
            self.status.setText("Copied the entry as text.")

    def _order_changed(self, newest_first: bool) -> None:
        self.settings.setValue("pane/newest_first", "true" if newest_first else "false")

    def _zoom_in(self) -> None:
        self.pane.zoom_in()
        self.settings.setValue("pane/zoom", self.pane.zoom)

    def _zoom_out(self) -> None:
        self.pane.zoom_out()
        self.settings.setValue("pane/zoom", self.pane.zoom)

    def _zoom_reset(self) -> None:
        self.pane.set_zoom(1.0)
        self.settings.setValue("pane/zoom", 1.0)

    def _show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        (self.doc_view, self.hit_view, self.bookmarks_panel.view)[index].setFocus()

    # -- bookmarks ---------------------------------------------------------------------

    @Slot()
    def _focus_changed(self, _old, new) -> None:
        if new in (self.pane.view, self.hit_view, self.bookmarks_panel.view):
            self.focus_source = new

    def refresh_bookmarks(self) -> None:
        """Reload bookmarks, their tags and per-document counts in the background."""
        lib, gen = self.library, self.generation
        tag, text = self.bookmarks_panel.filters()

        def load():
            everything = lib.bookmark_list()
            shown = lib.bookmark_list(tag, text) if (tag or text) else everything
            return everything, shown, lib.bookmarks.tags(), lib.bookmarks.counts_by_document()

        self.tasks.run(load, partial(self._bookmarks_loaded, gen), self._task_failed)

    def _bookmarks_loaded(self, gen: int, loaded) -> None:
        if gen != self.generation:
            return
        everything, shown, tags, counts = loaded
        self.bookmarked = {b.entry_id: b for b in everything}
        self.bookmarks_panel.set_bookmarks(shown, tags)
        self.pane.set_bookmarked(set(self.bookmarked))
        self.doc_model.set_bookmark_counts(counts)
        self.doc_view.itemDelegate().clear_cache()
        self.doc_view.doItemsLayout()

    def _current_target(self) -> tuple[str, str] | None:
        """Return (entry id, label) of the entry the reader is pointing at."""
        source = self.focus_source
        if source is self.hit_view:
            hit = self.hit_model.item(self.hit_view.currentIndex().row())
            return (hit.id, hit.headline or hit.title) if hit else None
        if source is self.bookmarks_panel.view:
            mark = self.bookmarks_panel.model.item(self.bookmarks_panel.view.currentIndex().row())
            return (mark.entry_id, mark.headline or mark.title) if mark else None
        entry = self.pane.current_entry()
        return (entry.id, entry.headline or "Introduction") if entry else None

    def toggle_current_bookmark(self) -> None:
        target = self._current_target()
        if target:
            self._toggle(target[0])

    @Slot(object)
    def toggle_bookmark(self, entry: Entry) -> None:
        self._toggle(entry.id)

    def _toggle(self, entry_id: str) -> None:
        lib = self.library
        if entry_id in self.bookmarked:
            self.bookmarked.pop(entry_id)
            self.tasks.run(partial(lib.bookmarks.remove, entry_id), self._bookmark_changed,
                           self._bookmark_failed)
            self.status.setText("Removed the bookmark.")
        else:
            self.tasks.run(partial(lib.bookmark, entry_id), self._bookmark_changed,
                           self._bookmark_failed)
            self.status.setText("Bookmarked. Ctrl+Shift+D adds a note and tags.")

    def _bookmark_changed(self, _result=None) -> None:
        self.refresh_bookmarks()

    def _bookmark_failed(self, exc: BaseException) -> None:
        self.status.setText(f"The bookmark could not be saved: {exc}")
        self.refresh_bookmarks()

    def edit_note(self) -> None:
        """Edit the note and tags of the pointed-at entry (bookmarking it first if needed)."""
        target = self._current_target()
        if target is None:
            return
        entry_id, label = target
        mark = self.bookmarked.get(entry_id)
        dialog = NoteDialog(label, mark.note if mark else "", mark.tags if mark else (), self)
        if dialog.exec() != NoteDialog.DialogCode.Accepted:
            return
        note, tags = dialog.values()
        lib = self.library

        def save():
            if lib.bookmarks.get(entry_id) is None:
                lib.bookmark(entry_id)
            return lib.bookmarks.update(entry_id, note=note, tags=tags)

        self.tasks.run(save, self._bookmark_changed, self._bookmark_failed)

    @Slot(object)
    def open_bookmark(self, mark: Bookmark) -> None:
        """Open a bookmark's entry in its thread, or its saved copy if it left the archive."""
        if mark.in_archive:
            self.open_document(mark.document, mark.entry_id)
            return
        paragraphs = tuple(p for p in mark.text.split("\n\n") if p.strip())
        entry = Entry(mark.entry_id, mark.headline, paragraphs, (), 0)
        copy = Document(mark.document, f"{mark.title} — saved copy, no longer in the archive",
                        "liveblog", mark.date, False, (entry,))
        self.pane.show_document(copy, mark.entry_id)

    # -- export and copy -----------------------------------------------------------------

    def _collect(self, then) -> None:
        """Gather the selected items of the list the reader worked in last, then call `then`."""
        source, lib = self.focus_source, self.library
        if source is self.hit_view:
            rows = sorted(i.row() for i in self.hit_view.selectionModel().selectedIndexes())
            ids = [self.hit_model.items[r].id for r in rows]
            self.tasks.run(partial(lib.export_items, ids), then, self._export_failed)
        elif source is self.bookmarks_panel.view:
            marks = self.bookmarks_panel.selected()
            self.tasks.run(partial(lib.bookmark_items, marks), then, self._export_failed)
        else:
            doc = self.pane.document
            entries = self.pane.selected_entries() or (
                [self.pane.current_entry()] if self.pane.current_entry() else [])
            then([export.from_entry(doc, e, self.bookmarked.get(e.id)) for e in entries]
                 if doc else [])

    def export_selected(self) -> None:
        """Write the selected entries, hits or bookmarks to a .txt or .md file."""
        self._collect(self._export_items)

    def copy_selected(self) -> None:
        """Put the selected entries, hits or bookmarks on the clipboard as text."""
        self._collect(self._copy_items)

    def _ordered(self, items: list[export.ExportItem]) -> list[export.ExportItem]:
        return export.chronological(items) if self.chronological.isChecked() else items

    def _copy_items(self, items: list[export.ExportItem]) -> None:
        if not items:
            self.status.setText("Select entries, hits or bookmarks to copy.")
            return
        QApplication.clipboard().setText(export.to_text(self._ordered(items)))
        self.status.setText(f"Copied {n_entries(len(items))} as text.")

    def _export_items(self, items: list[export.ExportItem]) -> None:
        if not items:
            self.status.setText("Select entries, hits or bookmarks to export "
                                "(Ctrl/Shift+click for several).")
            return
        start = str(self.settings.value("export/folder") or Path.home())
        path, chosen = QFileDialog.getSaveFileName(
            self, f"Export {len(items)} Entries", str(Path(start) / "liveblog-export.txt"),
            "Text (*.txt);;Markdown (*.md)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".txt", ".md"):
            target = target.with_suffix(".md" if chosen.startswith("Markdown") else ".txt")
        fmt = "md" if target.suffix.lower() == ".md" else "txt"
        text = export.render(self._ordered(items), fmt)
        self.settings.setValue("export/folder", str(target.parent))
        self.tasks.run(partial(Library.write_export, target, text, True),
                       partial(self._exported, target, len(items)), self._export_failed)

    def _exported(self, target: Path, count: int, _result=None) -> None:
        self.status.setText(f"Exported {n_entries(count)} to {target}.")

    def _export_failed(self, exc: BaseException) -> None:
        self.status.setText(f"Export failed: {exc}")
        QMessageBox(QMessageBox.Icon.Warning, "Export failed", str(exc), parent=self).open()

    # -- dialogs -----------------------------------------------------------------------

    def choose_archive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open Archive Folder",
                                                  str(self.library.archive_dir))
        if folder:
            self.set_archive(Path(folder))

    def set_archive(self, folder: Path) -> None:
        """Switch to another archive folder (remembered for the next start)."""
        if self.open_library is None:
            return
        self.library = self.open_library(folder)
        self.settings.setValue("archive", str(folder))
        self.index_ready = False
        self.doc_model.set_items(())
        self.pane.show_placeholder("Loading…")
        self.clear_search()
        self.start()

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
                       for k, v in SHORTCUTS)
        QMessageBox.information(self, "Keyboard Shortcuts", f"<table>{rows}</table>")

    def show_problems(self) -> None:
        if not self.problems:
            QMessageBox.information(self, "Archive Problems", "Every file of the archive was read.")
            return
        rows = "".join(f"<li><b>{html.escape(p.path)}</b>: {html.escape(p.reason)}</li>"
                       for p in self.problems)
        QMessageBox.warning(self, "Archive Problems",
                            f"These files were skipped:<ul>{rows}</ul>")

    def show_about(self) -> None:
        from reader import __version__

        QMessageBox.about(self, "About Liveblog Reader",
                          f"<h3>Liveblog Reader {__version__}</h3>"
                          "<p>Read, search, bookmark and export an offline archive of news "
                          "liveblogs.</p><p>Nothing is ever loaded from the network.</p>"
                          f"<p>Archive: {html.escape(str(self.library.archive_dir))}<br>"
                          f"Data: {html.escape(str(self.library.data_dir))}</p>")

    def window_icon(self) -> QIcon:
        return QIcon(str(self.icons / "app.svg")) if self.icons else QIcon()


def _result_summary(result: SearchResult, indexing: bool) -> str:
    noun = "hit" if result.total == 1 else "hits"
    parts = [f"<b>{result.total:,} {noun}</b>"]
    if result.total > len(result.hits) and result.hits:
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


def _document_list(library: Library, report: Callable[[object], None]):
    """(worker) Return the document infos and problems, from the manifest or by parsing.

    Parsing (a first start) reports the first documents at once, then what it has every
    quarter second, so a big archive fills the list while it is read.
    """
    infos = library.document_infos()
    if infos is not None:
        return infos, []
    infos, problems = [], []
    shown = time.monotonic()
    for item in library.iter_load():
        if isinstance(item, Problem):
            problems.append(item)
        else:
            infos.append(library.info(item))
        if len(infos) + len(problems) == FIRST_LISTED or time.monotonic() - shown > 0.25:
            report((list(infos), list(problems)))
            shown = time.monotonic()
    return infos, problems


def _parse(library: Library, path: str):
    """(worker) Parse one document; return the reason as a string if it cannot be read."""
    try:
        return library.document(path)
    except archive.ArchiveError as exc:
        return str(exc)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
