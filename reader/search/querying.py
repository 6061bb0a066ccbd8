"""Run a parsed query against a searcher: variant expansion, guards, sorting, snippets, suggestions."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from whoosh import query as wq

from reader.model import CAPTION_LABEL, Hit, SearchResult
from reader.search import compat, fast, syntax
from reader.search.analysis import Variants, exact_terms, fold, stem_terms, translit_key
from reader.search.highlight import match_spans, snippet
from reader.search.segment_arrays import ArraysDamaged

DEFAULT_FIELDS = ("content", "headline")
MAX_EXPANSION = 128
MIN_TRANSLIT = 5


@dataclass
class _Context:
    searcher: object
    reader: object
    variants: Variants
    prepared: Prepared
    stem: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    spellings: dict[str, list[str]] = field(default_factory=dict)  # typed word -> other exact terms
    notes: list[str] = field(default_factory=list)


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
        if self._chron is None and self.arrays is not None:
            self._chron = self.arrays.chron.tolist()
        if self._chron is None:
            keys: list[int] = []
            for sub, _offset in self.searcher.leaf_searchers():
                keys.extend(compat.column_values(sub.reader(), "chron"))
            self._chron = keys
        return self._chron


def _fields(fieldname: str | None) -> tuple[str, ...]:
    return (fieldname,) if fieldname else DEFAULT_FIELDS


def _terms_query(fields: tuple[str, ...], terms: list[str]) -> wq.Query | None:
    if not terms:
        return None
    if len(terms) == 1:
        queries = [wq.Term(f, terms[0]) for f in fields]
    else:  # a phrase: the headline is part of content, so content alone finds it
        queries = [wq.Phrase(f, terms) for f in fields if f != "headline" or len(fields) == 1]
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _word(node: syntax.Word, ctx: _Context) -> wq.Query | None:
    if node.field == "date":
        text = node.text.strip()
        return wq.Prefix("date", text) if node.mode == "prefix" else wq.Term("date", text)
    if node.mode == "prefix":
        return _prefix(node, ctx)
    if node.mode == "fuzzy":
        return _fuzzy(node, ctx)
    if node.field == "title":
        return _title(stem_terms(node.text), ctx)
    fields = _fields(node.field)
    terms = stem_terms(node.text)
    if not terms:
        ctx.notes.append(f"'{node.text}' is too common to search for; ignored it.")
        return None
    ctx.stem.update(terms)
    parts = [_terms_query(fields, terms)]
    words = exact_terms(node.text)
    if len(words) == 1 and node.field != "title":
        typed = words[0]
        others = [fold(s) for s in ctx.variants.spellings(typed)]
        if len(typed) >= MIN_TRANSLIT:
            others += ctx.prepared.other_spellings(typed)
        others = [o for o in dict.fromkeys(others) if o != typed]
        for other in others:
            other_terms = stem_terms(other)
            ctx.stem.update(other_terms)
            ctx.exact.update(exact_terms(other))
            parts.append(_terms_query(fields, other_terms))
        if others:
            ctx.spellings[typed] = [o for o in others if " " not in o]
    parts = [p for p in parts if p is not None]
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def _title(terms: list[str], ctx: _Context) -> wq.Query:
    """Match every entry of the documents whose title has these words (titles are indexed once)."""
    if not terms:
        return wq.NullQuery
    q = wq.Term("title", terms[0]) if len(terms) == 1 else wq.Phrase("title", terms)
    ctx.stem.update(terms)
    paths = {ctx.searcher.stored_fields(d)["path"] for d in ctx.searcher.docs_for_query(q)}
    return wq.Or([wq.Term("path", p) for p in sorted(paths)]) if paths else wq.NullQuery


def _expanded(fieldname: str, words: list[str], ctx: _Context, what: str) -> wq.Query | None:
    if not words:
        ctx.notes.append(f"No word in the archive matches {what}.")
        return wq.NullQuery
    if len(words) > MAX_EXPANSION:
        freq = {w: ctx.reader.doc_frequency(fieldname, w) for w in words}
        words = sorted(words, key=lambda w: -freq[w])[:MAX_EXPANSION]
        ctx.notes.append(f"{what} matches many words; used the {MAX_EXPANSION} most frequent.")
    (ctx.exact if fieldname == "exact" else ctx.stem).update(words)
    return wq.Or([wq.Term(fieldname, w) for w in words])


def _prefix(node: syntax.Word, ctx: _Context) -> wq.Query | None:
    prefix = fold(node.text)
    fieldname = "exact" if node.field in (None, "content") else node.field
    words = []
    for raw in ctx.reader.expand_prefix(fieldname, prefix):
        words.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if len(words) > 20 * MAX_EXPANSION:
            break
    return _expanded(fieldname, words, ctx, f"'{node.text}*'")


def _fuzzy(node: syntax.Word, ctx: _Context) -> wq.Query | None:
    word = fold(node.text)
    words = [
        w.decode("utf-8") if isinstance(w, bytes) else w
        for w in ctx.reader.terms_within("exact", word, node.distance, prefix=1)
    ]
    return _expanded("exact", words, ctx, f"'{node.text}~'")


def _compile(node: syntax.Node, ctx: _Context) -> wq.Query | None:
    if isinstance(node, syntax.Word):
        return _word(node, ctx)
    if isinstance(node, syntax.Phrase):
        if node.field == "date":
            return wq.Term("date", node.words)
        if node.field == "title":
            return _title(stem_terms(node.words), ctx)
        terms = stem_terms(node.words)
        ctx.stem.update(terms)
        return _terms_query(_fields(node.field), terms)
    if isinstance(node, syntax.Not):
        inner = _compile(node.child, ctx)
        return wq.Not(inner) if inner is not None else None
    children = [q for q in (_compile(c, ctx) for c in node.children) if q is not None]
    if not children:
        return None
    if len(children) == 1:
        return children[0]
    return wq.And(children) if isinstance(node, syntax.And) else wq.Or(children)


def _words(node: syntax.Node | None) -> list[syntax.Word]:
    if isinstance(node, syntax.Word):
        return [node] if node.mode == "word" and node.field is None else []
    if isinstance(node, syntax.Not) or node is None or isinstance(node, syntax.Phrase):
        return []
    return [w for c in node.children for w in _words(c)]


def _suggest(searcher, text: str, node: syntax.Node | None) -> str | None:
    corrector = searcher.corrector("exact")
    suggestion = text
    changed = False
    for word in _words(node):
        folded = fold(word.text)
        if len(folded) < 3 or searcher.doc_frequency("exact", folded) > 0:
            continue
        stems = stem_terms(word.text)
        if not stems or any(searcher.doc_frequency(f, stems[0]) for f in DEFAULT_FIELDS):
            continue  # a stop word (not indexed) or a word the index has
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if found and found[0] != folded:
            suggestion = suggestion.replace(word.text, found[0], 1)
            changed = True
    return suggestion if changed else None


def _compiled(searcher, text: str, variants: Variants, prepared: Prepared):
    """Parse and compile a query: (parsed, context, whoosh query or None if nothing to search)."""
    parsed = syntax.parse(text)
    ctx = _Context(searcher, searcher.reader(), variants, prepared, notes=list(parsed.notes))
    q = _compile(parsed.node, ctx) if parsed.node is not None else None
    return parsed, ctx, (None if q is wq.NullQuery else q)


def matching_ids(searcher, text: str, variants: Variants, prepared: Prepared, document: str) -> set[str]:
    """Return the entry ids of one document that match a query."""
    _parsed, _ctx, q = _compiled(searcher, text, variants, prepared)
    if q is None:
        return set()
    arrays = prepared.arrays
    docs = None
    if arrays is not None:
        try:
            mask, _found = arrays.answer(q, document, 0, "date")
            docs = np.flatnonzero(mask).tolist()
        except fast.Unsupported:
            pass
        except (IndexError, ValueError) as exc:
            prepared.drop_arrays(f"{type(exc).__name__}: {exc}")
    if docs is None:
        docs = doc_ids(searcher, wq.And([q, wq.Term("path", document)]))
    return {searcher.stored_fields(d)["id"] for d in docs}


def run(searcher, text: str, variants: Variants, prepared: Prepared, limit: int = 20,
        sort: str = "relevance", document: str | None = None, snippets: int | None = None,
        cancelled: Callable[[], bool] | None = None) -> SearchResult:
    """Answer a query; every whoosh object stays inside this call.

    Only the first `snippets` hits get a snippet (None: all). If cancelled() is true once the
    matches are known, SearchCancelled is raised instead of building the hits.
    """
    parsed, ctx, q = _compiled(searcher, text, variants, prepared)
    if q is None:
        message = " ".join(dict.fromkeys(ctx.notes)) or None
        if not message and not ctx.stem and not ctx.exact and text.strip():
            message = "Nothing to search for."
        return SearchResult(text, 0, (), message=message, terms=_terms(ctx))
    answer = _fast_answer(prepared, q, document, limit, sort)
    if answer is not None:
        total, found, within = answer
    else:
        total, found, within = _whoosh_answer(searcher, prepared, q, document, limit, sort)
    if cancelled is not None and cancelled():
        raise SearchCancelled(text)
    terms = _terms(ctx)
    hits = [make_hit(searcher.stored_fields(docnum), score, terms, snippets is None or n < snippets)
            for n, (docnum, score) in enumerate(found)]
    matched = _variant_counts(within, ctx, variants) if ctx.spellings else {}
    suggestion = _suggest(searcher, text, parsed.node) if total < 3 else None
    return SearchResult(
        text, total, tuple(hits), variants=matched,
        message=" ".join(dict.fromkeys(ctx.notes)) or None, suggestion=suggestion, terms=terms,
    )


def make_hit(stored: dict, score: float, terms: tuple[tuple[str, str], ...], with_snippet: bool = True
             ) -> Hit:
    """Return the hit of an entry's stored fields; its snippet (when asked for) around the matches."""
    stem = [t for kind, t in terms if kind == "stem"]
    exact = [t for kind, t in terms if kind == "exact"]
    headline = stored.get("headline") or None
    snip, spans = "", []
    if with_snippet:
        captions = [f"[{CAPTION_LABEL}] {c}" for c in (stored.get("captions") or "").split("\n") if c]
        source = "  ".join(filter(None, (stored.get("body"), *captions)))
        snip, spans = snippet(source or headline or "", stem, exact)
    return Hit(
        id=stored["id"], document=stored["path"], title=stored.get("doc_title", ""),
        headline=headline, date=stored.get("doc_date") or None,
        position=stored.get("position", 0), score=_score(score), snippet=snip, spans=tuple(spans),
        headline_spans=tuple(match_spans(headline, stem, exact)) if headline else (),
        snippet_ready=with_snippet, **_entry_meta(stored.get("entry")),
    )


