"""Building and syncing the index: the kill-safe first build, per-file sync, batch commits, chunk adoption."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from reader import archive, parsed
from reader.model import DocRef, Problem
from reader.search.arrays import copies, upkeep
from reader.search.indexing import building, merging, workers
from reader.search.manifest import FileRecord, IndexDamaged, Manifest, ProblemRecord, set_dates_of
from reader.search.schema import entry_fields, make_schema

FIRST_BATCH = 500  # entries in the first commit: searchable early
BATCH_ENTRIES = 2_000  # entries per commit when the parent process writes (small syncs)
WRITER_TIMEOUT = 3.0
# Segments stay as separate files: whoosh copies a compound segment's postings into memory
# in every reader it opens (150 MB per searcher at 100,000 entries); separate files are read in place.
WRITER_OPTIONS: dict = {"limitmb": 128, "compound": False}


class IndexBusy(Exception):
    """Another process is writing the index."""


class IndexStopped(Exception):
    """An update was asked to stop (the program is closing); what it committed is kept."""


@dataclass(frozen=True)
class Progress:
    """How far an index build or sync has got."""

    files_done: int
    files_total: int
    entries_done: int
    searchable: bool  # at least one batch is committed and can be searched
    done: float = 0.0  # how much of the work is done (0 to 1): files, and parts of a file cut in parts


@dataclass
class IndexReport:
    """What an index update did."""

    files: int = 0  # archive files looked at
    documents: int = 0  # documents in the index
    entries: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)  # files skipped, with the reason
    partial: list[Problem] = field(default_factory=list)  # files read in part (a damaged record…)
    rebuilt: str | None = None  # why the index was rebuilt, if it was
    arrays_repaired: int = 0  # segments whose postings arrays were missing or damaged and rewritten
    tiers_written: int = 0  # consolidated arrays written (arrays/tiers.py)
    seconds: float = 0.0


ProgressFn = Callable[[Progress], None]


@contextlib.contextmanager
def update_lock(root: Path, timeout: float) -> Iterator[None]:
    """Hold the archive's update lock (one updating process at a time); raise IndexBusy after timeout.

    An flock is released by the kernel when its process dies, so a killed update never leaves
    it held. Worker processes do not take it.
    """
    fd = os.open(root / "update.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy("the index is busy: another Liveblog Reader is updating it") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def open_checked(directory: Path) -> tuple[whoosh_index.Index, Manifest]:
    """Open an index folder for writing after checking it; raise IndexDamaged if it cannot be trusted."""
    manifest = Manifest.read(directory)
    manifest.check(directory)
    try:
        ix = whoosh_index.open_dir(str(directory))
        with ix.searcher() as searcher:
            searcher.doc_count()
    except Exception as exc:  # whoosh raises many kinds on damaged files
        raise IndexDamaged(f"{type(exc).__name__}: {exc}") from None
    return ix, manifest


def update(index, rebuild: bool = False, progress: ProgressFn | None = None,
           set_dates: dict[DocRef, str] | None = None) -> IndexReport:
    """Bring index (a SearchIndex) in line with its archive (and set_dates: the dates the reader
    set, by document path); build it first if needed."""
    started = time.perf_counter()
    with index.write_lock, update_lock(index.root, WRITER_TIMEOUT):
        report = IndexReport()
        ix = manifest = None
        target = index.final
        if rebuild:
            report.rebuilt = "as asked"
            parsed.forget_all(index.root / parsed.FOLDER)
        elif index.final.exists():
            try:
                ix, manifest = open_checked(index.final)
            except IndexDamaged as exc:
                report.rebuilt = f"it was damaged: {exc}"
        if ix is None and not rebuild and index.partial.exists():
            try:
                ix, manifest = open_checked(index.partial)  # resume a build that was cut off
                target = index.partial
            except IndexDamaged:
                ix = None
        if ix is None:
            target = index.partial
            shutil.rmtree(index.partial, ignore_errors=True)
            index.partial.mkdir(parents=True)
            ix = whoosh_index.create_in(str(index.partial), make_schema())
            manifest = Manifest()
            manifest.write(index.partial)
        try:
            _sync(index, ix, target, manifest, report, progress, set_dates or {})
            report.arrays_repaired, report.tiers_written = upkeep.refresh_index(ix, target)
            if report.arrays_repaired:
                manifest.write(target)
            if report.arrays_repaired or report.tiers_written:
                index.changed()
            copies.refresh(ix, target)  # (else the first search after it would)
        finally:
            ix.close()
        if target == index.partial:
            promote(index)
    report.seconds = time.perf_counter() - started
    return report


def promote(index) -> None:
    """Make the finished build in index.partial/ the index (the old one is removed)."""
    old = index.root / "index.old"
    shutil.rmtree(old, ignore_errors=True)
    if index.final.exists():
        os.replace(index.final, old)
    os.replace(index.partial, index.final)
    index.changed()
    shutil.rmtree(old, ignore_errors=True)


def _sync(index, ix, directory: Path, manifest: Manifest, report: IndexReport,
          progress: ProgressFn | None, set_dates: dict[DocRef, str]) -> None:
    current = {}
    for rel in archive.scan(index.archive_dir):
        try:
            st = os.stat(index.archive_dir / rel)
            current[rel] = (st.st_size, st.st_mtime_ns)
        except OSError:
            current[rel] = (-1, -1)  # broken link or vanished: read it to report why
    removed = [rel for rel in manifest.files if rel not in current]
    for rel in [r for r in manifest.problems if r not in current]:
        del manifest.problems[rel]
    todo, redate = [], set()
    for rel, stat in current.items():
        known = manifest.known(rel)
        if known is None or known.stamp() != stat:
            todo.append(rel)
        elif known.parser != archive.parser_version(rel):  # read by readers that changed since
            todo.append(rel)
            redate.add(rel)  # (parsed again, whatever its hash)
        elif rel in manifest.files and manifest.files[rel].set_dates != set_dates_of(set_dates, rel):
            todo.append(rel)  # a date the reader set or cleared: parsed again, whatever its hash
            redate.add(rel)
    todo.sort(key=lambda r: current[r][1], reverse=True)  # newest first
    report.files = len(current)
    sync = _Sync(index, ix, directory, manifest, report, progress, len(todo), set_dates, redate)
    for rel in removed:
        sync.remove(rel)
    # the parent writes the first files itself, so the newest are searchable at once;
    # the rest go to worker processes in chunks when there is enough of it
    # (not a web archive of many entries: that is cut into parts that workers write together)
    rest = todo
    if not sync.searchable:
        first = [r for r in todo if not building.may_split(r, current[r][0])]
        while first and sync.entries_done < FIRST_BATCH:
            sync.index_here(first[0], current[first[0]])
            first = first[1:]
        rest = first + [r for r in todo if building.may_split(r, current[r][0])]
        sync.commit()
    if (sum(max(current[r][0], 0) for r in rest) >= 2 * building.CHUNK_MIN_BYTES
            or any(building.may_split(r, current[r][0]) for r in rest)):
        sync.index_in_chunks([(r, *current[r]) for r in rest])
    else:
        for rel in rest:
            sync.index_here(rel, current[rel])
    sync.commit()
    if todo and progress:
        progress(Progress(len(todo), len(todo), sync.entries_done, True, 1.0))
    if todo or removed:
        manifest.write(directory)
    summarize(manifest, report)


def summarize(manifest: Manifest, report: IndexReport) -> IndexReport:
    """Fill in what the index holds by the manifest: documents, entries, files skipped and why."""
    report.documents = sum(len(f.docs) for f in manifest.files.values())
    report.entries = sum(d.entries for f in manifest.files.values() for d in f.docs.values())
    report.problems = [Problem(rel, p.reason) for rel, p in sorted(manifest.problems.items())]
    report.partial = [Problem(rel, notes_text(f.notes, rel), skipped=False)
                      for rel, f in sorted(manifest.files.items()) if f.notes]
    return report


def notes_text(notes: list[str], rel: str) -> str:
    """Return what was left out of a file read in part, in one line (the first few things)."""
    shown = "; ".join(notes[:3])
    more = f"; and {len(notes) - 3} more (liveblog-reader parse {rel})" if len(notes) > 3 else ""
    return f"{shown}{more}"


class _Sync:
    """One update's writing state: the open writer, batch commits, manifest and report bookkeeping."""

    def __init__(self, index, ix, directory: Path, manifest: Manifest,
                 report: IndexReport, progress: ProgressFn | None, files_total: int,
                 set_dates: dict[DocRef, str], redate: set[str]):
        self.index, self.ix, self.directory = index, ix, directory
        self.manifest, self.report, self.progress = manifest, report, progress
        self.set_dates, self.redate = set_dates, redate
        self.files_total = files_total
        self.files_done = self.entries_done = self.pending = 0
        self.cut: dict[int, tuple[int, int, int]] = {}  # chunk in parts: (parts in, parts, files)
        self.kept = index.root / parsed.FOLDER  # web archives' parsed documents (reader/parsed.py)
        self._writer = self._searcher = None
        self.searchable = directory == index.final

    def writer(self):
        if self._writer is None:
            try:
                self._writer = building.Writer(self.ix, timeout=WRITER_TIMEOUT, **WRITER_OPTIONS)
            except LockError:
                raise IndexBusy("the index is busy: another Liveblog Reader is updating it") from None
            self._searcher = None
        return self._writer

    def delete(self, rel: str) -> None:
        """Delete a file's entries (one searcher per writer: whoosh would open one per call)."""
        writer = self.writer()
        if self._searcher is None:
            self._searcher = writer.searcher()
        writer.delete_by_term("file", rel, searcher=self._searcher)

    def commit(self, adopted: list | None = None) -> None:
        """Commit what is pending (and segments written elsewhere); the index can be searched."""
        if self._writer is None and adopted:
            self.writer()
        if self._writer is not None:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            # whoosh's documented hook for choosing the segments of the new TOC
            self._writer.commit(mergetype=merging.with_adopted(adopted or []))
            self._writer = None
            self.manifest.write(self.directory)
            self.index.changed()
            self.searchable = True
        self.pending = 0

    def remove(self, rel: str) -> None:
        self.delete(rel)
        parsed.forget(self.kept, rel)
        if rel in self.manifest.files:
            del self.manifest.files[rel]
            self.report.removed += 1

    def record(self, outcome: building.FileOutcome, counted: bool = False) -> None:
        """Note in the manifest and report what indexing one file did (its entries are written;
        counted: already counted in entries_done)."""
        manifest, rel = self.manifest, outcome.rel
        known = manifest.files.get(rel)
        if outcome.unchanged:
            known.size, known.mtime = outcome.size, outcome.mtime
        elif outcome.problem is not None:
            manifest.problems[rel] = ProblemRecord(outcome.size, outcome.mtime, outcome.problem,
                                                   archive.parser_version(rel))
            if known:
                self.remove(rel)
        else:
            manifest.problems.pop(rel, None)
            manifest.files[rel] = FileRecord(outcome.size, outcome.mtime, outcome.sha1, outcome.metas,
                                             set_dates_of(self.set_dates, rel), outcome.notes,
                                             archive.parser_version(rel))
            if known:
                self.report.changed += 1
            else:
                self.report.added += 1
            if not counted:
                self.entries_done += sum(m.entries for m in outcome.metas.values())
        self.files_done += 1

    def check_stop(self) -> None:
        """Commit what is written and raise IndexStopped if the index is being stopped."""
        if self.index.stopping():
            self.commit()
            raise IndexStopped("indexing was stopped")

    def index_here(self, rel: str, stat: tuple[int, int]) -> None:
        """Read, parse and write one file in this process."""
        self.check_stop()
        outcome = building.read_file(self.index.archive_dir, rel, *stat, self.known_sha1(rel),
                                     self.set_dates, self.kept)
        if outcome.docs is not None:
            self.delete(rel)
            writer = self.writer()
            for doc in outcome.docs:
                for row in entry_fields(doc):
                    writer.add_document(**row)
                self.pending += len(doc.entries)
        self.record(outcome)
        if self.pending >= (BATCH_ENTRIES if self.searchable else FIRST_BATCH):
            self.commit()
        self._report()

    def index_in_chunks(self, files: list[tuple[str, int, int]]) -> None:
        """Write files as segments in worker processes, adopting each segment as it is done.

        A chunk cut into parts (a web archive's many entries) is searchable part by part; its
        files are recorded as indexed with its last part, so a build stopped or killed between
        parts indexes them again (their entries are deleted by file first).
        """
        work = self.index.root / "work"
        workers.clean_work(work)
        work.mkdir(exist_ok=True)
        items = [(rel, size, mtime, self.known_sha1(rel)) for rel, size, mtime in files]
        chunks = building.plan(items, max(1, workers.worker_count(len(items))), self.set_dates,
                               self.kept, max(1, workers.worker_count(workers.MAX_WORKERS)))
        cut = sum(any(building.may_split(f[0], f[1]) for f in c.files) for c in chunks)
        processes = workers.worker_count(len(chunks) + cut)
        owed: dict[int, list[building.FileOutcome]] = {}
        replaced: list[str] = []  # files whose older copies go with the next segment adopted
        for result in workers.run_chunks(self.index.archive_dir, chunks, work, processes,
                                         self.index.stopping):
            self.commit()
            if result.outcomes is not None:  # a chunk's first result
                owed[result.chunk] = result.outcomes
                replaced += [o.rel for o in result.outcomes if o.metas is not None]
                if not result.last:
                    self.cut[result.chunk] = (0, result.parts, len(result.outcomes))
            if result.chunk in self.cut:
                seen, parts, files = self.cut[result.chunk]
                self.cut[result.chunk] = (seen + 1, parts, files)
            if result.folder is not None or result.last:
                for rel in replaced:
                    self.delete(rel)
                replaced = []
            self.entries_done += result.entries
            if result.last:
                self.cut.pop(result.chunk, None)
                for outcome in owed.pop(result.chunk):
                    self.record(outcome, counted=True)
            self.commit(building.adopt(result, self.ix))
            self._report()
        with contextlib.suppress(OSError):  # not empty: another process's chunks are in it
            work.rmdir()
        self.check_stop()

    def known_sha1(self, rel: str) -> str | None:
        """Return the hash a file had when indexed (None to parse it whatever: its dates changed)."""
        known = self.manifest.files.get(rel)
        return known.sha1 if known and rel not in self.redate else None

    def _report(self) -> None:
        if self.progress:
            parts = sum(files * seen / total for seen, total, files in self.cut.values())
            done = (self.files_done + parts) / self.files_total if self.files_total else 1.0
            self.progress(Progress(self.files_done, self.files_total, self.entries_done, self.searchable,
                                   min(1.0, done)))
