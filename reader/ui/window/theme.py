"""The look: Fusion with our stylesheet, and the theme the reader chose (follow the system, light, dark)."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from reader import defaults

THEMES = ("system", "light", "dark")


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Use Fusion, our stylesheet and the palette of a theme: "system" follows the desktop."""
    app.setStyle("Fusion")
    dark = theme == "dark" or (theme == "system"
                               and app.styleHints().colorScheme() == Qt.ColorScheme.Dark)
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    with contextlib.suppress(OSError):
        app.setStyleSheet((defaults.RESOURCES / "style.qss").read_text(encoding="utf-8"))


def dark_palette() -> QPalette:
    """Return the dark palette."""
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a", QPalette.ColorRole.AlternateBase: "#26272b",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#2b2c30",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#4a7fc1",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Mid: "#3c3d42",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6", QPalette.ColorRole.ToolTipBase: "#2b2c30",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.Link: "#8ab4f8",
    }
    for role, color in colors.items():
        p.setColor(role, color)
    return p
