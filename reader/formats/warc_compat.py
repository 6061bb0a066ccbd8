"""The warcio internals web archives rely on, each pinned by tests/test_compat.py."""

from __future__ import annotations

from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader


def http_body(record) -> BinaryIO:
    """Return a record's HTTP body as sent, transfer chunking undone, still content-encoded.

    warcio's own content_stream() decodes the Content-Encoding too, but calls brotli without an
    output limit (a few KB that claim a GB are decoded in one call): formats/content_encoding.py
    does that part, bounded. raw_stream is the record's payload after its HTTP headers.
    """
    headers = record.http_headers
    if headers is not None and (headers.get_header("Transfer-Encoding") or "").lower() == "chunked":
        return ChunkedDataReader(record.raw_stream, decomp_type=None)
    return record.raw_stream


class Records(ArchiveIterator):
    """warcio's record iterator, counting (not printing) records whose length was wrong.

    ArchiveIterator writes its INC_RECORD message to stderr for each such record and counts
    them in `err_count` (read with wrong_lengths)."""

    INC_RECORD = ""


def wrong_lengths(records: Records) -> int:
    """Return how many records so far had a wrong length (their next record did not follow)."""
    return records.err_count
