"""Answer whoosh queries from the segments' postings arrays: match sets as masks, whoosh's BM25F scores.

The query is the whoosh query our compiler builds (terms, phrases, and/or/not, date prefixes);
it is evaluated over every document number at once with numpy instead of stepping whoosh's
matchers one document at a time. What a match is and how it scores follow whoosh exactly
(BM25F per field with its global idf and average length, lengths as whoosh stores them, sums
over and/or, phrases as adjacent positions): the whoosh path stays the reference and the
fallback (tests/test_fast.py compares the two).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import query as wq

from reader.search import compat, edits
from reader.search.arrays import tiers
from reader.search.arrays.segment_arrays import (
    COLUMNS,
    FIELDS,
    POSITIONAL,
    SCORED,
    SegmentArrays,
    length_table,
)
from reader.search.arrays.shingles import BANDS, SKETCH

K1, B = 1.2, 0.75  # whoosh's BM25F defaults, which the schema's fields use


class Unsupported(Exception):
    """A query this path does not evaluate (the whoosh path answers it)."""


@dataclass
class _Part:
    arrays: SegmentArrays
    offset: int
    doc_count: int


class IndexArrays:
    """Every segment's postings arrays for one whoosh searcher, with global statistics.

    Read-only once made, and holding no whoosh object: the readers of every thread share it.
    """

    def __init__(self, searcher, folder: Path):
        leaves, offsets, readers = [], [], []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is not None:  # (an index without segments yet has one without)
                leaves.append(tiers.Leaf(reader.segment().segment_id(), reader.doc_count_all()))
                offsets.append(offset)
                readers.append(reader)
        # the parts: consolidated tiers where they match runs of segments, else segments' own
        found = tiers.cover(folder, leaves)
        self.parts: list[_Part] = []
        # the schema's numeric columns, by document number: date order, day, key event; a
        # tier keeps its segments' (read from whoosh once, when it was made)
        by_column: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
        at = 0
        for part in found:
            self.parts.append(_Part(part.arrays, offsets[at], part.doc_count))
            kept = tiers.columns(part)
            for name in COLUMNS:
                by_column[name] += [kept[name]] if kept else [
                    column(r, name) for r in readers[at:at + len(part.leaves)]]
            at += len(part.leaves)
        self.columns: dict[str, np.ndarray] = {
            name: np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
            for name, pieces in by_column.items()}
        self.size = sum(p.doc_count for p in self.parts)
        self._offsets = [p.offset for p in self.parts]
        self.live = np.ones(self.size, dtype=bool)
        for sub, offset in searcher.leaf_searchers():
            if sub.reader().segment() is not None:
                deleted = np.fromiter(sub.reader().segment().deleted_docs(), dtype=np.int64)
                self.live[deleted + offset] = False
        # BM25F's length normalisation, per field: K1 * (1 - B + B * length / average length)
        # for each of the 256 lengths whoosh's one-byte code stands for, worked out once here,
        # and every document's code (a byte each: at 1M entries 4 MB, not 32 MB of floats)
        self.norm_table = {f: K1 * ((1 - B) + B * length_table() / (searcher.avg_field_length(f) or 1))
                           for f in SCORED}
        self.length_codes = {f: np.concatenate([p.arrays.lengths(f) for p in self.parts])
                             if self.parts else np.zeros(0, dtype=np.uint8) for f in SCORED}

    def close(self) -> None:
        for part in self.parts:
            part.arrays.close()
        self.parts = []

    def copy_bands(self, docnums: np.ndarray, which: slice = slice(None)) -> np.ndarray:
        """Return the MinHash bands (reader/search/arrays/shingles.py) of documents, one row each
        (which: those bands only)."""
        return self._rows_of("copies.bands", BANDS, np.uint32, docnums, which)

    def band_tables(self) -> Iterator[tuple[int, np.ndarray]]:
        """Yield each segment's first document number and its bands (doc_count x BANDS), as kept."""
        for part in self.parts:
            yield part.offset, part.arrays.arrays["copies.bands"].reshape(part.doc_count, BANDS)

    def copy_sketch(self, docnums: np.ndarray) -> np.ndarray:
        """Return the similarity sketches (reader/search/arrays/shingles.py) of documents, one row each."""
        return self._rows_of("copies.sketch", SKETCH, np.uint8, docnums)

    def _rows_of(self, name: str, width: int, dtype, docnums: np.ndarray,
                 which: slice = slice(None)) -> np.ndarray:
        """Return the rows of documents in a per-document table of `width` values each (which:
        those columns only)."""
        out = np.zeros((len(docnums), len(range(width)[which])), dtype=dtype)
        for part in self.parts:
            inside = (docnums >= part.offset) & (docnums < part.offset + part.doc_count)
            if inside.any():
                table = part.arrays.arrays[name].reshape(part.doc_count, width)
                out[inside] = table[docnums[inside] - part.offset, which]
        return out

    def shingle_set(self, docnum: int) -> np.ndarray:
        """Return a document's shingles (ascending)."""
        part = self.parts[bisect.bisect_right(self._offsets, docnum) - 1]
        bounds = part.arrays.arrays["copies.sstart"]
        local = docnum - part.offset
        return part.arrays.arrays["copies.shingles"][bounds[local]:bounds[local + 1]]

    def translit_words(self, key: str) -> set[str]:
        """Return the unstemmed words of the index with this transliteration key."""
        return {w for p in self.parts for w in p.arrays.translit_words(key)}

    # -- the vocabulary -----------------------------------------------------------------
    # As whoosh's MultiReader gives it (every segment's terms, those only deleted documents had
    # too), from the arrays: a segment's terms are a slice of sorted bytes, not a walk of its
    # term file, so a query pays microseconds per segment for them, not a term-file read.

    def knows(self, field: str) -> bool:
        """Return True when the arrays hold a field's vocabulary."""
        return all(p.arrays.has_field(field) for p in self.parts)

    def expand_prefix(self, field: str, prefix: str, limit: int) -> list[str]:
        """Return the first `limit` terms of a field that start with prefix, in whoosh's order
        (by their UTF-8 bytes), as whoosh's reader.expand_prefix gives them."""
        wanted = prefix.encode("utf-8")
        found: set[bytes] = set()
        for part in self.parts:
            found.update(part.arrays.prefix_terms(field, wanted, limit))
        return [t.decode("utf-8") for t in sorted(found)[:limit]]

    def terms_within(self, field: str, word: str, maxdist: int, prefix: int) -> list[str]:
        """Return the terms of a field within maxdist edits of word (reader/search/edits.py) that
        share its first `prefix` characters, in whoosh's order (by their UTF-8 bytes)."""
        size = len(word)
        wide = sum(ord(c) > 127 for c in word) + maxdist  # characters of 2-4 bytes it may have
        low, high = max(size - maxdist, 0), size + maxdist + 3 * wide
        start = word[:prefix].encode("utf-8")
        found: set[bytes] = set()
        foreign = edits.foreign_bytes(word)
        for part in self.parts:
            found.update(part.arrays.sized_terms(field, start, low, high, foreign, maxdist))
        near = edits.near(word, [term.decode("utf-8") for term in found], maxdist)
        return sorted(near, key=lambda term: term.encode("utf-8"))  # (the few found, not all looked at)

    def doc_frequency(self, field: str, text: str) -> int:
        """Return in how many documents a term occurs (deleted ones too, as whoosh counts)."""
        total = 0
        for part in self.parts:
            row = part.arrays.term(field, text)
            if row >= 0:
                total += part.arrays.doc_frequency(field, row)
        return total

    # -- evaluating -------------------------------------------------------------------

    def matches(self, q: wq.Query, scored: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Return (mask, scores) over every document number; deleted documents included.
        scored=False: the mask only (scores None), for answers in date order."""
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float64) if scored else None
        self._add(q, mask, score)
        return mask, score

    def _add(self, q: wq.Query, mask: np.ndarray, score: np.ndarray | None) -> None:
        """Add q's matches and scores into mask and score (an OR; score None: matches only)."""
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return
        if isinstance(q, wq.Term):
            self._term(q.fieldname, q.text, mask, score, q.boost)
        elif isinstance(q, wq.Every):  # every document, each scored as whoosh's Every does: 1
            if score is not None:
                score[~mask] += q.boost
            mask[:] = True
        elif isinstance(q, wq.Or):
            for child in q.subqueries:
                self._add(child, mask, score)
        elif isinstance(q, wq.And | wq.Phrase):
            scored = score is not None
            m, s = self._and(q, scored) if isinstance(q, wq.And) else self._phrase(q, scored)
            mask |= m
            if score is not None:
                score += s
        elif isinstance(q, wq.Prefix) and q.fieldname == "date":
            for part in self.parts:
                for row in part.arrays.prefix_rows("date", q.text):
                    docs, _weights = part.arrays.postings("date", row)
                    g = docs.astype(np.int64) + part.offset
                    if score is not None:  # a prefix scores as a constant once per document
                        score[g[~mask[g]]] += q.boost
                    mask[g] = True
        else:
            raise Unsupported(type(q).__name__)

    def _and(self, q: wq.And, scored: bool) -> tuple[np.ndarray, np.ndarray | None]:
        keep = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        drop = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if not keep:
            raise Unsupported("an AND of only NOTs")
        mask, score = self.matches(keep[0], scored)
        for child in keep[1:]:
            m, s = self.matches(child, scored)
            mask &= m
            if scored:
                score += s
        for child in drop:
            m, _ = self.matches(child, scored=False)
            mask &= ~m
            if scored:
                score += 1.0  # whoosh scores "not matching" as a match of weight 1 (InverseMatcher)
        if scored:
            score[~mask] = 0.0
        return mask, score

    def _rows(self, field: str, text: str) -> list[int]:
        return [p.arrays.term(field, text) for p in self.parts]

    def idf(self, field: str, rows: list[int]) -> float:
        """whoosh's idf: log(all documents / (documents with the term + 1)) + 1, deleted ones included."""
        df = sum(p.arrays.doc_frequency(field, r) for p, r in zip(self.parts, rows, strict=True) if r >= 0)
        return math.log(self.size / (df + 1)) + 1

    def _term(self, field: str, text: str, mask: np.ndarray, score: np.ndarray | None,
              boost: float) -> None:
        if field not in FIELDS:
            raise Unsupported(f"field {field}")
        rows = self._rows(field, text)
        scored = field in SCORED
        idf = self.idf(field, rows) if scored and score is not None else 0.0
        for part, row in zip(self.parts, rows, strict=True):
            if row < 0:
                continue
            docs, weights = part.arrays.postings(field, row)
            g = docs.astype(np.int64) + part.offset
            mask[g] = True
            if score is not None:
                score[g] += self._bm25(field, idf, g, weights) * boost if scored else weights * boost

    def _bm25(self, field: str, idf: float, g: np.ndarray, weights: np.ndarray) -> np.ndarray:
        tf = np.asarray(weights, dtype=np.float64)  # (postings give float64: no copy)
        return idf * ((tf * (K1 + 1)) / (tf + self.norm_table[field][self.length_codes[field][g]]))

    def _phrase(self, q: wq.Phrase, scored: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Documents where the words stand next to each other in this order; scored as their sum."""
        field = q.fieldname
        if field not in POSITIONAL or q.slop != 1:
            raise Unsupported(f"phrase in {field}")
        mask = np.zeros(self.size, dtype=bool)
        score = np.zeros(self.size, dtype=np.float64) if scored else None
        words = list(q.words)
        rows = [self._rows(field, w) for w in words]  # per word, per part
        idfs = [self.idf(field, r) for r in rows]
        for n, part in enumerate(self.parts):
            part_rows = [r[n] for r in rows]
            if any(r < 0 for r in part_rows):
                continue  # whoosh: a word missing from a segment means no match in it
            keys = None  # (document << 32 | position) of the phrase so far, sorted
            for row in part_rows:
                d, p = part.arrays.positions(field, row)
                key = (d.astype(np.int64) << 32) | p.astype(np.int64)
                keys = key if keys is None else key[_contains(keys, key - 1)]
                if not len(keys):
                    break
            docs = keys >> 32
            found = docs[np.flatnonzero(np.diff(docs, prepend=-1))]
            if not len(found):
                continue
            g = found + part.offset
            mask[g] = True
            if not scored:
                continue
            for row, idf in zip(part_rows, idfs, strict=True):
                d, w = part.arrays.postings(field, row)
                at = np.searchsorted(d, found)  # each found document is among the word's postings
                score[g] += self._bm25(field, idf, g, w[at])
        return mask, score * q.boost if scored else None

    # -- answering ------------------------------------------------------------------------

    def answer(self, q: wq.Query, flt: wq.Query | None, limit: int, sort: str,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, list[tuple[int, float]]]:
        """Return (the mask of live matches that flt and `allowed` (entry numbers) let through,
        their document numbers, the top `limit` (docnum, score) pairs); they narrow, they do not
        score. In date order nothing is scored (the pairs' scores are 0)."""
        mask, score = self.matches(q, scored=sort != "date")
        mask &= self.live
        if flt is not None:
            only, _ = self.matches(flt, scored=False)
            mask &= only
        if allowed is not None:
            mask &= np.isin(self.columns["eid"], allowed)
        idx = np.flatnonzero(mask)
        limit = max(1, limit)
        if sort == "date":
            keys = self.columns["chron"][idx]
            top = _smallest(keys, idx, limit)
            return mask, idx, [(int(d), 0.0) for d in top]
        top = _smallest(-score[idx], idx, limit)
        return mask, idx, [(int(d), float(score[d])) for d in top]

    def count_within(self, mask: np.ndarray, field: str, text: str) -> int:
        """Return how many documents of mask contain a term (its postings looked up in mask)."""
        if field not in FIELDS:
            raise Unsupported(f"field {field}")
        total = 0
        for part, row in zip(self.parts, self._rows(field, text), strict=True):
            if row >= 0:  # (a part's postings of a term are of distinct documents)
                docs, _weights = part.arrays.postings(field, row)
                total += int(np.count_nonzero(mask[docs.astype(np.int64) + part.offset]))
        return total


def column(reader, fieldname: str) -> np.ndarray:
    """Return a segment's numeric column as an int64 array, one value per document."""
    count = reader.doc_count_all()
    found = compat.column_bytes(reader, fieldname)
    if found is None:
        return np.asarray(compat.column_values(reader, fieldname), dtype=np.int64)
    raw, typecode, default = found
    values = np.frombuffer(raw, dtype=np.dtype(typecode).newbyteorder(">")).astype(np.int64)
    if len(values) < count:  # documents after the last one with a value: the column's default
        values = np.concatenate([values, np.full(count - len(values), default, dtype=np.int64)])
    return values


def _contains(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Return for each wanted value whether it is in sorted_values."""
    if not len(sorted_values):
        return np.zeros(len(wanted), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_values, wanted), len(sorted_values) - 1)
    return sorted_values[at] == wanted


def _smallest(keys: np.ndarray, docnums: np.ndarray, limit: int) -> np.ndarray:
    """Return the docnums of the `limit` smallest keys, ties by docnum (as whoosh's collector)."""
    if len(keys) > limit:
        kth = np.partition(keys, limit - 1)[limit - 1]
        within = keys <= kth
        keys, docnums = keys[within], docnums[within]
    order = np.lexsort((docnums, keys))[:limit]
    return docnums[order]
