"""Dutch text analysis for the index: analyzers, accent folding, name-variant lists, transliteration keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Bumped whenever an analyzer changes in a way that changes indexed terms.
ANALYSIS_VERSION = 1

_TOKEN = r"\w+(?:\.?\w+)*"


def fold(text: str) -> str:
    """Return text lowercased with accents removed (Oekraïne -> oekraine)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


DUTCH_STOPS = frozenset(fold(w) for w in stopwords_for_language("nl"))


def stem_analyzer():
    """Return the analyzer of the searchable text fields: tokenize, lowercase, fold, stop, stem."""
    return (
        RegexTokenizer(_TOKEN)
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=DUTCH_STOPS, minsize=1, renumber=True)
        | StemFilter(lang="nl", cachesize=100_000)
    )


def exact_analyzer():
    """Return the analyzer of the unstemmed field: tokenize, lowercase, fold accents."""
    return RegexTokenizer(_TOKEN) | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=1)
def _stem():
    return stem_analyzer()


@lru_cache(maxsize=1)
def _exact():
    return exact_analyzer()


def stem_terms(text: str) -> list[str]:
    """Return the indexed (stemmed) terms of text, stop words removed."""
    return [t.text for t in _stem()(text)]


def exact_terms(text: str) -> list[str]:
    """Return the unstemmed, accent-folded words of text."""
    return [t.text for t in _exact()(text)]


def token_spans(text: str, stemmed: bool) -> list[tuple[str, int, int]]:
    """Return (term, start, end) for each token of text, stemmed or exact."""
    analyzer = _stem() if stemmed else _exact()
    return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="query")]


_TRANSLIT = [
    ("shch", "sjtsj"), ("tch", "tsj"), ("ch", "tsj"),  # English ch = Dutch tsj
    ("oe", "u"),
    ("sjtsj", "S"), ("tsj", "C"), ("sj", "s"), ("sh", "s"), ("zj", "z"), ("zh", "z"),
    ("kh", "x"), ("ks", "x"), ("j", "y"),
]
_ENDING = re.compile(r"(?:yy|iy|ij|yi|ii)$")
_DOUBLE = re.compile(r"(.)\1+")


def translit_key(word: str) -> str:
    """Return a spelling-neutral key, so Dutch and English transliterations of a name meet.

    Poetin/Putin, Loegansk/Lugansk, Zelenski/Zelensky/Zelenskyj, Boetsja/Butcha meet;
    the shipped variant list covers what rules cannot (Kiev/Kyiv, Charkov/Kharkiv).
    """
    key = fold(word)
    for old, new in _TRANSLIT:
        key = key.replace(old, new)
    key = _ENDING.sub("y", key)
    key = re.sub(r"i$", "y", key) if key.endswith("ski") else key
    return _DOUBLE.sub(r"\1", key)


class Variants:
    """Groups of spellings of one name, from a plain-text list a user can extend.

    One group per line, spellings separated by commas; '#' starts a comment.
    The first spelling is the display form.
    """

    def __init__(self, groups: list[tuple[str, ...]] | None = None):
        self.groups: list[tuple[str, ...]] = []
        self._by_word: dict[str, int] = {}
        self._by_key: dict[str, int] = {}
        for group in groups or []:
            self.add(group)

    def add(self, spellings: tuple[str, ...]) -> None:
        """Add one group of spellings (merging with groups it overlaps)."""
        words = [s.strip() for s in spellings if s.strip()]
        if len(words) < 2:
            return
        index = next((self._by_word[fold(w)] for w in words if fold(w) in self._by_word), None)
        if index is None:
            index = len(self.groups)
            self.groups.append(tuple(words))
        else:
            merged = self.groups[index] + tuple(w for w in words if w not in self.groups[index])
            self.groups[index] = merged
        for w in words:
            self._by_word[fold(w)] = index
            self._by_key.setdefault(translit_key(w), index)

    @classmethod
    def load(cls, *paths: Path) -> Variants:
        """Read variant lists, later ones extending earlier ones; missing files are skipped."""
        variants = cls()
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for line in text.splitlines():
                line = line.split("#", 1)[0]
                if line.strip():
                    variants.add(tuple(line.split(",")))
        return variants

    def spellings(self, word: str) -> tuple[str, ...]:
        """Return all listed spellings of the group word belongs to (empty if none)."""
        index = self._by_word.get(fold(word))
        if index is None:
            index = self._by_key.get(translit_key(word))
        return self.groups[index] if index is not None else ()

    def display(self, folded: str) -> str:
        """Return how a folded spelling is written in the list, else capitalised."""
        index = self._by_word.get(folded)
        if index is not None:
            for spelling in self.groups[index]:
                if fold(spelling) == folded:
                    return spelling
        return folded[:1].upper() + folded[1:]
