"""What the window does with a search: asks the controller, shows the answer in the Results tab,
marks and highlights it in the thread, fills snippets as hits are shown, clears it."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QTimer, Slot

from reader.library import Search
from reader.model import DocRef, Hit, SearchResult
from reader.ui.window.menus import DOCUMENTS, RESULTS

SLOW_MS = 150  # an answer not there after this long: the Results tab says it is searching


class SearchActions(QObject):
    """Connects the search bar, the Results tab and the reading pane to the controller's searches."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.result: SearchResult | None = None  # the answer shown
        self.asked = ""  # the question on its way
        self.slow = QTimer(self, singleShot=True, interval=SLOW_MS)  # started with each question
        c, bar, results = window.controller, window.search_bar, window.results
        self.slow.timeout.connect(lambda: results.show_searching(self.asked))
        c.search_failed.connect(self.slow.stop)
        c.searchable.connect(self.rerun)
        c.search_done.connect(self._done)
        c.search_failed.connect(results.show_failure)
        c.marks_ready.connect(self._marks_ready)
        c.snippets_ready.connect(self._snippets_ready)
        bar.search.connect(self.run)
        bar.cleared.connect(self.clear)
        bar.down.connect(results.enter)
        results.options_changed.connect(self.rerun)
        results.range_changed.connect(self.rerun)
        results.suggestion.connect(bar.set_query)
        results.snippets_wanted.connect(self._snippets_wanted)

    def focus(self) -> None:
        """Put the keyboard in the search field, its text selected (Find)."""
        self.window.search_bar.setFocus()
        self.window.search_bar.selectAll()

    def run(self, text: str, show: bool = True) -> None:
        """Ask the controller for an answer (the newest question wins); show=True: on the Results tab."""
        w = self.window
        shown = w.pane.document
        document = shown.ref if shown is not None and w.results.this_doc.isChecked() else None
        if show:
            w.tabs.setCurrentIndex(RESULTS)
        self.asked = text
        self.slow.start()
        w.controller.search(text, w.results.sort_order(), w.results.filters(document))

    def rerun(self, *_args) -> None:
        """Ask the query again (the index or the options changed); the reader's tab stays."""
        if self.window.search_bar.text().strip():
            self.run(self.window.search_bar.text(), show=False)

    def marks_wanted(self) -> None:
        """Ask which entries of the document shown match the query shown (when there is one)."""
        pane = self.window.pane
        if self.result is not None and pane.document is not None:
            self.window.controller.request_marks(self.result.query, pane.document.ref)

    @Slot(object)
    def _done(self, result: SearchResult) -> None:
        self.slow.stop()
        self.result = result
        w = self.window
        w.results.show_result(result, w.status.running)
        w.pane.set_highlighter(partial(Search.match_spans, result=result))
        self.marks_wanted()

    @Slot(object)
    def _snippets_wanted(self, hits: list[Hit]) -> None:
        if self.result is not None:
            self.window.controller.fill_snippets(self.result, hits)

    @Slot(object, object)
    def _snippets_ready(self, result: SearchResult, hits: list[Hit]) -> None:
        if result is self.result:
            self.window.results.add_snippets(hits)

    @Slot(object, str, object)
    def _marks_ready(self, ref: DocRef, query: str, ids: set[str]) -> None:
        pane = self.window.pane
        if (self.result is not None and self.result.query == query and pane.document is not None
                and pane.document.ref == ref):
            pane.set_marks(ids)

    def clear(self) -> None:
        """Forget the query; the reader stays where they are (the search field keeps the focus)."""
        w = self.window
        w.controller.cancel_search()
        self.slow.stop()
        self.result = None
        w.results.clear()
        w.pane.set_highlighter(None)
        w.tabs.setCurrentIndex(DOCUMENTS)

    def leave(self) -> None:
        """Clear the search and go back to reading the document (Esc)."""
        self.window.search_bar.clear()
        self.clear()
        self.window.pane.view.setFocus()
