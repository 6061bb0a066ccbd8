"""What the window remembers between starts (in settings.ini in the data dir)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray


def restore(window) -> None:
    """Put a MainWindow back as it was: geometry, splitter, orders, zoom."""
    s = window.settings
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    splitter = s.value("window/splitter")
    if isinstance(splitter, QByteArray):
        window.splitter.restoreState(splitter)
    window.documents.set_order_index(_int(s.value("documents/sort"), 0))
    window.results.sort.setCurrentIndex(_int(s.value("results/sort"), 0))
    window.pane.set_newest_first(str(s.value("pane/newest_first", "true")) == "true")
    window.pane.set_zoom(_float(s.value("pane/zoom"), 1.0))


def save(window) -> None:
    """Write a MainWindow's state to its settings file."""
    s = window.settings
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/splitter", window.splitter.saveState())
    s.setValue("documents/sort", window.documents.order_index())
    s.setValue("results/sort", window.results.sort.currentIndex())
    s.setValue("pane/newest_first", "true" if window.pane.newest_first else "false")
    s.setValue("pane/zoom", window.pane.zoom)
    s.sync()


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
