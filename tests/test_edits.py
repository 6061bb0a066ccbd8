"""Fuzzy words: the foreign-byte count that passes over most of a vocabulary before rapidfuzz
measures the rest never passes over a word within the edits asked."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from reader.search import edits
from reader.search.arrays.segment_arrays import _Vocab
from tests.properties import examples

# letters of one, two and three bytes; several two-byte ones share their first byte (é ë, и ї)
LETTERS = "aeimoprklézëиїкΜα東京"
words = st.text(alphabet=LETTERS, min_size=1, max_size=9)


def _vocab(terms: set[str]) -> tuple[_Vocab, list[bytes]]:
    encoded = sorted(t.encode("utf-8") for t in terms)
    offsets = np.concatenate(([0], np.cumsum([len(t) for t in encoded]))).astype(np.int64)
    return _Vocab(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets), encoded


@examples(200)
@given(st.sets(words, min_size=1, max_size=60), words, st.integers(1, 2))
def test_the_foreign_byte_count_keeps_every_near_word(terms, word, maxdist):
    vocab, encoded = _vocab(terms | {word})
    kept = vocab.sized(range(len(vocab)), 0, 10**6, edits.foreign_bytes(word), maxdist)
    near = {t for t in encoded if OSA.distance(word, t.decode("utf-8")) <= maxdist}
    assert near <= set(kept)
    assert edits.near(word, [t.decode("utf-8") for t in kept], maxdist) == \
        [t.decode("utf-8") for t in kept if t in near]


def test_the_count_passes_over_words_of_other_letters():
    vocab, _ = _vocab({"marioepol", "mariupol", "mkzkzkz", "moskou", "marioepl"})
    kept = vocab.sized(range(len(vocab)), 0, 100, edits.foreign_bytes("marioepl"), 2)
    assert kept == [b"marioepl", b"marioepol", b"mariupol"]  # (moskou: s, k, u are three)
