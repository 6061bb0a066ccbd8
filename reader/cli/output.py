"""What the command line prints: the JSON shapes scripts rely on, and the plain-text answers."""

from __future__ import annotations

import json
import sys

from reader import timelines, wording
from reader.library import Reading, mark
from reader.model import LEAD, Copy, DocRef, Document, DocumentInfo, Entry, Hit, SearchResult, Timeline


def entry_json(entry: Entry) -> dict:
    """Return the JSON shape of an entry."""
    return {"id": entry.id, "headline": entry.headline, "paragraphs": list(entry.paragraphs),
            "captions": [c.text for c in entry.captions],
            "credits": [c.credit for c in entry.captions], "position": entry.position,
            "time": entry.time, "key_event": entry.key_event, "pinned": entry.pinned,
            "author": entry.author, "modified": entry.modified, "earlier": list(entry.earlier)}


def document_json(doc: Document) -> dict:
    """Return the JSON shape of a parsed document."""
    return {**ref_json(doc.ref), "title": doc.title, "kind": doc.kind, "date": doc.date,
            "closed": doc.closed, "site": doc.site, "source_url": doc.source_url,
            "captures": list(doc.captures),
            "entries": [entry_json(e) for e in doc.entries], "problems": list(doc.problems)}


def result_json(result: SearchResult) -> dict:
    """Return the JSON shape of a search result."""
    return {
        "query": result.query, "total": result.total,
        "stories": result.stories if result.stories is not None else result.total,
        "folded": result.folded, "variants": result.variants,
        "message": result.message, "suggestion": result.suggestion,
        "hits": [{"id": h.id, "document": str(h.document), "file": h.document.file,
                  "key": h.document.key or None, "title": h.title, "headline": h.headline,
                  "date": h.date, "date_source": h.date_source, "time": h.time,
                  "key_event": h.key_event, "pinned": h.pinned,
                  "source_url": h.source_url, "score": h.score, "snippet": mark(h.snippet, h.spans),
                  "position": h.position, "copies": copies_json(h.copies)} for h in result.hits],
    }


def copies_json(copies: tuple[Copy, ...]) -> list[dict]:
    """Return the JSON shape of an entry's copies in other documents (earliest first)."""
    return [{"id": c.id, "document": str(c.document), "file": c.document.file,
             "key": c.document.key or None, "title": c.title, "date": c.date, "first": c.first}
            for c in copies]


def ref_json(ref: DocRef) -> dict:
    """Return the JSON fields naming a document: path (as `documents` shows it), file and key
    (null for a file's only document): scripts can tell a "#" in a file name from a key."""
    return {"path": str(ref), "file": ref.file, "key": ref.key or None}


def print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:  # a file name that is not UTF-8: written escaped, as valid JSON
        sys.stdout.write(json.dumps(data, ensure_ascii=True, indent=2) + "\n")


def print_result(result: SearchResult) -> None:
    tty = sys.stdout.isatty()
    before, after = ("\033[1;33m", "\033[0m") if tty else ("«", "»")
    if result.message:
        print(f"note: {result.message}")
    shown = f" (showing {len(result.hits)})" if len(result.hits) < (
        result.stories if result.folded else result.total) else ""
    stories = (f", {wording.count(result.stories, 'story', 'stories')}"
               if result.stories is not None and result.stories != result.total else "")
    print(f"{wording.count(result.total, 'hit')}{stories} for {result.query!r}{shown}")
    for typed, others in result.variants.items():
        also = ", ".join(f"{name} ({n})" for name, n in others.items())
        print(f"{typed}: also matched {also}")
    if result.suggestion:
        print(f"did you mean: {result.suggestion}")
    for n, hit in enumerate(result.hits, 1):
        key = " · key event" if hit.key_event else ""
        print(f"\n{n:>2}. {hit.headline or LEAD}")
        print(f"    {hit.title} · {wording.when(hit.time) if hit.time else hit.date or 'no date'}{key}"
              f" · id {hit.id}")
        print(f"    {mark(hit.snippet, hit.spans, before, after)}")
        if hit.copies:
            where = ", ".join(f"{c.title or c.document} ({c.date or 'no date'})" for c in hit.copies[:3])
            more = f" and {len(hit.copies) - 3} more" if len(hit.copies) > 3 else ""
            print(f"    also in {wording.count(len(hit.copies), 'other document')}: {where}{more}")


def document_info_json(info: DocumentInfo, reading: Reading) -> dict:
    """Return the JSON shape of a document in the `documents` list."""
    return {**ref_json(info.ref), "title": info.title, "kind": info.kind, "date": info.date,
            "date_source": info.date_source, "date_note": info.date_note, "entries": info.entries,
            "source_url": info.source_url, "opened": reading.opened, "seen": reading.seen,
            "new": reading.new}


def new_json(info: DocumentInfo, hits: list[Hit], edited: set[str]) -> dict:
    """Return the JSON shape of one document's new entries (`new --json`)."""
    return {"document": str(info.ref), "file": info.ref.file, "key": info.ref.key or None,
            "title": info.title,
            "entries": [{"id": h.id, "headline": h.headline, "time": h.time, "edited": h.id in edited}
                        for h in hits]}


def print_new(found: list[tuple[DocumentInfo, list[Hit], set[str]]]) -> None:
    """Print the new entries, grouped by document."""
    if not found:
        print("nothing new since you last read")
        return
    total = sum(len(hits) for _info, hits, _edited in found)
    print(f"{wording.count(total, 'new entry', 'new entries')} in {wording.count(len(found), 'document')}")
    for info, hits, edited in found:
        print(f"\n{info.title}  [{info.ref}]")
        for hit in hits:
            when = wording.when(hit.time) if hit.time else hit.date or "no date"
            mark = " · edited since you read it" if hit.id in edited else ""
            print(f"  {hit.id}  {when}  {hit.headline or LEAD}{mark}")


def timeline_json(result: SearchResult) -> dict:
    """Return the JSON shape of a query's timeline: its buckets and undated count."""
    line: Timeline = result.timeline
    return {"query": result.query, "total": result.total,
            "stories": result.stories if result.stories is not None else result.total,
            "folded": result.folded, "by": line.unit, "undated": line.undated,
            "buckets": [{"start": b.start, "end": timelines.end_of(b, line.unit), "count": b.count,
                         "key_events": b.key_events} for b in line.buckets]}


def print_timeline(result: SearchResult) -> None:
    """Print a query's hits per bucket as a bar chart in text."""
    line: Timeline = result.timeline
    stories = (f", {wording.count(result.stories, 'story', 'stories')} (each counted once, when it "
               "first appeared)" if result.folded and result.stories != result.total else "")
    print(f"{wording.count(result.total, 'hit')}{stories} for {result.query!r}, by {line.unit}")
    top = max((b.count for b in line.buckets), default=0) or 1
    for bucket in line.buckets:
        bar = "█" * round(30 * bucket.count / top)
        keys = f"  ◆{bucket.key_events}" if bucket.key_events else ""
        print(f"{timelines.label(bucket, line.unit):>24}  {bucket.count:>6}  {bar}{keys}")
    if line.undated:
        print(f"{'undated':>24}  {line.undated:>6}")
