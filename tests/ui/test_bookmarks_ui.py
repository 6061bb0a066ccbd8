"""Bookmarks and export in the window: Ctrl+D, the star, the panel, multi-select, Ctrl+E."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from tests.conftest import BUNDLED, LIVEBLOG, LIVEBLOG_DOC
from tests.ui.test_window import open_liveblog, search


def wait_bookmarks(qtbot, window, n):
    qtbot.waitUntil(lambda: len(window.bookmarks.by_id) == n and window.tasks.pending() == 0)


def test_ctrl_d_star_and_panel(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    view = window.pane.view
    view.setFocus()
    view.setCurrentIndex(window.pane.model.index(2))
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_bookmarks(qtbot, window, 1)
    third = window.pane.model.item(2)
    assert third.id in window.pane.model.bookmarked  # a filled star on its card
    # the star on another card
    index = window.pane.model.index(0)
    card = view.visualRect(index).adjusted(6, 3, -6, -3)
    star = window.pane.delegate.star_rect(card).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=star)
    wait_bookmarks(qtbot, window, 2)
    panel = window.marks_panel
    assert [b.entry_id for b in panel.model.items] == [window.pane.model.item(0).id, third.id]
    assert window.documents.model.bookmark_counts == {LIVEBLOG_DOC: 2}
    # Ctrl+D again removes
    view.setFocus()
    view.setCurrentIndex(window.pane.model.index(2))
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_bookmarks(qtbot, window, 1)
    # activating a bookmark opens its entry in the thread
    window.tabs.setCurrentIndex(2)
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0))
    window.pane.view.setCurrentIndex(window.pane.model.index(5))
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pane.current_entry().id == window.pane.model.item(0).id)


def test_bookmark_a_search_hit_and_filter_by_tag(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Frederiksen")
    window.results.view.setFocus()
    window.results.view.setCurrentIndex(window.results.model.index(0))
    qtbot.keyClick(window.results.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_bookmarks(qtbot, window, 1)
    eid = window.results.model.item(0).id
    window.library.bookmarks.annotate(eid, note="gas", tags=["energie"])
    window.refresh_bookmarks()
    qtbot.waitUntil(lambda: window.marks_panel.tag.count() == 2)
    window.marks_panel.tag.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.tasks.pending() == 0)
    qtbot.waitUntil(lambda: [b.entry_id for b in window.marks_panel.model.items] == [eid])
    html = window.marks_panel.view.itemDelegate().html(
        window.marks_panel.model.index(0), window.palette())
    assert "&nbsp;energie&nbsp;</span>" in html and "gas" in html


def test_multi_select_and_ctrl_e_export(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    view = window.pane.view
    view.setFocus()
    model = window.pane.model
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(model.index(1)).center())
    view.scrollTo(model.index(3))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, view.visualRect(model.index(3)).center())
    assert [e.headline for e in window.pane.selected_entries()] == [
        model.item(1).headline, model.item(3).headline]
    target = tmp_path / "out" / "export.md"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "Markdown (*.md)")))
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: target.exists() and window.tasks.pending() == 0)
    text = target.read_text(encoding="utf-8")
    for entry in (model.item(1), model.item(3)):
        assert f"## {entry.headline}" in text
        assert all(p in text for p in entry.paragraphs)
        assert entry.id in text
    assert LIVEBLOG in text and "Exported 2 entries" in window.status.text()


def test_export_selected_hits_and_copy(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    window.results.view.setFocus()
    selection = window.results.view.selectionModel()
    for row in (0, 2):
        selection.select(window.results.model.index(row), QItemSelectionModel.SelectionFlag.Select)
    chosen = [window.results.model.item(0), window.results.model.item(2)]
    qtbot.keyClick(window.results.view, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "Copied 2 entries" in window.status.text())
    copied = QGuiApplication.clipboard().text()
    assert all(h.id in copied for h in chosen)
    target = tmp_path / "hits"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "Text (*.txt)")))
    window.entries.export_selected()
    qtbot.waitUntil(lambda: (tmp_path / "hits.txt").exists() and window.tasks.pending() == 0)
    assert (tmp_path / "hits.txt").read_text(encoding="utf-8").count("Entry: ") == 2


def test_export_to_a_missing_folder_says_so(qtbot, make_window, tmp_path, monkeypatch):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    window.pane.view.setFocus()
    target = tmp_path / "gone" / "x.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "Text (*.txt)")))
    window.entries.export_selected()
    qtbot.waitUntil(lambda: "Export failed" in window.status.text())
    assert "folder does not exist" in window.status.text()
    assert not target.parent.exists()
