"""What the window remembers between starts (in settings.ini in the data dir)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class WindowState:
    """The window's geometry and splitter (as Qt saves them), list orders, thread order, zoom."""

    geometry: QByteArray | None = None
    splitter: QByteArray | None = None
    documents_order: int = 0
    results_order: int = 0
    newest_first: bool = True
    zoom: float = 1.0


def load(settings: QSettings) -> WindowState:
    """Return the state the settings hold (what is missing or malformed: as a first start)."""
    geometry, splitter = settings.value("window/geometry"), settings.value("window/splitter")
    return WindowState(geometry if isinstance(geometry, QByteArray) else None,
                       splitter if isinstance(splitter, QByteArray) else None,
                       _int(settings.value("documents/sort"), 0), _int(settings.value("results/sort"), 0),
                       str(settings.value("pane/newest_first", "true")) == "true",
                       _float(settings.value("pane/zoom"), 1.0))


def store(settings: QSettings, state: WindowState) -> None:
    """Write a window's state to its settings file."""
    if state.geometry is not None:
        settings.setValue("window/geometry", state.geometry)
    if state.splitter is not None:
        settings.setValue("window/splitter", state.splitter)
    settings.setValue("documents/sort", state.documents_order)
    settings.setValue("results/sort", state.results_order)
    settings.setValue("pane/newest_first", "true" if state.newest_first else "false")
    settings.setValue("pane/zoom", state.zoom)
    settings.sync()


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
