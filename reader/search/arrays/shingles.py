"""Each entry's text as a set of word-pair shingles and its MinHash bands, from a segment's postings.

What copies.py compares: an entry's content terms (headline, body and captions, folded and
stemmed as for search, stop words left out) are put back in order from the content field's
positions, each pair of neighbouring terms is hashed to a shingle, and 128 MinHash values of the
set are cut into 32 bands of 4. Two entries whose shingle sets have a Jaccard similarity s share
at least one band with probability 1 - (1 - s⁴)³² (0.87 at s = 0.5, 0.99 at 0.6, 0.003 at 0.1).
Both arrays are written into the segment's postings-arrays file (its checksum covers them), so
they are made while the segment is written, by the worker that writes it, and rebuilt with it.
"""

from __future__ import annotations

import zlib

import numpy as np

BANDS, ROWS = 32, 4
HASHES = BANDS * ROWS
MIN_SHINGLES = 4  # an entry of fewer word pairs (a line, a name) is nobody's copy
NO_BAND = 0  # the band value of an entry too short to compare
_STEP = 8  # hash functions evaluated at a time (bounds the temporary array)
_MASK32 = np.uint64(0xFFFFFFFF)

SKETCH = BANDS  # one minimum a band, its low 8 bits: an estimate of the similarity (copies.py)
_rng = np.random.default_rng(20221202)  # fixed: the values are kept in index files
_A = (_rng.integers(1, 2**32, HASHES, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
_B = _rng.integers(0, 2**32, HASHES, dtype=np.uint64).astype(np.uint32)
_BAND_MIX = (_rng.integers(1, 2**63, ROWS, dtype=np.uint64) | np.uint64(1))
_PAIR = np.uint64(0x9E3779B97F4A7C15)


def word_hashes(vocab: np.ndarray, voff: np.ndarray) -> np.ndarray:
    """Return a 32-bit hash of each term of a vocabulary (bytes in `vocab`, bounds in `voff`)."""
    blob = vocab.tobytes()
    return np.fromiter((zlib.crc32(blob[a:b]) for a, b in zip(voff[:-1].tolist(), voff[1:].tolist(),
                                                              strict=True)),
                       dtype=np.uint64, count=len(voff) - 1)


def segment_shingles(arrays: dict[str, np.ndarray], doc_count: int) -> dict[str, np.ndarray]:
    """Return the copies arrays of a segment from its recorded content field: `copies.sstart`
    (doc_count + 1 bounds into `copies.shingles`, each entry's sorted shingles),
    `copies.bands` (doc_count x BANDS, row-major) and `copies.sketch` (doc_count x SKETCH)."""
    # (one value per word of the segment: made in place and let go, a worker's peak is its own)
    words = word_hashes(arrays["content.vocab"], arrays["content.voff"])
    docs = np.repeat(arrays["content.docs"].astype(np.int32), arrays["content.counts"].astype(np.int64))
    terms = np.repeat(np.arange(len(words), dtype=np.int32), np.diff(arrays["content.termpos"]))
    order = np.lexsort((arrays["content.positions"], docs))
    docs = docs[order]
    hashes = words[terms[order]]
    del terms, order
    shingle = hashes[:-1] * _PAIR
    shingle += hashes[1:]
    shingle >>= np.uint64(32)
    del hashes
    keyed = docs[1:].astype(np.uint64)
    keyed <<= np.uint64(32)
    keyed |= shingle
    del shingle
    keyed = np.unique(keyed[docs[1:] == docs[:-1]])  # neighbours in the same entry
    del docs
    owner = (keyed >> np.uint64(32)).astype(np.int64)
    values = (keyed & _MASK32).astype(np.uint32)
    sstart = np.searchsorted(owner, np.arange(doc_count + 1)).astype(np.int64)
    banded, sketch = bands(values, sstart)
    return {"copies.sstart": sstart, "copies.shingles": values, "copies.bands": banded.ravel(),
            "copies.sketch": sketch.ravel()}


def bands(values: np.ndarray, sstart: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the MinHash bands (documents x BANDS, uint32) of the shingle sets values[sstart[i]:
    sstart[i + 1]], NO_BAND for a set smaller than MIN_SHINGLES, and their sketches (documents x
    SKETCH, uint8: the low bits of each band's first minimum).

    Each of the HASHES functions is (x xor b) * a modulo 2**32 (a odd: a permutation of the
    32-bit shingle values), evaluated in 32-bit arithmetic a few at a time."""
    n = len(sstart) - 1
    sizes = np.diff(sstart)
    out = np.full((n, BANDS), NO_BAND, dtype=np.uint32)
    sketch = np.zeros((n, SKETCH), dtype=np.uint8)
    big = np.flatnonzero(sizes >= MIN_SHINGLES)
    if not len(big):
        return out, sketch
    keep = np.repeat(sizes >= MIN_SHINGLES, sizes)
    x = values[keep].astype(np.uint32)
    starts = np.concatenate(([0], np.cumsum(sizes[big])[:-1]))
    mins = np.empty((len(big), HASHES), dtype=np.uint32)
    h = np.empty((len(x), _STEP), dtype=np.uint32)  # (one buffer: a chunk's shingles x 8)
    for lo in range(0, HASHES, _STEP):
        np.bitwise_xor(x[:, None], _B[None, lo:lo + _STEP], out=h)
        np.multiply(h, _A[None, lo:lo + _STEP], out=h)
        mins[:, lo:lo + _STEP] = np.minimum.reduceat(h, starts, axis=0)
    rows = mins.reshape(len(big), BANDS, ROWS).astype(np.uint64)
    mixed = (rows * _BAND_MIX[None, None, :]).sum(axis=2, dtype=np.uint64) >> np.uint64(32)
    mixed[mixed == NO_BAND] = 1  # (a value of 0 means "no band")
    out[big] = mixed.astype(np.uint32)
    sketch[big] = (mins[:, ::ROWS] & 0xFF).astype(np.uint8)
    return out, sketch
