"""The window as a reader uses it: where the keyboard goes, what a click does, what the screen says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from reader import archive
from reader.library import Library
from reader.model import DocRef
from tests.conftest import BUNDLED, LIVEBLOG_DOC
from tests.ui.qt_text import shown
from tests.ui.test_window import listed, open_liveblog, search

ARTICLE = DocRef("002_147de22630910095.txt")


def focused(window):
    return QApplication.focusWidget()


def test_emptying_the_search_field_keeps_the_keyboard_in_it(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    search(qtbot, window, "oli")
    for _ in range(3):
        qtbot.keyClick(window.search_bar, Qt.Key.Key_Backspace)
    assert window.search_bar.text() == "" and focused(window) is window.search_bar
    current = window.pane.current_entry()
    qtbot.keyClicks(focused(window), "Kyiv")
    assert window.search_bar.text() == "Kyiv"
    assert window.pane.current_entry() == current  # the keys did not move the reading pane
    search(qtbot, window, "olie")
    qtbot.keyClick(window.search_bar, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.search_bar, Qt.Key.Key_Backspace)
    assert window.search_bar.text() == "" and focused(window) is window.search_bar


def test_enter_on_a_hit_moves_the_keyboard_into_the_thread(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Frederiksen")
    qtbot.keyClick(window.search_bar, Qt.Key.Key_Down)
    qtbot.keyClick(window.results.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (window.pane.current_entry() is not None
                             and (window.pane.current_entry().headline or "").startswith("Denemarken")))
    qtbot.waitUntil(lambda: focused(window) is window.pane.view)
    row = window.pane.view.currentIndex().row()
    qtbot.keyClick(focused(window), Qt.Key.Key_J)
    assert window.pane.view.currentIndex().row() == row + 1


def test_escape_in_the_pane_clears_the_search_and_stays_in_the_document(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    open_liveblog(qtbot, window)
    window.pane.view.setFocus()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Escape)
    assert window.search_bar.text() == "" and window.result is None
    assert window.pane.document.ref == LIVEBLOG_DOC and focused(window) is window.pane.view
    assert not window.pane.model.marked


def _click(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_one_click_shows_an_item_in_every_list(qtbot, make_window):
    window = make_window(BUNDLED)
    lib = window.library
    hit = lib.search("Frederiksen").hits[0]
    lib.bookmarks.add(hit.id)
    window.refresh_bookmarks()
    qtbot.waitUntil(lambda: window.marks_panel.model.rowCount() == 1)
    for tab, view, expected in ((2, window.marks_panel.view, hit.document),
                                (0, window.documents.view, None)):
        window.show_tab(tab)
        window.open_document(ARTICLE)
        qtbot.waitUntil(lambda: window.pane.document is not None and window.pane.document.ref == ARTICLE)
        row = 0 if expected else view.model().first_document_row()  # (row 0 is a month's heading)
        view.setCurrentIndex(view.model().index(row))  # current already: a click must still show it
        window.open_document(ARTICLE)
        qtbot.waitUntil(lambda: window.pane.document.ref == ARTICLE)
        _click(qtbot, view, row)
        want = expected or view.model().item(row).ref
        qtbot.waitUntil(lambda want=want: window.pane.document.ref == want)


def test_zoom_keeps_the_current_card_in_view(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    pane = window.pane
    entry = pane.model.item(12)
    pane.go_to(entry.id)
    for _ in range(4):
        window.zoom(1)
        QApplication.processEvents()
        rect = pane.view.visualRect(pane.view.currentIndex())
        assert pane.current_entry() == entry and rect.intersects(pane.view.viewport().rect())
    window.zoom(0)
    assert pane.view.visualRect(pane.view.currentIndex()).intersects(pane.view.viewport().rect())


def test_oldest_first_turns_liveblogs_round_and_leaves_articles_alone(qtbot, make_window):
    window = make_window(BUNDLED)
    pane = window.pane
    open_liveblog(qtbot, window)
    doc = pane.document
    assert pane.order_button.isVisible() and pane.order_button.text() == "↓ Newest first"
    pane.toggle_order()
    assert [e.id for e in pane.model.items] == [e.id for e in reversed(doc.entries)]
    assert pane.order_button.text() == "↑ Oldest first"
    window.open_document(ARTICLE)
    qtbot.waitUntil(lambda: pane.document.ref == ARTICLE)
    article = archive.read_document(BUNDLED, ARTICLE)
    assert [e.id for e in pane.model.items] == [e.id for e in article.entries]  # lead first
    assert not pane.order_button.isVisible()


def test_counts_name_documents_indexed_and_files_skipped(qtbot, make_window, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(BUNDLED, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "header-only.txt").write_text("liveblog\nNOS Nieuws\n\nAlleen een titel • en nog wat\n",
                                            encoding="utf-8")
    documents = len(list(BUNDLED.iterdir())) + 1  # the header-only liveblog is a document
    entries = sum(len(d.entries) for d in archive.load(BUNDLED)[0])
    window = make_window(folder)
    qtbot.waitUntil(lambda: "indexed" in window.status.text())
    assert window.status.text() == (f"{documents} documents, {entries} entries indexed"
                                    " — 2 files skipped (File → Archive Problems)")
    assert window.documents.model.total() == documents


def test_files_read_in_part_are_counted_and_listed_with_what_went_wrong(qtbot, make_window, tmp_path,
                                                                        monkeypatch):
    from tests.webfixtures import write_warc

    folder = tmp_path / "web"
    folder.mkdir()
    write_warc(folder / "crawl.warc.gz", damaged=True)
    formats = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
    shutil.copy(formats / "truncated-page.html", folder)
    shutil.copy(formats / "not-guardian.json", folder)
    window = make_window(folder)
    qtbot.waitUntil(lambda: "indexed" in window.status.text())
    assert window.status.text().endswith(" — 1 file skipped, 2 files read in part (File → Archive Problems)")
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    next(a for m in window.menuBar().actions() for a in m.menu().actions()
         if a.text() == "Archive &Problems…").trigger()
    skipped, partial = shown[0].split("2 files read in part:")
    assert skipped.startswith("1 file skipped:")
    assert "not-guardian.json" in skipped and "crawl.warc.gz" not in skipped
    assert "<b>crawl.warc.gz</b>: a damaged record" in partial
    assert "<b>truncated-page.html</b>: " in partial and "looks cut off" in partial
    # a document of the web archive says when it was captured, and an article its capture day
    from tests.webfixtures import BLOG_URL, OTHER_URL

    window.open_document(DocRef("crawl.warc.gz", BLOG_URL))
    qtbot.waitUntil(lambda: window.pane.document is not None)
    assert "3 captures, 19 Apr 2022 08:00–14:00 UTC" in window.pane.header.text()
    window.open_document(DocRef("crawl.warc.gz", OTHER_URL))
    qtbot.waitUntil(lambda: window.pane.document.source_url == OTHER_URL)
    assert "~2022-04-19 (capture)" in window.pane.header.text()
    assert "captured 19 Apr 2022 15:00 UTC" in window.pane.header.text()


def test_a_long_list_of_problems_is_shortened_with_all_of_it_under_details(qtbot, monkeypatch):
    from reader.model import Problem
    from reader.ui.window import dialogs

    problems = [Problem(f"kapot-{n:02d}.txt", "binary file, not text") for n in range(30)]
    problems += [Problem("crawl.warc.gz", "a damaged record", skipped=False)]
    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box))
    dialogs.show_problems(None, problems)
    text, details = boxes[0].text(), boxes[0].detailedText()
    assert text.startswith("30 files skipped:") and "kapot-07.txt" in text and "kapot-08.txt" not in text
    assert "and 22 more (Show Details…)" in text and "1 file read in part:" in text
    assert details.count("\n") == 30 and "skipped: kapot-29.txt: binary file, not text" in details


def test_theme_is_chosen_from_the_view_menu_and_remembered(qtbot, make_window, tmp_path):
    window = make_window(BUNDLED, tmp_path / "data")
    theme_menu = next(a.menu() for m in window.menuBar().actions() if m.text() == "&View"
                      for a in m.menu().actions() if a.menu() and a.text() == "&Theme")
    dark = next(a for a in theme_menu.actions() if a.data() == "dark")
    dark.trigger()
    assert QApplication.palette().color(QApplication.palette().ColorRole.Base).lightness() < 128
    window.close()
    again = make_window(BUNDLED, tmp_path / "data")
    assert str(again.settings.value("view/theme")) == "dark"
    assert next(a for a in again.theme_actions.actions() if a.isChecked()).data() == "dark"
    again.set_theme("light")
    assert QApplication.palette().color(QApplication.palette().ColorRole.Base).lightness() > 128


def test_document_filter_folds_accents_and_says_when_nothing_matches(qtbot, make_window):
    window = make_window(BUNDLED)
    panel = window.documents
    order = [d.ref for d in listed(panel.model)]
    panel.filter.setText("Oekraïne")
    accented = len(listed(panel.model))
    panel.filter.setText("oekraine")
    assert len(listed(panel.model)) == accented > 0
    panel.filter.setText("xyzzy")
    assert listed(panel.model) == [] and panel.empty.isVisibleTo(panel)
    panel.filter.setText("")
    assert [d.ref for d in listed(panel.model)] == order


def test_a_narrow_window_gives_the_reading_pane_the_room(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    window.resize(800, 700)
    QApplication.processEvents()
    left, right = window.splitter.sizes()
    assert left < right and left <= 800 // 2.5
    header = window.pane.header
    assert shown(header.toolTip()).startswith(window.pane.document.title)
    assert "…" in header.text() and header.height() < 3 * header.fontMetrics().height() + 30


def test_rebuild_index_is_in_the_file_menu_asks_first_and_says_it_is_done(qtbot, make_window,
                                                                         monkeypatch):
    window = make_window(BUNDLED)
    file_menu = next(m.menu() for m in window.menuBar().actions() if m.text() == "&File")
    rebuild = next(a for a in file_menu.actions() if a.text().startswith("Re&build Index"))
    window.show_tab(2)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    rebuild.trigger()
    assert not window.controller.updating()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.controller.index_done, timeout=60_000):
        rebuild.trigger()
    assert window.status.text().startswith("Rebuilt the index (as asked).")
    assert window.tabs.currentIndex() == 2


def test_a_bookmark_added_on_the_command_line_appears_in_the_open_window(qtbot, make_window, tmp_path):
    data = tmp_path / "data"
    window = make_window(BUNDLED, data)
    hit = window.library.search("Frederiksen").hits[0]
    proc = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(data), "bookmarks", "add",
                           hit.id, "--note", "van de command line"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    qtbot.waitUntil(lambda: [b.note for b in window.marks_panel.model.items] == ["van de command line"],
                    timeout=10_000)
    assert hit.id in window.pane.model.bookmarked or window.pane.document is None \
        or window.pane.document.ref != hit.document


def test_bookmarks_of_other_archives_are_listed_and_open_their_archive(qtbot, make_window, tmp_path,
                                                                      monkeypatch):
    from reader.ui.window import dialogs

    data = tmp_path / "data"
    other = tmp_path / "other"
    shutil.copytree(BUNDLED, other)
    lib = Library(other, data)
    lib.index.update()
    hit = lib.search("Frederiksen").hits[0]
    lib.bookmarks.add(hit.id, note="uit het andere archief")
    window = make_window(BUNDLED, data)
    qtbot.waitUntil(lambda: window.marks_panel.model.rowCount() == 1)
    mark = window.marks_panel.model.item(0)
    html = window.marks_panel.view.itemDelegate().html(window.marks_panel.model.index(0),
                                                       window.palette())
    assert mark.archive == str(other.resolve()) and "in archive <b>other</b>" in html
    window.marks_panel.scope.setCurrentIndex(1)  # this archive only
    qtbot.waitUntil(lambda: window.marks_panel.model.rowCount() == 0)
    window.marks_panel.scope.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.marks_panel.model.rowCount() == 1)
    monkeypatch.setattr(dialogs, "ask_other_archive", lambda parent, m: "open")
    window.open_bookmark(mark)
    qtbot.waitUntil(lambda: window.library.archive_dir == other and window.pane.document is not None
                    and window.pane.current_entry() is not None
                    and window.pane.current_entry().id == hit.id, timeout=60_000)


def test_key_events_only_and_pinned_entries_first(qtbot, make_window, tmp_path):
    fixtures = BUNDLED.parent / "tests" / "fixtures" / "formats"
    folder = tmp_path / "guardian"
    folder.mkdir()
    shutil.copy(fixtures / "guardian-item.json", folder)
    window = make_window(folder)
    pane = window.pane
    qtbot.waitUntil(lambda: pane.document is not None)
    pinned = next(e for e in pane.document.entries if e.pinned)
    assert pane.model.item(0) == pinned  # shown first, whatever its time
    html = pane.delegate.html(pane.model.index(0), pane.view.palette())
    assert "▲ PINNED" in html and "19 Apr 2022 06:02" in html
    assert pane.key_only.isVisibleTo(pane)
    pane.key_only.setChecked(True)
    assert [e.key_event for e in pane.model.items] == [True, True]
    assert "◆ KEY EVENT" in pane.delegate.html(pane.model.index(0), pane.view.palette())
    pane.key_only.setChecked(False)
    assert pane.model.rowCount() == len(pane.document.entries)


def test_documents_are_listed_by_month_and_a_month_folds_away(qtbot, make_window):
    from reader.ui.views.document_model import MonthHeader

    window = make_window(BUNDLED)
    panel = window.documents
    model = panel.model
    headings = [h.label for h in model.items if isinstance(h, MonthHeader)]
    assert headings == ["April 2022", "March 2022", "February 2022", "Date unknown"]  # newest first
    april = next(n for n, h in enumerate(model.items) if isinstance(h, MonthHeader) and h.month == "2022-04")
    _click(qtbot, panel.view, april)
    assert LIVEBLOG_DOC not in [d.ref for d in listed(model)] and model.items[april].folded
    _click(qtbot, panel.view, april)
    assert LIVEBLOG_DOC in [d.ref for d in listed(model)]
    html = panel.view.itemDelegate().html(model.index(model.row_of(LIVEBLOG_DOC)), panel.palette())
    assert "<i>~2022-04-19</i>" in html  # worked out from the text: muted, the tooltip says how
    tip = model.data(model.index(model.row_of(LIVEBLOG_DOC)), Qt.ItemDataRole.ToolTipRole)
    assert "inferred from '19 april' in the text" in shown(tip)
    panel.order.setCurrentIndex(2)  # by title: no headings
    assert not any(isinstance(h, MonthHeader) for h in model.items)


def test_the_timelines_narrow_hits_and_documents_to_a_range(qtbot, make_window):
    window = make_window(BUNDLED)
    strip = window.documents.timeline
    assert strip.isVisibleTo(window.documents) and strip.timeline.unit == "month"
    assert [b.count for b in strip.timeline.buckets] == [1, 1, 1] and strip.timeline.undated == 2
    strip.range_chosen.emit("2022-04-01", "2022-04-30")
    assert [d.ref for d in listed(window.documents.model)] == [LIVEBLOG_DOC]
    window.documents.clear_range()
    assert len(listed(window.documents.model)) == 5
    result = search(qtbot, window, "Kiev")
    line = window.results.timeline.timeline
    assert line is not None and line.total == result.total
    assert strip.describe(0).startswith("February 2022: 1 document")
    window.results.timeline.range_chosen.emit("2022-04-01", "2022-04-30")
    qtbot.waitUntil(lambda: window.result is not result and window.results.date_range is not None)
    narrowed = window.result
    assert narrowed.total < result.total and {h.date for h in narrowed.hits} == {"2022-04-19"}
    assert window.results.timeline.timeline.total == result.total  # still every date's
    assert window.results.chip.isVisibleTo(window.results)
    window.results.chip.click()
    qtbot.waitUntil(lambda: window.result.total == result.total)


def test_narrowing_an_or_query_on_the_timeline_shows_only_hits_in_range(qtbot, make_window):
    """(the range was glued onto the query's text: "Kiev OR Charkov" narrowed to April still
    listed February and March)"""
    window = make_window(BUNDLED)
    result = search(qtbot, window, "Kiev OR Charkov")
    april = next(b.count for b in window.results.timeline.timeline.buckets if b.start.startswith("2022-04"))
    assert april < result.total
    window.results.timeline.range_chosen.emit("2022-04-01", "2022-04-30")
    qtbot.waitUntil(lambda: window.result is not result and window.results.date_range is not None)
    assert window.result.total == april == len(window.result.hits)
    assert {h.date for h in window.result.hits} == {"2022-04-19"}


def test_the_window_opens_the_hostile_archive_and_searches_it(qtbot, make_window, tmp_path):
    """(one page with a control character made every search fail, in the window too)"""
    from tests.test_hostile_archive import _build

    folder = tmp_path / "hostile"
    _build(folder)
    window = make_window(folder)
    qtbot.waitUntil(lambda: "indexed" in window.status.text(), timeout=60_000)
    assert window.status.text().endswith("6 files skipped, 3 files read in part (File → Archive Problems)")
    result = search(qtbot, window, "karekiet OR sirenegeluid OR trolleybus")
    assert result.total == 3
    window.open_document(result.hits[0].document, result.hits[0].id)
    qtbot.waitUntil(lambda: window.pane.document is not None)
