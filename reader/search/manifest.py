"""The index manifest: what each archive file gave the index, and the size of every index file.

Its records are typed (FileRecord, ProblemRecord, DocumentInfo); JSON is read and written here only.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reader.model import DocRef, DocumentInfo
from reader.search.schema import SCHEMA_VERSION

MANIFEST = "reader-manifest.json"
ARRAYS_SUFFIX = ".arrays"  # the postings arrays beside each segment (arrays/segment_arrays.py)
DERIVED = ("copies.state",)  # derived data beside the index (arrays/copies.py), checked on its own
_INFO_FIELDS = [f.name for f in dataclasses.fields(DocumentInfo) if f.name != "ref"]


class IndexDamaged(Exception):
    """The index on disk cannot be trusted; it has to be rebuilt."""


@dataclass
class FileRecord:
    """What one archive file gave the index, and what it was when it was read."""

    size: int
    mtime: int  # ns
    sha1: str | None
    docs: dict[str, DocumentInfo]  # by key within the file ("" for its only document)
    set_dates: dict[str, str] = field(default_factory=dict)  # dates the reader had set, by key
    notes: list[str] = field(default_factory=list)  # what was left out of a file read in part
    parser: str = ""  # the readers' version it was read with (archive.parser_version)

    def stamp(self) -> tuple[int, int]:
        return self.size, self.mtime


@dataclass
class ProblemRecord:
    """A file that could not be read, and why (read again once it changes)."""

    size: int
    mtime: int
    reason: str
    parser: str = ""  # the readers' version that found it (a newer one may read it)

    def stamp(self) -> tuple[int, int]:
        return self.size, self.mtime


def set_dates_of(set_dates: Mapping[DocRef, str], rel: str) -> dict[str, str]:
    """Return the dates the reader set on the documents of one archive file, by key."""
    return {ref.key: date for ref, date in set_dates.items() if ref.file == rel}


class Manifest:
    """What is in the index: per file its size, mtime, hash and documents; files skipped and why."""

    def __init__(self, data: dict | None = None):
        data = data or {}
        self.schema: int = data.get("schema", SCHEMA_VERSION)
        self.files: dict[str, FileRecord] = {}
        self.problems: dict[str, ProblemRecord] = {}
        self.segments: dict[str, int] = data.get("segments", {})
        if self.schema != SCHEMA_VERSION:
            return  # another version's layout: check() says so, and nothing of it is read
        for rel, f in data.get("files", {}).items():
            docs = {key: DocumentInfo(DocRef(rel, key), **{k: d.get(k) for k in _INFO_FIELDS if k in d})
                    for key, d in f["docs"].items()}
            self.files[rel] = FileRecord(f["size"], f["mtime"], f.get("sha1"), docs, f.get("set_dates", {}),
                                         f.get("notes", []), f.get("parser", ""))
        for rel, p in data.get("problems", {}).items():
            self.problems[rel] = ProblemRecord(p["size"], p["mtime"], p["reason"], p.get("parser", ""))

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """Read the manifest of an index folder; raise IndexDamaged if it is missing or unreadable."""
        try:
            return cls(json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise IndexDamaged("its manifest is missing") from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexDamaged(f"its manifest is unreadable ({type(exc).__name__}: {exc})") from None

    def write(self, directory: Path) -> None:
        """Record the folder's index files and write the manifest atomically."""
        self.segments = index_files(directory)
        files = {rel: {"size": f.size, "mtime": f.mtime, "sha1": f.sha1,
                       "docs": {key: {k: getattr(d, k) for k in _INFO_FIELDS} for key, d in f.docs.items()},
                       "set_dates": f.set_dates, "parser": f.parser,
                       **({"notes": f.notes} if f.notes else {})}
                 for rel, f in self.files.items()}
        problems = {rel: dataclasses.asdict(p) for rel, p in self.problems.items()}
        data = {"schema": self.schema, "files": files, "problems": problems, "segments": self.segments}
        tmp = directory / (MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            # ASCII: a file name that is not UTF-8 (kept as a problem) is written escaped, not refused
            json.dump(data, fh, ensure_ascii=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / MANIFEST)

    def known(self, rel: str) -> FileRecord | ProblemRecord | None:
        """Return what the manifest knows of a file: its record, its problem, or None."""
        return self.files.get(rel) or self.problems.get(rel)

    def documents(self) -> list[DocumentInfo]:
        """Return every document the index holds, by file and key."""
        return sorted((d for f in self.files.values() for d in f.docs.values()), key=lambda d: d.ref)

    def check(self, directory: Path) -> None:
        """Raise IndexDamaged if the schema is another version's or a recorded file is missing or resized."""
        if self.schema != SCHEMA_VERSION:
            raise IndexDamaged("it was written by another version of the program")
        present = index_files(directory)
        for name, size in self.segments.items():
            if name.endswith(ARRAYS_SUFFIX):
                continue  # derived data: checked and rebuilt on their own (segment_arrays)
            if name not in present:
                raise IndexDamaged(f"index file {name} is missing")
            if present[name] != size:  # whoosh never rewrites a segment or TOC file
                raise IndexDamaged(f"index file {name} has changed size")


def index_files(directory: Path) -> dict[str, int]:
    """Return the size of every index file in a folder (not the manifest, lock files or the
    derived files that are no part of whoosh's index).

    A file a concurrent commit deletes while the folder is listed is left out.
    """
    found = {}
    for entry in os.scandir(directory):
        if (entry.name.startswith(MANIFEST) or "LOCK" in entry.name or entry.name in DERIVED
                or entry.name.endswith(".tmp")):
            continue
        try:
            if entry.is_file():
                found[entry.name] = entry.stat().st_size
        except FileNotFoundError:
            continue
    return found
