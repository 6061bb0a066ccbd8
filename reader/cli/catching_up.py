"""The catching-up subcommands: new (what is new since you last read), read (mark a document read)."""

from __future__ import annotations

import argparse

from reader import wording
from reader.cli import output
from reader.cli.support import document_named, ensure_index, library_of


def cmd_new(args: argparse.Namespace) -> int:
    library = library_of(args)
    ensure_index(library)
    found = library.reading.new_entries()
    if args.json:
        output.print_json([output.new_json(info, hits, edited) for info, hits, edited in found])
        return 0
    output.print_new(found)
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    library = library_of(args)
    ensure_index(library)
    ref = document_named(library, args.path)
    marked = library.reading.mark_read(ref)
    print(f"marked {ref} read ({wording.entries(marked)} not read before)" if marked
          else f"{ref} was read already")
    return 0
