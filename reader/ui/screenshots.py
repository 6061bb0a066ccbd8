"""Save PNG screenshots of the main views (`make screenshots`): thread, search, bookmarks, dark."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from reader import defaults
from reader.ui.app import build_window
from reader.ui.theme import apply_theme

LIVEBLOG = "000_d2297999e083d57d.txt"


def _settle(window, ms: int = 300) -> None:
    loop = QEventLoop()
    deadline = QTimer(singleShot=True, interval=20_000)
    deadline.timeout.connect(loop.quit)
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: window.tasks.pending() == 0 and not window.controller.updating()
                         and loop.quit())
    deadline.start()
    poll.start()
    loop.exec()
    pause = QEventLoop()
    QTimer.singleShot(ms, pause.quit)
    pause.exec()


def shoot(target: Path) -> list[Path]:
    """Save the screenshots into target; return their paths."""
    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    target.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as data:
        window = _open(Path(data))
        window.open_document(LIVEBLOG)
        _settle(window)
        lib = window.library
        for query, note in (("Marioepol staalfabriek", "Illich-fabriek"),
                            ("Frederiksen", "Gas uit de Noordzee, niet uit Rusland")):
            hit = lib.search(query).hits[0]
            lib.bookmark(hit.id, note=note, tags=["bronnen"])
        window.refresh_bookmarks()
        _settle(window)
        window.pane.view.setFocus()
        window.pane.go_to(lib.search("Frederiksen").hits[0].id)
        _settle(window)
        saved.append(_save(window, target / "screenshot-thread.png"))
        _search_and_open(window, "Mariupol")
        saved.append(_save(window, target / "screenshot-search.png"))
        window.tabs.setCurrentIndex(2)
        _settle(window)
        saved.append(_save(window, target / "screenshot-bookmarks.png"))
        window.close()
        window.controller.shutdown()
        dark = _open(Path(data))
        dark.set_theme("dark")  # View → Theme → Dark
        _search_and_open(dark, "Kyiv")
        saved.append(_save(dark, target / "screenshot-dark.png"))
        dark.close()
        dark.controller.shutdown()
    return saved


def _open(data: Path):
    window = build_window(defaults.BUNDLED_ARCHIVE, data)
    window.resize(1360, 860)
    window.show()
    window.start()
    _settle(window)
    return window


def _search_and_open(window, text: str) -> None:
    """Search, then open the first liveblog hit in the pane."""
    window.search_bar.set_query(text)
    _settle(window)
    hit = next(h for h in window.result.hits if h.document == LIVEBLOG)
    window.open_document(hit.document, hit.id)
    _settle(window)


def _save(window, path: Path) -> Path:
    window.grab().save(str(path))
    return path


if __name__ == "__main__":
    for p in shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(p)
