"""The index schema: one Whoosh document per entry, and the fields an entry gives."""

from __future__ import annotations

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from reader.model import Document
from reader.search.analysis import ANALYSIS_VERSION, exact_analyzer, stem_analyzer

SCHEMA_VERSION = 3 + 100 * ANALYSIS_VERSION


def make_schema() -> Schema:
    """Return the index schema: one Whoosh document per entry."""
    stem = stem_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        path=ID(stored=True),
        title=TEXT(analyzer=stem),
        doc_title=STORED(),
        headline=TEXT(analyzer=stem, stored=True, field_boost=1.5),
        content=TEXT(analyzer=stem),  # headline, body and captions: the default search field
        body=STORED(),
        captions=STORED(),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        date=KEYWORD(),  # "2022 2022-03 2022-03-01": date: queries by year, month or day
        doc_date=STORED(),
        position=STORED(),
        # date order (newest first, then position): a column only, never searched, so no postings
        chron=COLUMN(NumericColumn("q")),
    )


def chron_key(date: str | None, position: int) -> int:
    """Return a number that sorts entries newest document first, then by position.

    Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD"; undated documents sort last.
    """
    digits = "".join(part.ljust(2, "0") for part in (date or "").split("-"))[:8].ljust(8, "0")
    day = int(digits) if digits.isdigit() else 0
    return -day * 1_000_000 + position


def _date_terms(date: str | None) -> str:
    if not date:
        return ""
    parts = date.split("-")
    return " ".join("-".join(parts[: i + 1]) for i in range(len(parts)))


def entry_fields(doc: Document) -> list[dict]:
    """Return the Whoosh field dicts for every entry of a document."""
    rows = []
    for e in doc.entries:
        captions = e.caption_text
        # the title is indexed once per document (on its first entry); title: queries widen
        # to the document's entries by path, which saves a posting per entry and title word
        title = doc.title if e is doc.entries[0] else ""
        content = "\n".join(filter(None, (e.headline, e.body, captions)))
        rows.append(dict(
            id=e.id, path=doc.path, title=title, doc_title=doc.title, headline=e.headline or "",
            content=content, body=e.body, captions=captions, exact=content,
            date=_date_terms(doc.date), doc_date=doc.date or "", position=e.position,
            chron=chron_key(doc.date, e.position),
        ))
    return rows


def doc_meta(doc: Document) -> dict:
    """Return what the index manifest keeps of a document for the document list."""
    return {"title": doc.title, "kind": doc.kind, "date": doc.date, "closed": doc.closed,
            "site": doc.site, "entries": len(doc.entries)}
