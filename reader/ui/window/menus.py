"""The window's menus and their actions, with the shortcuts F1 lists (taken from these actions)."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from reader.ui.window import dialogs
from reader.ui.window.theme import THEMES

DOCUMENTS, RESULTS, BOOKMARKS, WHATS_NEW = range(4)


def _action(window, menu, text: str, slot, shortcut=None, context=None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
    if context is not None:
        action.setShortcutContext(context)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build(w) -> QActionGroup:
    """Give a MainWindow its menus; return the group of theme actions."""
    bar, entries, pane = w.menuBar(), w.entries, w.pane
    file_menu = bar.addMenu("&File")
    _action(w, file_menu, "&Open Archive Folder…", w.choose_archive, QKeySequence.StandardKey.Open)
    file_menu.addSeparator()
    export = _action(w, file_menu, "&Export Selected…", entries.export_selected, "Ctrl+E")
    chronological = QAction("Export in &Chronological Order", w, checkable=True)
    chronological.setChecked(entries.chronological())
    chronological.toggled.connect(
        lambda on: w.settings.setValue("export/chronological", "true" if on else "false"))
    file_menu.addAction(chronological)
    file_menu.addSeparator()
    _action(w, file_menu, "Re&build Index…", w.confirm_rebuild)
    _action(w, file_menu, "Archive &Problems…", lambda: dialogs.show_problems(w, w.problems))
    file_menu.addSeparator()
    _action(w, file_menu, "&Quit", w.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    _action(w, edit, "&Find", w.searching.focus, QKeySequence.StandardKey.Find)
    _action(w, edit, "C&lear the Search, Back to the Document", w.searching.leave, "Esc")
    copy = _action(w, edit, "&Copy Entry as Text", entries.copy_current,
                   QKeySequence.StandardKey.Copy, Qt.ShortcutContext.WidgetWithChildrenShortcut)
    pane.addAction(copy)
    copy_selected = _action(w, edit, "Copy &Selected as Text", entries.copy_selected, "Ctrl+Shift+C")
    edit.addSeparator()
    bookmark = _action(w, edit, "&Bookmark / Remove Bookmark", entries.toggle_current, "Ctrl+D")
    note = _action(w, edit, "Edit Bookmark &Note and Tags…", entries.edit_note, "Ctrl+Shift+D")
    for view in (pane.view, w.results.view, w.marks_panel.view):
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addActions([bookmark, note, copy_selected, export])

    document = bar.addMenu("&Document")
    _action(w, document, "&Next New Entry", w.news.next_new, "N")
    _action(w, document, "Mark as &Read", w.news.mark_read, "Shift+A")
    _action(w, document, "Go to a &Copy Elsewhere", w.copies.next_copy, "C")
    document.addSeparator()
    _action(w, document, "Set &Date…", w.ask_document_date)
    _action(w, document, "&Clear the Date I Set", w.clear_document_date)

    view = bar.addMenu("&View")
    _action(w, view, "&Documents", partial(w.show_tab, DOCUMENTS), "Ctrl+1")
    _action(w, view, "&Results", partial(w.show_tab, RESULTS), "Ctrl+2")
    _action(w, view, "&Bookmarks", partial(w.show_tab, BOOKMARKS), "Ctrl+3")
    _action(w, view, "&What's New", partial(w.show_tab, WHATS_NEW), "Ctrl+4")
    view.addSeparator()
    _action(w, view, "Next Match", partial(pane.step_match, True), QKeySequence.StandardKey.FindNext)
    _action(w, view, "Previous Match", partial(pane.step_match, False),
            QKeySequence.StandardKey.FindPrevious)
    _action(w, view, "Newest First / Oldest First (Liveblogs)", pane.toggle_order, "Ctrl+R")
    view.addSeparator()
    _action(w, view, "Zoom &In", partial(w.zoom, 1), [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
    _action(w, view, "Zoom &Out", partial(w.zoom, -1), "Ctrl+-")
    _action(w, view, "&Actual Size", partial(w.zoom, 0), "Ctrl+0")
    view.addSeparator()
    themes = QActionGroup(w)
    theme_menu = view.addMenu("&Theme")
    for name, label in zip(THEMES, ("Follow the &System", "&Light", "&Dark"), strict=True):
        action = _action(w, theme_menu, label, partial(w.set_theme, name))
        action.setCheckable(True)
        action.setData(name)
        themes.addAction(action)
    check_theme(themes, str(w.settings.value("view/theme", "system")))

    help_menu = bar.addMenu("&Help")
    _action(w, help_menu, "&Keyboard Shortcuts", w.show_shortcuts, "F1")
    help_menu.addSeparator()
    _action(w, help_menu, "&About Liveblog Reader",
            lambda: dialogs.show_about(w, w.library.archive_dir, w.library.data_dir))
    return themes


def check_theme(themes: QActionGroup, theme: str) -> None:
    """Tick the theme in use."""
    for action in themes.actions():
        action.setChecked(action.data() == theme)
