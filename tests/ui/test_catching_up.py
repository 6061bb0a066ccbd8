"""Catching up in the window, as a reader does it: read part of a liveblog, the file grows, the
list says how much is new, the thread opens at the divider, N walks the new entries, Shift+A
marks a document read, What's New lists everything new; a new capture's edited update is marked."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt

from reader.model import DocRef
from reader.ui.panels.whats_new import DocumentNews
from tests.conftest import BUNDLED, LIVEBLOG, LIVEBLOG_DOC
from tests.test_reading_state import _grow
from tests.ui.qt_text import shown
from tests.ui.test_window import listed, open_liveblog
from tests.webfixtures import BLOG_URL, CAPTURES, write_captures


class Clock:
    """Time for the seen tracker, moved on by the test (nobody waits a second)."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _archive(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    return folder


def _read_what_is_in_view(qtbot, window, clock) -> list:
    """Keep the cards in view for a second, as a reader does; return the entries seen (once the
    window's catch-up knows them as read)."""
    tracker, ref = window.pane.tracker, window.pane.document.ref
    tracker.clock = clock
    tracker.follow(set(tracker.unseen))  # forget what its timer noted by the real clock before
    assert tracker.check() == []  # just came into view
    clock.now += 1.1
    seen = tracker.check()
    ids = {e.id for e in seen}
    qtbot.waitUntil(lambda: not ids & {i for i, _edited in window.news.catching.current.new.get(ref, [])}
                    and window.news.catching.current.reading(ref).seen >= len(ids), timeout=10_000)
    return seen


def _new_count(window, ref=LIVEBLOG_DOC) -> int:
    return window.documents.model.new_counts.get(ref, 0)


def test_read_part_of_a_liveblog_it_grows_and_the_window_shows_what_is_new(qtbot, make_window, tmp_path):
    folder = _archive(tmp_path)
    window = make_window(folder)
    open_liveblog(qtbot, window)
    seen = _read_what_is_in_view(qtbot, window, Clock())
    assert 0 < len(seen) < 38 and seen[0].id == window.pane.model.items[0].id
    reading = window.news.catching.current.reading(LIVEBLOG_DOC)
    assert reading.opened and reading.seen == len(seen) and reading.new == 0  # its old entries are known
    assert window.documents.model.new_counts == {}
    _grow(folder / LIVEBLOG, "Het eerste nieuwe bericht")
    _grow(folder / LIVEBLOG, "Het tweede nieuwe bericht")
    window.controller.sync()
    qtbot.waitUntil(lambda: _new_count(window) == 2, timeout=20_000)
    row = window.documents.model.row_of(LIVEBLOG_DOC)
    card = window.documents.view.itemDelegate().html(window.documents.model.index(row), window.palette())
    assert "● 2 new" in shown(card, Qt.TextFormat.RichText) and "font-weight:800" in card

    window.pane.show_placeholder("elders")
    window.open_document(LIVEBLOG_DOC)
    qtbot.waitUntil(lambda: window.pane.document is not None and window.pane.model.divider is not None)
    news = window.pane.model
    assert news.divider is not None and news.divider[1].startswith("New since you last read (")
    first = window.pane.current_entry()
    assert first.headline == "Het tweede nieuwe bericht" and first.id == news.divider[0]
    html = window.pane.delegate.html(window.pane.model.index(0), window.palette())
    assert "New since you last read" in shown(html, Qt.TextFormat.RichText) and "● NEW" in html
    window.news.next_new()  # N
    assert window.pane.current_entry().headline == "Het eerste nieuwe bericht"
    window.pane.view.scrollTo(window.pane.model.index(0))
    _read_what_is_in_view(qtbot, window, Clock())
    qtbot.waitUntil(lambda: _new_count(window) == 0)
    _grow(folder / LIVEBLOG, "Het derde nieuwe bericht")
    window.controller.sync()
    qtbot.waitUntil(lambda: _new_count(window) == 1, timeout=20_000)
    window.news.mark_read()  # Document → Mark as Read
    qtbot.waitUntil(lambda: _new_count(window) == 0)


def test_next_new_entry_walks_into_the_next_document_with_new_entries(qtbot, make_window, tmp_path):
    folder = _archive(tmp_path)
    window = make_window(folder)
    for ref in (LIVEBLOG_DOC, DocRef("002_147de22630910095.txt")):
        window.library.reading.mark_read(ref)
    _grow(folder / LIVEBLOG, "Nieuw in het liveblog")
    window.controller.sync()
    qtbot.waitUntil(lambda: _new_count(window) == 1, timeout=20_000)
    article = DocRef("002_147de22630910095.txt")
    window.open_document(article)
    qtbot.waitUntil(lambda: window.pane.document is not None and window.pane.document.ref == article)
    window.news.next_new()
    qtbot.waitUntil(lambda: window.pane.document.ref == LIVEBLOG_DOC)
    assert window.pane.current_entry().headline == "Nieuw in het liveblog"
    window.news.next_new()  # the last new entry: nothing after it, here or elsewhere
    assert window.status.text() == "Nothing new since you last read."
    assert window.pane.current_entry().headline == "Nieuw in het liveblog"


