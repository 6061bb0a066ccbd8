"""Recording a segment's postings into arrays as whoosh writes them, or reading them back from it."""

from __future__ import annotations

import bisect
import operator
from collections.abc import Collection, Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from reader.search import compat
from reader.search.analysis import MIN_TRANSLIT, translit_key
from reader.search.arrays import shingles
from reader.search.arrays.segment_arrays import (
    FIELDS,
    POSITIONAL,
    SCORED,
    ArraysDamaged,
    SegmentArrays,
    file_name,
    key_hash,
    length_bytes,
    write,
)

# -- recording postings as whoosh writes them -------------------------------------------------

BLOCK = 1 << 16  # postings taken from whoosh's stream at a time
# a posting's parts, where whoosh puts them (compat.POSTING_FIELDS)
_FIELD, _TERM, _DOC, _WEIGHT, _VALUE = (operator.itemgetter(compat.POSTING_FIELDS.index(part))
                                        for part in ("field", "term", "doc", "weight", "value"))


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
        """Return the recorded postings as named arrays (once: each field's recording is let go
        as its arrays are made, so a worker holds one of the two at a time)."""
        out: dict[str, np.ndarray] = {}
        for name in list(self.fields):
            out.update(_field_arrays(self.fields.pop(name), doc_count))
        out.update(shingles.segment_shingles(out, doc_count))  # what copies.py compares
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


# -- rebuilding from a segment ---------------------------------------------------------------------


def from_reader(reader) -> tuple[int, dict[str, np.ndarray]]:
    """Read a whoosh segment reader's postings back into arrays (when the file is missing or damaged).

    Slower than recording them while the segment is written (whoosh decodes every block),
    but the same arrays: the same postings in the same order.
    """
    recorder = Recorder()
    doc_count = reader.doc_count_all()

    def postings() -> Iterator[tuple]:
        for field in sorted(FIELDS):  # whoosh's order: by field, term, document
            if field not in reader.schema:
                continue
            for tbytes in reader.lexicon(field):
                matcher = compat.all_postings(reader, field, tbytes)
                while matcher.is_active():
                    yield field, tbytes, matcher.id(), matcher.weight(), matcher.value()  # (POSTING_FIELDS)
                    matcher.next()

    for _ in recorder.tee(postings()):
        pass
    return doc_count, recorder.arrays(doc_count)


def repair_index(ix, directory: Path, skip: Collection[str] = ()) -> int:
    """Write the arrays file of every segment (but those in skip: a tier holds theirs) whose
    file is missing or damaged; return how many.

    Each file is checked whole (its checksum) and rebuilt from the segment's postings.
    """
    repaired = 0
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            if leaf.segment() is None or leaf.segment().segment_id() in skip:
                continue  # (None: an index of no segments, no file gave an entry)
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
