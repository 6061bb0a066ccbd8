"""Find a compiled query's matches: from the postings arrays, else by whoosh's matchers (the reference).

An Answer holds the exact total, the top hits, how many matches hold a term, and the matches
per day (for timelines); both ways give the same (tests/test_fast.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from whoosh import query as wq

from reader.search import compat
from reader.search.arrays import fast
from reader.search.arrays.prepared import Prepared


@dataclass
class Answer:
    """What matched a query."""

    total: int
    found: list[tuple[int, float]]  # the top (docnum, score) pairs
    within: Callable[[str, str], int]  # (field, term) -> how many matches hold it
    docnums: Callable[[], np.ndarray]  # every match's document number


def answer(searcher, prepared: Prepared, q: wq.Query, flt: wq.Query | None, limit: int,
           sort: str, allowed: np.ndarray | None = None) -> Answer:
    """Answer a query, narrowed to what the filter query matches (it does not score) and, when
    given, to the entries whose numbers (the eid column) are `allowed`: from the postings arrays
    when they can, else with whoosh's matchers."""
    return _fast_answer(prepared, q, flt, limit, sort, allowed) or _whoosh_answer(
        searcher, prepared, q, flt, limit, sort, allowed)


def by_day(prepared: Prepared, docnums: np.ndarray) -> dict[int, tuple[int, int]]:
    """Return {YYYYMMDD: (matches, key events)} of documents (see the schema's day column)."""
    days = prepared.column("day")[docnums]
    keys = prepared.column("key")[docnums]
    values, inverse = np.unique(days, return_inverse=True)
    counts = np.bincount(inverse, minlength=len(values))
    key_counts = np.bincount(inverse, weights=keys, minlength=len(values))
    return {int(v): (int(c), int(k)) for v, c, k in zip(values, counts, key_counts, strict=True)}


def _fast_answer(prepared: Prepared, q: wq.Query, flt: wq.Query | None, limit: int,
                 sort: str, allowed: np.ndarray | None) -> Answer | None:
    """Answer from the postings arrays (None when they cannot)."""
    arrays = prepared.arrays
    if arrays is None:
        return None
    try:
        mask, docnums, found = arrays.answer(q, flt, limit, sort, allowed)
    except fast.Unsupported:
        return None
    except (IndexError, ValueError) as exc:  # arrays that do not fit the segment: use whoosh
        prepared.drop_arrays(f"{type(exc).__name__}: {exc}")
        return None
    return Answer(len(docnums), found, partial(arrays.count_within, mask), lambda: docnums)


def _whoosh_answer(searcher, prepared: Prepared, q: wq.Query, flt: wq.Query | None, limit: int,
                   sort: str, allowed: np.ndarray | None) -> Answer:
    """Answer with whoosh's matchers (the reference path)."""
    # the set of every match gives the exact total and the variant counts
    matched_docs = doc_ids(searcher, wq.And([q, flt]) if flt is not None else q)
    if allowed is not None:
        matched_docs &= set(np.flatnonzero(np.isin(prepared.column("eid"), allowed)).tolist())
    if sort == "date":  # newest first: the smallest keys among the matches, no scoring
        chron = prepared.chron
        found = [(d, 0.0) for d in heapq.nsmallest(max(1, limit), matched_docs, key=chron.__getitem__)]
    else:
        # every match scored: whoosh 2.7.4's top-N collector misses matches at the start of a
        # segment other than the first (tests/test_fast.py found one), so no limit is given
        results = searcher.search(q, limit=None, filter=flt)
        ranked = sorted(((hit.score, hit.docnum) for hit in results if hit.docnum in matched_docs),
                        key=lambda p: (-p[0], p[1]))
        found = [(docnum, score) for score, docnum in ranked[:max(1, limit)]]

    def within(fieldname: str, text: str) -> int:
        return len(matched_docs.intersection(_term_ids(searcher, fieldname, text)))

    return Answer(len(matched_docs), found, within,
                  lambda: np.fromiter(sorted(matched_docs), dtype=np.int64, count=len(matched_docs)))



def doc_ids(searcher, q: wq.Query) -> set[int]:
    """Return the numbers of every document q matches.

    Terms, and/or/not of them, are answered from posting lists block by block, and combined
    as sets: three times faster than whoosh's matcher, which steps one document at a time.
    Anything else (phrases, prefixes of dates) goes through the matcher.
    """
    if isinstance(q, wq.Term):
        return _term_ids(searcher, q.fieldname, q.text)
    if q is wq.NullQuery:
        return set()
    if isinstance(q, wq.Or):
        children = q.subqueries
        in_content = {c.text for c in children if isinstance(c, wq.Term) and c.fieldname == "content"}
        # the headline is part of the content field: its matches add nothing to the set
        children = [c for c in children if not (isinstance(c, wq.Term) and c.fieldname == "headline"
                                                and c.text in in_content)]
        return set().union(*(doc_ids(searcher, c) for c in children))
    if isinstance(q, wq.And):
        keep = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        drop = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if keep:
            ids = set.intersection(*sorted((doc_ids(searcher, c) for c in keep), key=len))
            return ids.difference(*(doc_ids(searcher, c) for c in drop)) if ids else ids
    return set(searcher.docs_for_query(q))


def _term_ids(searcher, fieldname: str, text: str) -> set[int]:
    ids: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, text) not in reader:
            continue
        found = compat.posting_ids(reader.postings(fieldname, text))
        if reader.has_deletions():
            deleted = reader.is_deleted
            found = [d for d in found if not deleted(d)]
        ids.update(found if not offset else (d + offset for d in found))
    return ids


