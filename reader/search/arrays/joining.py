"""The arithmetic of tiers (tiers.py): several parts' postings arrays joined into one, and one
segment's own arrays taken back out of a tier; numpy throughout, no whoosh."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reader.search.arrays.recording import _smallest_uint
from reader.search.arrays.segment_arrays import FIELDS, POSITIONAL, SCORED, SegmentArrays


def _vocab_list(a: dict[str, np.ndarray], field: str) -> list[bytes]:
    blob, off = a[f"{field}.vocab"].tobytes(), a[f"{field}.voff"].tolist()
    return [blob[s:e] for s, e in zip(off[:-1], off[1:], strict=True)]


def joined_field(sources: Sequence[SegmentArrays], field: str) -> dict[str, np.ndarray]:
    """Return one field's arrays for the documents of several parts, in their order."""
    lists = [_vocab_list(s.arrays, field) for s in sources]
    terms = sorted(set().union(*lists))
    row_of = {t: i for i, t in enumerate(terms)}
    rows = [np.fromiter(map(row_of.__getitem__, lst), dtype=np.int64, count=len(lst)) for lst in lists]
    del row_of, lists
    voff = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in terms], out=voff[1:])
    out = {f"{field}.vocab": np.frombuffer(b"".join(terms), dtype=np.uint8), f"{field}.voff": voff}
    del terms
    offsets = np.cumsum([0] + [s.doc_count for s in sources])
    per_posting = [np.repeat(r, np.diff(s.arrays[f"{field}.pstart"]))
                   for r, s in zip(rows, sources, strict=True)]
    posting_rows = np.concatenate(per_posting)
    del per_posting
    order = np.argsort(posting_rows, kind="stable")  # by term, then part, then document
    df = np.bincount(posting_rows, minlength=len(voff) - 1)
    out[f"{field}.pstart"] = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
    docs = np.concatenate([s.arrays[f"{field}.docs"].astype(np.int64) + o
                           for s, o in zip(sources, offsets, strict=False)])
    out[f"{field}.docs"] = docs[order].astype(np.int32)
    del docs
    boosts = {float(s.arrays[f"{field}.boost"][0]) for s in sources}
    out[f"{field}.boost"] = np.array([sources[0].arrays[f"{field}.boost"][0]], dtype=np.float64)
    if len(boosts) > 1 or any(f"{field}.weights" in s.arrays for s in sources):
        out[f"{field}.weights"] = np.concatenate([_weights(s, field) for s in sources])[order]
    if field in SCORED:
        counts = np.concatenate([s.arrays[f"{field}.counts"] for s in sources])
        out[f"{field}.counts"] = _smallest_uint(counts[order])
        out[f"{field}.lengths"] = np.concatenate([s.arrays[f"{field}.lengths"] for s in sources])
    if field in POSITIONAL:
        sizes = np.concatenate([s.arrays[f"{field}.counts"] for s in sources]).astype(np.int64)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))  # of each posting's positions
        sizes, starts = sizes[order], starts[order]
        total = int(sizes.sum())
        gather = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes) + np.arange(total)
        positions = np.concatenate([s.arrays[f"{field}.positions"].astype(np.uint32) for s in sources])
        out[f"{field}.positions"] = _smallest_uint(positions[gather])
        del positions, gather
        termpos = np.zeros(len(voff), dtype=np.int64)  # (sizes are by term, as the rows now)
        np.cumsum(np.bincount(posting_rows[order], weights=sizes, minlength=len(voff) - 1)
                  .astype(np.int64), out=termpos[1:])
        out[f"{field}.termpos"] = termpos
    if field == "exact":
        keys = np.concatenate([s.arrays["exact.keys"] for s in sources])
        keyrows = np.concatenate([r[s.arrays["exact.keyterms"]] for r, s in zip(rows, sources, strict=True)])
        by = np.lexsort((keyrows, keys))
        keys, keyrows = keys[by], keyrows[by]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (keyrows[1:] != keyrows[:-1])
        out["exact.keys"], out["exact.keyterms"] = keys[first], keyrows[first].astype(np.int64)
    return out


