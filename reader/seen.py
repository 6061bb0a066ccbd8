"""What the reader has seen: per archive and document, the entries read and what their text was
then; kept in the data dir beside the bookmarks (SQLite: reader/sqlite_store.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
        PRIMARY KEY (archive, entry_id)
    );
    CREATE INDEX seen_by_name ON seen (archive, name, text);
    """,
]


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
    seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # entry id -> (its text, when)
    seen_texts: frozenset[tuple[str, int]] = frozenset()  # (name, text): an entry of a moved file
    last_read: dict[DocRef, str] = field(default_factory=dict)  # when each document was last read


class SeenStore(SqliteStore):
    """The reading state of one archive, in a SQLite file shared by every archive."""

    MIGRATIONS = MIGRATIONS
    WHAT = "reading state"
    ERROR = ReadingError

    def mark_opened(self, ref: DocRef) -> None:
        """Note that the reader opened a document (its later entries count as new)."""
        with self._transaction() as con:
            con.execute("INSERT OR IGNORE INTO opened VALUES (?, ?, ?, ?)",
                        (self.archive, ref.token(), name_of(ref), now()))

    def mark_seen(self, ref: DocRef, entries: Iterable[tuple[str, int]]) -> None:
        """Note entries of a document as seen, with their text now ((id, Entry.fingerprint) pairs),
        in one transaction; the document counts as opened."""
        when, token, name = now(), ref.token(), name_of(ref)
        rows = [(self.archive, entry_id, token, name, text, when) for entry_id, text in entries]
        with self._transaction() as con:
            con.execute("INSERT OR IGNORE INTO opened VALUES (?, ?, ?, ?)", (self.archive, token, name, when))
            con.executemany("INSERT INTO seen VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (archive, entry_id) "
                            "DO UPDATE SET document=excluded.document, name=excluded.name, "
                            "text=excluded.text, seen=excluded.seen", rows)

    def state(self) -> ReadingState:
        """Return everything the reader has seen of this archive."""
        with self._connect() as con:
            opened = con.execute("SELECT document, name FROM opened WHERE archive=?",
                                 (self.archive,)).fetchall()
            seen = con.execute("SELECT entry_id, document, name, text, seen FROM seen WHERE archive=?",
                               (self.archive,)).fetchall()
        last: dict[str, str] = {}
        by_id: dict[str, tuple[int, str]] = {}
        texts = set()
        for entry_id, document, name, text, when in seen:
            by_id[entry_id] = (text, when)
            texts.add((name, text))
            if when > last.get(document, ""):
                last[document] = when
        return ReadingState(frozenset(stored_ref(d) for d, _n in opened), frozenset(n for _d, n in opened),
                            by_id, frozenset(texts), {stored_ref(d): w for d, w in last.items()})
