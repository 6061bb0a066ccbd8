"""Every live entry of an index as arrays: its document, its id as a number, its text's fingerprint.

What the reading state is compared with (reader/catchup.py): read from the postings arrays'
`doc` terms and the numeric columns, else (no usable arrays) from whoosh's own postings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reader.model import DocRef
from reader.search import compat
from reader.search.arrays.prepared import Prepared


@dataclass(frozen=True)
class EntryTable:
    """The live entries of an index: for each, which of `documents` it belongs to, its id (as the
    schema's entry_number) and fingerprint (Entry.fingerprint); `documents` as DocRefs."""

    documents: tuple[DocRef, ...]
    owner: np.ndarray  # int32: index into documents
    eid: np.ndarray  # int64
    fingerprint: np.ndarray  # int64
    docnum: np.ndarray  # int64: its whoosh document number (of the searcher it was read from)

    def ids(self, where: np.ndarray | None = None) -> list[str]:
        """Return the entry ids (of the rows `where` is true), as the documents give them."""
        chosen = self.eid if where is None else self.eid[where]
        return [f"{int(n):012x}" for n in chosen]


def entry_table(searcher, prepared: Prepared) -> EntryTable:
    """Return the live entries of the index a searcher reads."""
    tokens: dict[str, int] = {}
    size = searcher.doc_count_all()
    owner = np.full(size, -1, dtype=np.int32)
    arrays = prepared.arrays
    if arrays is not None:
        for part in arrays.parts:
            for row in range(part.arrays.rows("doc")):
                n = tokens.setdefault(part.arrays.word("doc", row), len(tokens))
                docs, _weights = part.arrays.postings("doc", row)
                owner[docs.astype(np.int64) + part.offset] = n
        live = arrays.live.copy()
    else:  # whoosh's postings leave deleted documents out: they keep no owner
        live = np.ones(size, dtype=bool)
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            for raw in reader.lexicon("doc"):
                token = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                n = tokens.setdefault(token, len(tokens))
                ids = np.asarray(compat.posting_ids(reader.postings("doc", token)), dtype=np.int64)
                owner[ids + offset] = n
    live &= owner >= 0
    return EntryTable(tuple(DocRef.from_token(t) for t in tokens), owner[live],
                      prepared.column("eid")[live], prepared.column("fingerprint")[live],
                      np.flatnonzero(live))


def entry_table_of_nothing() -> EntryTable:
    """Return the table of an index that holds no entries (or is not there yet)."""
    empty = np.zeros(0, dtype=np.int64)
    return EntryTable((), np.zeros(0, dtype=np.int32), empty, empty, empty)
