"""Copies in the window, as a reader meets them: a story found in three documents is one hit that
says where else it is, → lists the copies under it (Enter opens one), the thread says "also in"
with links, C goes to the next copy, "Every copy" lists each as a hit."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from reader.library import Library
from reader.model import DocRef
from tests.planted import write_archive
from tests.ui.qt_text import shown
from tests.ui.test_window import search


def _three_copies(tmp_path):
    folder = tmp_path / "archive"
    plan = write_archive(folder, seed=1)
    group = next(g for g in plan.groups if len(g) == 3)
    file, position = min(group)
    entry = Library(folder, tmp_path / "probe").documents.get(DocRef(file)).entries[position]
    return folder, group, '"' + " ".join(entry.paragraphs[0].split()[:3]) + '"'


def _link_point(view, row: int, href: str) -> QPoint | None:
    """Return where in the view a card's link is drawn (found by asking the delegate, once the
    card is painted), or None."""
    index = view.model().index(row)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    delegate = view.itemDelegate()
    rect = option.rect
    for y in range(rect.top(), rect.bottom(), 2):
        for x in range(rect.left(), rect.right(), 4):
            if delegate.anchor_at(option, index, QPointF(x, y)) == href:
                return QPoint(x, y)
    return None


def _click_link(qtbot, view, row: int, href: str) -> None:
    qtbot.waitUntil(lambda: _link_point(view, row, href) is not None, timeout=5_000)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_link_point(view, row, href))


def test_a_story_in_three_documents_is_one_hit_whose_copies_open(qtbot, make_window, tmp_path):
    folder, group, phrase = _three_copies(tmp_path)
    window = make_window(folder)
    result = search(qtbot, window, phrase)
    assert (result.total, result.stories, len(result.hits)) == (3, 1, 1)
    assert "3 entries, 1 story" in shown(window.results.info.text(), Qt.TextFormat.RichText)
    results = window.results
    results.enter()
    qtbot.keyClick(results.view, Qt.Key.Key_Right)  # → lists the copies under the hit
    model = results.model
    assert model.rowCount() == 3 and [model.is_copy(h.id) for h in model.items] == [False, True, True]
    assert {(h.document.file) for h in model.items} == {f for f, _ in group}
    qtbot.keyClick(results.view, Qt.Key.Key_Down)
    copy = model.items[1]
    qtbot.keyClick(results.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pane.document is not None and window.pane.document.ref == copy.document)
    assert window.pane.current_entry().id == copy.id
    results.view.setFocus()
    qtbot.keyClick(results.view, Qt.Key.Key_Left)  # ← folds them again
    assert model.rowCount() == 1
    _click_link(qtbot, results.view, 0, "copies")
    assert model.rowCount() == 3  # the "also in 2 other documents" link lists them too


def test_the_thread_names_where_else_an_entry_is_and_c_goes_there(qtbot, make_window, tmp_path):
    folder, group, phrase = _three_copies(tmp_path)
    window = make_window(folder)
    hit = search(qtbot, window, phrase).hits[0]
    window.results.enter()
    qtbot.keyClick(window.results.view, Qt.Key.Key_Return)
    pane = window.pane
    qtbot.waitUntil(lambda: hit.id in pane.model.copies, timeout=10_000)
    others = {c.document.file for c in pane.model.copies[hit.id]}
    assert others == {f for f, _ in group} - {hit.document.file}
    visited = [hit.document.file]
    for _ in range(3):  # C walks round the group, a document each time
        qtbot.waitUntil(lambda: pane.current_entry().id in pane.model.copies, timeout=10_000)
        pane.view.setFocus()
        before = pane.document.ref
        qtbot.keyClick(pane.view, Qt.Key.Key_C)
        qtbot.waitUntil(lambda b=before: pane.document.ref != b)
        visited.append(pane.document.ref.file)
        assert pane.current_entry() is not None
    assert set(visited) == {f for f, _ in group} and visited[3] == visited[0]
    qtbot.waitUntil(lambda: pane.current_entry().id in pane.model.copies, timeout=10_000)
    row = pane.model.row_of(pane.current_entry().id)
    pane.view.scrollTo(pane.model.index(row))
    target = pane.model.copies[pane.current_entry().id][0]
    _click_link(qtbot, pane.view, row, "copy:0")
    qtbot.waitUntil(lambda: pane.document.ref == target.document)
    assert pane.current_entry().id == target.id


def test_every_copy_lists_each_as_a_hit(qtbot, make_window, tmp_path):
    folder, _group, phrase = _three_copies(tmp_path)
    window = make_window(folder)
    search(qtbot, window, phrase)
    window.results.every_copy.setChecked(True)
    qtbot.waitUntil(lambda: window.result.folded is False)
    assert len(window.result.hits) == 3 and window.results.model.rowCount() == 3
    assert "3 hits (1 story)" in shown(window.results.info.text(), Qt.TextFormat.RichText)
