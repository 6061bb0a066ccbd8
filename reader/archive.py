"""The archive folder: which files count, reading them, and turning each into documents by its format."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

from reader.formats import guardian, html, text, webarchive
from reader.formats.common import ArchiveError, entry_id  # noqa: F401 - part of this module's API
from reader.formats.text import parse_text  # noqa: F401 - part of this module's API
from reader.model import Document, Problem

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
WEB_ARCHIVE_SUFFIXES = {".warc", ".warc.gz", ".wacz"}
MAX_FILE_BYTES = 64 * 1024 * 1024  # read whole; web archives are streamed, whatever their size
KEY = "#"  # a file that holds several documents names each as "file#key"


def suffix(rel: str) -> str:
    """Return a file's format suffix, lowercased (".warc.gz" counts as one)."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return Path(name).suffix


def counts(rel: str) -> bool:
    """Return True when a file name is one the archive reads."""
    return suffix(rel) in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | WEB_ARCHIVE_SUFFIXES


def file_of(path: str) -> str:
    """Return the archive file a document path comes from ("a/b.warc#https://…" -> "a/b.warc")."""
    return path.split(KEY, 1)[0]


def read_bytes(root: Path, rel: str) -> bytes:
    """Read one archive file's bytes; raise ArchiveError with a reason if it cannot be read."""
    full = root / rel
    try:
        size = full.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArchiveError(f"too large ({size // (1024 * 1024)} MB)")
        return full.read_bytes()
    except FileNotFoundError:
        raise ArchiveError("file not found (deleted, or a broken link)") from None
    except PermissionError:
        raise ArchiveError("no permission to read it") from None
    except IsADirectoryError:
        raise ArchiveError("is a folder") from None
    except OSError as exc:
        raise ArchiveError(f"cannot be read ({exc.strerror or exc})") from None


def digest(root: Path, rel: str) -> str:
    """Return the SHA-1 of a file, read in blocks (web archives can be hundreds of MB)."""
    try:
        with open(root / rel, "rb") as fh:
            return hashlib.file_digest(fh, "sha1").hexdigest()
    except FileNotFoundError:
        raise ArchiveError("file not found (deleted, or a broken link)") from None
    except PermissionError:
        raise ArchiveError("no permission to read it") from None
    except IsADirectoryError:
        raise ArchiveError("is a folder") from None
    except OSError as exc:
        raise ArchiveError(f"cannot be read ({exc.strerror or exc})") from None


def parse_bytes(data: bytes, rel: str) -> Document:
    """Parse one file's bytes into its document (the first, for a file that holds several)."""
    return parse_file_bytes(data, rel)[0]


def parse_file_bytes(data: bytes, rel: str) -> list[Document]:
    """Parse one file's bytes into its documents; raise ArchiveError for an empty, binary or
    unreadable file, or one in no format the archive reads.

    Any text makes a document: a liveblog's header alone is one with its title and no entries.
    """
    kind = suffix(rel)
    if not data.strip():
        raise ArchiveError("empty file")
    if kind in HTML_SUFFIXES:
        return [html.parse(data, rel)]
    if kind in JSON_SUFFIXES:
        return guardian.parse(data, rel)
    if kind in WEB_ARCHIVE_SUFFIXES:
        return webarchive.parse_stream(io.BytesIO(data), rel)
    return [text.parse_bytes(data, rel)]


def read_documents(root: Path, rel: str) -> list[Document]:
    """Read and parse one archive file into its documents; raise ArchiveError with a reason."""
    return parse_path(root / rel, rel)


def parse_path(full: Path, rel: str) -> list[Document]:
    """Read and parse the file at `full`, naming its documents after `rel`."""
    if suffix(rel) in WEB_ARCHIVE_SUFFIXES:
        try:
            with open(full, "rb") as fh:
                return webarchive.parse_stream(fh, rel)
        except FileNotFoundError:
            raise ArchiveError("file not found (deleted, or a broken link)") from None
        except PermissionError:
            raise ArchiveError("no permission to read it") from None
        except IsADirectoryError:
            raise ArchiveError("is a folder") from None
        except OSError as exc:
            raise ArchiveError(f"cannot be read ({exc.strerror or exc})") from None
    return parse_file_bytes(read_bytes(full.parent, full.name), rel)


def read_document(root: Path, path: str) -> Document:
    """Read one document by its path (a file, or "file#key" for one of a file's several)."""
    docs = read_documents(root, file_of(path))
    found = next((d for d in docs if d.path == path), None)
    if found is None:
        raise ArchiveError("the file no longer holds this document")
    return found


def scan(root: Path) -> Iterator[str]:
    """Yield the archive's files as sorted '/'-separated relative paths (hidden ones left out)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or not counts(name):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            found.append(rel.replace(os.sep, "/"))
    yield from sorted(found)


def folders(root: Path, limit: int = 500) -> list[Path]:
    """Return root and its visible sub-folders (at most `limit`), e.g. to watch for changes."""
    found = [root]
    for dirpath, dirnames, _ in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / d for d in dirnames)
        if len(found) >= limit:
            break
    return found[:limit]


def iter_load(root: Path) -> Iterator[Document | Problem]:
    """Parse the files under root one by one: their Documents, or a Problem if unreadable."""
    for rel in scan(root):
        try:
            yield from read_documents(root, rel)
        except ArchiveError as exc:
            yield Problem(rel, str(exc))


def load(root: Path) -> tuple[list[Document], list[Problem]]:
    """Parse every file under root; unreadable ones become Problems, the rest Documents."""
    documents, problems = [], []
    for item in iter_load(root):
        (problems if isinstance(item, Problem) else documents).append(item)
    return documents, problems

