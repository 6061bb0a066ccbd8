"""What the reader has seen: per archive and document, the entries known and read and what their
text was then; kept in the data dir beside the bookmarks (SQLite: reader/sqlite_store.py).

When the reader first opens a document, what it holds then is noted as known (not read): what
it gains later is new. An entry shown long enough, or a document marked read, is read.
"""

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
        read     INTEGER NOT NULL DEFAULT 1,
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
    # entry id -> (its text then, when, read): known since its document was opened, or read
    seen: dict[str, tuple[int, str, bool]] = field(default_factory=dict)
    seen_texts: frozenset[tuple[str, int]] = frozenset()  # (name, text): an entry of a moved file
    last_read: dict[DocRef, str] = field(default_factory=dict)  # when each document was last read


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
                con.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?, ?, ?, 0)",
                                [(self.archive, i, token, name, text, when) for i, text in entries])

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

    def state(self) -> ReadingState:
        """Return everything the reader has seen of this archive."""
        with self._connect() as con:
            opened = con.execute("SELECT document, name FROM opened WHERE archive=?",
                                 (self.archive,)).fetchall()
            seen = con.execute("SELECT entry_id, document, name, text, seen, read FROM seen WHERE archive=?",
                               (self.archive,)).fetchall()
        last: dict[str, str] = {}
        by_id: dict[str, tuple[int, str]] = {}
        texts = set()
        for entry_id, document, name, text, when, read in seen:
            by_id[entry_id] = (text, when, bool(read))
            texts.add((name, text))
            if when > last.get(document, ""):
                last[document] = when
        return ReadingState(frozenset(stored_ref(d) for d, _n in opened), frozenset(n for _d, n in opened),
                            by_id, frozenset(texts), {stored_ref(d): w for d, w in last.items()})
