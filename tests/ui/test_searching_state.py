"""A slow answer in the window: after SLOW_MS without one, the Results tab says it is searching."""

from __future__ import annotations

from reader.ui.window.search_actions import SLOW_MS
from tests.conftest import BUNDLED
from tests.ui.test_window import search


def test_a_slow_answer_says_searching_and_the_answer_replaces_it(qtbot, make_window):
    window = make_window(BUNDLED)
    first = search(qtbot, window, "Kiev")
    shown = window.results.info.text()
    assert "Searching" not in shown and not window.searching.slow.isActive()
    window.searching.run("Frederiksen")
    assert window.searching.slow.isActive() and window.searching.slow.interval() == SLOW_MS
    window.searching.slow.timeout.emit()  # SLOW_MS pass before the answer (driven, not waited for)
    assert "Searching for Frederiksen…" in window.results.info.text()
    assert window.results.model.rowCount() == len(first.hits)  # the last hits stay meanwhile
    qtbot.waitUntil(lambda: window.result.query == "Frederiksen")
    assert "Searching" not in window.results.info.text() and not window.searching.slow.isActive()


def test_a_cleared_search_stops_saying_it_is_searching(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    window.searching.run("Marioepol")
    window.searching.leave()  # Esc before the answer
    assert not window.searching.slow.isActive() and window.results.info.text() == ""


def test_a_query_with_markup_is_said_as_text_while_searching(qtbot, make_window):
    window = make_window(BUNDLED)
    search(qtbot, window, "Kiev")
    window.searching.run("<b>Kiev</b>")
    window.searching.slow.timeout.emit()
    assert "&lt;b&gt;Kiev&lt;/b&gt;" in window.results.info.text()
