"""The searching subcommands: search, show, timeline."""

from __future__ import annotations

import argparse
from dataclasses import replace

from reader import wording
from reader.cli import output
from reader.cli.support import UsageError, date_filters, document_named, ensure_index, library_of, query_text


def cmd_search(args: argparse.Namespace) -> int:
    library = library_of(args)
    text = query_text(args.query)
    filters = date_filters(args)
    ensure_index(library)
    if args.document is not None:
        filters = replace(filters, document=document_named(library, args.document))
    filters = replace(filters, all_copies=args.all_copies)
    result = library.search(text, limit=args.limit, sort=args.sort, filters=filters)
    if args.json:
        output.print_json(output.result_json(result))
    else:
        output.print_result(result)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    if not args.entry_id.strip():
        raise UsageError("give an entry id (search shows them)")
    library = library_of(args)
    ensure_index(library)
    found = library.documents.entry(args.entry_id)
    if found is None:
        raise UsageError(f"no entry with id {args.entry_id}")
    doc, entry = found
    copies = library.search.copies_of([entry.id]).get(entry.id, ())
    if args.json:
        output.print_json({**output.entry_json(entry), "document": str(doc.ref), "file": doc.ref.file,
                           "key": doc.ref.key or None, "title": doc.title, "date": doc.date,
                           "source_url": doc.source_url,
                           "copies": output.copies_json(copies)})
    else:
        when = wording.when(entry.time) if entry.time else (doc.date or "no date")
        marks = "".join((" · key event" if entry.key_event else "", " · pinned" if entry.pinned else "",
                         " · edited" if entry.edited else ""))
        by = f"  ·  {entry.author}" if entry.author else ""
        print(f"{doc.title}  ·  {when}{marks}{by}  ·  {doc.source_url or doc.ref}\n")
        print("\n\n".join([entry.plain_text(), *(f"Earlier version: {t}" for t in entry.earlier)]))
        for c in copies:
            first = " (where it first appeared)" if c.first else ""
            print(f"\nAlso in {c.title or c.document} ({c.date or 'no date'}){first}: id {c.id}")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    library = library_of(args)
    text = query_text(args.query)
    filters = date_filters(args)
    ensure_index(library)
    result = library.search.timeline(text, by=args.by, filters=replace(filters, all_copies=args.all_copies))
    if args.json:
        output.print_json(output.timeline_json(result))
    else:
        output.print_timeline(result)
    return 0
