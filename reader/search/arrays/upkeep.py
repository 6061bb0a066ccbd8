"""Keeping an index's postings arrays whole at the end of each update: tiers checked, segments'
own files repaired, runs joined into tiers, and each segment's arrays kept in exactly one place.

A segment's arrays live in its own file until a tier covers it; then the tier holds them and the
own file is removed (the disk holds them once). Every step keeps each segment's arrays somewhere:
a tier is written before its sources are removed, and before a tier that no longer matches the
index (a sync merged or dropped one of its segments) is removed, the segments of it still in the
index get their own files back, taken out of it. A damaged tier is removed and the segments it
held are read back from whoosh (recording.repair_index), as a damaged segment file always was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from reader.search.arrays import joining, recording, tiers
from reader.search.arrays.segment_arrays import (
    COLUMNS,
    ArraysDamaged,
    SegmentArrays,
    file_name,
    write,
)
from reader.search.arrays.tiers import Leaf, Part


def _sound_tiers(directory: Path) -> dict[str, tuple[tuple[Leaf, ...], int]]:
    """Return the tiers that pass their checksum, by name, with what they cover; remove the others."""
    found = {}
    for name in tiers.tier_files(directory):
        path = directory / tiers.FOLDER / name
        try:
            arrays = SegmentArrays(path)
            try:
                arrays.verify()
                found[name] = tiers.tier_leaves(arrays)
            finally:
                arrays.close()
        except ArraysDamaged:
            with contextlib.suppress(OSError):
                path.unlink()
    return found


def _in_use(sound: dict[str, tuple[tuple[Leaf, ...], int]], leaves: Sequence[Leaf]) -> set[str]:
    """Return the names of the tiers cover() would read for these segments."""
    used, i = set(), 0
    by_start: dict[Leaf, list[tuple[int, str]]] = {}
    for name, (covered, _level) in sound.items():
        by_start.setdefault(covered[0], []).append((len(covered), name))
    while i < len(leaves):
        step = 1
        for n, name in sorted(by_start.get(leaves[i], []), reverse=True):
            if tuple(leaves[i:i + n]) == sound[name][0]:
                used.add(name)
                step = n
                break
        i += step
    return used


def _own_file_sound(path: Path, doc_count: int) -> bool:
    try:
        SegmentArrays(path, doc_count).close()
        return True
    except ArraysDamaged:
        return False


def _restore_from(directory: Path, name: str, wanted: set[Leaf]) -> None:
    """Write the own files of the segments of a tier that are wanted (still in the index, no
    longer covered, without a sound own file)."""
    path = directory / tiers.FOLDER / name
    arrays = SegmentArrays(path)
    try:
        covered, _level = tiers.tier_leaves(arrays)
        start = 0
        for leaf in covered:
            own = directory / file_name(leaf.segment_id)
            if leaf in wanted and not _own_file_sound(own, leaf.doc_count):
                write(own, leaf.doc_count, joining.extract(arrays, start, leaf.doc_count))
            start += leaf.doc_count
    finally:
        arrays.close()


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def refresh_index(ix, directory: Path) -> tuple[int, int]:
    """Bring the arrays of a whoosh index ix in directory in line with its segments; return
    (segments whose own files were repaired from whoosh, tiers written)."""
    from reader.search import compat
    from reader.search.arrays.fast import column

    leaves = [Leaf(s.segment_id(), s.doc_count_all()) for s in compat.index_segments(ix)]
    sound = _sound_tiers(directory)
    used = _in_use(sound, leaves)
    covered = {leaf for name in used for leaf in sound[name][0]}
    present = set(leaves)
    for name in sorted(set(sound) - used):  # stale: give its segments still here their files back
        wanted = (set(sound[name][0]) & present) - covered
        if wanted:
            _restore_from(directory, name, wanted)
        _remove(directory / tiers.FOLDER / name)
    repaired = recording.repair_index(ix, directory, skip={leaf.segment_id for leaf in covered})
    with ix.reader() as reader:
        by_id = {leaf.segment().segment_id(): leaf for leaf, _ in reader.leaf_readers()
                 if leaf.segment() is not None}

        def columns_of(leaf: Leaf) -> dict[str, np.ndarray]:
            return {name: column(by_id[leaf.segment_id], name) for name in COLUMNS}

        written = _join_runs(directory, leaves, columns_of)
    _remove_covered_own_files(directory, leaves)  # (files a killed join left, an older layout's)
    return repaired, written


def _join_runs(directory: Path, leaves: Sequence[Leaf], columns_of: tiers.ColumnsOf) -> int:
    written = 0
    parts = tiers.cover(directory, leaves)
    try:
        while (run := _next_run(parts)) is not None:
            start, stop = run
            joined = tiers.join(directory, parts[start:stop], columns_of)
            for part in parts[start:stop]:
                part.arrays.close()
                _remove(part.path)  # (its segments are in the new tier)
            parts[start:stop] = [joined]
            written += 1
    finally:
        for part in parts:
            part.arrays.close()
    return written


def _remove_covered_own_files(directory: Path, leaves: Sequence[Leaf]) -> None:
    parts = tiers.cover(directory, leaves)
    try:
        for part in parts:
            if part.level:
                for leaf in part.leaves:
                    _remove(directory / file_name(leaf.segment_id))
    finally:
        for part in parts:
            part.arrays.close()


def _next_run(parts: list[Part]) -> tuple[int, int] | None:
    """Return the first run of FANOUT consecutive parts of one level that may be joined."""
    fanout = tiers.FANOUT
    for start in range(len(parts) - fanout + 1):
        run = parts[start:start + fanout]
        if len({p.level for p in run}) == 1 and sum(p.doc_count for p in run) <= tiers.MAX_TIER_DOCS:
            return start, start + fanout
    return None


def check_index(ix, directory: Path) -> str | None:
    """Return why some segment of an index has no usable arrays (cheap: headers only), or None."""
    from reader.search import compat

    leaves = [Leaf(s.segment_id(), s.doc_count_all()) for s in compat.index_segments(ix)]
    try:
        for part in tiers.cover(directory, leaves):
            part.arrays.close()
    except ArraysDamaged as exc:
        return str(exc)
    return None
