"""Bookmarks in the window: loading them, toggling and annotating in the background, as signals."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, Signal

from reader.library import Library
from reader.model import Bookmark
from reader.ui.tasks import TaskRunner


@dataclass(frozen=True)
class BookmarkState:
    """What the views show of the bookmarks: all of them, the filtered ones, tags, counts per document."""

    everything: tuple[Bookmark, ...] = ()
    shown: tuple[Bookmark, ...] = ()
    tags: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)


class Bookmarks(QObject):
    """The bookmarks of the current library; every change is written off the GUI thread."""

    loaded = Signal(object)  # BookmarkState
    message = Signal(str)

    def __init__(self, library: Library, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.by_id: dict[str, Bookmark] = {}
        self.filters: tuple[str | None, str | None] = (None, None)
        self._seq = 0

    def set_library(self, library: Library) -> None:
        """Follow the window to another archive."""
        self.library = library
        self.by_id = {}
        self.refresh()

    def refresh(self, tag: str | None = None, text: str | None = None, keep: bool = False) -> None:
        """Reload the bookmarks in the background (keep=True: with the filters last used)."""
        if not keep:
            self.filters = (tag, text)
        tag, text = self.filters
        self._seq += 1
        self.tasks.run(partial(_load, self.library, tag, text), partial(self._loaded, self._seq),
                       self._failed)

    def _loaded(self, seq: int, state: BookmarkState) -> None:
        if seq != self._seq:
            return
        self.by_id = {b.entry_id: b for b in state.everything}
        self.loaded.emit(state)

    def toggle(self, entry_id: str) -> None:
        """Bookmark an entry, or remove its bookmark."""
        lib = self.library
        if entry_id in self.by_id:
            self.by_id.pop(entry_id)
            self.tasks.run(partial(lib.unbookmark, entry_id), self._changed, self._failed)
            self.message.emit("Removed the bookmark.")
        else:
            self.tasks.run(partial(lib.bookmark, entry_id), self._changed, self._failed)
            self.message.emit("Bookmarked. Ctrl+Shift+D adds a note and tags.")

    def annotate(self, entry_id: str, note: str, tags: list[str]) -> None:
        """Save a bookmark's note and tags (bookmarking the entry if it was not)."""
        self.tasks.run(partial(self.library.annotate, entry_id, note, tags),
                       partial(self._changed, note="Saved the note and tags."), self._failed)

    def _changed(self, _result=None, note: str | None = None) -> None:
        if note:
            self.message.emit(note)
        self.refresh(keep=True)

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(f"The bookmark could not be saved: {exc}")
        self.refresh(keep=True)


def _load(library: Library, tag: str | None, text: str | None) -> BookmarkState:
    """(worker) Read the bookmarks, the filtered ones, the tags and the counts per document."""
    everything = library.bookmark_list()
    shown = library.bookmark_list(tag, text) if (tag or text) else everything
    return BookmarkState(tuple(everything), tuple(shown), tuple(library.bookmark_tags()),
                         library.bookmark_counts())
