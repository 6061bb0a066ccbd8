"""Index building: archive files cut into chunks, each written as one Whoosh segment (see workers.py).

A chunk whose files give far more text than a segment should (a web archive: one file, many MB
of text) is cut further once it is read: its documents are handed back in parts, each written
as a segment by whichever worker is free.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index

from reader import archive, errorlog, reading
from reader.model import DocRef, Document, DocumentInfo, Problem
from reader.search import compat
from reader.search.arrays import recording, segment_arrays
from reader.search.schema import entry_fields, make_schema

CHUNK_MIN_BYTES = 1_000_000  # below this, a worker's start-up costs more than it saves
CHUNK_MAX_BYTES = 2_500_000  # a chunk is a segment and a step of the progress bar (2.5 MB: a worker
# holds about 400,000 postings and its copies' shingles, 185 MB; 3 MB took 213 MB, 4 MB 225 MB
# before copies, for a build 3% faster)
WORKER_LIMITMB = 128  # each worker's posting buffer: a 4 MB chunk fits, so no run files to merge


class Writer(compat.HookedWriter):
    """Whoosh's segment writer (as compat.HookedWriter changes it) that writes each new segment's
    postings arrays beside it (reader/search/arrays/segment_arrays.py)."""

    def tee_postings(self, postings):
        self._recorder = recording.Recorder()
        return self._recorder.tee(postings)

    def segment_written(self, folder: Path, segment_id: str, doc_count: int) -> None:
        self._recorder.write(folder / segment_arrays.file_name(segment_id), doc_count)
        del self._recorder


@dataclass
class FileOutcome:
    """What reading one archive file gave: its documents, an unchanged file, or a problem."""

    rel: str
    size: int
    mtime: int
    sha1: str | None = None
    docs: list[Document] | None = None
    metas: dict[str, DocumentInfo] | None = None  # what the manifest keeps of each document, by key
    unchanged: bool = False
    problem: str | None = None
    notes: list[str] = field(default_factory=list)  # what went wrong in a file read in part


def read_file(archive_dir: Path, rel: str, size: int, mtime: int, known_sha1: str | None,
              set_dates: dict[DocRef, str] | None = None, kept: Path | None = None) -> FileOutcome:
    """Read and parse one archive file, dating its documents (set_dates: those the reader set);
    an unchanged hash skips the parse (pass known_sha1=None to parse it anyway). A web archive's
    documents are kept in `kept` (reader/parsed.py) for the reader to open.

    A web archive is hashed as a stream (it can be hundreds of MB).
    """
    try:
        digest = reading.digest(archive_dir / rel)
    except archive.ArchiveError as exc:
        return FileOutcome(rel, size, mtime, problem=str(exc))
    if digest == known_sha1:
        return FileOutcome(rel, size, mtime, digest, unchanged=True)
    docs = archive.read_file(archive_dir, rel, set_dates, kept)
    if isinstance(docs, Problem):
        return FileOutcome(rel, size, mtime, problem=docs.reason)
    return FileOutcome(rel, size, mtime, digest, docs=docs,
                       metas={d.ref.key: DocumentInfo.of(d) for d in docs},
                       notes=list(dict.fromkeys(p for d in docs for p in d.problems)))


@dataclass
class Chunk:
    """Files for one worker: (rel, size, mtime, known sha1) each, and the dates the reader set."""

    files: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    bytes: int = 0
    set_dates: dict[DocRef, str] = field(default_factory=dict)
    part_bytes: int = CHUNK_MAX_BYTES  # text per segment: what is read beyond it is handed back
    workers: int = 1  # the parts handed back are as many as the workers, or a multiple
    kept: str | None = None  # where web archives' parsed documents are kept (reader/parsed.py)
    log: str | None = None  # the error log (reader/errorlog.py) of the process that planned it


def may_split(rel: str, size: int) -> bool:
    """Return True if a file may hold more text than one segment should (its chunk may be cut)."""
    web_archive = archive.suffix(rel) in archive.WEB_ARCHIVE_SUFFIXES  # one file, many documents
    return size >= CHUNK_MIN_BYTES and (web_archive or size > CHUNK_MAX_BYTES)


def plan(files: list[tuple[str, int, int, str | None]], workers: int,
         set_dates: dict[DocRef, str] | None = None, kept: Path | None = None,
         part_workers: int = 1) -> list[Chunk]:
    """Cut files (in the order given) into chunks of similar size, a few per worker; a chunk
    cut into parts gives as many as part_workers, or a multiple."""
    total = sum(max(f[1], 0) for f in files)
    target = min(CHUNK_MAX_BYTES, max(CHUNK_MIN_BYTES, total // max(1, workers * 4)))
    chunks = [Chunk()]
    for item in files:
        if chunks[-1].bytes >= target:
            chunks.append(Chunk())
        chunks[-1].files.append(item)
        chunks[-1].bytes += max(item[1], 0)
    for chunk in chunks:
        files_here = {f[0] for f in chunk.files}
        chunk.set_dates = {r: d for r, d in (set_dates or {}).items() if r.file in files_here}
        chunk.part_bytes = CHUNK_MAX_BYTES
        chunk.workers = max(1, part_workers)
        chunk.kept = str(kept) if kept else None
        chunk.log = str(errorlog.path()) if errorlog.path() else None
    return [c for c in chunks if c.files]


Part = list[tuple[Document, bool]]  # documents (or runs of one's entries), and whether with title


@dataclass
class ChunkResult:
    """A chunk (or a part of one) written as one segment in its own folder, ready to be moved
    into the index.

    A chunk's first result carries its files' outcomes; the others carry None. `last` is True
    on the result that completes its chunk: only then are its files wholly in the index.
    """

    folder: str | None  # None: nothing written (all handed back in parts)
    outcomes: list[FileOutcome] | None  # docs dropped: the segments hold them
    entries: int = 0  # entries in this segment
    rest: list[Part] = field(default_factory=list)  # still to be written (handed back)
    chunk: int = 0
    last: bool = True
    parts: int = 1  # on a chunk's first result: how many results the chunk gives in all


def write_chunk(archive_dir: str, chunk: Chunk, folder: str) -> ChunkResult:
    """Index a chunk's files into a new one-segment index in folder (run in a worker or inline).

    Files that give far more text than chunk.part_bytes (a web archive) are not written here:
    their documents come back cut into parts, for the free workers to write side by side.
    """
    if chunk.log:  # (a worker process logs where the process that planned the chunk does)
        errorlog.attach(Path(chunk.log))
    outcomes, docs = [], []
    for rel, size, mtime, known in chunk.files:
        outcome = read_file(Path(archive_dir), rel, size, mtime, known, chunk.set_dates,
                            Path(chunk.kept) if chunk.kept else None)
        docs += outcome.docs or ()
        outcome.docs = None
        outcomes.append(outcome)
    text = sum(text_size(e) for doc in docs for e in doc.entries)
    if text > 1.5 * chunk.part_bytes:
        parts = -(-text // chunk.part_bytes)
        parts = -(-parts // chunk.workers) * chunk.workers  # (5.6 MB: 4 parts for 2 workers, not 3)
        return ChunkResult(None, outcomes, rest=cut([(d, True) for d in docs], -(-text // parts)))
    result = write_part([(d, True) for d in docs], folder)
    result.outcomes = outcomes
    return result


def write_part(part: Part, folder: str) -> ChunkResult:
    """Index a part handed back by write_chunk into a new one-segment index in folder."""
    writer, ix = _segment(folder)
    entries = 0
    for doc, with_title in part:
        for row in entry_fields(doc, with_title):
            writer.add_document(**row)
        entries += len(doc.entries)
    writer.commit(merge=False)
    ix.close()
    return ChunkResult(folder, None, entries)


def _segment(folder: str):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    ix = whoosh_index.create_in(folder, make_schema())
    return Writer(ix, limitmb=WORKER_LIMITMB, compound=False), ix


def text_size(entry) -> int:
    """Return about how much text an entry gives the index."""
    return (len(entry.headline or "") + sum(len(p) for p in entry.paragraphs)
            + len(entry.caption_text) + sum(len(t) for t in entry.earlier))


def cut(docs: Part, part_bytes: int) -> list[Part]:
    """Cut documents (whole, or runs of one's entries) into parts of about part_bytes of text."""
    parts: list[Part] = []
    current: Part = []
    size = 0
    for doc, with_title in docs:
        start = 0
        for n, entry in enumerate(doc.entries):
            if size >= part_bytes:
                if n > start:
                    current.append((replace(doc, entries=doc.entries[start:n]), with_title))
                    with_title, start = False, n
                parts.append(current)
                current, size = [], 0
            size += text_size(entry)
        if start < len(doc.entries):
            current.append((replace(doc, entries=doc.entries[start:]) if start else doc, with_title))
    if current:
        parts.append(current)
    return parts


def adopt(result: ChunkResult, ix) -> list:
    """Move a written chunk's segment files into ix's folder; return its segments for the TOC."""
    if result.folder is None:
        return []
    chunk_ix = whoosh_index.open_dir(result.folder)
    segments = compat.index_segments(chunk_ix)  # as whoosh's own MpWriter hands them to its parent
    chunk_ix.close()
    source, target = Path(result.folder), compat.folder_of(ix)
    for segment in segments:
        for name in compat.segment_files(source, segment):
            os.replace(source / name, target / name)
    shutil.rmtree(result.folder, ignore_errors=True)
    return segments
