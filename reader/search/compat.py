"""The few whoosh 2.7.4 (and concurrent.futures) internals this package reaches into, each pinned by a test.

Everything else in reader/search uses whoosh's documented API. If a whoosh release changes one
of these, tests/test_compat.py fails and names it; each function also falls back to the slow,
documented way where there is one.
"""

from __future__ import annotations

import array
import os
import re
import struct
import sys
from concurrent.futures import ProcessPoolExecutor
from itertools import accumulate
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


def column_bytes(reader, fieldname: str) -> tuple[bytes, str, int] | None:
    """Return a numeric column's raw values (big-endian, fixed size), their struct typecode and
    the column's default, the value of every document after the last one written.

    The same numbers column_values reads (`_dbfile`, `_basepos`, `_count`, `_fixedlen`,
    `_typecode`, `_default`); None when the column reader does not have them (then use
    column_values).
    """
    column = reader.column_reader(fieldname, translate=False)
    try:
        raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        return bytes(raw), column._typecode, int(column._default)
    except AttributeError:
        return None


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


def record_postings(writer, tee) -> None:
    """Make a segment writer pass the postings it writes through tee(postings) -> postings.

    whoosh's SegmentWriter._flush_segment writes `self.pool.iter_postings()` (sorted by field,
    term and document: the documents added and those merged in) into the new segment.
    """
    pool = writer.pool
    original = pool.iter_postings
    pool.iter_postings = lambda: tee(original())


def release_pool(writer) -> None:
    """Let go of a segment writer's postings once they are written (call after _flush_segment).

    The pool keeps every posting in `current` (hundreds of MB for a big segment) as long as the
    writer lives; and the hooks above (record_postings, lean_pool) refer back to the pool,
    which would keep it for the garbage collector's next full pass.
    """
    pool = writer.pool
    pool.__dict__.pop("add", None)
    pool.__dict__.pop("iter_postings", None)
    pool.current = []


def length_table() -> list[int]:
    """Return the field length each of the 256 one-byte codes stands for.

    whoosh stores a document's field length as one byte (whoosh.util.numeric.length_to_byte:
    the index of the first table entry not below the length) and reads it back through this table.
    """
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(code) for code in range(256)]


def lean_pool(writer, limit_items: int = 800_000) -> None:
    """Give a segment writer's posting pool a leaner `add` (a fifth of whoosh's cost).

    whoosh's PostingPool.add asserts each posting's types, adds it to a set of field names
    nothing reads and estimates its size in bytes, to spill sorted runs to disk past `limitmb`.
    This one appends and spills past limit_items postings (about 128 MB of them).
    whoosh's SegmentWriter.add_document looks up `self.pool.add` once per document.
    """
    pool = writer.pool
    held = [0]

    def add(item: tuple) -> None:
        pool.current.append(item)
        held[0] += 1
        if held[0] > limit_items:
            pool.save()
            held[0] = 0

    pool.add = add


def all_postings(reader, fieldname: str, text: bytes):
    """Return a segment reader's matcher over a term's postings, those of deleted documents too.

    SegmentReader.postings wraps the segment's matcher in a FilterMatcher that leaves out
    deleted documents (`.child` is the matcher it wraps, already moved past the first deleted
    ones: reset() takes it back to the start); whoosh's statistics count them.
    """
    from whoosh.matching import FilterMatcher

    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
        matcher.reset()
    return matcher


def derive_column_offsets_in_c() -> None:
    """Make whoosh derive a variable-length column's offsets with itertools.accumulate.

    whoosh 2.7.4's VarBytesColumn.Reader._read_offsets_and_lengths (it reads the stored fields
    of a segment the first time one is asked for) adds up the per-document lengths in a Python
    loop when the column has fewer than 2**15 documents, as ours do: about 1 ms per segment
    and searcher. The same offsets come from accumulate; everything else is whoosh's code.
    """
    from whoosh.columns import VarBytesColumn

    reader = VarBytesColumn.Reader
    if getattr(reader, "_offsets_in_c", False):
        return
    original = reader._read_offsets_and_lengths

    def read(self) -> None:
        dbfile, lastbyte = self._dbfile, self._basepos + self._length - 1
        if chr(dbfile.get_byte(lastbyte)) == "X":  # offsets were written: whoosh reads them
            original(self)
            return
        lens_code = chr(dbfile.get_byte(lastbyte))
        lenstart = lastbyte - struct.calcsize(lens_code) * self._doccount
        self._lengths = dbfile.get_array(lenstart, lens_code, self._doccount)
        offsets = array.array("L", accumulate(self._lengths, initial=0))
        offsets.pop()
        self._offsets = offsets

    reader._read_offsets_and_lengths = read
    reader._offsets_in_c = True
