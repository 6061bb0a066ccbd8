"""The one helper for background work: run a function on a thread pool, get the result on the GUI thread.

Do not touch widgets in the function you pass: it runs on a worker thread. The callbacks
(`on_done`, `on_error`, `on_progress`) run on the GUI thread and should be bound methods of
GUI-thread objects.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

# Index updates mostly wait for worker processes and the disk; searches, parses and bookmark
# reads must not queue behind them (or behind an old archive's build that is stopping).
POOL_THREADS = max(4, (os.cpu_count() or 2) + 2)


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, object)


class _Token:
    """Shared between the runner and a job: a job cancelled before it starts never calls its function."""

    cancelled = False


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable, signals: _Signals, with_progress: bool,
                 token: _Token):
        super().__init__()
        self.task_id, self.fn, self.signals, self.with_progress = task_id, fn, signals, with_progress
        self.token = token

    def run(self) -> None:
        if self.token.cancelled:
            return
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
        if pool is None:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(POOL_THREADS)
        self.pool = pool
        # searches and what goes with them, one at a time on one thread that lives as long as
        # the runner: it keeps one open index (a thread of its own, as whoosh wants)
        self.search_pool = QThreadPool(self)
        self.search_pool.setMaxThreadCount(1)
        self.search_pool.setExpiryTimeout(-1)
        self._ids = itertools.count(1)
        self._tokens: dict[int, _Token] = {}
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, Callable | None]] = {}
        # a child made after the pool: when the runner goes, the pool waits for its jobs first
        self._signals = _Signals(self)
        self._signals.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        self._signals.progress.connect(self._progress, Qt.ConnectionType.QueuedConnection)

    def run(self, fn: Callable[..., Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None,
            on_progress: Callable[[Any], None] | None = None, search: bool = False) -> int:
        """Run fn() (or fn(report) when on_progress is given) on the pool; return the task id.

        search=True runs it on the searching thread (after the searches asked before it).
        """
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error, on_progress)
        token = self._tokens[task_id] = _Token()
        pool = self.search_pool if search else self.pool
        pool.start(_Job(task_id, fn, self._signals, on_progress is not None, token))
        return task_id

    def cancel(self, task_id: int) -> None:
        """Forget a task: if it has not started it never will, and its callbacks never run."""
        token = self._tokens.get(task_id)
        if token is not None:
            token.cancelled = True
        self._forget(task_id)

    def pending(self) -> int:
        """Return how many tasks have not reported back yet."""
        return len(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the pools' running tasks (at shutdown); return True if all finished."""
        return self.search_pool.waitForDone(msecs) and self.pool.waitForDone(msecs)

    def _forget(self, task_id: int) -> tuple[Callable | None, Callable | None, Callable | None]:
        self._tokens.pop(task_id, None)
        return self._callbacks.pop(task_id, (None, None, None))

    @Slot(int, object)
    def _done(self, task_id: int, result: object) -> None:
        on_done, _, _ = self._forget(task_id)
        if on_done is not None:
            on_done(result[0])

    @Slot(int, object)
    def _failed(self, task_id: int, exc: object) -> None:
        _, on_error, _ = self._forget(task_id)
        if on_error is not None:
            on_error(exc[0])

    @Slot(int, object)
    def _progress(self, task_id: int, value: object) -> None:
        _, _, on_progress = self._callbacks.get(task_id, (None, None, None))
        if on_progress is not None:
            on_progress(value[0])
