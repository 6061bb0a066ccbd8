"""Time the window for `make bench`: start to a filled document list, and typing to painted results."""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    """Open the window on argv[1] with data dir argv[2]; print timings as one JSON line.

    With a third argument "cold" and a fourth, the number of files: report when the first and
    when all documents are listed, and the longest stall of the GUI thread until the first
    build is done. With "typing" and queries (one per argument after it): type each into the
    search field and report the times from the end of typing to painted results. Otherwise
    (a warm start): wait for the index sync and report idle RSS.
    """
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from reader.ui.app import build_window

    app = QApplication.instance() or QApplication([])
    window = build_window(Path(sys.argv[1]), Path(sys.argv[2]))
    stalls = _StallMeter(QTimer)
    window.show()
    window.start()
    listed = window.documents.model.total
    _wait(lambda: listed() > 0)
    shown = time.perf_counter() - T0
    if sys.argv[3:4] == ["cold"]:
        first = listed()
        _wait(lambda: listed() >= int(sys.argv[4]))
        all_listed = time.perf_counter() - T0
        _wait(lambda: not window.controller.updating())
        print(json.dumps({"seconds": shown, "first_documents": first, "all_seconds": all_listed,
                          "built_seconds": time.perf_counter() - T0,
                          "longest_stall_ms": stalls.longest * 1000}), flush=True)
        os._exit(0)
    _wait(lambda: not window.controller.updating())
    extra = {}
    _wait(lambda: bool(window.news.catching.current.documents))  # what is new: worked out once
    extra["caught_up_seconds"] = time.perf_counter() - T0
    extra["new_entries"] = window.news.catching.current.total
    if sys.argv[3:4] == ["typing"]:
        extra = {"type_to_paint_ms": _type_to_paint(window, sys.argv[4:])}
    resident, anon, mapped = _rss_mb("VmRSS", "RssAnon", "RssFile")
    print(json.dumps({"seconds": shown, "idle_rss_mb": resident, "documents": listed(),
                      "anon_rss_mb": anon, "file_rss_mb": mapped,
                      "longest_stall_ms": stalls.longest * 1000, **extra}))
    window.close()
    window.controller.shutdown()
    del app


def _rss_mb(*keys: str) -> tuple[float, ...]:
    """Return these lines of /proc/self/status in MB: VmRSS is all resident memory, RssAnon the
    process's own (heap, stacks), RssFile that of mapped files (the index's arrays, libraries:
    pages the kernel may drop and read again)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        status = fh.read()
    return tuple(int(status.split(f"{key}:")[1].split()[0]) / 1024 for key in keys)


def _type_to_paint(window, queries: list[str]) -> list[float]:
    """Type each query; return, per query, ms from the debounce firing to results painted.

    The clock starts when the search field's pause timer fires (the debounce itself is left
    out) and stops once the results list has painted the new answer (after the paint event
    is handled).
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    bar = window.search_bar
    state: dict = {"asked": None, "before": None, "fired": 0.0, "painted": None}

    def fired() -> None:
        state.update(asked=bar.text(), before=window.result, fired=time.perf_counter())

    bar.timer.timeout.disconnect(bar._fire)  # the clock starts before the search is asked
    bar.timer.timeout.connect(fired)
    bar.timer.timeout.connect(bar._fire)

    class PaintWatch(QObject):
        def eventFilter(self, obj, event) -> bool:
            result = window.result
            if (event.type() == QEvent.Type.Paint and state["asked"] is not None
                    and result is not state["before"] and result is not None
                    and result.query == state["asked"]):
                state["asked"] = None
                QTimer.singleShot(0, lambda: state.update(painted=time.perf_counter()))
            return False

    watch = PaintWatch()
    window.results.view.viewport().installEventFilter(watch)
    times = []
    for query in queries:
        state["painted"] = None
        bar.setFocus()
        bar.selectAll()
        _type(bar, query)
        _wait(lambda: state["painted"] is not None)
        times.append((state["painted"] - state["fired"]) * 1000)
    return times


def _type(widget, text: str) -> None:
    """Type text into a widget key by key, as a person would (accented letters too)."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown,
                                                     Qt.KeyboardModifier.NoModifier, char))


class _StallMeter:
    """Measures the longest time the GUI thread did not get back to its event loop."""

    TICK = 0.005

    def __init__(self, timer_class):
        self.longest = 0.0
        self.last = time.perf_counter()
        self.timer = timer_class(interval=int(self.TICK * 1000))
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last - self.TICK)
        self.last = now


def _wait(condition) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer(interval=5)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    loop.exec()