def _entry_meta(meta) -> dict:
    """The Hit fields of an entry's stored time, marks and source (what it has of them)."""
    meta = meta if isinstance(meta, dict) else {}
    return {"time": meta.get("time"), "key_event": bool(meta.get("key_event")),
            "pinned": bool(meta.get("pinned")), "author": meta.get("author"),
            "source_url": meta.get("url")}


class SearchCancelled(Exception):
    """A search was no longer wanted when it came to building its hits."""


def _fast_answer(prepared: Prepared, q: wq.Query, document: str | None, limit: int, sort: str):
    """Answer from the postings arrays: (total, top (docnum, score) pairs, count of a term within)."""
    arrays = prepared.arrays
    if arrays is None:
        return None
    try:
        mask, found = arrays.answer(q, document, limit, sort)
    except fast.Unsupported:
        return None
    except (IndexError, ValueError) as exc:  # arrays that do not fit the segment: use whoosh
        prepared.drop_arrays(f"{type(exc).__name__}: {exc}")
        return None
    return int(np.count_nonzero(mask)), found, partial(arrays.count_within, mask)


def _whoosh_answer(searcher, prepared: Prepared, q: wq.Query, document: str | None, limit: int,
                   sort: str):
    """Answer with whoosh's matchers (the reference path): (total, top pairs, count within)."""
    flt = wq.Term("path", document) if document else None
    # the set of every match gives the exact total and the variant counts
    matched_docs = doc_ids(searcher, wq.And([q, flt]) if flt is not None else q)
    if sort == "date":  # newest first: the smallest keys among the matches, no scoring
        chron = prepared.chron
        found = [(d, 0.0) for d in heapq.nsmallest(max(1, limit), matched_docs, key=chron.__getitem__)]
    else:
        # every match scored: whoosh 2.7.4's top-N collector misses matches at the start of a
        # segment other than the first (tests/test_fast.py found one), so no limit is given
        results = searcher.search(q, limit=None, filter=flt)
        ranked = sorted(((hit.score, hit.docnum) for hit in results), key=lambda p: (-p[0], p[1]))
        found = [(docnum, score) for score, docnum in ranked[:max(1, limit)]]

    def within(fieldname: str, text: str) -> int:
        return len(matched_docs.intersection(_term_ids(searcher, fieldname, text)))

    return len(matched_docs), found, within


