"""The window's controller: index lifecycle and search ordering over a Library, as signals; no widgets.

It owns the archive's life in the app: listing documents (from the manifest, or while files
are read on a first start), building and syncing the index (with progress, one update at a
time, file watching), stopping builds of archives it leaves or at exit, and rebuilding a
damaged index. Searches are ordered: each gets a number, at most one runs and one waits, a
newer one replaces the waiting one, and only the newest answer is delivered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

from reader.library import (
    IndexBusy,
    IndexDamaged,
    IndexReport,
    IndexStopped,
    Library,
    Progress,
    SearchCancelled,
)
from reader.model import DocRef, DocumentInfo, Filters, Problem, SearchResult
from reader.ui.control import jobs
from reader.ui.control.tasks import TaskRunner

SYNC_DELAY_MS = 1000  # after a file changes, wait this long for more changes
BUSY_RETRY_MS = 5000
SEARCH_LIMIT = 50  # hits listed per query



class Controller(QObject):
    """Index lifecycle and search ordering for one window; the Library can be switched."""

    library_changed = Signal(object)  # Library
    documents_listed = Signal(object)  # list[DocumentInfo]: the whole list
    documents_added = Signal(object)  # list[DocumentInfo]: more of a list being read
    problems_changed = Signal(object)  # list[Problem]
    indexing = Signal(bool)  # an index update started (True) or ended
    index_progress = Signal(object)  # Progress
    index_done = Signal(object)  # IndexReport
    searchable = Signal()  # the first batch of a build can be searched
    archive_changed = Signal()  # documents changed in the index: views refresh
    search_done = Signal(object)  # SearchResult, the newest asked for
    search_failed = Signal(str)
    marks_ready = Signal(object, str, object)  # DocRef, query, set of matching entry ids
    snippets_ready = Signal(object, object)  # SearchResult, list[Hit] with their snippets
    document_ready = Signal(object, object)  # DocRef, Document or the reason it cannot be read
    status = Signal(str)
    notice = Signal(str, str)  # title, text: worth a dialog

    def __init__(self, library: Library, tasks: TaskRunner,
                 open_library: Callable[[Path], Library] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.open_library = open_library
        self.generation = 0  # bumped when the archive changes; late answers are dropped
        self.problems: list[Problem] = []
        self.ready = False  # the index can be searched
        self._docs: dict[DocRef, object] = {}
        self._updating: dict[int, Library] = {}  # running update (a ticket) -> its library
        self._stops: dict[int, threading.Event] = {}  # running update -> set it to stop the update
        self._tickets = 0
        self._list_stop = threading.Event()
        self._queued: str | None = None  # "sync" or "rebuild", waiting for the running update
        self._damaged: str | None = None
        self._search_seq = 0
        self._search_running: int | None = None  # seq of the search on the pool
        # the next search: (seq, text, sort, filters, limit)
        self._search_waiting: tuple[int, str, str, Filters, int] | None = None
        self._last_search: tuple[str, str, Filters] | None = None
        self._marks_seq = 0
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._archive_touched)
        self.watcher.fileChanged.connect(self._archive_touched)
        self.sync_timer = QTimer(self, singleShot=True, interval=SYNC_DELAY_MS)
        self.sync_timer.timeout.connect(self.sync)

    # -- the archive -----------------------------------------------------------

    def start(self) -> None:
        """List the documents and bring the index up to date, both in the background."""
        self.generation += 1
        self._docs.clear()
        self.ready = self.library.index.searchable()
        self.status.emit(f"Opening {self.library.archive_dir}…")
        self._list_documents()
        self._watch()
        self.sync()
        for text in self.library.notices():
            self.status.emit(text)
            self.notice.emit("Liveblog Reader", text)

    def open_archive(self, folder: Path) -> None:
        """Switch to another archive folder; a build of the one left behind is stopped."""
        if self.open_library is None:
            return
        self._stop_updates(self.library)
        self.library = self.open_library(folder)
        self._queued = None
        self._damaged = None
        self._last_search = None
        self.cancel_search()
        self.library_changed.emit(self.library)
        self.start()

    def shutdown(self, msecs: int = 10_000) -> None:
        """Stop every running build (they resume at the next start) and wait for the workers."""
        self.sync_timer.stop()
        self._list_stop.set()
        self._stop_updates()
        self.tasks.wait(msecs)

    def _stop_updates(self, library: Library | None = None) -> None:
        """Stop the running updates of one library (None: of all); what they committed is kept."""
        for ticket, lib in self._updating.items():
            if library is None or lib is library:
                self._stops[ticket].set()

    def _list_documents(self) -> None:
        gen = self.generation
        self._list_stop.set()  # a first listing of the archive left behind, if still running
        self._list_stop = threading.Event()
        self.tasks.run(partial(jobs.document_list, self.library, stop=self._list_stop),
                       partial(self._listed, gen), self._task_failed, partial(self._listed_more, gen))

    def _listed(self, gen: int, listed: tuple[list[DocumentInfo], list[Problem], bool]) -> None:
        if gen != self.generation:
            return
        infos, problems, streamed = listed
        if not streamed:  # from the manifest; a first listing came in batches as files were read
            self.documents_listed.emit(infos)
        if problems and not self.problems:
            self.problems = problems
            self.problems_changed.emit(problems)

    def _listed_more(self, gen: int, batch: tuple[list[DocumentInfo], list[Problem]]) -> None:
        if gen == self.generation and batch[0]:
            self.documents_added.emit(batch[0])

    def _watch(self) -> None:
        paths = self.watcher.directories() + self.watcher.files()
        if paths:
            self.watcher.removePaths(paths)
        self.tasks.run(self.library.documents.folders,
                       partial(self._watch_folders, self.generation), self._task_failed)

    def _watch_folders(self, gen: int, folders: list[Path]) -> None:
        if gen == self.generation:
            self.watcher.addPaths([str(f) for f in folders])

    @Slot(str)
    def _archive_touched(self, _path: str) -> None:
        self.sync_timer.start()

    def open_document(self, ref: DocRef) -> None:
        """Parse a document in the background (or take it from the cache); emit document_ready."""
        if ref in self._docs:
            self.document_ready.emit(ref, self._docs[ref])
            return
        self.tasks.run(partial(jobs.parse, self.library, ref),
                       partial(self._parsed, self.generation, ref), self._task_failed)

    def _parsed(self, gen: int, ref: DocRef, doc) -> None:
        if gen != self.generation:
            return
        if not isinstance(doc, str):
            self._docs[ref] = doc
        self.document_ready.emit(ref, doc)

    # -- the index ---------------------------------------------------------------

    def updating(self) -> bool:
        """Return True while the current archive's index is being updated."""
        return any(lib is self.library for lib in self._updating.values())

    def sync(self) -> None:
        """Bring the index up to date with the archive (after what is running, if anything)."""
        self._update(rebuild=False)

    def set_date(self, ref: DocRef, date: str | None) -> None:
        """Set (None: clear) the date of a document, then bring the index up to date."""
        self.tasks.run(partial(self.library.documents.set_date, ref, date), self._date_set, self._date_failed)

    def _date_set(self, _changed: bool) -> None:
        self.status.emit("Saved the date; updating the index…")
        self.sync()

    def _date_failed(self, exc: BaseException) -> None:
        self.status.emit(f"The date was not set: {exc}")

    def rebuild(self) -> None:
        """Rebuild the index from scratch (after what is running, if anything)."""
        self._update(rebuild=True)

    def _update(self, rebuild: bool) -> None:
        if self.updating():
            if rebuild or self._queued is None:
                self._queued = "rebuild" if rebuild else "sync"
            return
        lib = self.library
        self._tickets += 1
        ticket = self._tickets
        self._updating[ticket] = lib
        stop = self._stops[ticket] = threading.Event()
        self.tasks.run(partial(jobs.update, lib, rebuild, stop=stop),
                       partial(self._updated, ticket), partial(self._update_failed, ticket),
                       partial(self._update_progress, ticket))
        self.indexing.emit(True)

    def _finished(self, ticket: int) -> bool:
        """Note that an update ended; return True if it was the current archive's."""
        self._stops.pop(ticket, None)
        current = self._updating.pop(ticket, None) is self.library
        if current:
            self.indexing.emit(False)
            queued, self._queued = self._queued, None
            if queued:
                self._update(rebuild=queued == "rebuild")
        return current

    def _update_progress(self, ticket: int, p: Progress) -> None:
        if self._updating.get(ticket) is not self.library:
            return
        self.index_progress.emit(p)
        if p.searchable and not self.ready:
            self.ready = True
            self.searchable.emit()

    def _updated(self, ticket: int, report: IndexReport) -> None:
        if not self._finished(ticket):
            return
        self.ready = True
        self._damaged = None
        self.problems = report.problems + report.partial  # skipped, then read in part
        self.problems_changed.emit(self.problems)
        self.index_done.emit(report)
        self._open_index()
        if report.added or report.changed or report.removed or report.rebuilt:
            self._docs.clear()
            self._list_documents()
            self.archive_changed.emit()
            self._rerun_search()

    def _open_index(self) -> None:
        """Open the index on the searching thread now, so the first search does not wait for it."""
        self.tasks.run(self.library.index.doc_count, None, self._task_failed, search=True)

    def _update_failed(self, ticket: int, exc: BaseException) -> None:
        if not self._finished(ticket):
            return
        if isinstance(exc, IndexBusy):
            self.status.emit(f"{exc}. Searching what is there; trying again in a moment.")
            QTimer.singleShot(BUSY_RETRY_MS, self.sync)
        elif isinstance(exc, IndexStopped):
            self.status.emit("Indexing stopped; it carries on from there at the next start.")
        else:
            self.status.emit(f"Indexing failed: {exc}")

    def _on_damage(self, reason: str) -> None:
        """A read found the index damaged: rebuild it (once) with progress, then ask again."""
        if self._damaged is not None:
            return
        self._damaged = reason
        self.status.emit(f"The index is damaged ({reason}); rebuilding it…")
        self.rebuild()

    # -- searching ------------------------------------------------------------------

    def search(self, text: str, sort: str = "relevance", filters: Filters | None = None,
               limit: int = SEARCH_LIMIT) -> int:
        """Ask a query (narrowed by filters: the timeline's range, this document only) in the
        background; return its number.

        A waiting older query is dropped (it never runs); a running one is cancelled before it
        builds its hits. Only the first SNIPPETS hits come with snippets: fill_snippets adds the
        others' when they are shown.
        """
        self._search_seq += 1
        filters = filters or Filters()
        self._last_search = (text, sort, filters)
        job = (self._search_seq, text, sort, filters, limit)
        if self._search_running is None:
            self._start_search(job)
        else:
            self._search_waiting = job  # replaces an older waiting query: it never runs
        return self._search_seq

    def cancel_search(self) -> None:
        """Forget the current query: nothing more is delivered for it."""
        self._search_seq += 1
        self._search_waiting = None
        self._last_search = None

    def _rerun_search(self) -> None:
        if self._last_search is not None:
            text, sort, filters = self._last_search
            self.search(text, sort, filters)

    def _start_search(self, job: tuple[int, str, str, Filters, int]) -> None:
        seq, text, sort, filters, limit = job
        self._search_running = seq
        self.tasks.run(partial(jobs.search, self.library, text, limit, sort, filters,
                               partial(self._stale, seq)),
                       partial(self._searched, seq), partial(self._search_error, seq), search=True)

    def _stale(self, seq: int) -> bool:
        """(any thread) Return True once a newer query was asked or the query was forgotten."""
        return seq != self._search_seq

    def fill_snippets(self, result: SearchResult, hits: list) -> None:
        """Build the snippets of hits that are shown (in the background); emit snippets_ready."""
        self.tasks.run(partial(self.library.search.with_snippets, result, hits),
                       partial(self._snippets_built, result), self._task_failed, search=True)

    def _snippets_built(self, result: SearchResult, hits: list) -> None:
        self.snippets_ready.emit(result, hits)

    def _next_search(self) -> None:
        self._search_running = None
        job, self._search_waiting = self._search_waiting, None
        if job is not None:
            self._start_search(job)

    def _searched(self, seq: int, result: SearchResult) -> None:
        self._next_search()
        if seq == self._search_seq:
            self.search_done.emit(result)

    def _search_error(self, seq: int, exc: BaseException) -> None:
        self._next_search()
        if isinstance(exc, SearchCancelled):
            return  # a newer query is on its way
        if isinstance(exc, IndexDamaged):
            self._on_damage(str(exc))
        elif seq == self._search_seq:
            self.search_failed.emit(str(exc))

    def request_marks(self, text: str, ref: DocRef) -> None:
        """Work out which entries of a document match a query; emit marks_ready."""
        self._marks_seq += 1
        seq, lib = self._marks_seq, self.library
        self.tasks.run(partial(lib.search.matching_entries, text, ref),
                       partial(self._marked, seq, ref, text), partial(self._marks_failed, seq),
                       search=True)

    def _marked(self, seq: int, ref: DocRef, text: str, ids: set[str]) -> None:
        if seq == self._marks_seq:
            self.marks_ready.emit(ref, text, ids)

    def _marks_failed(self, seq: int, exc: BaseException) -> None:
        if isinstance(exc, IndexDamaged):
            self._on_damage(str(exc))
        elif seq == self._marks_seq:
            self.status.emit(f"Could not mark the matches: {exc}")

    def _task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, IndexDamaged):
            self._on_damage(str(exc))
        else:
            self.status.emit(f"Something went wrong: {exc}")
