"""Catching up: of the documents the reader opened, which entries are new, or edited since read.

An entry is new when its document was opened before and the entry was neither there then nor
read since, or its text (its fingerprint) changed since (edited). An entry is matched by its id,
or, for a file moved to another folder (its entry ids change with its path), by its file name
and text. A document never opened has nothing new: an archive of 2,000 liveblogs does not open
as 100,000 unread entries, and opening a long liveblog does not make its old entries new.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reader.model import DocRef
from reader.search.arrays.entries import EntryTable
from reader.seen import ReadingState, name_of


@dataclass(frozen=True)
class Reading:
    """What the reader has seen of one document."""

    opened: bool = False
    seen: int = 0  # entries read, with the text they have now
    new: int = 0  # entries it gained since it was opened, or edited since (counted in `edited` too)
    edited: int = 0
    last_read: str | None = None  # when the reader last saw an entry of it (UTC)


@dataclass(frozen=True)
class News:
    """What is new in one document, for its thread: the new entries, those edited since read."""

    opened: bool = False  # opened before: entries not seen are new (else none is)
    new: frozenset[str] = frozenset()  # ids (edited ones among them)
    edited: frozenset[str] = frozenset()
    last_read: str | None = None


@dataclass(frozen=True)
class CatchUp:
    """The archive's new entries: counts per document, and the entries themselves."""

    documents: dict[DocRef, Reading] = field(default_factory=dict)
    new: dict[DocRef, list[tuple[str, bool]]] = field(default_factory=dict)  # (entry id, edited)
    new_eids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # for is:new

    def reading(self, ref: DocRef) -> Reading:
        """Return what the reader has seen of a document (nothing, for one never opened)."""
        return self.documents.get(ref, Reading())

    def news(self, ref: DocRef) -> News:
        """Return what is new in a document."""
        reading = self.reading(ref)
        listed = self.new.get(ref, [])
        return News(reading.opened, frozenset(i for i, _edited in listed),
                    frozenset(i for i, edited in listed if edited), reading.last_read)

    @property
    def total(self) -> int:
        return len(self.new_eids)


def catch_up(table: EntryTable, state: ReadingState) -> CatchUp:
    """Return which entries of the index `table` describes are new to a reader whose reading
    state is `state`."""
    if not len(table.eid):
        return CatchUp()
    seen_ids, seen_texts, read = state.ids, state.texts, state.read  # (ids ascending)
    at = np.minimum(np.searchsorted(seen_ids, table.eid), max(len(seen_ids) - 1, 0))
    by_id = (seen_ids[at] == table.eid) if len(seen_ids) else np.zeros(len(table.eid), dtype=bool)
    edited = by_id & (seen_texts[at] != table.fingerprint) if len(seen_ids) else by_id
    names = [name_of(ref) for ref in table.documents]
    opened = np.array([ref in state.opened or names[n] in state.opened_names
                       for n, ref in enumerate(table.documents)], dtype=bool)
    in_opened = opened[table.owner]
    same = by_id & ~edited  # known (or read) with the text it has now
    was_read = same & read[at] if len(seen_ids) else same
    unknown = np.flatnonzero(in_opened & ~by_id)
    moved = state.moved({names[n] for n in np.unique(table.owner[unknown])}) if len(unknown) else frozenset()
    for row in unknown:  # a moved file's entries: by name and text
        if (names[table.owner[row]], int(table.fingerprint[row])) in moved:
            same[row] = was_read[row] = True
    new = in_opened & ~same
    count = len(table.documents)
    seen_n = np.bincount(table.owner, weights=was_read, minlength=count)
    new_n = np.bincount(table.owner, weights=new, minlength=count)
    edited_n = np.bincount(table.owner, weights=new & edited, minlength=count)
    documents = {ref: Reading(bool(opened[n]), int(seen_n[n]), int(new_n[n]), int(edited_n[n]),
                              state.last_read.get(ref))
                 for n, ref in enumerate(table.documents)}
    listed: dict[DocRef, list[tuple[str, bool]]] = {}
    for row in np.flatnonzero(new):
        listed.setdefault(table.documents[table.owner[row]], []).append(
            (f"{int(table.eid[row]):012x}", bool(edited[row])))
    return CatchUp(documents, listed, table.eid[new])
