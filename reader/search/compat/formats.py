"""Whoosh posting formats of our own: the same values as whoosh's, written faster.

A Format subclass is whoosh's way to choose how postings are encoded; what ours rely on of
whoosh (the frequency as a leading big-endian uint, `word_values`' tuple, `decode_positions`)
is pinned by tests/test_compat.py.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections import Counter
from itertools import accumulate

from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint, unpack_uint

_PACKERS: dict[int, struct.Struct] = {}


class PackedPositions(Positions):
    """whoosh's Positions format, with a posting's positions stored as packed uint32 deltas.

    The value is the frequency (a big-endian uint, as whoosh's) followed by one little-endian
    uint32 per position: the gap from the previous one. whoosh's own format pickles a list;
    this one is quicker to write, and arrays/segment_arrays.py reads a whole segment's at once
    with numpy. whoosh pickles this class into the index schema: it must stay importable here
    (and, for indexes written before it moved here, as reader.search.schema.PackedPositions).
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not hasattr(analyzer, "terms") or set(kwargs) - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        fb = self.field_boost
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(analyzer.terms(value)):
            found = poses.get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        for word, poslist in poses.items():
            yield word, len(poslist), len(poslist) * fb, self.encode(poslist)

    def encode(self, poslist) -> bytes:
        n = len(poslist)
        packer = _PACKERS.get(n)
        if packer is None:
            packer = _PACKERS[n] = struct.Struct(f"<{n}I")
        if n == 1:
            return pack_uint(1) + packer.pack(poslist[0])
        return pack_uint(n) + packer.pack(*[b - a for a, b in zip([0, *poslist], poslist, strict=False)])

    def decode_positions(self, valuestring: bytes) -> list[int]:
        deltas = array("I")
        deltas.frombytes(valuestring[4:4 + 4 * unpack_uint(valuestring[:4])[0]])
        if sys.byteorder == "big":
            deltas.byteswap()
        return list(accumulate(deltas))


class CountedFrequency(Frequency):
    """whoosh's Frequency format (the same values), counting an analyzer's terms in one pass.

    whoosh pickles this class into the index schema: it must stay importable here (and as
    reader.search.schema.CountedFrequency, for indexes written before it moved here).
    """

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(value, str) or not hasattr(analyzer, "terms") or set(kwargs) - {"mode"}:
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        return ((word, n, n * fb, pack_uint(n)) for word, n in Counter(analyzer.terms(value)).items())
