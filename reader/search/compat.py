"""The few whoosh 2.7.4 (and concurrent.futures) internals this package reaches into, each pinned by a test.

Everything else in reader/search uses whoosh's documented API. If a whoosh release changes one
of these, tests/test_compat.py fails and names it; each function also falls back to the slow,
documented way where there is one.
"""

from __future__ import annotations

import array
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def column_values(reader, fieldname: str) -> list[int]:
    """Return a numeric column's value for every document of a segment, read in one go.

    whoosh's column reader reads one value per call (a seek and a read each); the values are
    one run of big-endian fixed-size numbers in the column file (`_dbfile`, `_basepos`).
    """
    column = reader.column_reader(fieldname, translate=False)  # the raw numbers, not field values
    count = reader.doc_count_all()
    try:
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        values = array.array(column._typecode, raw)
        if sys.byteorder == "little":
            values.byteswap()
        found = values.tolist()
    except AttributeError:
        found = list(column)
    return found + [column[d] for d in range(len(found), count)]


def posting_ids(matcher) -> list[int]:
    """Return every document number of a term's posting list, a block at a time.

    whoosh's leaf matcher decodes a block of ids into `_ids` (`_read_ids`), steps with `_i`
    and moves on with `_next_block`; stepping one id at a time is three times slower.
    Short posting lists are stored inline and have no blocks: they go the documented way.
    """
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_next_block", "_ids", "_i")):
        return list(matcher.all_ids())
    out: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        out.extend(matcher._ids[matcher._i:])
        matcher._next_block()
    return out


def index_segments(ix) -> list:
    """Return the segments of an index's current table of contents (as whoosh's MpWriter does)."""
    return list(ix._segments())


def pool_processes(pool: ProcessPoolExecutor) -> list:
    """Return a process pool's worker processes (the executor keeps them in `_processes`)."""
    return list((getattr(pool, "_processes", None) or {}).values())


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def toc_generation(directory: Path) -> int:
    """Return the newest table-of-contents generation in an index folder (-1 if none).

    whoosh names each commit's table of contents `_<indexname>_<generation>.toc`
    (TOC._latest_generation); our indexes use the default name, MAIN.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return -1
    return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)
