"""The main window on the bundled archive and on generated ones, driven as a reader would."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from reader.bench.generate import generate
from reader.model import DocRef, DocumentInfo
from reader.ui.views.document_model import DocumentListModel
from reader.ui.views.models import EntryListModel, HitListModel, ItemRole
from tests.conftest import BUNDLED, LIVEBLOG_DOC
from tests.test_archive import LIVEBLOG_HEADLINES


def listed(model) -> list:
    """Return the documents a list model shows, in its rows' order (month headings left out)."""
    rows = (model.data(model.index(row), ItemRole) for row in range(model.rowCount()))
    return [item for item in rows if isinstance(item, DocumentInfo)]


def open_liveblog(qtbot, window):
    row = window.documents.model.row_of(LIVEBLOG_DOC)
    window.documents.view.setCurrentIndex(window.documents.model.index(row))
    qtbot.waitUntil(lambda: window.pane.document is not None
                    and window.pane.document.ref == LIVEBLOG_DOC)


def search(qtbot, window, text):
    window.search_bar.setFocus()
    window.search_bar.clear()
    qtbot.keyClicks(window.search_bar, text)
    qtbot.waitUntil(lambda: window.result is not None and window.result.query == text)
    return window.result


def test_window_opens_with_five_documents(make_window):
    window = make_window(BUNDLED)
    assert len(listed(window.documents.model)) == 5
    titles = {d.title for d in listed(window.documents.model)}
    assert "'Staalcomplex Marioepol nagenoeg verwoest' • VN-chef stelt vierdaags staakt-het-vuren voor" \
        in titles
    assert not any(t.endswith(".txt") for t in titles)  # people see titles, never file names
    assert "49 entries indexed" in window.status.text()
    tips = [window.documents.model.index(r).data(Qt.ItemDataRole.ToolTipRole) for r in range(5)]
    assert any("article, 1 entry," in t for t in tips) and any("38 entries" in t for t in tips)


