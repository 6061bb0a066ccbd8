"""Whoosh's segment writer, overridden where whoosh has no hook: lengths in memory, a lean pool of
postings, and every posting seen as the new segment is written.

An override is the right design here: whoosh writes a segment's postings in
SegmentWriter._flush_segment and offers no callback for them, and asks the per-document reader
for a field length once per posting. Each overridden method calls whoosh's own; what it relies
on of whoosh's internals (`pool`, `newsegment`, `storage.folder`) is in this module and
postings.py, pinned by tests/test_compat.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from whoosh.writing import SegmentWriter

from reader.search.compat.postings import lean_pool, record_postings, release_pool


class Lengths:
    """A new segment's field lengths, read into memory once.

    Whoosh asks for a document's field length once per posting while it writes a segment and
    reads it from disk each time: a fifth of the build. The answers are the same from a list.
    """

    def __init__(self, reader):
        self._reader = reader
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            get = self._reader.doc_field_length
            lengths = [get(d, fieldname, default) for d in range(self._reader.doc_count_all())]
            self._fields[fieldname] = lengths
        return lengths[docnum]

    def close(self) -> None:
        self._reader.close()


class HookedWriter(SegmentWriter):
    """Whoosh's segment writer with the field lengths held in memory while postings are written
    and a leaner posting pool; a subclass sees every posting of a new segment (tee_postings) and
    is told when its files are written (segment_written)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        lean_pool(self)

    def tee_postings(self, postings: Iterable[tuple]) -> Iterable[tuple]:
        """Return the postings being written (compat.postings.POSTING_FIELDS), seen on the way."""
        return postings

    def segment_written(self, folder: Path, segment_id: str, doc_count: int) -> None:
        """Called once a new segment's files are written (before the table of contents is)."""

    def per_document_reader(self):
        return Lengths(super().per_document_reader())

    def _close_segment(self):
        super()._close_segment()
        release_pool(self)  # also when nothing was added (no flush) or on cancel

    def _flush_segment(self):
        record_postings(self, self.tee_postings)
        super()._flush_segment()
        release_pool(self)
        self.segment_written(Path(self.storage.folder), self.newsegment.segment_id(), self.doc_count())
