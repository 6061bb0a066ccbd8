"""What the window does with what is new: counts in the document list, entries seen as they are read,
Next New Entry across documents, Mark as Read, the What's New tab."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from reader.library import CatchUp, News
from reader.model import DocRef, Document
from reader.ui.control.catching_up import CatchingUp


class NewsActions(QObject):
    """Connects the window's panels to its CatchingUp (the reading state)."""

    status = Signal(str)

    def __init__(self, window, catching: CatchingUp):
        super().__init__(window)
        self.window = window
        self.catching = catching
        catching.changed.connect(self._caught_up)
        catching.whats_new.connect(window.whats_new.show_new)
        catching.message.connect(self.status)
        window.pane.entries_seen.connect(catching.mark_seen)
        window.whats_new.chosen.connect(window._hit_chosen)
        window.whats_new.opened.connect(lambda hit: window._hit_chosen(hit, focus=True))
        window.controller.library_changed.connect(catching.set_library)
        window.controller.archive_changed.connect(catching.refresh)
        window.controller.searchable.connect(catching.refresh)
        window.controller.documents_listed.connect(self._listed)
        window.controller.index_done.connect(self._listed)  # (a list read while the files are)
        window.tabs.currentChanged.connect(self._tab_changed)
        self._after_listing = False

    def start(self) -> None:
        """Work out what is new once the document list is shown: at a start both want the
        cores, and the list comes first (its new counts follow it); at the latest once the
        start's index update is done (a first listing, or one that failed, emits no list)."""
        self._after_listing = True

    @Slot(object)
    def _listed(self, _listed_or_report) -> None:
        if self._after_listing:
            self._after_listing = False
            self.catching.refresh()

    def news(self, ref: DocRef) -> News:
        """Return what is new in a document as the latest catch-up says (the thread's divider)."""
        return self.catching.current.news(ref)

    def opened(self, doc: Document) -> None:
        """Note that a document is shown (entries it gains from now on count as new)."""
        if not self.catching.current.reading(doc.ref).opened:
            self.catching.mark_opened(doc.ref, list(doc.entries))

    @Slot(object)
    def _caught_up(self, caught: CatchUp) -> None:
        self.window.documents.set_new_counts({ref: r.new for ref, r in caught.documents.items() if r.new})
        shown = self.window.pane.document
        if shown is not None:
            self.window.pane.add_news(caught.news(shown.ref))
        if self.window.tabs.currentWidget() is self.window.whats_new:
            self.catching.list_new()

    def _tab_changed(self, _index: int) -> None:
        if self.window.tabs.currentWidget() is self.window.whats_new:
            self.catching.list_new()

    def next_new(self) -> None:
        """Go to the next new entry: in the thread shown, else in the next document that has any
        (in the document list's order, from the one shown)."""
        pane = self.window.pane
        if pane.document is not None and pane.next_new():
            return
        counts = self.window.documents.model.new_counts
        order = [d.ref for d in self.window.documents.model.documents_in_order()]
        here = pane.document.ref if pane.document is not None else None
        start = order.index(here) + 1 if here in order else 0
        target = next((ref for ref in order[start:] + order[:start] if counts.get(ref) and ref != here), None)
        if target is None:
            self.status.emit("Nothing new since you last read.")
            return
        self.window.open_document(target, focus=True)

    def mark_read(self) -> None:
        """Mark the document shown as read: every entry of it seen."""
        doc = self.window.pane.document
        if doc is None:
            self.status.emit("Open a document first.")
            return
        self.catching.mark_read(doc.ref)
        self.window.pane.forget_news()

    def show_whats_new(self) -> None:
        """Show the What's New tab."""
        self.window.tabs.setCurrentWidget(self.window.whats_new)
        self.window.whats_new.view.setFocus()
