"""The keeping subcommands: bookmarks and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader import wording
from reader.cli import output
from reader.cli.support import UsageError, ensure_index, library_of, query_text


def cmd_bookmarks(args: argparse.Namespace) -> int:
    library = library_of(args)
    action = args.action or "list"
    if action == "list":
        ensure_index(library)
        marks = library.bookmarks.list(tag=getattr(args, "tag", None))
        if getattr(args, "json", False):
            output.print_json([{"id": b.entry_id, "note": b.note, "tags": list(b.tags),
                          "created": b.created, "title": b.title, "headline": b.headline,
                          "document": str(b.document), "in_archive": b.in_archive} for b in marks])
            return 0
        for b in marks:
            gone = "" if b.in_archive else "  [no longer in the archive]"
            tags = f"  #{' #'.join(b.tags)}" if b.tags else ""
            print(f"{b.entry_id}  {b.created[:16].replace('T', ' ')}  {b.headline or b.title}"
                  f"{tags}{gone}")
            if b.note:
                print(f"    {b.note}")
        if not marks:
            print("no bookmarks")
        return 0
    if action == "add":
        ensure_index(library)
        before = library.bookmarks.get(args.entry_id)
        mark = library.bookmarks.add(args.entry_id, note=args.note, tags=args.tag)
        if before is None:
            print(f"bookmarked {mark.entry_id}: {mark.headline or mark.title}")
        elif args.note is not None or args.tag:
            print(f"already bookmarked {mark.entry_id}; updated its note and tags")
        else:
            print(f"already bookmarked {mark.entry_id}: {mark.headline or mark.title}")
    elif action == "remove":
        if not library.bookmarks.remove(args.entry_id):
            raise UsageError(f"no bookmark for entry {args.entry_id}")
        print(f"removed the bookmark of {args.entry_id}")
    elif action == "note":
        library.bookmarks.annotate(args.entry_id, note=args.text)
        print(f"noted {args.entry_id}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    sources = sum([bool(args.entry_ids), args.bookmarks, args.query is not None])
    if sources != 1:
        raise UsageError("give entry ids, --bookmarks or --query (one of them)")
    if args.query is not None:
        query_text(args.query)
    library = library_of(args)
    ensure_index(library)
    if args.bookmarks:
        items = library.export.bookmark_items(library.bookmarks.list(tag=args.tag))
        what = f"no bookmarks tagged {args.tag!r}" if args.tag else "no bookmarks"
    elif args.query is not None:
        hits = library.search(args.query, limit=args.limit).hits
        items = library.export.items([h.id for h in hits])
        what = f"no entry matches {args.query!r}"
    else:
        items = library.export.items(args.entry_ids)
        what = "no entries"
    if not items:
        raise UsageError(f"nothing to export: {what}")
    fmt = args.format or ("md" if (args.output or "").lower().endswith(".md") else "txt")
    text = library.export.render(items, fmt, args.chronological)
    if args.output:
        if Path(args.output).exists() and not args.force and Path(args.output).is_file():
            raise UsageError(f"{args.output} already exists; add --force to overwrite it")
        library.export.write(Path(args.output), text, overwrite=args.force)
        print(f"wrote {wording.entries(len(items))} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
