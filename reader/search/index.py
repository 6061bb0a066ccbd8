"""The Whoosh index on disk: schema, manifest, kill-safe first build, per-file sync, per-thread searchers."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import struct
import threading
import time
import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from reader import archive
from reader.model import Problem, SearchResult
from reader.search import building
from reader.search.querying import Prepared, run
from reader.search.schema import SCHEMA_VERSION, entry_fields, make_schema

MANIFEST = "reader-manifest.json"
FIRST_BATCH = 500  # entries in the first commit: searchable early
BATCH_ENTRIES = 2_000  # entries per commit when the parent process writes (small syncs)
WRITER_TIMEOUT = 3.0
# Segments stay as separate files: whoosh copies a compound segment's postings into memory
# in every reader it opens (150 MB per searcher at 100,000 entries); separate files are read in place.
WRITER_OPTIONS: dict = {"limitmb": 128, "compound": False}


# What reading a damaged index raises (programming errors are not among them).
DAMAGE = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error, UnicodeDecodeError,
          whoosh_index.IndexError)


class IndexBusy(Exception):
    """Another process is writing the index."""


class IndexDamaged(Exception):
    """The index on disk cannot be trusted; it will be rebuilt."""


class IndexStopped(Exception):
    """An update was asked to stop (the program is closing); what it committed is kept."""


@dataclass(frozen=True)
class Progress:
    """How far an index build or sync has got."""

    files_done: int
    files_total: int
    entries_done: int
    searchable: bool  # at least one batch is committed and can be searched


@dataclass
class IndexReport:
    """What an index update did."""

    files: int = 0
    entries: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    rebuilt: str | None = None  # why the index was rebuilt, if it was
    seconds: float = 0.0


ProgressFn = Callable[[Progress], None]


class Manifest:
    """What is in the index: per file its size, mtime, hash and document summary."""

    def __init__(self, data: dict | None = None):
        data = data or {}
        self.schema: int = data.get("schema", SCHEMA_VERSION)
        self.files: dict[str, dict] = data.get("files", {})
        self.problems: dict[str, dict] = data.get("problems", {})
        self.segments: dict[str, int] = data.get("segments", {})

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            return cls(json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise IndexDamaged("its manifest is missing") from None
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"its manifest is unreadable ({exc})") from None

    def write(self, directory: Path) -> None:
        self.segments = _segment_files(directory)
        data = {"schema": self.schema, "files": self.files, "problems": self.problems,
                "segments": self.segments}
        tmp = directory / (MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / MANIFEST)


def _segment_files(directory: Path) -> dict[str, int]:
    return {
        p.name: p.stat().st_size
        for p in directory.iterdir()
        if p.is_file() and not p.name.startswith(MANIFEST) and "LOCK" not in p.name
    }


def _check(directory: Path, manifest: Manifest) -> None:
    """Raise IndexDamaged if files the manifest recorded are missing or changed size."""
    present = _segment_files(directory)
    for name, size in manifest.segments.items():
        if name not in present:
            raise IndexDamaged(f"index file {name} is missing")
        if present[name] != size:  # whoosh never rewrites a segment or TOC file
            raise IndexDamaged(f"index file {name} has changed size")


def _raised_in_whoosh(exc: BaseException) -> bool:
    """Return True when exc was raised by whoosh's own code (reading a file), not ours."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith("whoosh.")


def _release(reader) -> None:
    """Close a reader's files unless it was closed already."""
    if not getattr(reader, "is_closed", False):
        reader.close()