def _terms(ctx: _Context) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(("stem", t) for t in ctx.stem)) + tuple(sorted(("exact", t) for t in ctx.exact))


def doc_ids(searcher, q: wq.Query) -> set[int]:
    """Return the numbers of every document q matches.

    Terms, and/or/not of them, are answered from posting lists block by block, and combined
    as sets: three times faster than whoosh's matcher, which steps one document at a time.
    Anything else (phrases, prefixes of dates) goes through the matcher.
    """
    if isinstance(q, wq.Term):
        return _term_ids(searcher, q.fieldname, q.text)
    if q is wq.NullQuery:
        return set()
    if isinstance(q, wq.Or):
        children = q.subqueries
        in_content = {c.text for c in children if isinstance(c, wq.Term) and c.fieldname == "content"}
        # the headline is part of the content field: its matches add nothing to the set
        children = [c for c in children if not (isinstance(c, wq.Term) and c.fieldname == "headline"
                                                and c.text in in_content)]
        return set().union(*(doc_ids(searcher, c) for c in children))
    if isinstance(q, wq.And):
        keep = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        drop = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if keep:
            ids = set.intersection(*sorted((doc_ids(searcher, c) for c in keep), key=len))
            return ids.difference(*(doc_ids(searcher, c) for c in drop)) if ids else ids
    return set(searcher.docs_for_query(q))


def _term_ids(searcher, fieldname: str, text: str) -> set[int]:
    ids: set[int] = set()
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (fieldname, text) not in reader:
            continue
        found = compat.posting_ids(reader.postings(fieldname, text))
        if reader.has_deletions():
            deleted = reader.is_deleted
            found = [d for d in found if not deleted(d)]
        ids.update(found if not offset else (d + offset for d in found))
    return ids


def _variant_counts(within, ctx: _Context, variants: Variants) -> dict:
    """Count, per other spelling, the hits that contain it (within(field, term) counts them)."""
    out: dict[str, dict[str, int]] = {}
    for typed, others in ctx.spellings.items():
        counts = {}
        for other in others:
            n = within("exact", other)
            if n:
                counts[variants.display(other)] = n
        if counts:
            out[variants.display(typed)] = counts
    return out


def _score(score) -> float:
    return round(float(score), 4) if isinstance(score, int | float) else 0.0
