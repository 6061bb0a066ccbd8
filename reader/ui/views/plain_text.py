"""Archive text into Qt widgets that guess rich text (tooltips, labels, message boxes, dialogs), as text.

Qt renders a string as HTML when it merely looks like HTML (Qt::mightBeRichText): a headline
that reads "<img src=…>" would be drawn as an image. Every widget that shows text from the
archive (titles, headlines, notes, file names, reasons) gets it through here.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QLineEdit, QMessageBox, QWidget


def tooltip(text: str) -> str:
    """Return a tooltip that shows text as it is: escaped into rich text, line breaks kept (a
    tooltip has no text format of its own to set)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def label(widget: QLabel, text: str = "") -> QLabel:
    """Make a label show its text as text, and set it."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(text)
    return widget


def message_box(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None = None,
                informative: str = "") -> QMessageBox:
    """Return a message box whose texts are shown as text."""
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if informative:
        box.setInformativeText(informative)
        for child in box.findChildren(QLabel):  # (the informative text has a label of its own)
            child.setTextFormat(Qt.TextFormat.PlainText)
    return box


def ask_text(parent: QWidget | None, title: str, prompt: str, text: str = "") -> tuple[str, bool]:
    """Ask for a line of text, its prompt shown as text; return (text, whether OK was chosen)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setLabelText(prompt)
    dialog.setTextValue(text)
    for child in dialog.findChildren(QLabel):
        child.setTextFormat(Qt.TextFormat.PlainText)
    ok = dialog.exec() == QInputDialog.DialogCode.Accepted
    answer = dialog.textValue()
    dialog.deleteLater()
    return answer, ok