class SearchIndex:
    """The index of one archive folder, kept in `root` (a folder of the data dir)."""

    def __init__(self, root: Path, archive_dir: Path):
        self.root = root
        self.archive_dir = archive_dir
        self.final = root / "index"
        self.partial = root / "index.partial"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0  # bumped on every commit and rename; searchers reopen
        self._stopping = threading.Event()

    # -- opening ---------------------------------------------------------

    def directory(self) -> Path | None:
        """Return the folder to search: the complete index, else the one being built."""
        if (self.final / MANIFEST).exists():
            return self.final
        if (self.partial / MANIFEST).exists():
            return self.partial
        return None

    def exists(self) -> bool:
        """Return True when a complete index is on disk."""
        return (self.final / MANIFEST).exists()

    def problem(self) -> str | None:
        """Return why the complete index cannot be used (cheap checks only), or None."""
        if not self.final.exists():
            return "there is no index yet"
        try:
            manifest = Manifest.read(self.final)
            if manifest.schema != SCHEMA_VERSION:
                return "it was written by another version of the program"
            _check(self.final, manifest)
        except IndexDamaged as exc:
            return str(exc)
        return None

    def manifest(self) -> Manifest | None:
        """Return the manifest of the searchable index, or None."""
        directory = self.directory()
        if directory is None:
            return None
        try:
            return Manifest.read(directory)
        except IndexDamaged:
            return None

    def _open(self, directory: Path) -> tuple[whoosh_index.Index, Manifest]:
        manifest = Manifest.read(directory)
        if manifest.schema != SCHEMA_VERSION:
            raise IndexDamaged("it was written by another version of the program")
        _check(directory, manifest)
        try:
            ix = whoosh_index.open_dir(str(directory))
            with ix.searcher() as searcher:
                searcher.doc_count()
        except Exception as exc:  # whoosh raises many kinds on damaged files
            raise IndexDamaged(f"{type(exc).__name__}: {exc}") from None
        return ix, manifest

    def searcher(self):
        """Return this thread's searcher, reopened when the index changed; None if no index."""
        local = self._local
        directory = self.directory()
        if directory is None:
            return None
        searcher = getattr(local, "searcher", None)
        stale = (
            searcher is None
            or local.generation != self._generation
            or local.directory != directory
            or not searcher.up_to_date()
        )
        if stale:
            if searcher is not None:
                searcher.close()
            local.searcher = None
            try:
                local.searcher = whoosh_index.open_dir(str(directory)).searcher()
            except Exception as exc:
                raise IndexDamaged(f"{type(exc).__name__}: {exc}") from None
            # a searcher dropped without close() (its thread ended) closes its files when collected
            weakref.finalize(local.searcher, _release, local.searcher.reader())
            local.generation = self._generation
            local.directory = directory
        return local.searcher

    def query(self, text: str, variants, limit: int = 20, sort: str = "relevance",
              document: str | None = None) -> SearchResult:
        """Answer a query from this thread's searcher; raise IndexDamaged if the index fails."""
        searcher = self.searcher()
        if searcher is None:
            return SearchResult(text, 0, (), message="The index is not built yet.", partial=True)
        local = self._local
        if getattr(local, "prepared", None) is None or local.prepared.searcher is not searcher:
            local.prepared = Prepared(searcher)
        try:
            result = run(searcher, text, variants, local.prepared, limit, sort, document)
        except RecursionError:
            return SearchResult(text, 0, (), message="The query is too complex; simplify it.")
        except DAMAGE as exc:
            raise IndexDamaged(f"{type(exc).__name__}: {exc}") from exc
        except Exception as exc:
            if not _raised_in_whoosh(exc):
                raise
            # whoosh raises plain Exception on garbage it reads ("Block tag error")
            raise IndexDamaged(f"{type(exc).__name__}: {exc}") from exc
        return replace(result, partial=True) if local.directory == self.partial else result

    def stop(self) -> None:
        """Make a running update stop at the next file or chunk, and every later one at once."""
        self._stopping.set()

    def close(self) -> None:
        """Close this thread's searcher."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    # -- building and syncing ---------------------------------------------

    def update(self, rebuild: bool = False, progress: ProgressFn | None = None) -> IndexReport:
        """Bring the index in line with the archive; build it first if needed.

        Raises IndexBusy when another process holds the write lock.
        """
        started = time.perf_counter()
        with self._lock:
            report = IndexReport()
            ix = manifest = None
            target = self.final
            if rebuild:
                report.rebuilt = "a rebuild was requested"
            elif self.final.exists():
                try:
                    ix, manifest = self._open(self.final)
                except IndexDamaged as exc:
                    report.rebuilt = f"the index was damaged: {exc}"
            if ix is None and not rebuild and self.partial.exists():
                try:
                    ix, manifest = self._open(self.partial)  # resume a build that was cut off
                    target = self.partial
                except IndexDamaged:
                    ix = None
            if ix is None:
                target = self.partial
                shutil.rmtree(self.partial, ignore_errors=True)
                self.partial.mkdir(parents=True)
                ix = whoosh_index.create_in(str(self.partial), make_schema())
                manifest = Manifest()
                manifest.write(self.partial)
            try:
                self._sync(ix, target, manifest, report, progress)
            finally:
                ix.close()
            if target == self.partial:
                self._promote()
        report.seconds = time.perf_counter() - started
        return report

    def _promote(self) -> None:
        old = self.root / "index.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.partial, self.final)
        self._generation += 1
        shutil.rmtree(old, ignore_errors=True)

    def _writer(self, ix):
        try:
            return building.Writer(ix, timeout=WRITER_TIMEOUT, **WRITER_OPTIONS)
        except LockError:
            raise IndexBusy("the index is busy: another Liveblog Reader is updating it") from None

    def _sync(self, ix, directory: Path, manifest: Manifest, report: IndexReport,
              progress: ProgressFn | None) -> None:
        current = {}
        for rel in archive.scan(self.archive_dir):
            try:
                st = os.stat(self.archive_dir / rel)
                current[rel] = (st.st_size, st.st_mtime_ns)
            except OSError:
                current[rel] = (-1, -1)  # broken link or vanished: read it to report why
        removed = [rel for rel in manifest.files if rel not in current]
        for rel in [r for r in manifest.problems if r not in current]:
            del manifest.problems[rel]
        todo = []
        for rel, stat in current.items():
            known = manifest.files.get(rel) or manifest.problems.get(rel)
            if known is None or (known["size"], known["mtime"]) != stat:
                todo.append(rel)
        todo.sort(key=lambda r: current[r][1], reverse=True)  # newest first
        report.files = len(current)
        sync = _Sync(self, ix, directory, manifest, report, progress, len(todo))
        for rel in removed:
            sync.remove(rel)
        # the parent writes the first files itself, so the newest are searchable at once;
        # the rest go to worker processes in chunks when there is enough of it
        rest = todo
        if not sync.searchable:
            while rest and sync.entries_done < FIRST_BATCH:
                sync.index_here(rest[0], current[rest[0]])
                rest = rest[1:]
            sync.commit()
        if sum(max(current[r][0], 0) for r in rest) >= 2 * building.CHUNK_MIN_BYTES:
            sync.index_in_chunks([(r, *current[r]) for r in rest])
        else:
            for rel in rest:
                sync.index_here(rel, current[rel])
        sync.commit()
        if todo and progress:
            progress(Progress(len(todo), len(todo), sync.entries_done, True))
        if todo or removed:
            manifest.write(directory)
        report.entries = sum(f["entries"] for f in manifest.files.values())
        report.problems = [Problem(rel, p["reason"]) for rel, p in sorted(manifest.problems.items())]


class _Sync:
    """One update's writing state: the open writer, batch commits, manifest and report bookkeeping."""

    def __init__(self, index: SearchIndex, ix, directory: Path, manifest: Manifest,
                 report: IndexReport, progress: ProgressFn | None, files_total: int):
        self.index, self.ix, self.directory = index, ix, directory
        self.manifest, self.report, self.progress = manifest, report, progress
        self.files_total = files_total
        self.files_done = self.entries_done = self.pending = 0
        self._writer = self._searcher = None
        self.searchable = directory == index.final

    def writer(self):
        if self._writer is None:
            self._writer = self.index._writer(self.ix)
            self._searcher = None
        return self._writer

    def delete(self, rel: str) -> None:
        """Delete a file's entries (one searcher per writer: whoosh would open one per call)."""
        writer = self.writer()
        if self._searcher is None:
            self._searcher = writer.searcher()
        writer.delete_by_term("path", rel, searcher=self._searcher)

    def commit(self, adopted: list | None = None) -> None:
        """Commit what is pending (and segments written elsewhere); the index can be searched."""
        if self._writer is None and adopted:
            self.writer()
        if self._writer is not None:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            if adopted:  # whoosh's documented hook for choosing the segments of the new TOC
                self._writer.commit(mergetype=lambda _writer, segments: segments + adopted)
            else:
                self._writer.commit()
            self._writer = None
            self.manifest.write(self.directory)
            self.index._generation += 1
            self.searchable = True
        self.pending = 0

    def remove(self, rel: str) -> None:
        self.delete(rel)
        if rel in self.manifest.files:
            del self.manifest.files[rel]
            self.report.removed += 1

    def record(self, outcome: building.FileOutcome) -> None:
        """Note in the manifest and report what indexing one file did (its entries are written)."""
        manifest, rel = self.manifest, outcome.rel
        known = manifest.files.get(rel)
        if outcome.unchanged:
            known.update(size=outcome.size, mtime=outcome.mtime)
        elif outcome.problem is not None:
            manifest.problems[rel] = {"size": outcome.size, "mtime": outcome.mtime,
                                      "reason": outcome.problem}
            if known:
                self.remove(rel)
        else:
            manifest.problems.pop(rel, None)
            manifest.files[rel] = {"size": outcome.size, "mtime": outcome.mtime, "sha1": outcome.sha1,
                                   **outcome.doc_meta}
            if known:
                self.report.changed += 1
            else:
                self.report.added += 1
            self.entries_done += outcome.doc_meta["entries"]
        self.files_done += 1

    def check_stop(self) -> None:
        """Commit what is written and raise IndexStopped if the index is being stopped."""
        if self.index._stopping.is_set():
            self.commit()
            raise IndexStopped("indexing was stopped")

    def index_here(self, rel: str, stat: tuple[int, int]) -> None:
        """Read, parse and write one file in this process."""
        self.check_stop()
        known = self.manifest.files.get(rel)
        outcome = building.read_file(self.index.archive_dir, rel, *stat, known and known["sha1"])
        if outcome.doc is not None:
            self.delete(rel)
            writer = self.writer()
            for row in entry_fields(outcome.doc):
                writer.add_document(**row)
            self.pending += len(outcome.doc.entries)
        self.record(outcome)
        if self.pending >= (BATCH_ENTRIES if self.searchable else FIRST_BATCH):
            self.commit()
        self._report()

    def index_in_chunks(self, files: list[tuple[str, int, int]]) -> None:
        """Write files as segments in worker processes, adopting each chunk as it is done."""
        work = self.index.root / "work"
        building.clean_work(work)
        work.mkdir(exist_ok=True)
        items = []
        for rel, size, mtime in files:
            known = self.manifest.files.get(rel)
            items.append((rel, size, mtime, known and known["sha1"]))
        chunks = building.plan(items, max(1, building.worker_count(len(items))))
        workers = building.worker_count(len(chunks))
        stopping = self.index._stopping.is_set
        for result in building.run_chunks(self.index.archive_dir, chunks, work, workers, stopping):
            self.commit()
            for outcome in result.outcomes:
                if outcome.doc_meta is not None:
                    self.delete(outcome.rel)  # the older copy, if any
                self.record(outcome)
            self.commit(building.adopt(result, self.ix))
            self._report()
        with contextlib.suppress(OSError):  # not empty: another process's chunks are in it
            work.rmdir()
        self.check_stop()

    def _report(self) -> None:
        if self.progress:
            self.progress(Progress(self.files_done, self.files_total, self.entries_done, self.searchable))
