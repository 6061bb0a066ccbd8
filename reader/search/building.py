"""Index building: archive files cut into chunks, each written as one Whoosh segment by a worker process."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from reader import archive
from reader.model import Document
from reader.processes import exit_with_parent
from reader.search import compat, recording, segment_arrays
from reader.search.schema import doc_meta, entry_fields, make_schema

CHUNK_MIN_BYTES = 1_000_000  # below this, a worker's start-up costs more than it saves
CHUNK_MAX_BYTES = 3_000_000  # a chunk is a segment and a step of the progress bar (3 MB: a worker
# holds about 500,000 postings, under 200 MB; 4 MB chunks were 3% faster and took 225 MB)
MAX_WORKERS = 4
WORKER_LIMITMB = 128  # each worker's posting buffer: a 4 MB chunk fits, so no run files to merge


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


class Writer(SegmentWriter):
    """Whoosh's segment writer with the field lengths held in memory while postings are written,
    a leaner posting pool, and the new segment's postings arrays written beside it
    (reader/search/segment_arrays.py)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        compat.lean_pool(self)

    def per_document_reader(self):
        return Lengths(super().per_document_reader())

    def _close_segment(self):
        super()._close_segment()
        compat.release_pool(self)  # also when nothing was added (no flush) or on cancel

    def _flush_segment(self):
        recorder = recording.Recorder()
        compat.record_postings(self, recorder.tee)
        super()._flush_segment()
        compat.release_pool(self)
        name = segment_arrays.file_name(self.newsegment.segment_id())
        recorder.write(Path(self.storage.folder) / name, self.doc_count())


@dataclass
class FileOutcome:
    """What reading one archive file gave: its documents, an unchanged file, or a problem."""

    rel: str
    size: int
    mtime: int
    sha1: str | None = None
    docs: list[Document] | None = None
    metas: dict[str, dict] | None = None  # what the manifest keeps of each document, by path
    unchanged: bool = False
    problem: str | None = None


def read_file(archive_dir: Path, rel: str, size: int, mtime: int, known_sha1: str | None,
              set_dates: dict[str, str] | None = None) -> FileOutcome:
    """Read and parse one archive file, dating its documents (set_dates: those the reader set);
    an unchanged hash skips the parse (pass known_sha1=None to parse it anyway).

    A web archive is hashed as a stream (it can be hundreds of MB).
    """
    try:
        digest = archive.digest(archive_dir, rel)
        if digest == known_sha1:
            return FileOutcome(rel, size, mtime, digest, unchanged=True)
        docs = archive.read_documents(archive_dir, rel, set_dates)
        return FileOutcome(rel, size, mtime, digest, docs=docs, metas={d.path: doc_meta(d) for d in docs})
    except archive.ArchiveError as exc:
        return FileOutcome(rel, size, mtime, problem=str(exc))


@dataclass
class Chunk:
    """Files for one worker: (rel, size, mtime, known sha1) each, and the dates the reader set."""

    files: list[tuple[str, int, int, str | None]] = field(default_factory=list)
    bytes: int = 0
    set_dates: dict[str, str] = field(default_factory=dict)


def plan(files: list[tuple[str, int, int, str | None]], workers: int,
         set_dates: dict[str, str] | None = None) -> list[Chunk]:
    """Cut files (in the order given) into chunks of similar size, a few per worker."""
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
        chunk.set_dates = {p: d for p, d in (set_dates or {}).items() if archive.file_of(p) in files_here}
    return [c for c in chunks if c.files]


@dataclass
class ChunkResult:
    """A chunk written as one segment in its own folder, ready to be moved into the index."""

    folder: str
    outcomes: list[FileOutcome]  # docs dropped: the segment holds them


def write_chunk(archive_dir: str, chunk: Chunk, folder: str) -> ChunkResult:
    """Index a chunk's files into a new one-segment index in folder (run in a worker or inline)."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    ix = whoosh_index.create_in(folder, make_schema())
    writer = Writer(ix, limitmb=WORKER_LIMITMB, compound=False)
    outcomes = []
    for rel, size, mtime, known in chunk.files:
        outcome = read_file(Path(archive_dir), rel, size, mtime, known, chunk.set_dates)
        for doc in outcome.docs or ():
            for row in entry_fields(doc):
                writer.add_document(**row)
        outcome.docs = None
        outcomes.append(outcome)
    writer.commit(merge=False)
    ix.close()
    return ChunkResult(folder, outcomes)


def adopt(result: ChunkResult, ix) -> list:
    """Move a written chunk's segment files into ix's folder; return its segments for the TOC."""
    chunk_ix = whoosh_index.open_dir(result.folder)
    segments = compat.index_segments(chunk_ix)  # as whoosh's own MpWriter hands them to its parent
    chunk_ix.close()
    target = ix.storage.folder
    for segment in segments:
        prefix = f"{segment.indexname}_{segment.segid}"
        for name in os.listdir(result.folder):
            if name.startswith(prefix):
                os.replace(os.path.join(result.folder, name), os.path.join(target, name))
    shutil.rmtree(result.folder, ignore_errors=True)
    return segments


def worker_count(chunks: int) -> int:
    """Return how many worker processes to use for this many chunks (0: write inline)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    n = min(cores, MAX_WORKERS, chunks)
    return n if n >= 2 else 0


def run_chunks(archive_dir: Path, chunks: list[Chunk], work: Path, workers: int,
               stopping: Callable[[], bool] = lambda: False) -> Iterator[ChunkResult]:
    """Write chunks, in worker processes when workers > 0; yield each result as it is ready.

    Workers are started with "spawn" (safe beside the GUI's threads) and inherit no index lock.
    If the workers cannot start or one dies (out of memory), the chunks left are written here.
    When stopping() turns true, the workers are ended and nothing more is yielded.
    """
    folders = [str(work / f"{os.getpid()}-{n}") for n in range(len(chunks))]
    left = dict(enumerate(chunks))
    if workers:
        try:
            pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=exit_with_parent, initargs=(os.getpid(),))
        except (OSError, ImportError):  # no process support here (semaphores missing)
            pool = None
        if pool is not None:
            pending: dict = {}
            try:
                pending = {pool.submit(write_chunk, str(archive_dir), chunk, folders[n]): n
                           for n, chunk in left.items()}
                while pending and not stopping():
                    done, _ = cf.wait(pending, timeout=0.25, return_when=cf.FIRST_COMPLETED)
                    for future in done:
                        result = future.result()
                        del left[pending.pop(future)]
                        yield result
            except cf.process.BrokenProcessPool:
                pass
            finally:
                if pending:  # stopped, failed or abandoned: end the workers now
                    _end(pool)
                    for n in left:
                        shutil.rmtree(folders[n], ignore_errors=True)
                else:
                    pool.shutdown()
    for n, chunk in sorted(left.items()):
        if stopping():
            return
        yield write_chunk(str(archive_dir), chunk, folders[n])


def _end(pool: cf.ProcessPoolExecutor) -> None:
    """Shut a pool down without waiting for chunks still being written."""
    processes = compat.pool_processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join()


def clean_work(work: Path) -> None:
    """Remove chunk folders left by processes that are gone (a killed build)."""
    if not work.exists():
        return
    for folder in work.iterdir():
        pid = folder.name.split("-", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
