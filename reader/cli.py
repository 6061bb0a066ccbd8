"""The command-line front end: parse, index, search, show (and the window when no command is given)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from reader import archive, dates, defaults, export, wording
from reader import cli_output as output
from reader.bookmarks import BookmarkError
from reader.files import WriteError
from reader.library import Library
from reader.model import DocRef, Filters, Problem
from reader.search import IndexBusy, IndexDamaged, Progress


class UsageError(Exception):
    """Bad usage or input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not a usage dump
        raise UsageError(f"{message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command line."""
    from reader import __version__

    p = _Parser(prog="liveblog-reader", description="Read and search an offline liveblog archive.")
    p.add_argument("--version", action="version", version=f"liveblog-reader {__version__}")
    p.add_argument("--archive", metavar="DIR", help="archive folder (default: the bundled archive/)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="index, bookmarks and settings (default: $LIVEBLOG_READER_HOME, "
                        "else the platform's user data dir)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    s = sub.add_parser("parse", help="print one file parsed, as JSON")
    s.add_argument("file")
    s = sub.add_parser("index", help="build or update the index")
    s.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    s = sub.add_parser("search", help="search the archive")
    s.add_argument("query")
    s.add_argument("--limit", type=_positive, default=10)
    s.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    s.add_argument("--document", metavar="PATH", help="only this document (archive-relative path)")
    _date_options(s)
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("documents", help="list the documents with their dates and where the dates come from")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("date", help="set (or --clear) the date of a document that gives none")
    s.add_argument("path", help="the document's path, as `documents` shows it")
    s.add_argument("date", nargs="?", help="YYYY, YYYY-MM or YYYY-MM-DD")
    s.add_argument("--clear", action="store_true", help="remove the date you set")
    s = sub.add_parser("timeline", help="a query's hits per day, week or month")
    s.add_argument("query")
    s.add_argument("--by", choices=("day", "week", "month"))
    _date_options(s)
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("show", help="print one entry")
    s.add_argument("entry_id")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("bookmarks", help="list, add, remove bookmarks or set their notes")
    bsub = s.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    b = bsub.add_parser("list", help="list bookmarks, newest first (the default)")
    b.add_argument("--tag")
    b.add_argument("--json", action="store_true")
    b = bsub.add_parser("add", help="bookmark an entry")
    b.add_argument("entry_id")
    b.add_argument("--note")
    b.add_argument("--tag", action="append", default=[])
    b = bsub.add_parser("remove", help="remove a bookmark")
    b.add_argument("entry_id")
    b = bsub.add_parser("note", help="set a bookmark's note")
    b.add_argument("entry_id")
    b.add_argument("text")
    s = sub.add_parser("export", help="export entries, bookmarks or search hits as text")
    s.add_argument("entry_ids", nargs="*", metavar="ENTRY_ID")
    s.add_argument("--bookmarks", action="store_true", help="export bookmarks")
    s.add_argument("--tag", help="with --bookmarks: only this tag")
    s.add_argument("--query", help="export the hits of a search")
    s.add_argument("--limit", type=_positive, default=20)
    s.add_argument("--format", choices=("txt", "md"), default=None,
                   help="default: from the -o file name, else txt")
    s.add_argument("--chronological", action="store_true", help="oldest first")
    s.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    s.add_argument("--force", action="store_true", help="overwrite an existing file")
    sub.add_parser("gui", help="open the window (the default)")
    return p


def _date_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--after", metavar="DATE", help="only entries from this date on (YYYY[-MM[-DD]])")
    s.add_argument("--before", metavar="DATE", help="only entries up to this date")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        args = build_parser().parse_args(argv)
        if args.command in (None, "gui"):
            from reader.ui.app import main as gui_main  # Qt only when the window is wanted

            return gui_main(_gui_args(args))
        try:
            return COMMANDS[args.command](args)
        except IndexDamaged as exc:  # found while reading: rebuild once, then do it again
            print(f"liveblog-reader: the index is damaged ({exc}); rebuilding it", file=sys.stderr)
            _library(args).update_index(rebuild=True, progress=_progress)
            return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"liveblog-reader: {exc}", file=sys.stderr)
        return 2
    except (BookmarkError, WriteError) as exc:
        print(f"liveblog-reader: {exc}", file=sys.stderr)
        return 2
    except IndexBusy as exc:
        print(f"liveblog-reader: {exc}; try again in a moment", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _gui_args(args: argparse.Namespace) -> list[str]:
    out = []
    if args.archive:
        out += ["--archive", args.archive]
    if args.data_dir:
        out += ["--data-dir", args.data_dir]
    return out


def _library(args: argparse.Namespace) -> Library:
    archive_dir = Path(args.archive).expanduser() if args.archive else defaults.BUNDLED_ARCHIVE
    if archive_dir.exists() and not archive_dir.is_dir():
        raise UsageError(f"--archive must be a folder; {archive_dir} is a file")
    if not archive_dir.is_dir():
        raise UsageError(f"archive folder not found: {archive_dir}")
    data = defaults.data_dir(args.data_dir)
    try:
        library = Library(archive_dir, data, defaults.variant_files(data))
    except OSError as exc:
        raise UsageError(f"cannot use data dir {data}: {exc.strerror or exc}") from None
    for notice in library.notices():
        print(f"liveblog-reader: {notice}", file=sys.stderr)
    return library


def _progress(p: Progress) -> None:
    if sys.stderr.isatty():
        end = "\n" if p.files_done == p.files_total else ""
        print(f"\rindexing: {p.files_done}/{p.files_total} files, {p.entries_done} entries",
              end=end, file=sys.stderr, flush=True)


def _ensure_index(library: Library) -> None:
    if not library.needs_update():
        return
    try:
        report = library.update_index(progress=_progress)
    except IndexBusy:
        if not library.searchable():
            raise
        print("liveblog-reader: the index is being updated elsewhere; searching what is there",
              file=sys.stderr)
        return
    if report.rebuilt:
        print(f"liveblog-reader: {wording.rebuilt(report.rebuilt)}", file=sys.stderr)
    for problem in report.problems:
        print(f"liveblog-reader: skipped {problem.path}: {problem.reason}", file=sys.stderr)


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    root = Path(args.archive).expanduser() if args.archive else defaults.BUNDLED_ARCHIVE
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        root, rel = path.parent, path.name
    docs = archive.read_file(root, rel)
    if isinstance(docs, Problem):
        raise UsageError(f"{args.file}: {docs.reason}")
    # one document as an object (as ever); a file of several (a web archive) as a list of them
    shapes = [output.document_json(d) for d in docs]
    output.print_json(shapes[0] if len(shapes) == 1 else shapes)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    library = _library(args)
    report = library.update_index(rebuild=args.rebuild, progress=_progress)
    if report.rebuilt and not args.rebuild:
        print(f"liveblog-reader: {wording.rebuilt(report.rebuilt)}", file=sys.stderr)
    caveats = [wording.skipped(len(report.problems))] if report.problems else []
    caveats += [wording.read_in_part(len(report.partial))] if report.partial else []
    print("; ".join([wording.index_summary(report), *caveats]))
    for problem in report.problems + report.partial:
        print(f"  {'skipped ' if problem.skipped else ''}{problem}")
    return 0


def _query(text: str) -> str:
    if not text.strip():
        raise UsageError("give something to search for (see the query syntax in the README)")
    return text


def _document(library: Library, name: str) -> DocRef:
    """The document a path names, as `documents` shows it."""
    ref = library.find_document(name)
    if ref is None:
        raise UsageError(f"no document {name} in the archive (paths as `documents` and `search` show them)")
    return ref


def _dates(args: argparse.Namespace) -> Filters:
    """--after/--before (YYYY[-MM[-DD]], either may be left out), as filters."""
    after, before = getattr(args, "after", None), getattr(args, "before", None)
    for name, value in (("--after", after), ("--before", before)):
        if value is not None and not dates.valid(value):
            raise UsageError(f"{name} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return Filters(after, before)


def cmd_search(args: argparse.Namespace) -> int:
    library = _library(args)
    text = _query(args.query)
    filters = _dates(args)
    _ensure_index(library)
    if args.document is not None:
        filters = replace(filters, document=_document(library, args.document))
    result = library.search(text, limit=args.limit, sort=args.sort, filters=filters)
    if args.json:
        output.print_json(output.result_json(result))
    else:
        output.print_result(result)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    if not args.entry_id.strip():
        raise UsageError("give an entry id (search shows them)")
    library = _library(args)
    _ensure_index(library)
    found = library.entry(args.entry_id)
    if found is None:
        raise UsageError(f"no entry with id {args.entry_id}")
    doc, entry = found
    if args.json:
        output.print_json({**output.entry_json(entry), "document": str(doc.ref), "file": doc.ref.file,
                           "key": doc.ref.key or None, "title": doc.title, "date": doc.date,
                           "source_url": doc.source_url})
    else:
        when = wording.when(entry.time) if entry.time else (doc.date or "no date")
        marks = "".join((" · key event" if entry.key_event else "", " · pinned" if entry.pinned else "",
                         " · edited" if entry.edited else ""))
        by = f"  ·  {entry.author}" if entry.author else ""
        print(f"{doc.title}  ·  {when}{marks}{by}  ·  {doc.source_url or doc.ref}\n")
        print("\n\n".join([entry.plain_text(), *(f"Earlier version: {t}" for t in entry.earlier)]))
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    library = _library(args)
    action = args.action or "list"
    if action == "list":
        _ensure_index(library)
        marks = library.bookmark_list(tag=getattr(args, "tag", None))
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
        _ensure_index(library)
        before = library.get_bookmark(args.entry_id)
        mark = library.bookmark(args.entry_id, note=args.note, tags=args.tag)
        if before is None:
            print(f"bookmarked {mark.entry_id}: {mark.headline or mark.title}")
        elif args.note is not None or args.tag:
            print(f"already bookmarked {mark.entry_id}; updated its note and tags")
        else:
            print(f"already bookmarked {mark.entry_id}: {mark.headline or mark.title}")
    elif action == "remove":
        if not library.unbookmark(args.entry_id):
            raise UsageError(f"no bookmark for entry {args.entry_id}")
        print(f"removed the bookmark of {args.entry_id}")
    elif action == "note":
        library.annotate(args.entry_id, note=args.text)
        print(f"noted {args.entry_id}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    sources = sum([bool(args.entry_ids), args.bookmarks, args.query is not None])
    if sources != 1:
        raise UsageError("give entry ids, --bookmarks or --query (one of them)")
    if args.query is not None:
        _query(args.query)
    library = _library(args)
    _ensure_index(library)
    if args.bookmarks:
        items = library.bookmark_items(library.bookmark_list(tag=args.tag))
        what = f"no bookmarks tagged {args.tag!r}" if args.tag else "no bookmarks"
    elif args.query is not None:
        hits = library.search(args.query, limit=args.limit).hits
        items = library.export_items([h.id for h in hits])
        what = f"no entry matches {args.query!r}"
    else:
        items = library.export_items(args.entry_ids)
        what = "no entries"
    if not items:
        raise UsageError(f"nothing to export: {what}")
    if args.chronological:
        items = export.chronological(items)
    fmt = args.format or ("md" if (args.output or "").lower().endswith(".md") else "txt")
    text = export.render(items, fmt)
    if args.output:
        if Path(args.output).exists() and not args.force and Path(args.output).is_file():
            raise UsageError(f"{args.output} already exists; add --force to overwrite it")
        library.write_export(Path(args.output), text, overwrite=args.force)
        print(f"wrote {wording.entries(len(items))} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    library = _library(args)
    _ensure_index(library)
    infos = library.document_infos() or [library.info(d) for d in library.load()[0]]
    infos = sorted(infos, key=lambda i: (i.date is None, i.date or "", i.title))
    if args.json:
        output.print_json([output.document_info_json(i) for i in infos])
        return 0
    for info in infos:
        when = info.date or "date unknown"
        source = f"({info.date_source})" if info.date_source and info.date_source != "file" else ""
        print(f"{when:<12} {source:<9} {info.kind:<8} {wording.entries(info.entries):>12}  {info.title}"
              f"  [{info.ref}]")
    return 0


def cmd_date(args: argparse.Namespace) -> int:
    if args.clear == (args.date is not None):
        raise UsageError("give a date (YYYY, YYYY-MM or YYYY-MM-DD) or --clear, not both")
    library = _library(args)
    _ensure_index(library)
    ref = library.find_document(args.path) or DocRef(args.path)
    try:
        changed = library.set_date(ref, None if args.clear else args.date)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    library.update_index(progress=_progress)
    info = next((i for i in library.document_infos() or [] if i.ref == ref), None)
    if args.clear:
        print(f"cleared the date of {args.path}" if changed else f"{args.path} had no date set")
    else:
        print(f"set the date of {args.path} to {args.date}")
    if info is not None and info.date_source == "file" and not args.clear:
        print(f"note: the file gives its own date ({info.date}); that one is used", file=sys.stderr)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    library = _library(args)
    text = _query(args.query)
    filters = _dates(args)
    _ensure_index(library)
    result = library.timeline(text, by=args.by, filters=filters)
    if args.json:
        output.print_json(output.timeline_json(result))
    else:
        output.print_timeline(result)
    return 0


COMMANDS = {"parse": cmd_parse, "index": cmd_index, "search": cmd_search, "show": cmd_show,
            "documents": cmd_documents, "date": cmd_date, "timeline": cmd_timeline,
            "bookmarks": cmd_bookmarks, "export": cmd_export}
