"""The archive folder: which files count, and reading each behind one guard into documents."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from reader import dates, errorlog, parsed, reading
from reader.formats import choosing, webarchive
from reader.formats.choosing import (  # noqa: F401 - part of this module's API
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    TEXT_SUFFIXES,
    WEB_ARCHIVE_SUFFIXES,
    counts,
    kind_of,
    parser_version,
    reader_name,
    suffix,
)
from reader.formats.common import (
    ArchiveError,
    bounded,
    entry_id,  # noqa: F401 - part of this module's API
)
from reader.formats.text import parse_text  # noqa: F401 - part of this module's API
from reader.model import DocRef, Document, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024  # read whole; web archives are streamed, whatever their size


def read_file(root: Path, rel: str, set_dates: Mapping[DocRef, str] | None = None, kept: Path | None = None,
              url: str | None = None) -> list[Document] | Problem:
    """Read one archive file behind the one guard: its documents, dated (dates.resolve;
    set_dates: the dates the reader set), or a Problem saying why not.

    Nothing a parser, a decoder or a library raises escapes: a file that is not what it should be
    is named with its reason; an unexpected error is named as an internal error of the format's
    reader, its traceback in the error log (errorlog.py). kept: where a web archive's documents
    are kept once parsed (reader/parsed.py); url: only that page's captures of a web archive.
    """
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return Problem(rel, "its name is not valid UTF-8; rename the file to read it")
    try:
        return _read(root, rel, set_dates, kept, url)
    except ArchiveError as exc:
        return Problem(rel, str(exc))
    except MemoryError:
        return Problem(rel, "could not be read: it needs more memory than there is")
    except Exception as exc:  # noqa: BLE001 - the guard: one file never stops the others
        return Problem(rel, errorlog.internal_error(rel, reader_name(rel), exc))


def _read(root: Path, rel: str, set_dates: Mapping[DocRef, str] | None, kept: Path | None,
          url: str | None) -> list[Document]:
    full = root / rel
    if kept is None or url is not None or suffix(rel) not in WEB_ARCHIVE_SUFFIXES:
        return dated([bounded(d) for d in parse_path(full, rel, url)], full, set_dates)
    docs = parsed.load(kept, full, rel)
    if docs is None:
        with reading.read_errors():
            before = parsed.stamp(full)
        docs = [bounded(d) for d in parse_path(full, rel)]
        parsed.store(kept, rel, before, docs)
    return dated(docs, full, set_dates)


def parse_file_bytes(data: bytes, rel: str) -> list[Document]:
    """Parse one file's bytes into its documents (by its format: formats/choosing.py); raise
    ArchiveError for an empty, binary or unreadable file, or one in no format the archive reads."""
    return choosing.parse(data, rel)


def read_documents(root: Path, rel: str, set_dates: Mapping[DocRef, str] | None = None,
                   kept: Path | None = None) -> list[Document]:
    """Read one archive file behind the guard (read_file); raise ArchiveError with the reason."""
    found = read_file(root, rel, set_dates, kept)
    if isinstance(found, Problem):
        raise ArchiveError(found.reason)
    return found


def dated(docs: list[Document], full: Path, set_dates: Mapping[DocRef, str] | None = None) -> list[Document]:
    """Return documents of the file at `full` with their dates resolved (see read_file)."""
    set_dates = set_dates or {}
    if all(d.date for d in docs):
        return [dates.resolve(d) for d in docs]
    hint = folder_year(full.parent, full.name)
    return [dates.resolve(d, set_dates.get(d.ref), hint) for d in docs]


def folder_year(root: Path, rel: str) -> tuple[int, str] | None:
    """Return the year the other dated text files beside rel share (their ` date ` line), if one."""
    folder = (root / rel).parent
    try:
        key = (str(folder), folder.stat().st_mtime_ns)
    except OSError:
        return None
    if key not in _FOLDER_YEARS:
        found = []
        for sibling in sorted(folder.iterdir())[:500]:
            if sibling.name.startswith(".") or suffix(sibling.name) not in TEXT_SUFFIXES \
                    or sibling.name == Path(rel).name:
                continue
            match = _DATE_LINE.match(reading.head(sibling, 64))
            found.append(match.group(1).decode() if match else None)
        if len(_FOLDER_YEARS) > 1000:
            _FOLDER_YEARS.clear()
        _FOLDER_YEARS[key] = dates.folder_year(found)
    return _FOLDER_YEARS[key]


_FOLDER_YEARS: dict[tuple[str, int], tuple[int, str] | None] = {}
_DATE_LINE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t]*date[ \t]+(\d{4}(?:-\d{2}){0,2})")


def parse_path(full: Path, rel: str, url: str | None = None) -> list[Document]:
    """Read and parse the file at `full`, naming its documents after `rel` (a web archive: only
    the captures of `url`, if given)."""
    if suffix(rel) in WEB_ARCHIVE_SUFFIXES:
        with reading.open_regular(full) as (stream, _size):
            return webarchive.parse_stream(stream, rel, url)
    return parse_file_bytes(reading.read_bytes(full, MAX_FILE_BYTES), rel)


def read_document(root: Path, ref: DocRef, set_dates: Mapping[DocRef, str] | None = None,
                  kept: Path | None = None) -> Document:
    """Read one document (behind the guard); raise ArchiveError with the reason.

    A web archive's documents come from `kept` when they were kept there (see read_file); else
    only the captures of the document's own page are parsed.
    """
    rel = ref.file
    docs = parsed.load(kept, root / rel, rel) if kept and suffix(rel) in WEB_ARCHIVE_SUFFIXES else None
    if docs is not None:
        docs = dated(docs, root / rel, set_dates)
    elif suffix(rel) in WEB_ARCHIVE_SUFFIXES and ref.key:
        docs = read_file(root, rel, set_dates, url=webarchive.page_of(ref.key))
        if isinstance(docs, Problem) or all(d.ref != ref for d in docs):
            docs = read_documents(root, rel, set_dates, kept)  # its page names itself apart
    else:
        docs = read_documents(root, rel, set_dates)
    found = next((d for d in docs if d.ref == ref), None)
    if found is None:
        raise ArchiveError("the file no longer holds this document")
    return found


def _folders_to_read(dirnames: list[str], filenames: list[str]) -> list[str]:
    """Return the sub-folders the archive reads: not hidden ones, nor the "<page>_files" folder a
    browser saves beside "<page>.html" (the page's images, scripts and frames, not documents)."""
    pages = {name.rsplit(".", 1)[0] for name in filenames if suffix(name) in HTML_SUFFIXES}
    return sorted(d for d in dirnames if not d.startswith(".")
                  and not (d.endswith("_files") and d[:-len("_files")] in pages))


def scan(root: Path) -> Iterator[str]:
    """Yield the archive's files as sorted '/'-separated relative paths (hidden ones and saved
    pages' resource folders left out)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = _folders_to_read(dirnames, filenames)
        for name in filenames:
            if name.startswith(".") or not counts(name):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            found.append(rel.replace(os.sep, "/"))
    yield from sorted(found)


def folders(root: Path, limit: int = 500) -> list[Path]:
    """Return root and its visible sub-folders (at most `limit`), e.g. to watch for changes."""
    found = [root]
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = _folders_to_read(dirnames, filenames)
        found.extend(Path(dirpath) / d for d in dirnames)
        if len(found) >= limit:
            break
    return found[:limit]


def iter_load(root: Path, set_dates: Mapping[DocRef, str] | None = None) -> Iterator[Document | Problem]:
    """Parse the files under root one by one: their Documents, or a Problem if unreadable."""
    for rel in scan(root):
        found = read_file(root, rel, set_dates)
        yield from [found] if isinstance(found, Problem) else found


def load(root: Path, set_dates: Mapping[DocRef, str] | None = None) -> tuple[list[Document], list[Problem]]:
    """Parse every file under root; unreadable ones become Problems, the rest Documents."""
    documents, problems = [], []
    for item in iter_load(root, set_dates):
        (problems if isinstance(item, Problem) else documents).append(item)
    return documents, problems

