"""Dutch text analysis for the index: analyzers, accent folding, name-variant lists, transliteration keys."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Token, Tokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from reader.text import fold

# Bumped whenever an analyzer changes in a way that changes indexed terms.
ANALYSIS_VERSION = 3

_TOKEN = r"\w+(?:\.?\w+)*"


DUTCH_STOPS = frozenset(fold(w) for w in stopwords_for_language("nl"))
WORD = re.compile(_TOKEN, re.UNICODE)
_CACHE_LIMIT = 300_000
_caches: dict[bool, dict[str, str | None]] = {True: {}, False: {}}
_stemmer = stemmer_for_language("nl")


def index_term(word: str, stem: bool) -> str | None:
    """Return the indexed form of one word (None for a stop word), cached.

    Stop words are dropped from both fields: they were a third of all postings and never searched.
    """
    cache = _caches[stem]
    term = cache.get(word, _caches)
    if term is _caches:
        folded = fold(word)
        if folded in DUTCH_STOPS or (len(folded) == 1 and folded.isalpha()):
            term = None
        else:
            term = _stemmer(folded) if stem else folded
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[word] = term
    return term


class DutchTokenizer(Tokenizer):
    """One pass per word: tokenize, lowercase, fold accents, drop stop words, stem (cached).

    Equivalent to RegexTokenizer | LowercaseFilter | CharsetFilter | StopFilter | StemFilter,
    several times faster because each distinct word is analysed once per process.
    Whoosh pickles this class into the index schema, so it must stay importable here.
    """

    def __init__(self, stem: bool = True):
        self.stem = stem

    def __eq__(self, other) -> bool:
        return isinstance(other, DutchTokenizer) and other.stem == self.stem

    def terms(self, value: str) -> list[str]:
        """Return the indexed terms of value in order, stop words left out (a token's position is
        its index): what __call__ yields, without a Token per word, for the index formats."""
        stem = self.stem
        return [t for t in (index_term(w, stem) for w in WORD.findall(value)) if t is not None]

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        stem = self.stem
        for match in WORD.finditer(value):
            term = index_term(match.group(), stem)
            if term is None:
                if removestops:
                    continue
                t.stopped = True
                term = fold(match.group())
            else:
                t.stopped = False
            t.text = term
            t.boost = 1.0
            if keeporiginal:
                t.original = match.group()
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


def stem_analyzer() -> DutchTokenizer:
    """Return the analyzer of the searchable text fields: tokenize, lowercase, fold, stop, stem."""
    return DutchTokenizer(stem=True)


def exact_analyzer() -> DutchTokenizer:
    """Return the analyzer of the unstemmed field: tokenize, lowercase, fold accents, drop stop words."""
    return DutchTokenizer(stem=False)


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
    """Return the unstemmed, accent-folded words of text, stop words removed."""
    return [t.text for t in _exact()(text)]


_TRANSLIT = [
    ("shch", "sjtsj"), ("tch", "tsj"), ("ch", "tsj"),  # English ch = Dutch tsj
    ("oe", "u"),
    ("sjtsj", "S"), ("tsj", "C"), ("sj", "s"), ("sh", "s"), ("zj", "z"), ("zh", "z"),
    ("kh", "x"), ("ks", "x"), ("j", "y"),
]
_ENDING = re.compile(r"(?:yy|iy|ij|yi|ii)$")
_DOUBLE = re.compile(r"(.)\1+")


MIN_TRANSLIT = 5  # words this long are matched by their transliteration key too


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
        self.problems: list[str] = []  # variant files that exist but could not be read, and why
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
        """Read variant lists, later ones extending earlier ones.

        A missing file is skipped; one that exists but cannot be read is named in `problems`.
        """
        variants = cls()
        for path in paths:
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except UnicodeDecodeError:
                variants.problems.append(f"{path} is not UTF-8 text; its name variants are not used")
                continue
            except OSError as exc:
                variants.problems.append(f"{path} cannot be read ({exc.strerror or exc}); "
                                         "its name variants are not used")
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
