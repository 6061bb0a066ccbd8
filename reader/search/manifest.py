"""The index manifest: what each archive file gave the index, and the size of every index file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.search.schema import SCHEMA_VERSION

MANIFEST = "reader-manifest.json"
ARRAYS_SUFFIX = ".arrays"  # the postings arrays beside each segment (segment_arrays.py)


class IndexDamaged(Exception):
    """The index on disk cannot be trusted; it has to be rebuilt."""


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
        """Read the manifest of an index folder; raise IndexDamaged if it is missing or unreadable."""
        try:
            return cls(json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise IndexDamaged("its manifest is missing") from None
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"its manifest is unreadable ({exc})") from None

    def write(self, directory: Path) -> None:
        """Record the folder's index files and write the manifest atomically."""
        self.segments = index_files(directory)
        data = {"schema": self.schema, "files": self.files, "problems": self.problems,
                "segments": self.segments}
        tmp = directory / (MANIFEST + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / MANIFEST)

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
    """Return the size of every index file in a folder (not the manifest, not lock files).

    A file a concurrent commit deletes while the folder is listed is left out.
    """
    found = {}
    for entry in os.scandir(directory):
        if entry.name.startswith(MANIFEST) or "LOCK" in entry.name:
            continue
        try:
            if entry.is_file():
                found[entry.name] = entry.stat().st_size
        except FileNotFoundError:
            continue
    return found
