"""Whoosh's segments and tables of contents: listing them, their files, merging one into a writer,
moving a segment written elsewhere, and telling whoosh's own errors from ours."""

from __future__ import annotations

import os
import re
from pathlib import Path


def index_segments(ix) -> list:
    """Return the segments of an index's current table of contents (as whoosh's MpWriter does)."""
    return list(ix._segments())


_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


def toc_generation(directory: Path) -> int:
    """Return the newest table-of-contents generation in an index folder (-1 if none).

    whoosh names each commit's table of contents `_<indexname>_<generation>.toc`
    (TOC._latest_generation); our indexes use the default name, MAIN.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return -1
    return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)


def folder_of(ix) -> Path:
    """Return the folder of an index on disk (whoosh's FileStorage keeps it as `folder`)."""
    return Path(ix.storage.folder)


def segment_files(folder: Path, segment) -> list[str]:
    """Return the names of a segment's files in a folder: whoosh names each `<indexname>_<segid>…`
    (Segment.make_filename), with no list of them kept."""
    prefix = f"{segment.indexname}_{segment.segid}"
    return [name for name in os.listdir(folder) if name.startswith(prefix)]


def merge_into(writer, segment) -> None:
    """Add a segment's live documents to a writer's new segment (as whoosh's own MERGE_SMALL
    policy does, with a SegmentReader over the writer's storage)."""
    from whoosh.reading import SegmentReader

    reader = SegmentReader(writer.storage, writer.schema, segment)
    writer.add_reader(reader)
    reader.close()


def raised_in_whoosh(exc: BaseException) -> bool:
    """Return True when exc was raised by whoosh's own code (reading a file), not ours.

    whoosh raises many kinds of error on a damaged or vanished file (struct.error, KeyError,
    ValueError…) that our code raises too: where it came from is the innermost frame's module.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith("whoosh.")
