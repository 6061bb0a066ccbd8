"""Shared fixtures: the bundled archive, copies of it, and a data dir per test."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import defaults
from reader.library import Library
from reader.model import DocRef
from reader.search import SearchIndex
from tests import properties  # noqa: F401 - registers and loads the Hypothesis profiles

BUNDLED = defaults.BUNDLED_ARCHIVE
LIVEBLOG = "000_d2297999e083d57d.txt"  # the bundled liveblog's file
LIVEBLOG_DOC = DocRef(LIVEBLOG)  # and its document


@pytest.fixture
def archive_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled archive."""
    target = tmp_path / "archive"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def library(archive_copy: Path, data_dir: Path) -> Library:
    """A library over a copy of the bundled archive, indexed."""
    lib = Library(archive_copy, data_dir, defaults.variant_files(data_dir))
    lib.index.update()
    return lib


@pytest.fixture(scope="session")
def bundled_library(tmp_path_factory) -> Library:
    """A library over the bundled archive itself (read-only use), indexed once per session."""
    lib = Library(BUNDLED, tmp_path_factory.mktemp("data"),
                  defaults.variant_files(Path("/nonexistent")))
    lib.index.update()
    return lib


def whoosh_only(lib: Library) -> Library:
    """Return the same archive and data dir as a library answering from whoosh alone (the index
    of record), to compare the postings arrays' answers with."""
    return Library(lib.archive_dir, lib.data_dir, defaults.variant_files(lib.data_dir), arrays=False)


@contextlib.contextmanager
def search_index(lib: Library) -> Iterator[SearchIndex]:
    """Open a library's index as reader/search has it (what only the index knows: copy groups,
    its folder), closed after."""
    index = SearchIndex(lib.root, lib.archive_dir)
    try:
        yield index
    finally:
        index.close()


def user_version(database: Path) -> int:
    """Return a SQLite file's schema version (PRAGMA user_version, which the stores' migrations set)."""
    con = sqlite3.connect(database)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()
