"""The controller: index lifecycle and search ordering, with and without a window."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library, Search
from reader.model import DocRef
from reader.ui.control.controller import Controller
from reader.ui.control.tasks import TaskRunner
from tests import oracle
from tests.conftest import BUNDLED
from tests.kill_points import children
from tests.ui.test_window import search


@pytest.fixture
def make_controller():
    """Return a function making a Controller (without a window) that is shut down afterwards."""
    made = []

    def make(library: Library) -> Controller:
        made.append(Controller(library, TaskRunner()))
        return made[-1]

    yield make
    for controller in made:
        controller.shutdown()


def _damage(index_dir: Path) -> None:
    stored = next(index_dir.glob("*._stored.col"))  # every hit is read from it
    stored.write_bytes(b"\x00" * stored.stat().st_size)  # same size: only reading finds it


def test_a_damaged_index_found_by_a_search_is_rebuilt_with_progress(qtbot, library, make_controller):
    _damage(library.root / "index")
    fresh = Library(library.archive_dir, library.data_dir, defaults.variant_files(library.data_dir))
    controller = make_controller(fresh)
    statuses, progress = [], []
    controller.status.connect(statuses.append)
    controller.index_progress.connect(progress.append)
    with qtbot.waitSignal(controller.search_done, timeout=60_000) as answered:
        controller.search("Frederiksen")
    assert answered.args[0].total == len(oracle.with_any(BUNDLED, "Frederiksen"))
    assert any("damaged" in s and "rebuilding" in s for s in statuses), statuses
    assert progress and progress[-1].files_done == progress[-1].files_total


def test_only_the_newest_search_is_answered_and_a_replaced_one_never_runs(qtbot, library, monkeypatch,
                                                                          make_controller):
    asked = []
    search_ = library.search
    monkeypatch.setattr(library, "search", lambda text, *a, **k: asked.append(text) or search_(text, *a, **k))
    controller = make_controller(library)
    answers = []
    controller.search_done.connect(answers.append)
    for text in ("Kiev", "Kyiv", "Mariupol"):
        controller.search(text)
    qtbot.waitUntil(lambda: bool(answers) and controller.tasks.pending() == 0, timeout=30_000)
    assert [a.query for a in answers] == ["Mariupol"]
    assert asked == ["Kiev", "Mariupol"]  # "Kyiv" waited, was replaced, and never ran


def _workers() -> set[int]:
    return {c for c in children(os.getpid()) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def test_switching_archives_stops_the_old_build(qtbot, make_window, tmp_path):
    generate(tmp_path / "big", files=150, entries=50, source=BUNDLED)  # 4 MB: worker processes
    small = tmp_path / "small"
    shutil.copytree(BUNDLED, small)
    window = make_window(tmp_path / "big", wait=False)
    old = window.library
    seen = []
    window.controller.index_progress.connect(seen.append)
    qtbot.waitUntil(lambda: any(p.searchable for p in seen), timeout=60_000)
    window.set_archive(small)
    qtbot.waitUntil(lambda: not window.controller.updating() and window.documents.model.total() == 5,
                    timeout=60_000)
    qtbot.waitUntil(lambda: window.controller.tasks.pending() == 0, timeout=60_000)
    assert not (old.root / "index").exists()  # stopped, not finished: it resumes next time
    assert not _workers()
    assert window.status.text().startswith(f"{oracle.file_count(small)} documents")


def test_closing_stops_the_builds_of_every_archive_opened(qtbot, make_window, tmp_path):
    for name in ("one", "two"):
        generate(tmp_path / name, files=150, entries=50, source=BUNDLED, seed=len(name))
    window = make_window(tmp_path / "one", wait=False)
    first = window.library
    seen = []
    window.controller.index_progress.connect(seen.append)
    qtbot.waitUntil(lambda: any(p.searchable for p in seen), timeout=60_000)
    window.set_archive(tmp_path / "two")
    second = window.library
    window.close()
    window.controller.shutdown()  # what the app does after its event loop ends
    assert not (first.root / "index").exists() and not (second.root / "index").exists()
    assert not _workers()
    again = Library(tmp_path / "one", first.data_dir)
    assert again.index.update().entries == 150 * 50  # the stopped build resumes


def test_a_hit_opens_once_and_enter_moves_into_the_thread(qtbot, make_window, monkeypatch):
    window = make_window(BUNDLED)
    qtbot.waitUntil(lambda: window.pane.document is not None and window.tasks.pending() == 0)
    other = DocRef("002_147de22630910095.txt")
    window.open_document(other)  # another document than the hit's
    qtbot.waitUntil(lambda: window.pane.document.ref == other)
    shown = []
    show = window.pane.show_document
    monkeypatch.setattr(window.pane, "show_document", lambda *a: shown.append(a[0].ref) or show(*a))
    result = search(qtbot, window, "Frederiksen")
    view = window.results.view
    center = view.visualRect(window.results.model.index(0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: window.pane.current_entry() is not None
                    and window.pane.current_entry().id == result.hits[0].id)
    qtbot.waitUntil(lambda: window.pane.view.hasFocus())
    assert shown == [result.hits[0].document]


def test_long_document_marks_come_from_the_index_not_the_gui_thread(qtbot, make_window, tmp_path,
                                                                     monkeypatch):
    folder = tmp_path / "long"
    folder.mkdir()
    entries = "".join(f"Bericht {n}\n\nEen alinea nummer {n} over {'de zeppelin' if n % 3 == 0 else 'Kiev'}"
                      f" en nog wat woorden die eindigt.\n\n" for n in range(3000))
    (folder / "lang.txt").write_text("liveblog\nNOS Nieuws\n\nLang • Blog\n\n" + entries, encoding="utf-8")
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.pane.document is not None)
    spans = []
    match_spans = Search.match_spans
    monkeypatch.setattr(Search, "match_spans", staticmethod(
        lambda text, result: spans.append(text) or match_spans(text, result)))
    search(qtbot, window, "zeppelin")
    expected = {e.id for e in window.pane.document.entries if "zeppelin" in e.body}
    qtbot.waitUntil(lambda: window.pane.model.marked == expected)
    window.pane.view.viewport().repaint()
    assert len(expected) == 1000
    assert 0 < len(spans) < 200  # only the painted cards were looked at on the GUI thread
    window.pane.view.setFocus()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F3)
    assert window.pane.current_entry().id in expected


def test_an_unreadable_variant_list_is_reported(qtbot, make_window, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "variants.txt").write_bytes(b"Kyiv, Kiev\n\xff\xfe not utf-8\n")
    window = make_window(BUNDLED, data)
    notices = [b.text() for b in window.findChildren(QMessageBox)]
    assert any("variants.txt is not UTF-8 text; its name variants are not used" in n for n in notices)
    result = search(qtbot, window, "Kyiv")  # the shipped list still works
    assert "Kiev" in result.variants["Kyiv"]


def test_a_sync_that_does_not_touch_the_shown_document_keeps_the_readers_place(
        qtbot, make_window, archive_copy, monkeypatch):
    from tests.ui.test_window import open_liveblog

    window = make_window(archive_copy)
    open_liveblog(qtbot, window)
    qtbot.waitUntil(lambda: window.tasks.pending() == 0)
    entry = window.pane.model.item(20)
    window.pane.go_to(entry.id)
    shown = []
    monkeypatch.setattr(window.pane, "show_document", lambda *a: shown.append(a))
    (archive_copy / "nieuw.txt").write_text("Kop\n\nEen alinea over een zeppelin die eindigt.\n", "utf-8")
    qtbot.waitUntil(lambda: window.documents.model.total() == 6, timeout=30_000)  # watched and synced
    qtbot.waitUntil(lambda: window.tasks.pending() == 0)
    assert shown == [] and window.pane.current_entry().id == entry.id
