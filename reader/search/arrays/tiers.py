"""Consolidated postings arrays: runs of consecutive segments' arrays joined into one file (a tier).

A query pays per part it reads (a vocabulary lookup per term and field, a few numpy calls), so
an index of 230 segments paid 230 times. Whoosh's own merging rewrites postings in Python at a
few microseconds each; our arrays are numpy and join at memory speed: vocabularies merged,
postings and positions gathered by term, documents renumbered by their offset. A tier holds the
arrays of the segments it covers, in their order, in the same file format as a segment's
(segment_arrays.py), so the query code reads it as one big segment; the segments' own files stay
(they are what a tier is made of, and what answers when a tier no longer matches).

Tiers live in `tiers/` inside the index folder (whoosh removes only files named after its
segments), named after the segments they cover. FANOUT consecutive parts of one level become
one part of the next level, up to MAX_TIER_DOCS documents; a tier that covers a segment no
longer in the index (merged or dropped by a sync) is removed, its segments' files answer again
until the next refresh joins them anew. A tier that is damaged is passed over, removed and
made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reader.search.arrays.segment_arrays import (
    COLUMNS,
    FIELDS,
    POSITIONAL,
    SCORED,
    ArraysDamaged,
    SegmentArrays,
    file_name,
    write_streamed,
)

FOLDER = "tiers"
SUFFIX = ".tier"
FANOUT = 4  # parts of one level joined into one of the next
MAX_TIER_DOCS = 150_000  # a bigger tier would take more memory to join than a build may use


@dataclass(frozen=True)
class Leaf:
    """One segment of the index, as the searcher orders them."""

    segment_id: str
    doc_count: int


@dataclass
class Part:
    """Arrays that answer for a run of consecutive segments: one segment's own, or a tier's."""

    arrays: SegmentArrays
    leaves: tuple[Leaf, ...]
    level: int  # 0: a segment's own file
    path: Path

    @property
    def doc_count(self) -> int:
        return sum(leaf.doc_count for leaf in self.leaves)


def tier_name(leaves: Sequence[Leaf]) -> str:
    """Return the file name of the tier of these segments (in this order)."""
    key = "\n".join(f"{leaf.segment_id} {leaf.doc_count}" for leaf in leaves).encode()
    return f"{leaves[0].segment_id}-{len(leaves)}-{hashlib.sha1(key).hexdigest()[:12]}{SUFFIX}"


def _tier_leaves(arrays: SegmentArrays) -> tuple[tuple[Leaf, ...], int]:
    a = arrays.arrays
    try:
        ids = a["tier.segments"].tobytes().decode("ascii").split("\n")
        counts = a["tier.counts"].tolist()
        level = int(a["tier.level"][0])
    except (KeyError, UnicodeDecodeError, IndexError) as exc:
        raise ArraysDamaged(f"a tier lacks what it covers ({exc})") from None
    if len(ids) != len(counts) or sum(counts) != arrays.doc_count:
        raise ArraysDamaged("a tier's segments do not add up to its documents")
    return tuple(Leaf(i, int(c)) for i, c in zip(ids, counts, strict=True)), level


def cover(directory: Path, leaves: Sequence[Leaf]) -> list[Part]:
    """Return the parts that answer for the segments, in order: the longest tier that matches
    a run of them where there is one, else each segment's own arrays (ArraysDamaged if one of
    those cannot be opened; a tier that cannot be is passed over)."""
    starting: dict[str, list[str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory / FOLDER):
            if entry.name.endswith(SUFFIX):
                starting.setdefault(entry.name.split("-", 1)[0], []).append(entry.name)
    parts: list[Part] = []
    try:
        i = 0
        while i < len(leaves):
            part = _tier_at(directory, leaves, i, starting.get(leaves[i].segment_id, []))
            if part is None:
                path = directory / file_name(leaves[i].segment_id)
                part = Part(SegmentArrays(path, leaves[i].doc_count), (leaves[i],), 0, path)
            parts.append(part)
            i += len(part.leaves)
    except ArraysDamaged:
        for part in parts:
            part.arrays.close()
        raise
    return parts


def _tier_at(directory: Path, leaves: Sequence[Leaf], i: int, names: list[str]) -> Part | None:
    by_length = sorted(names, key=lambda n: -int(n.split("-")[1]) if n.split("-")[1].isdigit() else 0)
    for name in by_length:
        try:
            n = int(name.split("-")[1])
        except (IndexError, ValueError):
            continue
        run = tuple(leaves[i:i + n])
        if len(run) != n or name != tier_name(run):
            continue
        path = directory / FOLDER / name
        try:
            arrays = SegmentArrays(path, sum(leaf.doc_count for leaf in run))
        except (ArraysDamaged, OSError):
            continue
        try:
            covered, level = _tier_leaves(arrays)
        except ArraysDamaged:
            arrays.close()
            continue
        if covered != run:
            arrays.close()
            continue
        return Part(arrays, run, level, path)
    return None


ColumnsOf = Callable[[Leaf], dict[str, np.ndarray]]  # a segment's numeric columns, from whoosh


def columns(part: Part) -> dict[str, np.ndarray] | None:
    """Return the numeric columns a tier keeps for its documents (None for a segment's own
    arrays, whose columns whoosh holds)."""
    a = part.arrays.arrays
    if not part.level or any(f"column.{name}" not in a for name in COLUMNS):
        return None
    return {name: a[f"column.{name}"] for name in COLUMNS}


def refresh(directory: Path, leaves: Sequence[Leaf], columns_of: ColumnsOf) -> int:
    """Bring the tiers in line with the segments: check the ones in use (damaged ones are
    removed), join runs of FANOUT parts of a level, remove the tiers no longer used; return how
    many tiers were written."""
    written = 0
    parts = cover(directory, leaves)
    try:
        for part in parts:
            if part.level:
                try:
                    part.arrays.verify()
                except ArraysDamaged:
                    part.arrays.close()
                    with contextlib.suppress(OSError):
                        part.path.unlink()
                    return written + refresh(directory, leaves, columns_of)
        while (run := _next_run(parts)) is not None:
            start, stop = run
            joined = join(directory, parts[start:stop], columns_of)
            for part in parts[start:stop]:
                part.arrays.close()
            parts[start:stop] = [joined]
            written += 1
        used = {part.path.name for part in parts if part.level}
        with contextlib.suppress(OSError):
            for entry in os.scandir(directory / FOLDER):
                if entry.name not in used:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
    finally:
        for part in parts:
            part.arrays.close()
    return written


def refresh_index(ix, directory: Path) -> int:
    """refresh() for a whoosh index ix in directory; return how many tiers were written."""
    from reader.search import compat
    from reader.search.arrays.fast import column

    leaves = [Leaf(s.segment_id(), s.doc_count_all()) for s in compat.index_segments(ix)]
    with ix.reader() as reader:
        by_id = {leaf.segment().segment_id(): leaf for leaf, _ in reader.leaf_readers()
                 if leaf.segment() is not None}

        def columns_of(leaf: Leaf) -> dict[str, np.ndarray]:
            return {name: column(by_id[leaf.segment_id], name) for name in COLUMNS}

        return refresh(directory, leaves, columns_of)


def _next_run(parts: list[Part]) -> tuple[int, int] | None:
    """Return the first run of FANOUT consecutive parts of one level that may be joined."""
    for start in range(len(parts) - FANOUT + 1):
        run = parts[start:start + FANOUT]
        if (len({p.level for p in run}) == 1
                and sum(p.doc_count for p in run) <= MAX_TIER_DOCS):
            return start, start + FANOUT
    return None


def join(directory: Path, parts: Sequence[Part], columns_of: ColumnsOf) -> Part:
    """Write the tier of consecutive parts and return it (opened)."""
    leaves = tuple(leaf for part in parts for leaf in part.leaves)
    folder = directory / FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / tier_name(leaves)
    level = max(part.level for part in parts) + 1
    sources = [part.arrays for part in parts]
    doc_count = sum(part.doc_count for part in parts)

    def arrays():
        for field in FIELDS:
            yield from joined_field(sources, field).items()
        yield from joined_copies(sources).items()
        kept = [columns(part) or _leaf_columns(part, columns_of) for part in parts]
        for name in COLUMNS:
            yield f"column.{name}", np.concatenate([k[name] for k in kept]).astype(np.int64)
        yield "tier.segments", np.frombuffer("\n".join(x.segment_id for x in leaves).encode(), np.uint8)
        yield "tier.counts", np.array([leaf.doc_count for leaf in leaves], dtype=np.int64)
        yield "tier.level", np.array([level], dtype=np.int64)

    write_streamed(path, doc_count, arrays())
    return Part(SegmentArrays(path, doc_count), leaves, level, path)


def _leaf_columns(part: Part, columns_of: ColumnsOf) -> dict[str, np.ndarray]:
    found = [columns_of(leaf) for leaf in part.leaves]
    return {name: np.concatenate([f[name] for f in found]) for name in COLUMNS}


def _vocab_list(a: dict[str, np.ndarray], field: str) -> list[bytes]:
    blob, off = a[f"{field}.vocab"].tobytes(), a[f"{field}.voff"].tolist()
    return [blob[s:e] for s, e in zip(off[:-1], off[1:], strict=True)]


def _smallest_uint(values: np.ndarray) -> np.ndarray:
    top = int(values.max()) if len(values) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.int64)


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
