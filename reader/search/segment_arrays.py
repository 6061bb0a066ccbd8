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
import operator
import os
import zlib
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from reader.search.analysis import translit_key
from reader.search.manifest import ARRAYS_SUFFIX as SUFFIX

MAGIC = b"LRARRAYS1\n"
SCORED = ("content", "headline", "exact")  # fields whose per-document lengths BM25 needs
FIELDS = (*SCORED, "path", "date")
POSITIONAL = ("content", "headline")  # fields with phrases: positions are kept
MIN_TRANSLIT = 5


class ArraysDamaged(Exception):
    """A postings-arrays file cannot be used (missing, truncated, another version, garbled)."""


def file_name(segment_id: str) -> str:
    """Return the arrays file's name for a segment id such as MAIN_abc123."""
    return segment_id + SUFFIX


def key_hash(key: str) -> int:
    """Return the 64-bit hash a transliteration key is filed under."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


# -- recording postings as whoosh writes them -------------------------------------------------

BLOCK = 1 << 16  # postings taken from whoosh's stream at a time
_FIELD, _TERM, _DOC, _WEIGHT, _VALUE = (operator.itemgetter(i) for i in range(5))


class _FieldRecord:
    """One field's postings, decoded a block at a time into compact numpy arrays.

    Nothing kept is a tuple or list of Python objects (the garbage collector would scan them
    over and over while whoosh writes), and each block is reduced at once to what the file
    holds: the memory it takes is about the file's size.
    """

    def __init__(self, name: str):
        self.name = name
        self.new_term: list[np.ndarray] = []  # per posting: its term differs from the one before
        self.vocab: list[bytes] = []  # each term once, in order
        self.docs: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []  # per posting: its frequency (scored fields)
        self.positions: list[np.ndarray] = []  # per posting, its positions (positional fields)
        self.boost: float | None = None  # weight / frequency: the same for every posting
        self.weights: list[np.ndarray | None] = []  # per block: None where that holds
        self.last: bytes | None = None

    def take(self, postings: list[tuple]) -> None:
        """Keep a run of this field's postings."""
        n = len(postings)
        terms = list(map(_TERM, postings))
        new = np.empty(n, dtype=bool)
        new[0] = terms[0] != self.last
        new[1:] = np.fromiter(map(operator.ne, terms[1:], terms[:-1]), dtype=bool, count=n - 1)
        self.new_term.append(new)
        self.vocab.extend(terms[i] for i in np.flatnonzero(new))
        self.last = terms[-1]
        self.docs.append(np.fromiter(map(_DOC, postings), dtype=np.int32, count=n))
        weights = np.fromiter(map(_WEIGHT, postings), dtype=np.float64, count=n)
        counts = np.ones(n, dtype=np.int64)
        if self.name in SCORED:
            values = list(map(_VALUE, postings))
            if self.name in POSITIONAL:  # PackedPositions: a big-endian count, a uint32 gap each
                words = np.frombuffer(b"".join(values), dtype="<u4")
                sizes = np.fromiter(map(len, values), dtype=np.int64, count=n) // 4
                heads = np.concatenate(([0], np.cumsum(sizes)[:-1]))
                counts = words[heads].byteswap().astype(np.int64)
                running = np.cumsum(np.delete(words, heads).astype(np.int64))
                first = np.concatenate(([0], np.cumsum(counts)[:-1]))
                before = np.concatenate(([0], running))[first]  # the running sum before each posting
                self.positions.append((running - np.repeat(before, counts)).astype(np.uint32))
            else:  # Frequency: the value is the count, a big-endian uint
                counts = np.frombuffer(b"".join(values), dtype=">u4").astype(np.int64)
            self.counts.append(counts.astype(np.uint32))
        if self.boost is None:
            self.boost = float(weights[0] / counts[0])
        plain = np.array_equal(weights, counts * self.boost)
        self.weights.append(None if plain else weights.astype(np.float32))
        if self.name not in SCORED:
            self.counts.append(counts.astype(np.uint8))  # for the weights, if one block is not plain


class Recorder:
    """Collects a segment's postings as whoosh writes them (sorted by field, term, document)."""

    def __init__(self):
        self.fields = {name: _FieldRecord(name) for name in FIELDS}

    def tee(self, postings: Iterable[tuple]) -> Iterator[tuple]:
        """Yield whoosh's (field, term bytes, docnum, weight, value bytes) postings, keeping ours.

        They are taken a block at a time and split by field and column in C (itemgetter, bisect
        on the sorted field names), so recording costs little next to whoosh's own writing.
        """
        stream = iter(postings)
        while block := list(islice(stream, BLOCK)):
            names = list(map(_FIELD, block))
            for name, rec in self.fields.items():
                lo, hi = bisect.bisect_left(names, name), bisect.bisect_right(names, name)
                if lo < hi:
                    rec.take(block[lo:hi])
            yield from block

    def arrays(self, doc_count: int) -> dict[str, np.ndarray]:
        """Return the recorded postings as named arrays."""
        out: dict[str, np.ndarray] = {}
        for rec in self.fields.values():
            out.update(_field_arrays(rec, doc_count))
        return out

    def write(self, path: Path, doc_count: int) -> None:
        """Write the arrays file for a segment of doc_count documents (atomically)."""
        write(path, doc_count, self.arrays(doc_count))


