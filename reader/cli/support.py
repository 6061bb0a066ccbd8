"""What the command's subcommands share: usage errors, opening the library, progress, names and dates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reader import dates, defaults, wording
from reader.library import IndexBusy, Library, Progress
from reader.model import DocRef, Filters


class UsageError(Exception):
    """Bad usage or input: one line on stderr, exit 2."""


def library_of(args: argparse.Namespace) -> Library:
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


def progress(p: Progress) -> None:
    if sys.stderr.isatty():
        end = "\n" if p.files_done == p.files_total else ""
        print(f"\rindexing: {p.files_done}/{p.files_total} files, {p.entries_done} entries",
              end=end, file=sys.stderr, flush=True)


def ensure_index(library: Library) -> None:
    if not library.index.needs_update():
        return
    try:
        report = library.index.update(progress=progress)
    except IndexBusy:
        if not library.index.searchable():
            raise
        print("liveblog-reader: the index is being updated elsewhere; searching what is there",
              file=sys.stderr)
        return
    if report.rebuilt:
        print(f"liveblog-reader: {wording.rebuilt(report.rebuilt)}", file=sys.stderr)
    for problem in report.problems:
        print(f"liveblog-reader: skipped {problem.path}: {problem.reason}", file=sys.stderr)


def query_text(text: str) -> str:
    if not text.strip():
        raise UsageError("give something to search for (see the query syntax in the README)")
    return text


def document_named(library: Library, name: str) -> DocRef:
    """The document a path names, as `documents` shows it."""
    ref = library.documents.find(name)
    if ref is None:
        raise UsageError(f"no document {name} in the archive (paths as `documents` and `search` show them)")
    return ref


def date_filters(args: argparse.Namespace) -> Filters:
    """--after/--before (YYYY[-MM[-DD]], either may be left out), as filters."""
    after, before = getattr(args, "after", None), getattr(args, "before", None)
    for name, value in (("--after", after), ("--before", before)):
        if value is not None and not dates.valid(value):
            raise UsageError(f"{name} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return Filters(after, before)
