"""What queries need from one whoosh searcher beyond its postings, worked out once per searcher."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np

from reader.search.analysis import MIN_TRANSLIT, translit_key
from reader.search.arrays import fast
from reader.search.arrays.segment_arrays import ArraysDamaged


class Prepared:
    """What queries need from one searcher beyond its postings, worked out once per searcher.

    `arrays` are the segments' postings arrays, from open_arrays() (None when a segment has
    none that can be used, or open_arrays is None: every query then goes the whoosh way).
    """

    def __init__(self, searcher, open_arrays: Callable[[], fast.IndexArrays] | None = None):
        self.searcher = searcher
        self._open_arrays = open_arrays
        self.arrays_problem: str | None = None
        self._arrays: fast.IndexArrays | None = None
        self._keymap: dict[str, list[str]] | None = None
        self._chron: list[int] | None = None
        self._columns: dict[str, np.ndarray] = {}
        self.entries = None  # the searcher's EntryTable (arrays/entries.py), made when first asked
        self.copies = None  # its CopyGroups (arrays/copies.py), made when first asked

    @property
    def arrays(self) -> fast.IndexArrays | None:
        """The postings arrays of every segment, opened on first use; None if any cannot be used."""
        if self._arrays is None and self._open_arrays is not None:
            try:
                self._arrays = self._open_arrays()
            except ArraysDamaged as exc:
                self.drop_arrays(str(exc))
        return self._arrays

    def open(self) -> None:
        """Open now what queries read: the postings arrays, each segment's stored fields."""
        _ = self.arrays
        for sub, _offset in self.searcher.leaf_searchers():
            if sub.doc_count_all():
                sub.stored_fields(0)

    def drop_arrays(self, reason: str) -> None:
        """Stop using the arrays (they cannot be opened, or failed a query); whoosh answers."""
        self.arrays_problem = reason
        self._open_arrays = None
        self._arrays = None

    def other_spellings(self, word: str) -> list[str]:
        """Return the index's unstemmed words that share word's transliteration key (word included)."""
        key = translit_key(word)
        arrays = self.arrays
        if arrays is not None:
            found = arrays.translit_words(key)
            return sorted(found) if len(found) > 1 else []
        return self.keymap.get(key, [])

    @property
    def keymap(self) -> dict[str, list[str]]:
        """Map transliteration keys to the index's unstemmed words that share them."""
        if self._keymap is None:
            keymap: dict[str, list[str]] = defaultdict(list)
            for raw in self.searcher.reader().lexicon("exact"):
                word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if len(word) >= MIN_TRANSLIT and word.isalpha():
                    keymap[translit_key(word)].append(word)
            self._keymap = {k: v for k, v in keymap.items() if len(v) > 1}
        return self._keymap

    @property
    def chron(self) -> list[int]:
        """Every document's date-order key (newest first, then position), by document number."""
        if self._chron is None:
            self._chron = self.column("chron").tolist()
        return self._chron

    def column(self, fieldname: str) -> np.ndarray:
        """Return a numeric column (chron, day, key) for every document number."""
        arrays = self.arrays
        if arrays is not None:
            return arrays.columns[fieldname]
        if fieldname not in self._columns:
            found = [fast.column(sub.reader(), fieldname) for sub, _ in self.searcher.leaf_searchers()
                     if sub.reader().segment() is not None]
            self._columns[fieldname] = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        return self._columns[fieldname]
