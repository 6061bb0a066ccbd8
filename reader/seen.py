"""What the reader has seen: per archive and document, the entries known and read and what their
text was then; kept in the data dir beside the bookmarks (SQLite: reader/sqlite_store.py).

When the reader first opens a document, what it holds then is noted as known (not read): what
it gains later is new. An entry shown long enough, or a document marked read, is read.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from reader.model import DocRef
from reader.sqlite_store import Migration, SqliteStore, StoreError, now, stored_ref


def _count_changes(con) -> None:
    """Schema 3: a number every change of an archive's entries adds one to, and a token of this
    database (a new one, or one started after damage, has another); the snapshot of the entries
    read at a start (SeenStore.snapshot) is used only while both are what it was made with."""
    con.execute("CREATE TABLE generation (archive TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL)")
    con.execute("CREATE TABLE instance (token TEXT NOT NULL)")
    con.execute("INSERT INTO instance VALUES (?)", (secrets.token_hex(8),))


MIGRATIONS: list[Migration] = [
    """
    CREATE TABLE opened (
        archive  TEXT NOT NULL,
        document TEXT NOT NULL,
        name     TEXT NOT NULL,
        opened   TEXT NOT NULL,
        PRIMARY KEY (archive, document)
    );
    CREATE TABLE seen (
        archive  TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        document TEXT NOT NULL,
        name     TEXT NOT NULL,
        text     INTEGER NOT NULL,
        seen     TEXT NOT NULL,
        read     INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (archive, entry_id)
    );
    CREATE INDEX seen_by_name ON seen (archive, name, text);
    """,
    # when each document was last read, kept as it changes (worked out at every start, it was
    # half the time of reading the state of 100,000 entries)
    """
    CREATE TABLE last_seen (
        archive  TEXT NOT NULL,
        document TEXT NOT NULL,
        seen     TEXT NOT NULL,
        PRIMARY KEY (archive, document)
    );
    INSERT INTO last_seen SELECT archive, document, MAX(seen) FROM seen GROUP BY archive, document;
    """,
    _count_changes,
]

_LAST = ("INSERT INTO last_seen VALUES (?, ?, ?) ON CONFLICT (archive, document) "
         "DO UPDATE SET seen=MAX(seen, excluded.seen)")
_BUMP = "INSERT INTO generation VALUES (?, 1) ON CONFLICT (archive) DO UPDATE SET n=n + 1"


class ReadingError(StoreError):
    """The reading state cannot be read or written; the message says why."""


def name_of(ref: DocRef) -> str:
    """Return what names a document wherever its file is moved in the archive: the file's name
    (not its folders) and its key."""
    return f"{ref.file.rsplit('/', 1)[-1]}\x1f{ref.key}"


@dataclass(frozen=True)
class ReadingState:
    """What the reader has seen of one archive."""

    opened: frozenset[DocRef] = frozenset()  # documents the reader has opened
    opened_names: frozenset[str] = frozenset()  # and their names (name_of), to follow a move
    # the entries known since their document was opened, or read: their ids (as numbers,
    # ascending), their texts' fingerprints then, and whether they were read
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    texts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    read: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # names -> (name_of, text) of the entries seen in documents of those names (a moved file's)
    moved: Callable[[Iterable[str]], frozenset[tuple[str, int]]] = lambda _names: frozenset()
    last_read: dict[DocRef, str] = field(default_factory=dict)  # when each document was last read

    def entry_ids(self) -> set[str]:
        """Return the ids of the entries known or read."""
        return {f"{int(n):012x}" for n in self.ids}


class SeenStore(SqliteStore):
    """The reading state of one archive, in a SQLite file shared by every archive."""

    MIGRATIONS = MIGRATIONS
    WHAT = "reading state"
    ERROR = ReadingError

    def __init__(self, path: Path, archive: str, snapshot: Path | None = None):
        """snapshot: where the entries seen are kept as arrays between starts (derived from the
        database, used only while no change was made since; None: read the database each time)."""
        self.snapshot = snapshot
        super().__init__(path, archive)

    def mark_opened(self, ref: DocRef, entries: Iterable[tuple[str, int]]) -> None:
        """Note that the reader opened a document holding these entries ((id, fingerprint)
        pairs): the first time, they are noted as known, so that what it gains later is new."""
        when, token, name = now(), ref.token(), name_of(ref)
        with self._transaction() as con:
            first = con.execute("INSERT OR IGNORE INTO opened VALUES (?, ?, ?, ?)",
                                (self.archive, token, name, when)).rowcount
            if first:
                rows = [(self.archive, i, token, name, text, when) for i, text in entries]
                con.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?, ?, ?, 0)", rows)
                if rows:
                    con.execute(_LAST, (self.archive, token, when))
                    con.execute(_BUMP, (self.archive,))

    def mark_seen(self, ref: DocRef, entries: Iterable[tuple[str, int]]) -> None:
        """Note entries of a document as seen, with their text now ((id, Entry.fingerprint) pairs),
        in one transaction; the document counts as opened."""
        when, token, name = now(), ref.token(), name_of(ref)
        rows = [(self.archive, entry_id, token, name, text, when) for entry_id, text in entries]
        with self._transaction() as con:
            con.execute("INSERT OR IGNORE INTO opened VALUES (?, ?, ?, ?)", (self.archive, token, name, when))
            con.executemany("INSERT INTO seen VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (archive, entry_id) "
                            "DO UPDATE SET document=excluded.document, name=excluded.name, "
                            "text=excluded.text, seen=excluded.seen, read=1", rows)
            if rows:
                con.execute(_LAST, (self.archive, token, when))
                con.execute(_BUMP, (self.archive,))

    def state(self) -> ReadingState:
        """Return everything the reader has seen of this archive (the texts of entries by the
        name of their file are read only when asked: ReadingState.moved)."""
        with self._connect() as con:
            con.execute("BEGIN")  # (one snapshot of the database for all of it)
            opened = con.execute("SELECT document, name FROM opened WHERE archive=?",
                                 (self.archive,)).fetchall()
            last = con.execute("SELECT document, seen FROM last_seen WHERE archive=?",
                               (self.archive,)).fetchall()
            row = con.execute("SELECT n FROM generation WHERE archive=?", (self.archive,)).fetchone()
            token = con.execute("SELECT token FROM instance").fetchone()[0]
            generation = (token, row[0] if row else 0)
            kept = self._kept(generation)
            if kept is None:
                seen = con.execute("SELECT entry_id, text, read FROM seen WHERE archive=?",
                                   (self.archive,)).fetchall()
            con.execute("COMMIT")
        if kept is None:
            kept = _arrays(seen)
            self._keep(generation, *kept)
        refs: dict[str, DocRef] = {}

        def ref(token: str) -> DocRef:
            if token not in refs:
                refs[token] = stored_ref(token)
            return refs[token]

        return ReadingState(frozenset(ref(d) for d, _n in opened), frozenset(n for _d, n in opened),
                            *kept, self._moved, {ref(d): w for d, w in last})

    def _kept(self, generation: tuple[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Return the entries' arrays from the snapshot, if it is of this generation (database
        token and count of changes) and whole."""
        if self.snapshot is None:
            return None
        try:
            with open(self.snapshot, "rb") as fh, np.load(fh, allow_pickle=False) as kept:
                ids, texts, read = kept["ids"], kept["texts"], kept["read"]
                whole = (str(kept["archive"]) == self.archive and str(kept["database"]) == generation[0]
                         and int(kept["generation"]) == generation[1]
                         and ids.dtype == texts.dtype == np.int64 and read.dtype == bool
                         and ids.ndim == 1 and len(ids) == len(texts) == len(read)
                         and bool(np.all(ids[1:] >= ids[:-1])))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        return (ids, texts, read) if whole else None

    def _keep(self, generation: tuple[str, int], ids: np.ndarray, texts: np.ndarray, read: np.ndarray
              ) -> None:
        """Write the snapshot (whole or not at all: the next start reads the database)."""
        if self.snapshot is None:
            return
        temp = self.snapshot.with_name(f"{self.snapshot.name}.{os.getpid()}.tmp")
        try:
            with open(temp, "wb") as fh:
                np.savez(fh, ids=ids, texts=texts, read=read, archive=np.array(self.archive),
                         database=np.array(generation[0]), generation=np.array(generation[1], dtype=np.int64))
            os.replace(temp, self.snapshot)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()

    def _moved(self, names: Iterable[str]) -> frozenset[tuple[str, int]]:
        """Return the (name_of, text) of the entries seen in documents of these names (of a file
        that may have been moved)."""
        found: set[tuple[str, int]] = set()
        with self._connect() as con:
            for name in set(names):
                found.update(con.execute("SELECT name, text FROM seen WHERE archive=? AND name=?",
                                         (self.archive, name)).fetchall())
        return frozenset(found)


def _arrays(seen: list[tuple[str, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return rows (entry id, text, read) as arrays of ids (numbers, ascending), texts, read."""
    count = len(seen)
    try:
        ids = np.fromiter((int(i, 16) for i, _t, _r in seen), dtype=np.int64, count=count)
    except ValueError:  # an id that is not an entry's: it matches none
        ids = np.array([_number(i) for i, _t, _r in seen], dtype=np.int64)
    texts = np.fromiter((t for _i, t, _r in seen), dtype=np.int64, count=count)
    read = np.fromiter((r for _i, _t, r in seen), dtype=bool, count=count)
    order = np.argsort(ids, kind="stable")
    return ids[order], texts[order], read[order]


def _number(entry_id: str) -> int:
    """Return an entry id as the number the index keeps of it, -1 if it is not one."""
    try:
        return int(entry_id, 16) if len(entry_id) == 12 else -1
    except ValueError:
        return -1
