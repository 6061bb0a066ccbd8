"""Pairs of entries that may be copies (copies.py): entries that share a MinHash band value
(shingles.py), found by sorting bands (every entry with every other, a first build) or by
looking new entries' bands up among everyone's (a sync), and screened by their sketches."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from reader.search.arrays.shingles import BANDS, NO_BAND

SKETCH_MIN = 8  # of SKETCH (32) low bytes of minima equal: J >= 0.5 passes 99.9 %, J 0.05 0.01 %
# members of one band value a new entry is compared with: the first MAX_BUCKET kept, the first
# FIRST new ones (hundreds of copies of one boilerplate text are connected, not all compared)
MAX_BUCKET, FIRST = 16, 3
BANDS_AT_ONCE = 4  # bands of every entry read at a time in a first build (16 MB at 1M entries)
PAIRS_AT_ONCE = 1 << 18  # candidate pairs whose sketches are compared at a time (8 MB a side)
FILTER = (1 << 20) - 1  # the low bits of band values a sync looks up before comparing exactly


def unique_pairs(pairs: np.ndarray, rows: int) -> np.ndarray:
    """Return the distinct pairs of rows (each below `rows`), ascending: as one number each, so
    sorting them takes a third of what np.unique(axis=0) takes."""
    keys = np.unique(pairs[:, 0] * rows + pairs[:, 1])
    return np.stack([keys // rows, keys % rows], axis=1)


def alike(pairs: np.ndarray, sketch: np.ndarray) -> np.ndarray:
    """Return the pairs of rows whose sketches have at least SKETCH_MIN minima equal, compared
    PAIRS_AT_ONCE at a time (a first build's million entries give millions of pairs)."""
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), PAIRS_AT_ONCE):
        some = pairs[start:start + PAIRS_AT_ONCE]
        keep[start:start + len(some)] = (sketch[some[:, 0]] == sketch[some[:, 1]]).sum(axis=1) >= SKETCH_MIN
    return pairs[keep]


def _keys(bands: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the (band << 32 | value) keys of entries' bands, ascending, and whose each is."""
    if not len(members):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    number = np.broadcast_to(np.arange(BANDS, dtype=np.uint64), bands.shape)
    keys = (number << np.uint64(32)) | bands.astype(np.uint64)
    owner = np.broadcast_to(members[:, None], bands.shape)
    real = bands != NO_BAND
    keys, owner = keys[real], owner[real]
    by = np.argsort(keys, kind="stable")
    return keys[by], owner[by]


def against(fresh_bands: np.ndarray, fresh: np.ndarray, tables: Iterable[tuple[int, np.ndarray]],
             row_of: np.ndarray) -> np.ndarray:
    """Return the pairs (rows) of each fresh row (its bands given) with every row that shares a
    band value with it (at most MAX_BUCKET of the other rows per value). tables are the bands of
    every docnum, segment by segment (its first docnum and its table); row_of maps a docnum to
    its row, -1 for one not live. A table of the fresh values' low bits is looked up first, so
    only the few values that may be equal are compared exactly."""
    new_keys, new_member = _keys(fresh_bands, fresh)
    if not len(new_keys):
        return np.zeros((0, 2), dtype=np.int64)
    maybe = np.zeros(FILTER + 1, dtype=bool)
    maybe[(new_keys & np.uint64(FILTER)).astype(np.int64)] = True
    number = np.arange(BANDS, dtype=np.uint64) << np.uint64(32)
    out = [np.zeros((0, 2), dtype=np.int64)]
    for offset, table in tables:
        flat = table.ravel()
        hit = np.flatnonzero(maybe[flat & np.uint32(FILTER)])
        at, band, value = hit // BANDS, hit % BANDS, flat[hit]
        rows = row_of[offset + at]
        keep = (value != NO_BAND) & (rows >= 0)
        every, rows = number[band[keep]] | value[keep].astype(np.uint64), rows[keep]
        lo = np.searchsorted(new_keys, every, "left")
        hi = np.minimum(np.searchsorted(new_keys, every, "right"), lo + MAX_BUCKET)
        width = hi - lo
        pos = np.repeat(lo - np.concatenate(([0], np.cumsum(width)[:-1])), width) + np.arange(width.sum())
        out.append(_ordered(np.repeat(rows, width), new_member[pos]))
    return np.concatenate(out)


def among(bands_of: Callable[[slice], np.ndarray], screen: Callable[[np.ndarray], np.ndarray]
           ) -> np.ndarray:
    """Return the pairs of rows that share a band value and pass screen, band by band:
    bands_of(which) gives every row's values of those bands, read BANDS_AT_ONCE at a time, and
    each band's pairs are screened before the next (a million entries have millions of pairs
    that share a band by chance: held at once with their sketches and every band, 915 MB)."""
    out = [np.zeros((0, 2), dtype=np.int64)]
    for first in range(0, BANDS, BANDS_AT_ONCE):
        some = bands_of(slice(first, min(first + BANDS_AT_ONCE, BANDS)))
        for band in range(some.shape[1]):
            values = some[:, band]
            real = np.flatnonzero(values != NO_BAND)
            by = real[np.argsort(values[real], kind="stable")]
            out.append(screen(_runs(values[by], by)))
    return np.concatenate(out)


def _runs(keys: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Return the member pairs among entries whose sorted keys are equal: each with the one
    before it and with the first FIRST of its run (enough to connect a run of true copies)."""
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    at = np.arange(len(keys))
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    run = np.repeat(starts, np.diff(np.append(starts, len(keys))))
    out = [_ordered(member[at[1:][run[1:] == run[:-1]] - 1], member[at[1:][run[1:] == run[:-1]]])]
    for k in range(FIRST):
        later = at[at - run > k + 1]
        out.append(_ordered(member[run[later] + k], member[later]))
    return np.concatenate(out)


def _ordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1).astype(np.int64)
    return pairs[pairs[:, 0] != pairs[:, 1]]
