"""Postings arrays beside each whoosh segment (`<segment>.arrays`): written with it, mapped to answer queries.

They are derived data: the very postings whoosh writes into the segment (captured as whoosh
consumes them, or read back from the segment when the file is missing or damaged), laid out as
numpy arrays per field: the sorted vocabulary, each term's document numbers and weights, each
document's field length (as whoosh stores it, one byte) and, for `content`, each posting's
positions. whoosh deletes the file with its segment (its name has the segment's prefix).

File layout: MAGIC, an 8-byte little-endian header length, a JSON header (doc count, CRC-32 of
the data, each array's dtype, offset and length), then the arrays, each 8-byte aligned.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import mmap
import os
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from reader.search.manifest import ARRAYS_SUFFIX as SUFFIX

MAGIC = b"LRARRAYS1\n"
SCORED = ("content", "headline", "exact")  # fields whose per-document lengths BM25 needs
FIELDS = (*SCORED, "doc", "date")
POSITIONAL = ("content", "headline")  # fields with phrases: positions are kept
COLUMNS = ("chron", "day", "key", "eid", "fingerprint")  # the schema's numeric columns (tiers keep them)
COPIES = ("copies.sstart", "copies.shingles", "copies.bands", "copies.sketch")  # (shingles.py)


class ArraysDamaged(Exception):
    """A postings-arrays file cannot be used (missing, truncated, another version, garbled)."""


def file_name(segment_id: str) -> str:
    """Return the arrays file's name for a segment id such as MAIN_abc123."""
    return segment_id + SUFFIX


def key_hash(key: str) -> int:
    """Return the 64-bit hash a transliteration key is filed under."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


# whoosh.util.numeric's table: a document's field length is stored as the index of the first
# entry not below it (lengths of 106,374 or more as 255) and read back as that entry
_LENGTHS = None


def length_table() -> np.ndarray:
    """Return whoosh's byte -> field length table as an array."""
    global _LENGTHS
    if _LENGTHS is None:
        from reader.search import compat

        _LENGTHS = np.array(compat.length_table(), dtype=np.float64)
    return _LENGTHS


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Return whoosh's one-byte encoding of field lengths."""
    table = length_table()
    codes = np.searchsorted(table, lengths, side="left")
    return np.minimum(codes, 255).astype(np.uint8)


# -- the file ------------------------------------------------------------------------------------


def write(path: Path, doc_count: int, arrays: dict[str, np.ndarray]) -> None:
    """Write arrays to path atomically (temporary file, fsync, rename)."""
    layout, chunks, offset = {}, [], 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array).tobytes()
        pad = (-len(data)) % 8
        layout[name] = [array.dtype.str, offset, int(array.size)]
        chunks.append(data + b"\0" * pad)
        offset += len(data) + pad
    crc = 0
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    header = json.dumps({"doc_count": doc_count, "crc32": crc, "data_bytes": offset,
                         "arrays": layout}).encode("utf-8")
    header += b" " * ((-(len(MAGIC) + 8 + len(header))) % 8)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # (two processes may write one)
    with open(tmp, "wb") as fh:
        fh.write(MAGIC + len(header).to_bytes(8, "little") + header)
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


HEADER_ROOM = (1 << 16) - len(MAGIC) - 8  # the header of a streamed file: the data starts at 64 KiB


