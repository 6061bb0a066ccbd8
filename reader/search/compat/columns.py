"""Whoosh's column files and field lengths, read in one go: the numbers behind its per-call readers."""

from __future__ import annotations

import array
import struct
import sys
from itertools import accumulate


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


def length_table() -> list[int]:
    """Return the field length each of the 256 one-byte codes stands for.

    whoosh stores a document's field length as one byte (whoosh.util.numeric.length_to_byte:
    the index of the first table entry not below the length) and reads it back through this table.
    """
    from whoosh.util.numeric import byte_to_length

    return [byte_to_length(code) for code in range(256)]


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
