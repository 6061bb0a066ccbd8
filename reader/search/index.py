"""The Whoosh index on disk: schema, manifest, kill-safe first build, per-file sync, per-thread searchers."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError

from reader import archive
from reader.model import Document, Problem, SearchResult
from reader.search.analysis import ANALYSIS_VERSION, exact_analyzer, stem_analyzer
from reader.search.querying import build_keymap, run

SCHEMA_VERSION = 1 + 100 * ANALYSIS_VERSION
MANIFEST = "reader-manifest.json"
FIRST_BATCH = 500  # entries in the first commit: searchable early
BATCH_ENTRIES = 2_000
WRITER_TIMEOUT = 3.0
# One process. procs=2 with multisegment built twice as fast, but after a kill -9 its orphaned
# workers keep the write lock (inherited file descriptor) and the index stays "busy".
WRITER_OPTIONS: dict = {"limitmb": 128}


# What reading a damaged index raises (programming errors are not among them).
DAMAGE = (OSError, EOFError, struct.error, pickle.UnpicklingError, zlib.error, UnicodeDecodeError,
          whoosh_index.IndexError)


class IndexBusy(Exception):
    """Another process is writing the index."""


class IndexDamaged(Exception):
    """The index on disk cannot be trusted; it will be rebuilt."""


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


def make_schema() -> Schema:
    """Return the index schema: one Whoosh document per entry."""
    stem = stem_analyzer()
    return Schema(
        id=ID(unique=True, stored=True),
        path=ID(stored=True),
        title=TEXT(analyzer=stem),
        doc_title=STORED(),
        headline=TEXT(analyzer=stem, stored=True, field_boost=1.5),
        content=TEXT(analyzer=stem),  # headline, body and captions: the default search field
        body=STORED(),
        captions=STORED(),
        exact=TEXT(analyzer=exact_analyzer(), phrase=False),
        date=KEYWORD(),
        date_sort=ID(stored=True, sortable=True),
        position=NUMERIC(stored=True, sortable=True),
    )


def _date_terms(date: str | None) -> str:
    if not date:
        return ""
    parts = date.split("-")
    return " ".join("-".join(parts[: i + 1]) for i in range(len(parts)))


def entry_fields(doc: Document) -> list[dict]:
    """Return the Whoosh field dicts for every entry of a document."""
    rows = []
    for e in doc.entries:
        captions = e.caption_text
        # the title is indexed once per document (on its first entry); title: queries widen
        # to the document's entries by path, which saves a posting per entry and title word
        title = doc.title if e is doc.entries[0] else ""
        content = "\n".join(filter(None, (e.headline, e.body, captions)))
        rows.append(dict(
            id=e.id, path=doc.path, title=title, doc_title=doc.title, headline=e.headline or "",
            content=content, body=e.body, captions=captions, exact=content,
            date=_date_terms(doc.date), date_sort=doc.date or "", position=e.position,
        ))
    return rows


def _doc_meta(doc: Document) -> dict:
    return {"title": doc.title, "kind": doc.kind, "date": doc.date, "closed": doc.closed,
            "site": doc.site, "entries": len(doc.entries)}


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
        if (name.endswith(".toc") or name.endswith(".seg")) and present[name] != size:
            raise IndexDamaged(f"index file {name} has changed size")


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
        if getattr(local, "keymap_for", None) is not searcher:
            local.keymap = build_keymap(searcher.reader())
            local.keymap_for = searcher
        try:
            result = run(searcher, text, variants, local.keymap, limit, sort, document)
        except RecursionError:
            return SearchResult(text, 0, (), message="The query is too complex; simplify it.")
        except DAMAGE as exc:
            raise IndexDamaged(f"{type(exc).__name__}: {exc}") from exc
        return replace(result, partial=True) if local.directory == self.partial else result

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
            self._sync(ix, target, manifest, report, progress)
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
            return ix.writer(timeout=WRITER_TIMEOUT, **WRITER_OPTIONS)
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
        writer = None
        pending = 0
        entries_done = 0
        searchable = directory == self.final
        batch = min(FIRST_BATCH, BATCH_ENTRIES) if not searchable else BATCH_ENTRIES

        def commit() -> None:
            nonlocal writer, pending, searchable, batch
            if writer is not None:
                writer.commit()
                writer = None
                manifest.write(directory)
                self._generation += 1
                searchable = True
            pending = 0
            batch = BATCH_ENTRIES

        if removed:
            writer = self._writer(ix)
            for rel in removed:
                writer.delete_by_term("path", rel)
                del manifest.files[rel]
            report.removed = len(removed)
        for done, rel in enumerate(todo, 1):
            size, mtime = current[rel]
            known = manifest.files.get(rel)
            try:
                data = archive.read_bytes(self.archive_dir, rel)
                digest = hashlib.sha1(data).hexdigest()
                if known and known["sha1"] == digest:
                    known.update(size=size, mtime=mtime)
                    continue
                doc = archive.parse_bytes(data, rel)
            except archive.ArchiveError as exc:
                manifest.problems[rel] = {"size": size, "mtime": mtime, "reason": str(exc)}
                if known:
                    writer = writer or self._writer(ix)
                    writer.delete_by_term("path", rel)
                    del manifest.files[rel]
                    report.removed += 1
                continue
            manifest.problems.pop(rel, None)
            writer = writer or self._writer(ix)
            writer.delete_by_term("path", rel)
            for row in entry_fields(doc):
                writer.add_document(**row)
            manifest.files[rel] = {"size": size, "mtime": mtime, "sha1": digest, **_doc_meta(doc)}
            if known:
                report.changed += 1
            else:
                report.added += 1
            pending += len(doc.entries)
            entries_done += len(doc.entries)
            if pending >= batch:
                commit()
            if progress:
                progress(Progress(done, len(todo), entries_done, searchable))
        commit()
        if todo and progress:
            progress(Progress(len(todo), len(todo), entries_done, True))
        if todo or removed:
            manifest.write(directory)
        report.entries = sum(f["entries"] for f in manifest.files.values())
        report.problems = [Problem(rel, p["reason"]) for rel, p in sorted(manifest.problems.items())]

