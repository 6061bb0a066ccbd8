"""How far apart two words are for a fuzzy query (word~, word~2): optimal string alignment.

An insertion, a deletion, a substitution or a swap of two neighbouring letters is one edit
(Mariupol~ finds Maripuol). Whoosh measures it two ways (a Levenshtein automaton on a
one-segment index, a Damerau loop on several), so the index's words are found by either path
and measured here, the same for both.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import OSA


def near(word: str, terms: Iterable[str], maxdist: int) -> list[str]:
    """Return the terms (in their order) within maxdist edits of word."""
    size = len(word)
    return [t for t in terms
            if abs(len(t) - size) <= maxdist and OSA.distance(word, t, score_cutoff=maxdist) <= maxdist]
