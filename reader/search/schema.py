"""The index schema: one Whoosh document per entry, and the fields an entry gives."""

from __future__ import annotations

import re

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from reader import dates
from reader.model import Document, Entry
from reader.search.analysis import ANALYSIS_VERSION, exact_analyzer, stem_analyzer

# (importable here too: indexes written before they moved to compat name them here)
from reader.search.compat.formats import CountedFrequency, PackedPositions

__all__ = ["CountedFrequency", "PackedPositions", "SCHEMA_VERSION", "make_schema"]

SCHEMA_VERSION = 8 + 100 * ANALYSIS_VERSION


def _counted(field: TEXT) -> TEXT:
    """Give a text field without positions the one-pass frequency format (same boost)."""
    field.format = CountedFrequency(field_boost=field.format.field_boost)
    return field


def _packed(field: TEXT) -> TEXT:
    """Give a text field the packed positions format (same boost)."""
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


def make_schema() -> Schema:
    """Return the index schema: one Whoosh document per entry."""
    stem = stem_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        doc=ID(stored=True),  # the document: its DocRef.token() (file and key, apart)
        file=ID(),  # the archive file: its entries are replaced together
        title=_packed(TEXT(analyzer=stem)),
        doc_title=STORED(),
        headline=_packed(TEXT(analyzer=stem, stored=True, field_boost=1.5)),
        content=_packed(TEXT(analyzer=stem)),  # headline, body and captions: the default search field
        body=STORED(),
        captions=STORED(),
        exact=_counted(TEXT(analyzer=exact_analyzer(), phrase=False)),
        date=KEYWORD(),  # "2022 2022-03 2022-03-01": date: queries by year, month or day
        doc_date=STORED(),
        position=STORED(),
        entry=STORED(),  # time, key event, pinned, author, modified, edited; the source's URL
        # date order (newest first, then position): a column only, never searched, so no postings
        chron=COLUMN(NumericColumn("q")),
        # the day an entry belongs to as YYYYMMDD (YYYYMM00 for a month, 0 undated): timelines
        day=COLUMN(NumericColumn("i")),
        key=COLUMN(NumericColumn("B")),  # 1 for a key event
        # what the reading state needs: the entry's id as a number, and its text's (Entry.fingerprint)
        eid=COLUMN(NumericColumn("q")),
        fingerprint=COLUMN(NumericColumn("q")),
    )


def entry_number(entry_id: str) -> int:
    """Return an entry id (12 hexadecimal digits) as the number the index keeps of it."""
    return int(entry_id, 16)


def chron_key(date: str | None, position: int) -> int:
    """Return a number that sorts entries newest first (to the minute), then by position.

    date is an entry's time ("2022-04-19T14:05:00+02:00", read in the source's own clock) or its
    document's date ("YYYY", "YYYY-MM" or "YYYY-MM-DD"); undated entries sort last.
    """
    digits = re.sub(r"\D", "", (date or "")[:16])  # YYYYMMDDhhmm, as far as given
    parts = [digits[:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12]]
    stamp = int("".join(p.ljust(len(w), "0") for p, w in zip(parts, ("0000", "00", "00", "00", "00"),
                                                            strict=True)) or 0)
    return -stamp * 1_000_000 + position


def entry_day(entry: Entry, doc: Document) -> str | None:
    """Return the day (or month, or year) an entry belongs to: its own time's, else its document's."""
    if entry.time and re.match(r"\d{4}-\d{2}-\d{2}", entry.time):
        return entry.time[:10]
    return doc.date


def _date_terms(date: str | None) -> str:
    if not date:
        return ""
    parts = date.split("-")
    return " ".join("-".join(parts[: i + 1]) for i in range(len(parts)))


def entry_fields(doc: Document, with_title: bool = True) -> list[dict]:
    """Return the Whoosh field dicts for every entry of a document.

    An edited entry's earlier texts are searched too (content), not shown in snippets.
    with_title=False: doc holds a later part of a document's entries (its title is indexed
    with the first part).
    """
    rows = []
    token, file = doc.ref.token(), doc.ref.file
    for e in doc.entries:
        captions = e.caption_text
        # the title is indexed once per document (on its first entry); title: queries widen
        # to the document's entries by its doc term, which saves a posting per entry and title word
        title = doc.title if with_title and e is doc.entries[0] else ""
        content = "\n".join(filter(None, (e.headline, e.body, captions, *e.earlier)))
        day = entry_day(e, doc)
        rows.append(dict(
            id=e.id, doc=token, file=file, title=title, doc_title=doc.title,
            headline=e.headline or "", content=content, body=e.body, captions=captions, exact=content,
            date=_date_terms(day), doc_date=doc.date or "", position=e.position,
            entry=entry_meta(e, doc), chron=chron_key(e.time or doc.date, e.position),
            day=dates.day_number(day), key=int(e.key_event), eid=entry_number(e.id),
            fingerprint=e.fingerprint,
        ))
    return rows


def entry_meta(entry: Entry, doc: Document) -> dict:
    """Return what a hit shows of an entry besides its text (only what it has)."""
    meta = {"time": entry.time, "key_event": entry.key_event, "pinned": entry.pinned,
            "author": entry.author, "modified": entry.modified, "edited": entry.edited,
            "url": doc.source_url, "date_source": doc.date_source}
    return {k: v for k, v in meta.items() if v}

