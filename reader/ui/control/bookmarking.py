"""Bookmarks in the window: loading them, toggling and annotating in the background, as signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from reader.library import Library
from reader.model import Bookmark
from reader.ui.control.tasks import TaskRunner

WATCH_MS = 1500  # how often the bookmark file is looked at for changes by other programs


@dataclass(frozen=True)
class BookmarkState:
    """What the views show of the bookmarks: all of them, the filtered ones, tags, counts per document."""

    everything: tuple[Bookmark, ...] = ()
    shown: tuple[Bookmark, ...] = ()
    tags: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


class Bookmarks(QObject):
    """The bookmarks of every archive, the current library's first; every change is written off
    the GUI thread, and changes made by other programs (the command line) are picked up."""

    loaded = Signal(object)  # BookmarkState
    message = Signal(str)

    def __init__(self, library: Library, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.by_id: dict[str, Bookmark] = {}  # the current archive's
        self.filters: tuple[str | None, str | None, bool] = (None, None, True)
        self._seq = 0
        self._version = library.bookmarks.version()
        self.watch = QTimer(self, interval=WATCH_MS)
        self.watch.timeout.connect(self._check)
        self.watch.start()

    def _check(self) -> None:
        """Reload when the bookmarks changed on disk (by this window or another program)."""
        version = self.library.bookmarks.version()
        if version != self._version:
            self._version = version
            self.refresh(keep=True)

    def set_library(self, library: Library) -> None:
        """Follow the window to another archive."""
        self.library = library
        self.by_id = {}
        self.refresh()

    def refresh(self, tag: str | None = None, text: str | None = None, everywhere: bool = True,
                keep: bool = False) -> None:
        """Reload the bookmarks in the background (keep=True: with the filters last used)."""
        if not keep:
            self.filters = (tag, text, everywhere)
        self._seq += 1
        self.tasks.run(partial(_load, self.library, *self.filters), partial(self._loaded, self._seq),
                       self._failed)

    def _loaded(self, seq: int, state: BookmarkState) -> None:
        if seq != self._seq:
            return
        self.by_id = {b.entry_id: b for b in state.everything if self.library.bookmarks.is_here(b)}
        self.loaded.emit(state)

    def toggle(self, entry_id: str) -> None:
        """Bookmark an entry, or remove its bookmark."""
        lib = self.library
        if entry_id in self.by_id:
            self.by_id.pop(entry_id)
            self.tasks.run(partial(lib.bookmarks.remove, entry_id), self._changed, self._failed)
            self.message.emit("Removed the bookmark.")
        else:
            self.tasks.run(partial(lib.bookmarks.add, entry_id),
                           partial(self._changed, note="Bookmarked. Ctrl+Shift+D adds a note and tags."),
                           self._failed)

    def annotate(self, entry_id: str, note: str, tags: list[str]) -> None:
        """Save a bookmark's note and tags (bookmarking the entry if it was not)."""
        self.tasks.run(partial(self.library.bookmarks.annotate, entry_id, note, tags),
                       partial(self._changed, note="Saved the note and tags."), self._failed)

    def _changed(self, _result=None, note: str | None = None) -> None:
        if note:
            self.message.emit(note)
        self._version = self.library.bookmarks.version()
        self.refresh(keep=True)

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(f"The bookmark could not be saved: {exc}")
        self.refresh(keep=True)


def _load(library: Library, tag: str | None, text: str | None, everywhere: bool) -> BookmarkState:
    """(worker) Read the bookmarks, the filtered ones, the tags and this archive's counts per document."""
    everything = library.bookmarks.list(everywhere=True)
    filtered = tag or text or not everywhere
    shown = library.bookmarks.list(tag, text, everywhere) if filtered else everything
    return BookmarkState(tuple(everything), tuple(shown), tuple(library.bookmarks.tags(everywhere)),
                         library.bookmarks.counts())
