"""Time the window from process start to a filled document list (used by `make bench`)."""

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
    build is done. Otherwise (a warm start): wait for the index sync and report idle RSS.
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
    with open("/proc/self/status", encoding="ascii") as fh:
        rss = int(fh.read().split("VmRSS:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": shown, "idle_rss_mb": rss, "documents": listed(),
                      "longest_stall_ms": stalls.longest * 1000}))
    window.close()
    window.controller.shutdown()
    del app


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
