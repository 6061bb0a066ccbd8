"""The reader's own data in SQLite (bookmarks, reading state): WAL, one transaction per change,
versioned schemas, a damaged database kept aside and a new one started."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from reader.model import DocRef

BUSY_TIMEOUT = 5.0
Migration = str | Callable[[sqlite3.Connection], None]


class StoreError(Exception):
    """An operation on the reader's data that cannot be done; the message says why."""


def now() -> str:
    """Return the time now, ISO 8601 in UTC, as the stores keep it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def stored_ref(document: str) -> DocRef:
    """Return the DocRef a document column holds (its token)."""
    try:
        return DocRef.from_token(document)
    except (ValueError, TypeError):  # (not written by this program: taken as a file's name)
        return DocRef(document)


class SqliteStore:
    """One SQLite file of the data dir, shared by every archive (rows name theirs).

    Subclasses give MIGRATIONS (each step takes the schema from version i to i + 1: SQL, or a
    function given the connection inside the step's transaction; never edit a released step),
    WHAT (what the data is called in messages) and ERROR (the exception they raise).
    """

    MIGRATIONS: list[Migration] = []
    WHAT = "data"
    ERROR: type[StoreError] = StoreError

    def __init__(self, path: Path, archive: str):
        self.path = Path(path)
        self.archive = archive
        self.recovered: str | None = None  # set when a damaged database was moved aside
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._open_or_recover()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            yield con
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise self.ERROR(f"the {self.WHAT} are busy (another program is writing them); "
                                 "try again in a moment") from None
            raise
        finally:
            con.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    def _open_or_recover(self) -> None:
        try:
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise self.ERROR(f"the {self.WHAT} are busy; try again in a moment") from None
            aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(self.path) + suffix)
                if src.exists():
                    os.replace(src, Path(str(aside) + suffix))
            self.recovered = (f"The {self.WHAT} database was damaged ({exc}). It was kept as "
                              f"{aside.name} and a new one was started.")
            self._migrate()

    def _migrate(self) -> None:
        with self._connect() as con:
            result = con.execute("PRAGMA quick_check").fetchone()
            if result and result[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {result[0]}")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > len(self.MIGRATIONS):
                raise self.ERROR(f"the {self.WHAT} were written by a newer Liveblog Reader")
            for step in range(version, len(self.MIGRATIONS)):
                # one transaction per step: a failure leaves it open and closing rolls it back
                migration = self.MIGRATIONS[step]
                if callable(migration):
                    con.execute("BEGIN IMMEDIATE")
                    migration(con)
                    con.execute(f"PRAGMA user_version = {step + 1}")
                    con.execute("COMMIT")
                else:
                    con.executescript(f"BEGIN IMMEDIATE; {migration}; "
                                      f"PRAGMA user_version = {step + 1}; COMMIT;")

    def version(self) -> tuple:
        """Return something that changes whenever any program commits a change to this file.

        A commit in WAL mode appends to the -wal file (and a checkpoint rewrites the database):
        their sizes and times are enough to notice one, without opening the database.
        """
        out = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(str(self.path) + suffix)
                out.append((st.st_size, st.st_mtime_ns))
            except OSError:
                out.append(None)
        return tuple(out)
