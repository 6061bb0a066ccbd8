"""Time the window from process start to a filled document list (used by `make bench`)."""

from __future__ import annotations

import json
import sys
import time

T0 = time.perf_counter()


def main() -> None:
    """Open the window on argv[1] with data dir argv[2]; print timings as one JSON line."""
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from reader.ui.app import build_window

    app = QApplication.instance() or QApplication([])
    window = build_window(Path(sys.argv[1]), Path(sys.argv[2]))
    window.show()
    window.start()
    _wait(lambda: window.doc_model.rowCount() > 0)
    shown = time.perf_counter() - T0
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
