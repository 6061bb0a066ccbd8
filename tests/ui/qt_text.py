"""What Qt shows of a string: as it is, or rendered, by the widget's text format (or its guess)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGui
from PySide6.QtGui import QTextDocument


def shown(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """Return what a widget of that text format shows of text (a tooltip guesses: AutoText)."""
    guessed = fmt == Qt.TextFormat.AutoText and QtGui.mightBeRichText(text)
    if fmt == Qt.TextFormat.PlainText or (fmt == Qt.TextFormat.AutoText and not guessed):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()
