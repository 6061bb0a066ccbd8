"""What the reader has seen: per archive and document, the entries known and read and what their
text was then; kept in the data dir beside the bookmarks (SQLite: reader/sqlite_store.py).

When the reader first opens a document, what it holds then is noted as known (not read): what
it gains later is new. An entry shown long enough, or a document marked read, is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from reader.model import DocRef
from reader.sqlite_store import Migration, SqliteStore, StoreError, now, stored_ref

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
]
_LAST = ("INSERT INTO last_seen VALUES (?, ?, ?) ON CONFLICT (archive, document) "
         "DO UPDATE SET seen=MAX(seen, excluded.seen)")


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

    def state(self) -> ReadingState:
        """Return everything the reader has seen of this archive (the texts of entries by the
        name of their file are read only when asked: ReadingState.moved)."""
        with self._connect() as con:
            opened = con.execute("SELECT document, name FROM opened WHERE archive=?",
                                 (self.archive,)).fetchall()
            seen = con.execute("SELECT entry_id, text, read FROM seen WHERE archive=?",
                               (self.archive,)).fetchall()
            last = con.execute("SELECT document, seen FROM last_seen WHERE archive=?",
                               (self.archive,)).fetchall()
        count = len(seen)
        try:
            ids = np.fromiter((int(i, 16) for i, _t, _r in seen), dtype=np.int64, count=count)
        except ValueError:  # an id that is not an entry's: it matches none
            ids = np.array([_number(i) for i, _t, _r in seen], dtype=np.int64)
        texts = np.fromiter((t for _i, t, _r in seen), dtype=np.int64, count=count)
        read = np.fromiter((r for _i, _t, r in seen), dtype=bool, count=count)
        order = np.argsort(ids, kind="stable")
        refs: dict[str, DocRef] = {}

        def ref(token: str) -> DocRef:
            if token not in refs:
                refs[token] = stored_ref(token)
            return refs[token]

        return ReadingState(frozenset(ref(d) for d, _n in opened), frozenset(n for _d, n in opened),
                            ids[order], texts[order], read[order], self._moved,
                            {ref(d): w for d, w in last})

    def _moved(self, names: Iterable[str]) -> frozenset[tuple[str, int]]:
        """Return the (name_of, text) of the entries seen in documents of these names (of a file
        that may have been moved)."""
        found: set[tuple[str, int]] = set()
        with self._connect() as con:
            for name in set(names):
                found.update(con.execute("SELECT name, text FROM seen WHERE archive=? AND name=?",
                                         (self.archive, name)).fetchall())
        return frozenset(found)


def _number(entry_id: str) -> int:
    """Return an entry id as the number the index keeps of it, -1 if it is not one."""
    try:
        return int(entry_id, 16) if len(entry_id) == 12 else -1
    except ValueError:
        return -1
