"""Which version of our readers a file's documents come from: bumped whenever a reader's output changes.

The index keeps each file's parser version beside its hash, and so do the documents of web
archives kept in the data dir: an upgrade that changes what a reader produces re-reads the files
of that kind, and only those. tests/test_parser_versions.py pins each kind's output on the
fixtures, so a change of output without a bump fails there.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

# Bump a reader's number when what it produces changes (text, entries, ids, dates, titles).
READERS = {
    "text": 2,  # formats/text.py: the NOS text layout (and the main text of pages without data)
    # text 2: UTF-8 cut mid-character or with a few stray bytes stays UTF-8 (common.decode)
    # formats/html.py, jsonld.py, microdata.py, posts.py, tickers.py, blocks.py: saved pages
    "page": 4,  # 2: JSON-LD reconciled with the page's post elements, microdata values, tickers
    # page 3: a page that names no charset and is UTF-8 but for a cut or stray byte stays UTF-8
    # page 4: a page's main text has no captions (its short paragraphs were read as photo captions)
    "news-api": 1,  # formats/guardian.py
    "web archive": 1,  # formats/webarchive.py, content_encoding.py: records, captures merged
    "dates": 1,  # reader/dates.py: a document's date where it gives none
}
# what the documents of each kind of file are made by
MADE_BY = {
    "text": ("text", "dates"),
    "page": ("page", "text", "dates"),
    "news-api": ("news-api", "page", "dates"),
    "web archive": ("web archive", "page", "news-api", "text", "dates"),
}


@cache
def of(kind: str) -> str:
    """Return the parser version of a kind of file ("text", "page", "news-api", "web archive")."""
    parts = [f"{name} {READERS[name]}" for name in MADE_BY[kind]]
    if "page" in MADE_BY[kind]:  # a page without structured data is read by trafilatura
        parts.append(f"trafilatura {_version('trafilatura')}")
    return ", ".join(parts)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"
