"""The archive's subcommands: parse, index, documents, date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader import defaults, wording
from reader.cli import output
from reader.cli.support import UsageError, ensure_index, library_of, progress
from reader.library import Documents
from reader.model import DocRef, Problem


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    root = Path(args.archive).expanduser() if args.archive else defaults.BUNDLED_ARCHIVE
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        root, rel = path.parent, path.name
    docs = Documents.parse_file(root, rel)
    if isinstance(docs, Problem):
        raise UsageError(f"{args.file}: {docs.reason}")
    # one document as an object (as ever); a file of several (a web archive) as a list of them
    shapes = [output.document_json(d) for d in docs]
    output.print_json(shapes[0] if len(shapes) == 1 else shapes)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    library = library_of(args)
    report = library.index.update(rebuild=args.rebuild, progress=progress)
    if report.rebuilt and not args.rebuild:
        print(f"liveblog-reader: {wording.rebuilt(report.rebuilt)}", file=sys.stderr)
    caveats = [wording.skipped(len(report.problems))] if report.problems else []
    caveats += [wording.read_in_part(len(report.partial))] if report.partial else []
    print("; ".join([wording.index_summary(report), *caveats]))
    for problem in report.problems + report.partial:
        print(f"  {'skipped ' if problem.skipped else ''}{problem}")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    library = library_of(args)
    ensure_index(library)
    infos = library.documents.infos() or [library.documents.info(d) for d in library.documents.load()[0]]
    infos = sorted(infos, key=lambda i: (i.date is None, i.date or "", i.title))
    if args.json:
        caught = library.reading.catch_up()
        output.print_json([output.document_info_json(i, caught.reading(i.ref)) for i in infos])
        return 0
    caught = library.reading.catch_up()
    for info in infos:
        when = info.date or "date unknown"
        source = f"({info.date_source})" if info.date_source and info.date_source != "file" else ""
        new = caught.reading(info.ref).new
        fresh = f"  ({new} new)" if new else ""
        print(f"{when:<12} {source:<9} {info.kind:<8} {wording.entries(info.entries):>12}  {info.title}"
              f"{fresh}  [{info.ref}]")
    return 0


def cmd_date(args: argparse.Namespace) -> int:
    if args.clear == (args.date is not None):
        raise UsageError("give a date (YYYY, YYYY-MM or YYYY-MM-DD) or --clear, not both")
    library = library_of(args)
    ensure_index(library)
    ref = library.documents.find(args.path) or DocRef(args.path)
    try:
        changed = library.documents.set_date(ref, None if args.clear else args.date)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    library.index.update(progress=progress)
    info = next((i for i in library.documents.infos() or [] if i.ref == ref), None)
    if args.clear:
        print(f"cleared the date of {args.path}" if changed else f"{args.path} had no date set")
    else:
        print(f"set the date of {args.path} to {args.date}")
    if info is not None and info.date_source == "file" and not args.clear:
        print(f"note: the file gives its own date ({info.date}); that one is used", file=sys.stderr)
    return 0
