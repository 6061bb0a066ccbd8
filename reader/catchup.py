"""Catching up: of the documents the reader opened, which entries are new, or edited since read.

An entry counts as seen when its id was seen with the same text (its fingerprint), or, for a
file moved to another folder (its entry ids change with its path), when an entry of the same
file name had this text. A document never opened has nothing new: an archive of 2,000 liveblogs
does not open as 100,000 unread entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reader.model import DocRef
from reader.search.entries import EntryTable
from reader.seen import ReadingState, name_of


@dataclass(frozen=True)
class Reading:
    """What the reader has seen of one document."""

    opened: bool = False
    seen: int = 0  # entries seen with the text they have now
    new: int = 0  # entries not seen, or edited since (these counted in `edited` too)
    edited: int = 0
    last_read: str | None = None  # when the reader last saw an entry of it (UTC)


@dataclass(frozen=True)
class CatchUp:
    """The archive's new entries: counts per document, and the entries themselves."""

    documents: dict[DocRef, Reading] = field(default_factory=dict)
    new: dict[DocRef, list[tuple[str, bool]]] = field(default_factory=dict)  # (entry id, edited)
    new_eids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # for is:new

    def reading(self, ref: DocRef) -> Reading:
        """Return what the reader has seen of a document (nothing, for one never opened)."""
        return self.documents.get(ref, Reading())

    @property
    def total(self) -> int:
        return len(self.new_eids)


def catch_up(table: EntryTable, state: ReadingState) -> CatchUp:
    """Return which entries of the index `table` describes are new to a reader whose reading
    state is `state`."""
    if not len(table.eid):
        return CatchUp()
    seen_ids = np.fromiter((int(i, 16) for i in state.seen), dtype=np.int64, count=len(state.seen))
    seen_texts = np.fromiter((t for t, _when in state.seen.values()), dtype=np.int64, count=len(state.seen))
    order = np.argsort(seen_ids)
    seen_ids, seen_texts = seen_ids[order], seen_texts[order]
    at = np.minimum(np.searchsorted(seen_ids, table.eid), max(len(seen_ids) - 1, 0))
    by_id = (seen_ids[at] == table.eid) if len(seen_ids) else np.zeros(len(table.eid), dtype=bool)
    edited = by_id & (seen_texts[at] != table.fingerprint) if len(seen_ids) else by_id
    names = [name_of(ref) for ref in table.documents]
    opened = np.array([ref in state.opened or names[n] in state.opened_names
                       for n, ref in enumerate(table.documents)], dtype=bool)
    in_opened = opened[table.owner]
    same = by_id & ~edited
    for row in np.flatnonzero(in_opened & ~by_id):  # a moved file's entries: by name and text
        if (names[table.owner[row]], int(table.fingerprint[row])) in state.seen_texts:
            same[row] = True
    new = in_opened & ~same
    count = len(table.documents)
    seen_n = np.bincount(table.owner, weights=same, minlength=count)
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
