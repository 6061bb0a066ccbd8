"""The command-line front end (and the window when no command is given): the parser and main."""

from __future__ import annotations

import argparse
import sys

from reader.cli import archive, catching_up, keeping, searching
from reader.cli.support import UsageError, library_of, progress
from reader.library import BookmarkError, IndexBusy, IndexDamaged, WriteError

COMMANDS = {"parse": archive.cmd_parse, "index": archive.cmd_index, "search": searching.cmd_search,
            "show": searching.cmd_show, "documents": archive.cmd_documents, "date": archive.cmd_date,
            "timeline": searching.cmd_timeline, "bookmarks": keeping.cmd_bookmarks,
            "export": keeping.cmd_export, "new": catching_up.cmd_new, "read": catching_up.cmd_read}


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
    s.add_argument("--all-copies", action="store_true",
                   help="list every copy of a story as a hit (by default copies are one hit)")
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
    s.add_argument("--all-copies", action="store_true", help="count every copy of a story (by default "
                   "a story is counted once, when it first appeared)")
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
    s = sub.add_parser("new", help="what is new since you last read, grouped by document")
    s.add_argument("--json", action="store_true")
    s = sub.add_parser("read", help="mark a document read (every entry of it seen)")
    s.add_argument("path", help="the document's path, as `documents` shows it")
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
            library_of(args).index.update(rebuild=True, progress=progress)
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