def test_whats_new_lists_every_new_entry_by_document_and_the_list_sorts_by_new(qtbot, make_window, tmp_path):
    folder = _archive(tmp_path)
    window = make_window(folder)
    window.library.reading.mark_read(LIVEBLOG_DOC)
    _grow(folder / LIVEBLOG, "Wat nieuw is")
    window.controller.sync()
    qtbot.waitUntil(lambda: _new_count(window) == 1, timeout=20_000)
    window.news.show_whats_new()
    model = window.whats_new.model
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    assert isinstance(model.items[0], DocumentNews) and model.items[0].info.ref == LIVEBLOG_DOC
    assert model.items[1].headline == "Wat nieuw is"
    assert "1 new entry in 1 document" in window.whats_new.info.text()
    window.whats_new.view.setCurrentIndex(model.index(1))
    qtbot.waitUntil(lambda: window.pane.current_entry() is not None
                    and window.pane.current_entry().headline == "Wat nieuw is")
    window.documents.order.setCurrentIndex(3)  # "With new entries first"
    assert listed(window.documents.model)[0].ref == LIVEBLOG_DOC


def test_an_update_edited_in_a_new_capture_is_marked_edited_since_you_read_it(qtbot, make_window, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_captures(folder / "blog.warc.gz", CAPTURES[:2])
    window = make_window(folder)
    blog = DocRef("blog.warc.gz", BLOG_URL)
    window.library.reading.mark_read(blog)
    write_captures(folder / "blog.warc.gz", CAPTURES)
    window.controller.sync()
    qtbot.waitUntil(lambda: _new_count(window, blog) == 2, timeout=20_000)
    window.open_document(blog)
    qtbot.waitUntil(lambda: window.pane.document is not None and window.pane.model.divider is not None
                    and len(window.pane.document.entries) == 3)  # (the thread read again, since the sync)
    cards = {e.headline: window.pane.delegate.html(window.pane.model.index(n), window.palette())
             for n, e in enumerate(window.pane.model.items)}
    assert "EDITED SINCE YOU READ IT" in cards["Explosies in Kiev"] and "Earlier version" in cards[
        "Explosies in Kiev"]
    assert "● NEW" in cards["Corridor bij Marioepol"] and "NEW" not in cards["Goedemorgen"]


def test_a_card_counts_as_seen_after_a_second_mostly_in_view_and_once(qtbot, make_window):
    window = make_window(BUNDLED)
    open_liveblog(qtbot, window)
    tracker, clock = window.pane.tracker, Clock()
    tracker.clock = clock
    tracker.follow(set(tracker.unseen))  # forget what its timer noted by the real clock before
    first = [e.id for e in tracker.in_view()]
    assert first and first[0] == window.pane.model.items[0].id
    tracker.check()
    clock.now = 0.6
    window.pane.go_to(window.pane.model.items[20].id)  # scrolled away before a second was up
    later = [e.id for e in tracker.in_view()]
    assert later and not set(first) & set(later)
    assert tracker.check() == []
    clock.now = 1.3  # the first cards would have had their second, but they left the view
    assert tracker.check() == []
    clock.now = 1.7  # the later ones came into view at 0.6
    assert [e.id for e in tracker.check()] == later
    clock.now = 5.0
    assert tracker.check() == []  # each once


def test_a_start_lists_the_documents_first_and_then_works_out_what_is_new(qtbot, tmp_path):
    """At a start both want the cores: the list is shown first, its new counts follow it."""
    from reader.library import Library
    from reader.ui.app import build_window

    folder, data = _archive(tmp_path), tmp_path / "data"
    library = Library(folder, data)
    library.index.update()
    library.reading.mark_opened(LIVEBLOG_DOC)
    window = build_window(folder, data)
    qtbot.addWidget(window)
    window.show()
    order = []
    window.controller.documents_listed.connect(lambda _infos: order.append("listed"))
    window.news.catching.changed.connect(lambda _caught: order.append("caught up"))
    window.start()
    qtbot.waitUntil(lambda: "caught up" in order and not window.controller.updating(), timeout=20_000)
    assert order == ["listed", "caught up"]
    assert window.news.catching.current.reading(LIVEBLOG_DOC).opened
    window.controller.shutdown(60_000)
