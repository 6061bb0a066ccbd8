"""Catching up in the window: what is new, worked out and written off the GUI thread, as signals.

Entries the reader sees are written in the background (never on the GUI thread) and the
new counts worked out again after; changes by other programs (`liveblog-reader read`) are
picked up as the bookmarks' are.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from reader.library import CatchUp, Library
from reader.model import DocRef, Entry, Hit
from reader.ui.control.tasks import TaskRunner

WATCH_MS = 1500  # how often the reading state is looked at for changes by other programs
SETTLE_MS = 150  # marks written close together are counted once


class CatchingUp(QObject):
    """The reading state of the current library: the latest CatchUp, and writes to it."""

    changed = Signal(object)  # CatchUp
    whats_new = Signal(object)  # list[tuple[DocumentInfo, list[Hit], set[str]]]
    message = Signal(str)

    def __init__(self, library: Library, tasks: TaskRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.tasks = tasks
        self.current = CatchUp()
        self._seq = 0
        self._version = library.reading.version()
        self.watch = QTimer(self, interval=WATCH_MS)
        self.watch.timeout.connect(self._check)
        self.watch.start()
        self.settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self.settle.timeout.connect(self.refresh)

    def set_library(self, library: Library) -> None:
        """Follow the window to another archive."""
        self.library = library
        self.current = CatchUp()
        self.refresh()

    def _check(self) -> None:
        version = self.library.reading.version()
        if version != self._version:
            self._version = version
            self.settle.start()

    def refresh(self) -> None:
        """Work out what is new again (on the searching thread: it reads the index)."""
        self._seq += 1
        self.tasks.run(self.library.reading.catch_up, partial(self._caught_up, self._seq, self.library),
                       self._failed, search=True)

    def _caught_up(self, seq: int, library: Library, caught: CatchUp) -> None:
        if seq == self._seq and library is self.library:
            self.current = caught
            self.changed.emit(caught)

    def list_new(self) -> None:
        """Gather every new entry of the archive, by document (emits whats_new)."""
        library = self.library
        self.tasks.run(library.reading.new_entries, partial(self._listed, library), self._failed, search=True)

    def _listed(self, library: Library, found: list[tuple[object, list[Hit], set[str]]]) -> None:
        if library is self.library:
            self.whats_new.emit(found)

    def mark_opened(self, ref: DocRef, entries: list[Entry]) -> None:
        """Note that the reader opened a document holding these entries."""
        self._write(partial(self.library.reading.mark_opened, ref, list(entries)))

    def mark_seen(self, ref: DocRef, entries: list[Entry]) -> None:
        """Note entries the reader has seen (written in the background)."""
        if entries:
            self._write(partial(self.library.reading.mark_seen, ref, list(entries)))

    def mark_read(self, ref: DocRef) -> None:
        """Mark every entry of a document seen."""
        self._write(partial(self.library.reading.mark_read, ref), "Marked as read.")

    def _write(self, fn, done: str | None = None) -> None:
        self.tasks.run(fn, partial(self._written, done), self._failed)

    def _written(self, done: str | None, _result) -> None:
        self._version = self.library.reading.version()
        if done:
            self.message.emit(done)
        self.settle.start()

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(f"The reading state could not be used: {exc}")
