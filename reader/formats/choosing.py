"""Where a file's format is chosen: by its name's suffix, the reader its bytes are parsed with."""

from __future__ import annotations

import io
from pathlib import Path

from reader.formats import guardian, html, text, versions, webarchive
from reader.formats.common import ArchiveError
from reader.model import DocRef, Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
WEB_ARCHIVE_SUFFIXES = {".warc", ".warc.gz", ".wacz"}


def suffix(rel: str) -> str:
    """Return a file's format suffix, lowercased (".warc.gz" counts as one)."""
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return Path(name).suffix


def counts(rel: str) -> bool:
    """Return True when a file name is one the archive reads."""
    return suffix(rel) in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | WEB_ARCHIVE_SUFFIXES


def kind_of(rel: str) -> str:
    """Return which kind of file the archive reads it as: text, page, news-api or web archive."""
    kind = suffix(rel)
    if kind in HTML_SUFFIXES:
        return "page"
    if kind in JSON_SUFFIXES:
        return "news-api"
    return "web archive" if kind in WEB_ARCHIVE_SUFFIXES else "text"


def parser_version(rel: str) -> str:
    """Return the version of the readers a file's documents come from (formats/versions.py)."""
    return versions.of(kind_of(rel))


def reader_name(rel: str) -> str:
    """Return what the reader of a file's format is called in messages."""
    return {"page": "web page reader", "news-api": "news-API JSON reader",
            "web archive": "web archive reader", "text": "text reader"}[kind_of(rel)]


def parse(data: bytes, rel: str) -> list[Document]:
    """Parse one file's bytes into its documents by its format; raise ArchiveError for an empty
    file, or what its reader raises for one it cannot read.

    Any text makes a document: a liveblog's header alone is one with its title and no entries.
    """
    kind = suffix(rel)
    if not data.strip():
        raise ArchiveError("empty file")
    if kind in HTML_SUFFIXES:
        return [html.parse(data, DocRef(rel))]
    if kind in JSON_SUFFIXES:
        return guardian.parse(data, DocRef(rel))
    if kind in WEB_ARCHIVE_SUFFIXES:
        return webarchive.parse_stream(io.BytesIO(data), rel)
    return [text.parse_bytes(data, DocRef(rel))]