def _cat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _smallest_uint(values: np.ndarray) -> np.ndarray:
    top = int(values.max()) if len(values) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.int64)


def _field_arrays(rec: _FieldRecord, doc_count: int) -> dict[str, np.ndarray]:
    name = rec.name
    docs = _cat(rec.docs, np.int32)
    starts = np.flatnonzero(_cat(rec.new_term, bool))
    vocab = rec.vocab
    voff = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in vocab], out=voff[1:])
    out = {f"{name}.vocab": np.frombuffer(b"".join(vocab), dtype=np.uint8),
           f"{name}.voff": voff, f"{name}.pstart": np.append(starts, len(docs)).astype(np.int64),
           f"{name}.docs": docs, f"{name}.boost": np.array([rec.boost or 1.0])}
    if name in SCORED:
        # a document's field length is the sum of its frequencies, stored by whoosh as one byte
        counts = _cat(rec.counts, np.uint32)
        out[f"{name}.counts"] = _smallest_uint(counts)
        out[f"{name}.lengths"] = length_bytes(np.bincount(docs, weights=counts,
                                                          minlength=doc_count)[:doc_count])
        if name in POSITIONAL:
            out[f"{name}.positions"] = _smallest_uint(_cat(rec.positions, np.uint32))
            termpos = np.zeros(len(starts) + 1, dtype=np.int64)
            if len(starts):
                np.cumsum(np.add.reduceat(counts.astype(np.int64), starts), out=termpos[1:])
            out[f"{name}.termpos"] = termpos
    if any(w is not None for w in rec.weights):  # not frequency x boost (this program writes none)
        out[f"{name}.weights"] = np.concatenate([
            w if w is not None else (c * (rec.boost or 1.0)).astype(np.float32)
            for w, c in zip(rec.weights, rec.counts, strict=True)])
    if name == "exact":
        words = [t.decode("utf-8") for t in vocab]
        keyed = sorted((key_hash(translit_key(w)), i) for i, w in enumerate(words)
                       if len(w) >= MIN_TRANSLIT and w.isalpha())
        out["exact.keys"] = np.array([k for k, _ in keyed], dtype=np.uint64)
        out["exact.keyterms"] = np.array([i for _, i in keyed], dtype=np.int64)
    return out


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
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(MAGIC + len(header).to_bytes(8, "little") + header)
        for chunk in chunks:
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


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
            self._map.close()
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


# -- rebuilding from a segment ---------------------------------------------------------------------


def from_reader(reader) -> tuple[int, dict[str, np.ndarray]]:
    """Read a whoosh segment reader's postings back into arrays (when the file is missing or damaged).

    Slower than recording them while the segment is written (whoosh decodes every block),
    but the same arrays: the same postings in the same order.
    """
    from reader.search import compat

    recorder = Recorder()
    doc_count = reader.doc_count_all()

    def postings() -> Iterator[tuple]:
        for field in sorted(FIELDS):  # whoosh's order: by field, term, document
            if field not in reader.schema:
                continue
            for tbytes in reader.lexicon(field):
                matcher = compat.all_postings(reader, field, tbytes)
                while matcher.is_active():
                    yield field, tbytes, matcher.id(), matcher.weight(), matcher.value()
                    matcher.next()

    for _ in recorder.tee(postings()):
        pass
    return doc_count, recorder.arrays(doc_count)


def check_index(ix, directory: Path) -> str | None:
    """Return why some segment of an index has no usable arrays file (cheap: headers only), or None."""
    from reader.search import compat

    for segment in compat.index_segments(ix):
        try:
            SegmentArrays(directory / file_name(segment.segment_id()), segment.doc_count_all()).close()
        except ArraysDamaged as exc:
            return str(exc)
    return None


def repair_index(ix, directory: Path) -> int:
    """Write the arrays file of every segment whose file is missing or damaged; return how many.

    Each file is checked whole (its checksum) and rebuilt from the segment's postings.
    """
    repaired = 0
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            path = directory / file_name(leaf.segment().segment_id())
            try:
                arrays = SegmentArrays(path, leaf.doc_count_all())
                try:
                    arrays.verify()
                finally:
                    arrays.close()
            except ArraysDamaged:
                doc_count, found = from_reader(leaf)
                write(path, doc_count, found)
                repaired += 1
    return repaired