def write_streamed(path: Path, doc_count: int, arrays: Iterable[tuple[str, np.ndarray]]) -> None:
    """Write arrays to path as they come (each let go once written), in write()'s format with
    room kept for the header; atomically (temporary file, fsync, rename)."""
    layout, crc, offset = {}, 0, 0
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(b"\0" * (len(MAGIC) + 8 + HEADER_ROOM))
            for name, array in arrays:
                data = memoryview(np.ascontiguousarray(array)).cast("B")
                pad = b"\0" * ((-len(data)) % 8)
                layout[name] = [array.dtype.str, offset, int(array.size)]
                crc = zlib.crc32(pad, zlib.crc32(data, crc))
                fh.write(data)
                fh.write(pad)
                offset += len(data) + len(pad)
                del data, array
            header = json.dumps({"doc_count": doc_count, "crc32": crc, "data_bytes": offset,
                                 "arrays": layout}).encode("utf-8")
            if len(header) > HEADER_ROOM:
                raise ValueError(f"an arrays header of {len(header)} bytes")
            fh.seek(0)
            fh.write(MAGIC + HEADER_ROOM.to_bytes(8, "little") + header.ljust(HEADER_ROOM))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def read(path: Path) -> tuple[int, dict[str, np.ndarray]]:
    """Read a file write() wrote, whole and checked against its checksum: (doc_count, arrays);
    raise ArraysDamaged when it is missing, cut off, garbled or does not match."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArraysDamaged(f"{path.name}: {exc}") from None
    start = len(MAGIC) + 8
    if data[:len(MAGIC)] != MAGIC:
        raise ArraysDamaged(f"{path.name} is not an arrays file of this version")
    size = int.from_bytes(data[len(MAGIC):start], "little")
    try:
        header = json.loads(data[start:start + size])
        base, layout = start + size, header["arrays"]
        if len(data) != base + int(header["data_bytes"]) or zlib.crc32(data[base:]) != header["crc32"]:
            raise ArraysDamaged(f"{path.name} is cut off or does not match its checksum")
        arrays = {key: np.frombuffer(data, dtype=np.dtype(dt), count=count, offset=base + offset)
                  for key, (dt, offset, count) in layout.items()}
        return int(header["doc_count"]), arrays
    except (ValueError, KeyError, TypeError) as exc:
        raise ArraysDamaged(f"{path.name} has a garbled header ({exc})") from None


class SegmentArrays:
    """One segment's postings arrays, memory-mapped."""

    def __init__(self, path: Path, expected_docs: int | None = None):
        try:
            with open(path, "rb") as fh:
                self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:  # ValueError: an empty file cannot be mapped
            raise ArraysDamaged(f"{path.name}: {exc}") from None
        try:
            self._parse(path.name, expected_docs)
        except ArraysDamaged:
            self.close()  # (arrays already made of the map go with it)
            raise

    def _parse(self, name: str, expected_docs: int | None) -> None:
        buf = self._map
        if buf[:len(MAGIC)] != MAGIC:
            raise ArraysDamaged(f"{name} is not a postings-arrays file of this version")
        start = len(MAGIC) + 8
        size = int.from_bytes(buf[len(MAGIC):start], "little")
        try:
            header = json.loads(buf[start:start + size])
            self.doc_count: int = int(header["doc_count"])
            self.crc32: int = int(header["crc32"])
            self.base = start + size
            data_bytes = int(header["data_bytes"])
            layout = header["arrays"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ArraysDamaged(f"{name} has a garbled header ({exc})") from None
        if len(buf) != self.base + data_bytes:
            raise ArraysDamaged(f"{name} is {len(buf)} bytes, not {self.base + data_bytes}")
        if expected_docs is not None and expected_docs != self.doc_count:
            raise ArraysDamaged(f"{name} describes {self.doc_count} documents, the segment has "
                                f"{expected_docs}")
        self.arrays: dict[str, np.ndarray] = {}
        for key, (dtype, offset, count) in layout.items():
            dt = np.dtype(dtype)
            if offset < 0 or offset + count * dt.itemsize > data_bytes:
                raise ArraysDamaged(f"{name}: array {key} lies outside the file")
            self.arrays[key] = np.frombuffer(buf, dtype=dt, count=count, offset=self.base + offset)
        missing = [f"{f}.{part}" for f in FIELDS for part in ("vocab", "voff", "pstart", "docs")
                   if f"{f}.{part}" not in self.arrays]
        missing += [k for k in COPIES if k not in self.arrays]  # (files written before copies)
        if missing:
            raise ArraysDamaged(f"{name} lacks {', '.join(missing)}")
        self._vocab = {f: _Vocab(self.arrays[f"{f}.vocab"], self.arrays[f"{f}.voff"]) for f in FIELDS}
        self._rows: dict[tuple[str, str], int] = {}

    def verify(self) -> None:
        """Raise ArraysDamaged unless the data matches its checksum (reads the whole file)."""
        with memoryview(self._map) as view:  # no copy of the file
            crc = zlib.crc32(view[self.base:])
        if crc != self.crc32:
            raise ArraysDamaged("a postings-arrays file does not match its checksum")

    def close(self) -> None:
        self.arrays = {}
        self._vocab = {}
        with contextlib.suppress(BufferError):  # arrays handed out still use it: it closes with them
            self._map.close()

    # -- looking up ----------------------------------------------------------------------------

    def term(self, field: str, text: str) -> int:
        """Return the row of a term in a field's vocabulary, or -1 (remembered: queries repeat)."""
        key = (field, text)
        row = self._rows.get(key)
        if row is None:
            if len(self._rows) > 100_000:
                self._rows.clear()
            row = self._rows[key] = self._vocab[field].find(text.encode("utf-8"))
        return row

    def prefix_rows(self, field: str, prefix: str) -> range:
        """Return the rows of the terms that start with prefix."""
        return self._vocab[field].prefix(prefix.encode("utf-8"))

    def prefix_terms(self, field: str, prefix: bytes, limit: int) -> list[bytes]:
        """Return the first `limit` terms (in byte order) that start with prefix."""
        vocab = self._vocab[field]
        rows = vocab.prefix(prefix)
        return [vocab[r] for r in rows[:limit]]

    def sized_terms(self, field: str, prefix: bytes, low: int, high: int,
                    foreign: np.ndarray | None = None, most: int = 0) -> list[bytes]:
        """Return the terms that start with prefix and are low to high bytes long (and, given a
        table of foreign bytes (edits.foreign_bytes), have at most `most` of them)."""
        return self._vocab[field].sized(self._vocab[field].prefix(prefix), low, high, foreign, most)

    def has_field(self, field: str) -> bool:
        """Return True when this file holds a field's vocabulary."""
        return field in self._vocab

    def rows(self, field: str) -> int:
        """Return how many terms a field's vocabulary has."""
        return len(self._vocab[field])

    def word(self, field: str, row: int) -> str:
        return self._vocab[field][row].decode("utf-8")

    def postings(self, field: str, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (document numbers, weights) of a term's postings."""
        a = self.arrays
        lo, hi = a[f"{field}.pstart"][row], a[f"{field}.pstart"][row + 1]
        weights = a.get(f"{field}.weights")
        if weights is not None:
            return a[f"{field}.docs"][lo:hi], weights[lo:hi].astype(np.float64)
        counts = a.get(f"{field}.counts")
        if counts is None:
            return a[f"{field}.docs"][lo:hi], np.ones(hi - lo)
        return a[f"{field}.docs"][lo:hi], counts[lo:hi] * float(a[f"{field}.boost"][0])

    def doc_frequency(self, field: str, row: int) -> int:
        pstart = self.arrays[f"{field}.pstart"]
        return int(pstart[row + 1] - pstart[row])

    def positions(self, field: str, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Return a term's (document number per position, position) pairs in a positional field."""
        a = self.arrays
        lo, hi = a[f"{field}.pstart"][row], a[f"{field}.pstart"][row + 1]
        termpos = a[f"{field}.termpos"]
        return (np.repeat(a[f"{field}.docs"][lo:hi], a[f"{field}.counts"][lo:hi]),
                a[f"{field}.positions"][termpos[row]:termpos[row + 1]])

    def lengths(self, field: str) -> np.ndarray:
        return self.arrays[f"{field}.lengths"]

    def translit_words(self, key: str) -> list[str]:
        """Return the exact-field words whose transliteration key is key."""
        keys = self.arrays.get("exact.keys")
        if keys is None or not len(keys):
            return []
        h = np.uint64(key_hash(key))
        lo, hi = np.searchsorted(keys, h, "left"), np.searchsorted(keys, h, "right")
        rows = self.arrays["exact.keyterms"][lo:hi]
        return [self.word("exact", int(r)) for r in rows]


class _Vocab:
    """A sorted vocabulary stored as one byte string and offsets; binary search on bytes."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self._blob = blob
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, row: int) -> bytes:
        return self._blob[self._offsets[row]:self._offsets[row + 1]].tobytes()

    def find(self, term: bytes) -> int:
        row = bisect.bisect_left(self, term)
        return row if row < len(self) and self[row] == term else -1

    def prefix(self, prefix: bytes) -> range:
        return range(bisect.bisect_left(self, prefix), bisect.bisect_left(self, prefix + b"\xff"))

    def sized(self, rows: range, low: int, high: int, foreign: np.ndarray | None = None,
              most: int = 0) -> list[bytes]:
        """Return the terms in a range of rows that are low to high bytes long, and with at most
        `most` bytes that the table `foreign` marks (their bytes copied out in one piece and cut
        there: a copy per term costs five times more)."""
        if not len(rows):
            return []
        offsets = self._offsets[rows.start:rows.stop + 1]
        sizes = np.diff(offsets)
        keep = (sizes >= low) & (sizes <= high)
        base = int(offsets[0])
        if foreign is not None:
            marked = np.concatenate(([0], np.cumsum(foreign[self._blob[base:int(offsets[-1])]])))
            keep &= (marked[offsets[1:] - base] - marked[offsets[:-1] - base]) <= most
        picked = np.flatnonzero(keep)
        data = self._blob[base:int(offsets[-1])].tobytes()
        starts = (offsets[picked] - base).tolist()
        ends = (offsets[picked + 1] - base).tolist()
        return [data[a:b] for a, b in zip(starts, ends, strict=True)]
