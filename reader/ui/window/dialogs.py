"""The window's small dialogs: keyboard shortcuts (built from the actions), archive problems, about."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from reader import wording
from reader.model import Bookmark, Document, Problem
from reader.ui.views import plain_text

# Keys that lists and the pane handle themselves (they are not menu actions).
MOVING = [
    ("Enter", "Open the selected document, hit or bookmark and read it"),
    ("↑ ↓  or  j k", "Move between documents, hits or entries"),
    ("Down (in the search field)", "Move into the results"),
    ("Ctrl/Shift+click", "Select several"),
]


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """Return (keys, what) for every action that has a shortcut, in menu order."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            rows.append((" / ".join(keys), action.text().replace("&", "").rstrip("…")))
    return rows


def show_shortcuts(parent: QWidget, actions: Iterable[QAction]) -> None:
    """List every shortcut of the window's actions, then the keys lists handle themselves."""
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
                   for k, v in [*shortcut_rows(actions), *MOVING])
    box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard Shortcuts", f"<table>{rows}</table>",
                      parent=parent)
    box.open()


SHOWN_PROBLEMS = 8  # per group in the message itself; all of them under "Show Details…"


def show_problems(parent: QWidget, problems: list[Problem]) -> None:
    """Say which files were skipped, and which were read in part, and why (a long list in full
    under Show Details…, where it scrolls)."""
    if not problems:
        QMessageBox.information(parent, "Archive Problems", "Every file of the archive was read.")
        return
    box = QMessageBox(QMessageBox.Icon.Warning, "Archive Problems", "", parent=parent)
    parts, details = [], []
    for heading, group in (("skipped", [p for p in problems if p.skipped]),
                           ("read in part", [p for p in problems if not p.skipped])):
        if not group:
            continue
        rows = "".join(f"<li><b>{html.escape(p.path)}</b>: {html.escape(p.reason)}</li>"
                       for p in group[:SHOWN_PROBLEMS])
        more = len(group) - SHOWN_PROBLEMS
        rows += f"<li>and {more} more (Show Details…)</li>" if more > 0 else ""
        parts.append(f"{wording.count(len(group), 'file')} {heading}:<ul>{rows}</ul>")
        details += [f"{heading}: {p.path}: {p.reason}" for p in group]
    box.setText("".join(parts))
    if len(problems) > SHOWN_PROBLEMS:
        box.setDetailedText("\n".join(details))
    box.exec()


def ask_other_archive(parent: QWidget, mark: Bookmark) -> str | None:
    """Ask what to do with a bookmark of another archive: "open" it there, read its "copy", or None."""
    gone = ("" if Path(mark.archive).is_dir()
            else "That folder is not there any more; its saved copy can be read.")
    box = plain_text.message_box(QMessageBox.Icon.Question, "Bookmark of Another Archive",
                                 f"“{mark.headline or mark.title}” was bookmarked in the archive "
                                 f"{mark.archive}.", parent, gone)
    open_it = None
    if not gone:
        open_it = box.addButton("Open That Archive", QMessageBox.ButtonRole.AcceptRole)
    copy = box.addButton("Read the Saved Copy", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "open" if clicked is open_it and open_it is not None else "copy" if clicked is copy else None


def ask_date(parent: QWidget, doc: Document) -> str | None:
    """Ask for a document's date (YYYY, YYYY-MM or YYYY-MM-DD); None if cancelled."""
    from reader import dates

    known = f"Now: {doc.date} ({doc.date_note or 'from the file'})." if doc.date else "Now: date unknown."
    if doc.date_source == "file":
        known += " The file gives its own date; a date you set is used only where it gives none."
    text, ok = plain_text.ask_text(parent, "Set Date", f"{doc.title}\n\n{known}\n\n"
                                   "Date (YYYY, YYYY-MM or YYYY-MM-DD):", doc.date or "")
    while ok and not dates.valid(text.strip()):
        text, ok = plain_text.ask_text(parent, "Set Date", f"“{text}” is not a date.\n\n"
                                       "Date (YYYY, YYYY-MM or YYYY-MM-DD):", text)
    return text.strip() if ok else None


def confirm_rebuild(parent: QWidget) -> bool:
    """Ask whether to build the index again from every file; return True for yes."""
    answer = QMessageBox.question(
        parent, "Rebuild Index", "Build the search index again from every file of the archive?\n\n"
        "Searching works on what is indexed so far while it runs; bookmarks and what you read are kept.")
    return answer == QMessageBox.StandardButton.Yes


def show_about(parent: QWidget, archive_dir: Path, data_dir: Path) -> None:
    """Name the program, its promise, and the folders in use."""
    from reader import __version__

    QMessageBox.about(parent, "About Liveblog Reader",
                      f"<h3>Liveblog Reader {__version__}</h3>"
                      "<p>Read, search, bookmark and export an offline archive of news "
                      "liveblogs.</p><p>Nothing is ever loaded from the network.</p>"
                      f"<p>Archive: {html.escape(str(archive_dir))}<br>"
                      f"Data: {html.escape(str(data_dir))}</p>")
