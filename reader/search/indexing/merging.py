"""Which segments a commit merges: only small ones, a bounded amount at a time.

Whoosh's default policy (MERGE_SMALL) merges every segment up to the first index i > 3 where the
documents so far number fewer than fib(i + 5): with 20 segments of 5,000 entries (a build of
100,000) the second one-file sync after it finds that point at the 21st segment and merges the
whole index, 90 seconds of pure Python. Here a commit merges only segments of fewer than SMALL
entries, and only once there are MERGE_AT of them: the smallest, up to SMALL entries in all (at
most about a second of merging, every few syncs). Segments without live entries are dropped.
Bigger segments are left as they are, so the work of a sync stays the size of what changed.
"""

from __future__ import annotations

from collections.abc import Callable

from reader.search import compat

SMALL = 1_000  # entries: a segment this small may be merged with others
MERGE_AT = 8  # small segments there may be before a commit merges some


def small_segments(writer, segments: list) -> list:
    """Whoosh merge policy (commit(mergetype=...)): merge some small segments into the writer's
    new one when there are many; return the segments the new table of contents keeps."""
    live = [s for s in segments if s.doc_count() > 0]
    small = sorted((s for s in live if s.doc_count_all() < SMALL), key=lambda s: s.doc_count_all())
    if len(small) < MERGE_AT:
        return live
    chosen, total = [], 0
    for seg in small:
        if chosen and total + seg.doc_count_all() > SMALL:
            break
        chosen.append(seg)
        total += seg.doc_count_all()
    if len(chosen) < 2:
        return live
    for seg in chosen:
        compat.merge_into(writer, seg)
    merged = {id(s) for s in chosen}
    return [s for s in live if id(s) not in merged]


def with_adopted(adopted: list) -> Callable:
    """Return a merge policy that merges as small_segments does and adds segments written
    elsewhere (a build's workers) as they are."""
    return lambda writer, segments: small_segments(writer, segments) + adopted
