"""The one helper for background work: run a function on the thread pool, get the result on the GUI thread.

Do not touch widgets in the function you pass: it runs on a worker thread. The callbacks
(`on_done`, `on_error`, `on_progress`) run on the GUI thread and should be bound methods of
GUI objects.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable, signals: _Signals, with_progress: bool):
        super().__init__()
        self.task_id, self.fn, self.signals, self.with_progress = task_id, fn, signals, with_progress

    def run(self) -> None:
        try:
            if self.with_progress:
                result = self.fn(lambda value: self.signals.progress.emit(self.task_id, (value,)))
            else:
                result = self.fn()
        except BaseException as exc:  # reported on the GUI thread, never lost
            self.signals.failed.emit(self.task_id, (exc,))
        else:
            # always a tuple: a bare None through a queued object signal trips a PySide6
            # refcount bug (a fatal "deallocating None" at exit)
            self.signals.done.emit(self.task_id, (result,))


class TaskRunner(QObject):
    """Runs functions off the GUI thread and hands results back on it."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, Callable | None]] = {}
        self._signals = _Signals()
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[Any], None] | None = None) -> int:
        """Run fn() (or fn(report) when on_progress is given) on the pool; return the task id."""
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error, on_progress)
        self.pool.start(_Job(task_id, fn, self._signals, on_progress is not None))
        return task_id

    def pending(self) -> int:
        """Return how many tasks have not reported back yet."""
        return len(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the pool's running tasks (at shutdown); return True if all finished."""
        return self.pool.waitForDone(msecs)

    @Slot(int, object)
    def _done(self, task_id: int, result: object) -> None:
        on_done, _, _ = self._callbacks.pop(task_id, (None, None, None))
        if on_done is not None:
            on_done(result[0])

    @Slot(int, object)
    def _failed(self, task_id: int, exc: object) -> None:
        _, on_error, _ = self._callbacks.pop(task_id, (None, None, None))
        if on_error is not None:
            on_error(exc[0])

    @Slot(int, object)
    def _progress(self, task_id: int, value: object) -> None:
        _, _, on_progress = self._callbacks.get(task_id, (None, None, None))
        if on_progress is not None:
            on_progress(value[0])
