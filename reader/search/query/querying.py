"""Run a parsed query against a searcher: variant expansion, guards, sorting, snippets, suggestions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from reader import dates, timelines
from reader.model import CAPTION_LABEL, DocRef, Filters, Hit, SearchResult
from reader.search import edits
from reader.search.analysis import MIN_TRANSLIT, Variants, exact_terms, fold, stem_terms
from reader.search.arrays.copies import CopyGroups
from reader.search.arrays.prepared import Prepared
from reader.search.query import answering, folding, syntax
from reader.search.query.highlight import match_spans, snippet

DEFAULT_FIELDS = ("content", "headline")
MAX_EXPANSION = 128


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
        if ".." in text:
            return _date_range(text, ctx)
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


def _date_range(text: str, ctx: _Context) -> wq.Query | None:
    """date:FROM..TO (either may be left out): entries dated within, at any precision.

    A month or year counts when it lies wholly inside the range; the date field's terms
    are few (every day, month and year that has an entry), so they are simply walked.
    """
    low, high = (side.strip() for side in text.split("..", 1))
    if not any((low, high)) or any(side and not dates.valid(side) for side in (low, high)):
        ctx.notes.append(f"'date:{text}' is not a date range (e.g. date:2022-03..2022-04); ignored it.")
        return None
    return _dated_within(low, high, ctx)


def _dated_within(low: str | None, high: str | None, ctx: _Context) -> wq.Query:
    """Entries dated from low to high (valid dates; either may be None), as date terms."""
    start = dates.span(low)[0] if low else "0000-01-01"
    end = dates.span(high)[1] if high else "9999-12-31"
    found = []
    for raw in ctx.reader.lexicon("date"):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        first, last = dates.span(term)
        if start <= first and last <= end:
            found.append(term)
    if not found:
        ctx.notes.append(f"Nothing in the archive is dated {low or '…'} to {high or '…'}.")
        return wq.NullQuery
    return wq.Or([wq.Term("date", t) for t in found]) if len(found) > 1 else wq.Term("date", found[0])


def _title(terms: list[str], ctx: _Context) -> wq.Query:
    """Match every entry of the documents whose title has these words (titles are indexed once)."""
    if not terms:
        return wq.NullQuery
    q = wq.Term("title", terms[0]) if len(terms) == 1 else wq.Phrase("title", terms)
    ctx.stem.update(terms)
    docs = {ctx.searcher.stored_fields(d)["doc"] for d in ctx.searcher.docs_for_query(q)}
    return wq.Or([wq.Term("doc", d) for d in sorted(docs)]) if docs else wq.NullQuery


def _vocabulary(ctx: _Context, fieldname: str):
    """Return the postings arrays when they hold the field's vocabulary (else whoosh's reader
    is asked: the same words, a term file walked per segment)."""
    arrays = ctx.prepared.arrays
    return arrays if arrays is not None and arrays.knows(fieldname) else None


def _expanded(fieldname: str, words: list[str], ctx: _Context, what: str) -> wq.Query | None:
    if not words:
        ctx.notes.append(f"No word in the archive matches {what}.")
        return wq.NullQuery
    if len(words) > MAX_EXPANSION:
        vocabulary = _vocabulary(ctx, fieldname)
        frequency = vocabulary.doc_frequency if vocabulary is not None else \
            (lambda f, w: ctx.reader.doc_frequency(f, w))
        freq = {w: frequency(fieldname, w) for w in words}
        words = sorted(words, key=lambda w: -freq[w])[:MAX_EXPANSION]
        ctx.notes.append(f"{what} matches many words; used the {MAX_EXPANSION} most frequent.")
    (ctx.exact if fieldname == "exact" else ctx.stem).update(words)
    return wq.Or([wq.Term(fieldname, w) for w in words])


def _prefix(node: syntax.Word, ctx: _Context) -> wq.Query | None:
    prefix = fold(node.text)
    fieldname = "exact" if node.field in (None, "content") else node.field
    vocabulary = _vocabulary(ctx, fieldname)
    if vocabulary is not None:
        words = vocabulary.expand_prefix(fieldname, prefix, 20 * MAX_EXPANSION + 1)
    else:
        words = []
        for raw in ctx.reader.expand_prefix(fieldname, prefix):
            words.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
            if len(words) > 20 * MAX_EXPANSION:
                break
    return _expanded(fieldname, words, ctx, f"'{node.text}*'")


def _fuzzy(node: syntax.Word, ctx: _Context) -> wq.Query | None:
    word = fold(node.text)
    vocabulary = _vocabulary(ctx, "exact")
    if vocabulary is not None:
        words = vocabulary.terms_within("exact", word, node.distance, prefix=1)
    else:  # (whoosh's own terms_within measures edits one way or another by segment count)
        terms = (w.decode("utf-8") if isinstance(w, bytes) else w
                 for w in ctx.reader.expand_prefix("exact", word[:1]))
        words = edits.near(word, terms, node.distance)
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


MAX_CORRECTED = 4  # words a "did you mean" corrects; a question with more unknown words gets none


def _suggest(searcher, text: str, node: syntax.Node | None) -> str | None:
    corrector = searcher.corrector("exact")
    suggestion = text
    changed = False
    unknown = 0
    for word in _words(node):
        folded = fold(word.text)
        if len(folded) < 3 or searcher.doc_frequency("exact", folded) > 0:
            continue
        stems = stem_terms(word.text)
        if not stems or any(searcher.doc_frequency(f, stems[0]) for f in DEFAULT_FIELDS):
            continue  # a stop word (not indexed) or a word the index has
        unknown += 1
        if unknown > MAX_CORRECTED:  # not a mistyped question (3 ms a word in whoosh's corrector)
            return None
        found = corrector.suggest(folded, limit=1, maxdist=2, prefix=1)
        if found and found[0] != folded:
            suggestion = suggestion.replace(word.text, found[0], 1)
            changed = True
    return suggestion if changed else None


def _compiled(searcher, text: str, variants: Variants, prepared: Prepared, filters: Filters | None):
    """Parse and compile a query and its filters: (parsed, context, whoosh query or None if
    nothing to search, the filter's whoosh query or None for none)."""
    parsed = syntax.parse(text)
    ctx = _Context(searcher, searcher.reader(), variants, prepared, notes=list(parsed.notes))
    q = _compile(parsed.node, ctx) if parsed.node is not None else None
    if parsed.node is None and parsed.flags:  # is:new alone: every entry, narrowed to the new
        q = wq.Every()
    flt = _filter(filters, ctx) if filters is not None else None
    if flt is wq.NullQuery:  # nothing is dated so: nothing can match
        q = None
    return parsed, ctx, (None if q is wq.NullQuery else q), flt


def _filter(filters: Filters, ctx: _Context) -> wq.Query | None:
    """Return what the filters let through, as a whoosh query that narrows without scoring."""
    ends = []
    for value in (filters.after, filters.before):
        if value and not dates.valid(value):
            ctx.notes.append(f"'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD); ignored it.")
            value = None
        ends.append(value)
    parts = [_dated_within(*ends, ctx)] if any(ends) else []
    if filters.document is not None:
        parts.append(wq.Term("doc", filters.document.token()))
    if wq.NullQuery in parts:
        return wq.NullQuery
    return (parts[0] if len(parts) == 1 else wq.And(parts)) if parts else None


def matching_ids(searcher, text: str, variants: Variants, prepared: Prepared, document: DocRef,
                 new: np.ndarray | None = None) -> set[str]:
    """Return the entry ids of one document that match a query (new: the ids, as numbers, of
    the entries is:new lets through)."""
    parsed, _ctx, q, flt = _compiled(searcher, text, variants, prepared, Filters(document=document))
    if q is None:
        return set()
    allowed = _allowed(parsed, None, new)
    docs = answering.answer(searcher, prepared, q, flt, 1, "date", allowed).docnums()
    return {searcher.stored_fields(int(d))["id"] for d in docs}


def _allowed(parsed: syntax.Parsed, filters: Filters | None, new: np.ndarray | None) -> np.ndarray | None:
    """Return the entry numbers a query may find (is:new, or filters.new_only: the new ones), or
    None for any."""
    if "new" in parsed.flags or (filters is not None and filters.new_only):
        return new if new is not None else np.zeros(0, dtype=np.int64)
    return None


def run(searcher, text: str, variants: Variants, prepared: Prepared, limit: int = 20,
        sort: str = "relevance", filters: Filters | None = None, snippets: int | None = None,
        cancelled: Callable[[], bool] | None = None, timeline: bool | str = False,
        new: np.ndarray | None = None, groups: CopyGroups | None = None, fold_copies: bool = True
        ) -> SearchResult:
    """Answer a query, narrowed by its filters; every whoosh object stays inside this call.

    Only the first `snippets` hits get a snippet (None: all). If cancelled() is true once the
    matches are known, SearchCancelled is raised instead of building the hits. timeline=True
    (or a unit: day, week, month) adds the matches over time. new: the numbers (schema's
    entry_number) of the entries is:new lets through. groups: which entries are copies (the
    result counts stories); with fold_copies, one hit per story, carrying its copies.
    """
    parsed, ctx, q, flt = _compiled(searcher, text, variants, prepared, filters)
    if q is None:
        message = " ".join(dict.fromkeys(ctx.notes)) or None
        if not message and not ctx.stem and not ctx.exact and text.strip():
            message = "Nothing to search for."
        return SearchResult(text, 0, (), message=message, terms=_terms(ctx))
    allowed = _allowed(parsed, filters, new)
    folds = fold_copies and groups is not None and bool(groups.count)
    asked = limit * 2 + 10 if folds else limit  # room for the copies folded away
    found = answering.answer(searcher, prepared, q, flt, asked, sort, allowed)
    ranked = found.found
    if folds:
        chron, eid = prepared.column("chron"), prepared.column("eid")
        ranked = folding.fold(found.found, groups, chron, eid, sort == "date")
        if len(ranked) < limit and len(found.found) >= asked:  # more copies than room: all
            found = answering.answer(searcher, prepared, q, flt, found.total, sort, allowed)
            ranked = folding.fold(found.found, groups, chron, eid, sort == "date")
        ranked = ranked[:max(1, limit)]
    if allowed is not None and found.total == 0:  # asked for the new entries: say why none
        ctx.notes.append("Nothing is new since you last read." if not len(allowed)
                         else "None of the entries new since you last read matches.")
    if cancelled is not None and cancelled():
        raise SearchCancelled(text)
    terms = _terms(ctx)
    hits = [make_hit(searcher.stored_fields(docnum), score, terms, snippets is None or n < snippets)
            for n, (docnum, score) in enumerate(ranked)]
    if folds:
        hits = [replace(h, copies=folding.copies_of(searcher.stored_fields, groups, docnum, chron))
                for h, (docnum, _score) in zip(hits, ranked, strict=True)]
    docnums = found.docnums() if groups is not None and groups.count else None
    matched = _variant_counts(found.within, ctx, variants) if ctx.spellings else {}
    suggestion = _suggest(searcher, text, parsed.node) if found.total < 3 else None
    when = None
    if timeline:
        counted = found.docnums() if not folds else folding.first_appearances(
            groups, docnums, prepared.column("chron"))  # each story once, when it first appeared
        when = timelines.build(answering.by_day(prepared, counted),
                               timeline if timeline in timelines.UNITS else None)
    return SearchResult(
        text, found.total, tuple(hits), variants=matched,
        message=" ".join(dict.fromkeys(ctx.notes)) or None, suggestion=suggestion, terms=terms,
        timeline=when, stories=found.total if docnums is None else folding.stories(groups, docnums),
        folded=folds,
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
        id=stored["id"], document=DocRef.from_token(stored["doc"]), title=stored.get("doc_title", ""),
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
            "source_url": meta.get("url"), "date_source": meta.get("date_source")}


class SearchCancelled(Exception):
    """A search was no longer wanted when it came to building its hits."""


def _terms(ctx: _Context) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(("stem", t) for t in ctx.stem)) + tuple(sorted(("exact", t) for t in ctx.exact))


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
