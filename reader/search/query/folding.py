"""One hit per story: a query's matches folded by their copy groups (reader/search/arrays/copies.py)."""

from __future__ import annotations

import numpy as np

from reader.model import Copy, DocRef
from reader.search.arrays.copies import CopyGroups


def fold(found: list[tuple[int, float]], groups: CopyGroups, chron: np.ndarray, eid: np.ndarray,
         by_date: bool = False) -> list[tuple[int, float]]:
    """Return one match per story among ranked (docnum, score) pairs, in their order: its best
    placed, and of copies placed alike (scored the same; by date, of the same minute) the one
    that appeared first, then the smallest id: the same copy however the segments lie."""
    if not found or not groups.count:
        return found
    docs = np.fromiter((d for d, _ in found), dtype=np.int64, count=len(found))
    labels, keys = groups.label(docs), chron[docs]
    if by_date:  # newest first: the newest copy
        order = np.lexsort((eid[docs], keys, labels))
    else:
        scores = np.fromiter((s for _, s in found), dtype=np.float64, count=len(found))
        order = np.lexsort((eid[docs], -keys, keys >= 0, -scores, labels))
    _values, first = np.unique(labels[order], return_index=True)
    return [found[i] for i in np.sort(order[first])]


def stories(groups: CopyGroups, docnums: np.ndarray) -> int:
    """Return how many distinct stories the matches `docnums` are (copies counted once)."""
    if not groups.count:
        return len(docnums)
    g = groups.group[docnums]
    grouped = g[g >= 0]
    seen = np.zeros(groups.count, dtype=bool)  # (marking beats np.unique's hashing several times)
    seen[grouped] = True
    return len(docnums) - len(grouped) + int(np.count_nonzero(seen))


def first_appearances(groups: CopyGroups, docnums: np.ndarray, chron: np.ndarray) -> np.ndarray:
    """Return one match per story: its earliest dated one (where it first appeared)."""
    if not groups.count or not len(docnums):
        return docnums
    labels = groups.label(docnums)
    keys = chron[docnums]
    order = np.lexsort((-keys, keys >= 0, labels))  # per story: dated first, the oldest first
    _values, first = np.unique(labels[order], return_index=True)
    return np.sort(docnums[order[first]])


def earliest(members: np.ndarray, chron: np.ndarray) -> int:
    """Return the member of a group that appeared first (the oldest dated), -1 if none is dated."""
    keys = chron[members]
    if not (keys < 0).any():
        return -1
    return int(members[np.lexsort((-keys, keys >= 0))[0]])


def copies_of(stored_fields, groups: CopyGroups, docnum: int, chron: np.ndarray) -> tuple[Copy, ...]:
    """Return the other members of a document's group, earliest first; stored_fields(docnum)
    gives a member's stored fields."""
    members = groups.of(docnum)
    if len(members) < 2:
        return ()
    first = earliest(members, chron)
    keys = chron[members]
    out = []
    for d in members[np.lexsort((-keys, keys >= 0))].tolist():
        if d == docnum:
            continue
        stored = stored_fields(d)
        meta = stored.get("entry") if isinstance(stored.get("entry"), dict) else {}
        out.append(Copy(stored["id"], DocRef.from_token(stored["doc"]), stored.get("doc_title", ""),
                        meta.get("time") or stored.get("doc_date") or None, d == first))
    return tuple(out)
