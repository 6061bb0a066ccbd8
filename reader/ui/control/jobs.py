"""The work the controller hands to background threads (each function runs off the GUI thread)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from reader.background import list_in_child, update_in_child
from reader.library import ArchiveError, IndexReport, Library, Progress
from reader.model import DocRef, Filters, SearchResult

SNIPPETS = 15  # hits that come with their snippets: a screenful; the rest when shown

def update(library: Library, rebuild: bool, report: Callable[[Progress], None],
            stop: threading.Event) -> IndexReport:
    """(worker) Update the index in a child process when anything changed (or on a rebuild)."""
    if not rebuild and not library.index.needs_update():
        return library.index.summary()
    return update_in_child(library, rebuild, report, stop)


def search(library: Library, text: str, limit: int, sort: str, filters: Filters,
           stale: Callable[[], bool]) -> SearchResult:
    """(worker) Ask a query with its hits over time; narrowed to a range of dates (the timeline's),
    the hits are those of the range and the timeline stays that of every date."""
    if not filters.dated:
        return library.search(text, limit, sort, filters, SNIPPETS, stale, timeline=True)
    narrowed = library.search(text, limit, sort, filters, SNIPPETS, stale)
    whole = library.search(text, 1, sort, replace(filters, after=None, before=None), 0, stale,
                           timeline=True)
    return replace(narrowed, timeline=whole.timeline)


def document_list(library: Library, report: Callable[[object], None], stop: threading.Event):
    """(worker) Return (infos, problems, streamed): from the manifest, else by parsing every file.

    Parsing (a first start) runs in a child process and reports the first documents at once,
    then what it has read since every quarter second (streamed=True), so a big archive fills
    the list while it is read.
    """
    infos = library.documents.infos()
    if infos is not None:
        return infos, [], False
    return (*list_in_child(library, report, stop), True)


def parse(library: Library, ref: DocRef):
    """(worker) Parse one document; return the reason as a string if it cannot be read."""
    try:
        return library.documents.get(ref)
    except ArchiveError as exc:
        return str(exc)
