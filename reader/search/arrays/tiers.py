"""Consolidated postings arrays: runs of consecutive segments' arrays joined into one file (a tier).

A query pays per part it reads (a vocabulary lookup per term and field, a few numpy calls), so
an index of 230 segments paid 230 times. Whoosh's own merging rewrites postings in Python at a
few microseconds each; our arrays are numpy and join at memory speed: vocabularies merged,
postings and positions gathered by term, documents renumbered by their offset. A tier holds the
arrays of the segments it covers, in their order, in the same file format as a segment's
(segment_arrays.py), so the query code reads it as one big segment; once it does, the segments'
own files are removed (upkeep.py keeps each segment's arrays in exactly one place).

Tiers live in `tiers/` inside the index folder (whoosh removes only files named after its
segments), named after the segments they cover. FANOUT consecutive parts of one level become
one part of the next level, up to MAX_TIER_DOCS documents; a tier that covers a segment no
longer in the index (merged or dropped by a sync) gives its other segments their files back and
is removed; a damaged tier is passed over, and its segments are read back from whoosh.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reader.search.arrays.joining import joined_copies, joined_field
from reader.search.arrays.segment_arrays import (
    COLUMNS,
    FIELDS,
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


def tier_leaves(arrays: SegmentArrays) -> tuple[tuple[Leaf, ...], int]:
    """Return the segments a tier covers, in order, and its level (ArraysDamaged if it does
    not say)."""
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
    those cannot be opened; a tier that cannot be is passed over).

    A refresh in another process may join segments into a tier and remove their own files
    while this looks: a segment's file missing is looked for once more, tiers listed again.
    """
    try:
        return _cover(directory, leaves)
    except ArraysDamaged:
        return _cover(directory, leaves)


def tier_files(directory: Path) -> list[str]:
    """Return the names of the tier files in an index folder."""
    try:
        return sorted(e.name for e in os.scandir(directory / FOLDER) if e.name.endswith(SUFFIX))
    except OSError:
        return []


def _cover(directory: Path, leaves: Sequence[Leaf]) -> list[Part]:
    starting: dict[str, list[str]] = {}
    for name in tier_files(directory):
        starting.setdefault(name.split("-", 1)[0], []).append(name)
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
    sized = [(int(n.split("-")[1]), n) for n in names if n.count("-") >= 2 and n.split("-")[1].isdigit()]
    for n, name in sorted(sized, reverse=True):  # the longest run first
        run = tuple(leaves[i:i + n])
        if len(run) != n or name != tier_name(run):
            continue
        path = directory / FOLDER / name
        try:
            arrays = SegmentArrays(path, sum(leaf.doc_count for leaf in run))
        except (ArraysDamaged, OSError):
            continue
        try:
            covered, level = tier_leaves(arrays)
        except ArraysDamaged:
            covered = None
        if covered == run:
            return Part(arrays, run, level, path)
        arrays.close()
    return None


ColumnsOf = Callable[[Leaf], dict[str, np.ndarray]]  # a segment's numeric columns, from whoosh


def columns(part: Part) -> dict[str, np.ndarray] | None:
    """Return the numeric columns a tier keeps for its documents (None for a segment's own
    arrays, whose columns whoosh holds)."""
    a = part.arrays.arrays
    if not part.level or any(f"column.{name}" not in a for name in COLUMNS):
        return None
    return {name: a[f"column.{name}"] for name in COLUMNS}


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
