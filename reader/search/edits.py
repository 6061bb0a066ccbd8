"""How far apart two words are for a fuzzy query (word~, word~2): optimal string alignment.

An insertion, a deletion, a substitution or a swap of two neighbouring letters is one edit
(Mariupol~ finds Maripuol). Whoosh measures it two ways (a Levenshtein automaton on a
one-segment index, a Damerau loop on several), so the index's words are found by either path
and measured here, the same for both.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA


def near(word: str, terms: Iterable[str], maxdist: int) -> list[str]:
    """Return the terms (in their order) within maxdist edits of word (measured by rapidfuzz in
    one call: a Python loop over 40,000 candidates took ten times longer)."""
    terms = list(terms)
    if not terms:
        return []
    distances = process.cdist([word], terms, scorer=OSA.distance, score_cutoff=maxdist, dtype=np.int32)[0]
    return [terms[i] for i in np.flatnonzero(distances <= maxdist).tolist()]


def foreign_bytes(word: str) -> np.ndarray:
    """Return a table of the 256 byte values: 1 for a byte that starts a character word does
    not have, else 0 (UTF-8's continuation bytes count with their character's first byte).

    Each character of a term that word does not have takes an edit of its own (an insertion or
    a substitution; a swap brings none), so a term with more of them than maxdist is not near:
    counted over a vocabulary's bytes at once, this passes over most terms before any is a
    Python string. A character of several bytes whose first byte one of word's has counts 0
    (it may be word's): the count never exceeds the truth.
    """
    table = np.ones(256, dtype=np.int32)
    table[0x80:0xC0] = 0
    for char in set(word):
        table[char.encode("utf-8")[0]] = 0
    return table