def _weights(source: SegmentArrays, field: str) -> np.ndarray:
    """Return a part's weights of a field's postings, in posting order."""
    a = source.arrays
    if f"{field}.weights" in a:
        return a[f"{field}.weights"].astype(np.float32)
    counts = a.get(f"{field}.counts")
    boost = float(a[f"{field}.boost"][0])
    if counts is None:
        return np.full(len(a[f"{field}.docs"]), boost, dtype=np.float32)
    return (counts * boost).astype(np.float32)


def joined_copies(sources: Sequence[SegmentArrays]) -> dict[str, np.ndarray]:
    """Return the copies arrays (shingles.py) of several parts' documents, in their order."""
    bounds, base = [np.zeros(1, dtype=np.int64)], 0
    for s in sources:
        sstart = s.arrays["copies.sstart"].astype(np.int64)
        bounds.append(sstart[1:] + base)
        base += int(sstart[-1])
    return {"copies.sstart": np.concatenate(bounds),
            "copies.shingles": np.concatenate([s.arrays["copies.shingles"] for s in sources]),
            "copies.bands": np.concatenate([s.arrays["copies.bands"] for s in sources]),
            "copies.sketch": np.concatenate([s.arrays["copies.sketch"] for s in sources])}


def _gather(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Return the indices of the runs [start, start + size) one after the other."""
    total = int(sizes.sum())
    before = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    return np.repeat(starts.astype(np.int64) - before, sizes) + np.arange(total)


def extract(tier: SegmentArrays, start: int, doc_count: int) -> dict[str, np.ndarray]:
    """Return the arrays of the segment whose documents are tier's start to start + doc_count,
    as that segment's own file holds them (the same terms, postings, dtypes)."""
    a, out = tier.arrays, {}
    stop = start + doc_count
    for field in FIELDS:
        pstart, docs = a[f"{field}.pstart"], a[f"{field}.docs"]
        inside = (docs >= start) & (docs < stop)
        rows = np.repeat(np.arange(len(pstart) - 1), np.diff(pstart))[inside]
        kept, df = np.unique(rows, return_counts=True)
        voff = a[f"{field}.voff"]
        sizes = voff[kept + 1] - voff[kept]
        out[f"{field}.vocab"] = a[f"{field}.vocab"][_gather(voff[kept], sizes)]
        out[f"{field}.voff"] = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        out[f"{field}.pstart"] = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        out[f"{field}.docs"] = (docs[inside] - start).astype(np.int32)
        out[f"{field}.boost"] = np.array(a[f"{field}.boost"], dtype=np.float64)
        if field in SCORED:
            counts = a[f"{field}.counts"]
            out[f"{field}.counts"] = _smallest_uint(counts[inside])
            out[f"{field}.lengths"] = np.array(a[f"{field}.lengths"][start:stop])
        if field in POSITIONAL:
            sizes = counts.astype(np.int64)
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            out[f"{field}.positions"] = _smallest_uint(
                a[f"{field}.positions"][_gather(starts[inside], sizes[inside])])
            per_row = np.bincount(np.searchsorted(kept, rows), weights=sizes[inside],
                                  minlength=len(kept)).astype(np.int64)
            out[f"{field}.termpos"] = np.concatenate(([0], np.cumsum(per_row))).astype(np.int64)
        if f"{field}.weights" in a:
            out[f"{field}.weights"] = np.array(a[f"{field}.weights"][inside])
        if field == "exact":
            keyterms = a["exact.keyterms"]
            at = np.searchsorted(kept, keyterms)
            mine = (at < len(kept)) & (kept[np.minimum(at, len(kept) - 1)] == keyterms) \
                if len(kept) else np.zeros(len(keyterms), dtype=bool)
            out["exact.keys"] = np.array(a["exact.keys"][mine])
            out["exact.keyterms"] = at[mine].astype(np.int64)
    sstart = a["copies.sstart"]
    width = len(a["copies.bands"]) // max(tier.doc_count, 1)
    out["copies.sstart"] = (sstart[start:stop + 1] - sstart[start]).astype(sstart.dtype)
    out["copies.shingles"] = np.array(a["copies.shingles"][sstart[start]:sstart[stop]])
    out["copies.bands"] = np.array(a["copies.bands"][start * width:stop * width])
    sketch = len(a["copies.sketch"]) // max(tier.doc_count, 1)
    out["copies.sketch"] = np.array(a["copies.sketch"][start * sketch:stop * sketch])
    return out