def test_liveblog_shows_all_entries_in_order_and_order_toggles(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    model = window.pane.model
    assert [model.item(r).headline for r in range(model.rowCount())] == LIVEBLOG_HEADLINES
    assert "liveblog" in window.pane.header.text().lower() and "closed" in window.pane.header.text()
    window.pane.toggle_order()
    assert [model.item(r).headline for r in range(model.rowCount())] == LIVEBLOG_HEADLINES[::-1]
    assert window.settings.value("pane/newest_first") == "false"


def test_search_mariupol_opens_hit_scrolled_and_highlighted(qtbot, make_window):
    window = make_window(BUNDLED)
    result = search(qtbot, window, "Mariupol")
    docs = {h.document for h in result.hits}
    assert {DocRef("000_d2297999e083d57d.txt"), DocRef("002_147de22630910095.txt")} <= docs  # both spellings
    assert "also matched: Marioepol (8)" in window.results.info.text()
    assert window.tabs.currentIndex() == 1
    # the last liveblog hit: far down the thread, so opening it must scroll
    row = max(i for i, h in enumerate(result.hits) if h.document == LIVEBLOG_DOC
              and h.position > 20)
    hit = result.hits[row]
    window.results.view.setFocus()
    window.results.view.setCurrentIndex(window.results.model.index(row))
    qtbot.keyClick(window.results.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pane.current_entry() is not None
                    and window.pane.current_entry().id == hit.id)
    view = window.pane.view
    rect = view.visualRect(view.currentIndex())
    assert view.viewport().rect().intersects(rect)
    assert view.verticalScrollBar().value() > 0
    entry = window.pane.current_entry()
    html = window.pane.delegate.html(view.currentIndex(), view.palette())
    assert "background-color" in html and ">Marioepol</span>" in html
    assert view.currentIndex().data(ItemRole) == entry


def test_f3_steps_through_matches(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    open_liveblog(qtbot, window)
    qtbot.waitUntil(lambda: bool(window.pane.model.marked))  # worked out in the background
    window.pane.view.setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(window.pane.view, Qt.Key.Key_F3)
        seen.append(window.pane.current_entry().id)
    marked = window.pane.model.marked
    assert all(entry_id in marked for entry_id in seen), (seen, marked, window.pane.document.ref)
    assert len(set(seen)) == 4
    qtbot.keyClick(window.pane.view, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert window.pane.current_entry().id == seen[-2]


def test_escape_clears_search_and_returns_to_documents(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    qtbot.keyClick(window.search_bar, Qt.Key.Key_Escape)
    assert window.search_bar.text() == "" and window.tabs.currentIndex() == 0
    assert window.results.model.rowCount() == 0


def test_query_problem_is_a_short_message(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, '"humanitaire corridor')
    assert window.results.note.isVisible()
    assert "unmatched quote" in window.results.note.text()
    search(qtbot, window, "olietankr")
    assert "did you mean" in window.results.info.text()
    assert "href='suggest:olietanker'" in window.results.info.text().replace('"', "'")
    window.results.info.linkActivated.emit("suggest:olietanker")  # the link clicked
    qtbot.waitUntil(lambda: window.result.query == "olietanker")
    assert window.result.total == 1


def test_keyboard_j_k_and_copy(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    view = window.pane.view
    view.setFocus()
    view.setCurrentIndex(window.pane.model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_J)
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.pane.current_entry().headline == LIVEBLOG_HEADLINES[2]
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert window.pane.current_entry().headline == LIVEBLOG_HEADLINES[1]
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(LIVEBLOG_HEADLINES[1])
    assert "Het Azovstal-terrein op eerdere satellietbeelden" in copied


def test_zoom_is_remembered(qtbot, make_window, tmp_path):
    window = make_window(BUNDLED)
    window.pane.view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.zoom > 1.0
    zoom = window.pane.zoom
    window.close()
    again = make_window(BUNDLED)
    assert again.pane.zoom == zoom


def test_markup_is_shown_literally(qtbot, make_window, tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "x.txt").write_text(
        "liveblog\nNOS Nieuws\n\n<b>Vet</b> • titel\n\nKop met <script>alert(1)</script>\n\n"
        'Tekst met <img src="http://example.invalid/x.png"> en <a href="file:///etc/passwd">link</a>.\n',
        encoding="utf-8")
    window = make_window(folder)
    qtbot.waitUntil(lambda: window.pane.document is not None)
    index = window.pane.model.index(0)
    html = window.pane.delegate.html(index, window.pane.view.palette())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&quot;http://example.invalid/x.png&quot;&gt;" in html
    assert "<img" not in html and "<script" not in html and "<a " not in html
    assert "&lt;b&gt;Vet&lt;/b&gt;" in window.pane.header.text()
    window.pane.view.viewport().grab()  # paint the cards
    assert window.pane.model.rowCount() == 1


def test_the_cards_documents_load_no_resource(qtbot):
    """Should markup ever reach a card's document, its images and links load nothing."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from reader.ui.views.rich_text import OfflineDocument

    doc = OfflineDocument()
    doc.setHtml('<img src="file:///etc/hostname"><link rel="stylesheet" href="file:///etc/passwd">')
    for kind, url in ((QTextDocument.ResourceType.ImageResource, "file:///etc/hostname"),
                      (QTextDocument.ResourceType.StyleSheetResource, "file:///etc/passwd")):
        assert doc.resource(kind, QUrl(url)) is None


def test_models_pass_the_model_tester(qtmodeltester, bundled_library):
    docs, _ = bundled_library.documents.load()
    doc_model = DocumentListModel()
    doc_model.set_items([bundled_library.documents.info(d) for d in docs])
    qtmodeltester.check(doc_model)
    entries = EntryListModel()
    entries.set_items(docs[0].entries)
    qtmodeltester.check(entries)
    hits = HitListModel()
    hits.set_items(bundled_library.search("Kiev").hits)
    qtmodeltester.check(hits)
    assert DocumentListModel().rowCount() == 0


def test_gui_stays_responsive_while_indexing(qtbot, make_window, tmp_path):
    generate(tmp_path / "big", files=40, entries=50, source=BUNDLED)  # 2,000 entries
    ticks = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(window.controller.updating()))
    window = make_window(tmp_path / "big", wait=False)
    timer.start()
    qtbot.waitUntil(lambda: not window.controller.updating() and len(listed(window.documents.model)) == 40,
                    timeout=120_000)
    timer.stop()
    assert sum(1 for running in ticks if running) >= 10  # the event loop ran during indexing
    assert "2,000 entries indexed" in window.status.text()
    result = search(qtbot, window, "Kyiv")
    assert result.total > 0 and "Kiev" in result.variants.get("Kyiv", {})


def test_keyboard_only_search_to_entry(qtbot, make_window):
    window = make_window(BUNDLED)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_bar.hasFocus()
    qtbot.keyClicks(window.search_bar, "Frederiksen")
    qtbot.keyClick(window.search_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.result is not None and window.result.query == "Frederiksen")
    qtbot.keyClick(window.search_bar, Qt.Key.Key_Down)
    assert window.results.view.hasFocus()
    qtbot.keyClick(window.results.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.pane.current_entry() is not None
                    and (window.pane.current_entry().headline or "").startswith("Denemarken"))


def test_first_start_lists_documents_while_they_are_read(qtbot, make_window, tmp_path, monkeypatch):
    """Rows are inserted as files are read (no resets), and only painted rows are laid out."""
    from reader.background import LIST_FIRST as FIRST_LISTED
    from reader.ui.views.delegates import DocumentDelegate

    laid_out = []
    html = DocumentDelegate.html
    monkeypatch.setattr(DocumentDelegate, "html", lambda self, *a: laid_out.append(1) or html(self, *a))
    generate(tmp_path / "big", files=120, entries=50, source=BUNDLED)  # about 3.4 MB: chunks too
    window = make_window(tmp_path / "big", wait=False)
    model = window.documents.model
    resets, sizes = [], []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.rowsInserted.connect(lambda *_: sizes.append(len(listed(model))))
    qtbot.waitUntil(lambda: not window.controller.updating() and len(listed(model)) == 120,
                    timeout=120_000)
    documents = [n for n in dict.fromkeys(sizes) if n]  # (a month's heading is a row too)
    assert documents[:FIRST_LISTED] == list(range(1, FIRST_LISTED + 1)) and documents[-1] == 120
    assert resets == []  # the list grew row by row and the final list (the same) was not reset
    visible = window.documents.view.viewport().height() // 40 + 2  # cards are taller than 40 px
    assert 0 < len(laid_out) <= 3 * visible  # every row has a size, few were laid out as rich text
    assert "6,000 entries indexed" in window.status.text()


def test_f1_lists_every_shortcut_of_the_menus(qtbot, make_window):
    from reader.ui.window.dialogs import shortcut_rows

    window = make_window(BUNDLED)
    actions = [a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    rows = dict(shortcut_rows(actions))
    with_keys = [a for a in actions if a.shortcuts()]
    assert len(rows) == len(with_keys) >= 15
    assert rows["Ctrl+D"].startswith("Bookmark") and rows["Esc"].startswith("Clear the Search")
    window.show_shortcuts()
    from PySide6.QtWidgets import QMessageBox

    box = next(b for b in window.findChildren(QMessageBox) if b.windowTitle() == "Keyboard Shortcuts")
    assert all(keys in box.text() for keys in rows)
