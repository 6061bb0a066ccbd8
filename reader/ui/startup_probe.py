"""Time the window from process start to a filled document list (used by `make bench`)."""

from __future__ import annotations

import json
import os
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    """Open the window on argv[1] with data dir argv[2]; print timings as one JSON line.

    With a third argument "cold" and a fourth, the number of files, stop once that many are
    listed (not waiting for the background build); otherwise wait for the index sync and
    report idle RSS.
    """
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from reader.ui.app import build_window

    app = QApplication.instance() or QApplication([])
    window = build_window(Path(sys.argv[1]), Path(sys.argv[2]))
    window.show()
    window.start()
    _wait(lambda: window.doc_model.rowCount() > 0)
    shown = time.perf_counter() - T0
    if sys.argv[3:4] == ["cold"]:
        first = window.doc_model.rowCount()
        _wait(lambda: window.doc_model.rowCount() >= int(sys.argv[4]))
        print(json.dumps({"seconds": shown, "first_documents": first,
                          "all_seconds": time.perf_counter() - T0}), flush=True)
        os._exit(0)  # leave the background build unfinished
    _wait(lambda: not window.index_running)
    with open("/proc/self/status", encoding="ascii") as fh:
        rss = int(fh.read().split("VmRSS:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": shown, "idle_rss_mb": rss, "documents": window.doc_model.rowCount()}))
    window.close()
    window.tasks.wait()
    del app


def _wait(condition) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer(interval=5)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    loop.exec()
