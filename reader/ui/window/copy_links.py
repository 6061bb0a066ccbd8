"""What the window does with copies of a story: the thread's "also in" links, and going to a copy."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal, Slot

from reader.model import Copy, Document


class CopyLinks(QObject):
    """Fetches the copies of the entries of the thread shown (on the search thread) for its
    "also in" links, and opens a copy at its entry (a link, or Document → Go to a Copy)."""

    status = Signal(str)

    def __init__(self, window, tasks):
        super().__init__(window)
        self.window, self.tasks = window, tasks
        window.pane.document_shown.connect(self._shown)
        window.pane.copy_chosen.connect(self.open_copy)
        window.controller.index_done.connect(self._refresh)  # (copies found since it was shown)
        window.controller.archive_changed.connect(self._refresh)

    def _refresh(self, *_args) -> None:
        if self.window.pane.document is not None:
            self._shown(self.window.pane.document)

    @Slot(object)
    def _shown(self, doc: Document) -> None:
        ids = [e.id for e in doc.entries]
        self.tasks.run(partial(self.window.library.search.copies_of, ids), partial(self._found, doc),
                       self._failed, search=True)

    def _found(self, doc: Document, copies: dict[str, tuple[Copy, ...]]) -> None:
        pane = self.window.pane
        if pane.document is not doc:
            return  # another document (or a newer reading of it) is shown since
        dated = {e.id for e in doc.entries if e.time} if not doc.date else {e.id for e in doc.entries}
        first_here = frozenset(i for i, found in copies.items()
                               if i in dated and not any(c.first for c in found))
        pane.model.set_copies(copies, first_here)

    def _failed(self, exc: BaseException) -> None:
        self.status.emit(f"The copies of this document's entries could not be found: {exc}")

    @Slot(object)
    def open_copy(self, copy: Copy) -> None:
        """Open the document a copy is in, at the copy."""
        self.window.open_document(copy.document, copy.id, focus=True)

    def next_copy(self) -> None:
        """Go to the next copy of the entry with the focus (in document order, round the group)."""
        pane = self.window.pane
        entry = pane.current_entry()
        copies = pane.model.copies.get(entry.id) if entry is not None else None
        if not copies:
            self.status.emit("This entry has no copies in other documents.")
            return
        here = str(pane.document.ref)
        later = [c for c in sorted(copies, key=lambda c: str(c.document)) if str(c.document) > here]
        self.open_copy(later[0] if later else min(copies, key=lambda c: str(c.document)))
