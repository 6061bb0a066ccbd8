"""Bookmarks and the dates the reader set, in the data dir (SQLite: reader/sqlite_store.py)."""

from __future__ import annotations

import json
import sqlite3

from reader.model import Bookmark, DocRef
from reader.sqlite_store import Migration, SqliteStore, StoreError, now, stored_ref


def _documents_as_refs(con: sqlite3.Connection) -> None:
    """Store each document as its DocRef.token() (file and key apart), not as "file#key": a file
    name with "#" in it could not be told from a key (the old text is read as the old code did:
    the file up to the first "#")."""
    for table in ("bookmarks", "dates"):
        for rowid, document in con.execute(f"SELECT rowid, document FROM {table}").fetchall():
            file, _, key = document.partition("#")
            con.execute(f"UPDATE {table} SET document=? WHERE rowid=?", (DocRef(file, key).token(), rowid))


# Each step takes the schema from version i to i + 1 (SQL, or a function given the connection
# inside the step's transaction); never edit a step once released.
MIGRATIONS: list[Migration] = [
    """
    CREATE TABLE bookmarks (
        entry_id TEXT NOT NULL,
        archive  TEXT NOT NULL,
        created  TEXT NOT NULL,
        note     TEXT NOT NULL DEFAULT '',
        tags     TEXT NOT NULL DEFAULT '[]',
        document TEXT NOT NULL,
        title    TEXT NOT NULL,
        headline TEXT,
        text     TEXT NOT NULL,
        date     TEXT,
        PRIMARY KEY (archive, entry_id)
    );
    CREATE INDEX bookmarks_created ON bookmarks (archive, created);
    """,
    """
    CREATE TABLE dates (
        archive  TEXT NOT NULL,
        document TEXT NOT NULL,
        date     TEXT NOT NULL,
        set_at   TEXT NOT NULL,
        PRIMARY KEY (archive, document)
    );
    """,
    _documents_as_refs,
]


class BookmarkError(StoreError):
    """A bookmark operation that cannot be done; the message says why."""


def clean_tags(tags) -> tuple[str, ...]:
    """Return tags stripped, without empties or duplicates, in the given order."""
    out: list[str] = []
    for tag in tags:
        for part in str(tag).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


class BookmarkStore(SqliteStore):
    """Bookmarks of one archive (and the dates the reader set), kept in a SQLite file shared by
    every archive."""

    MIGRATIONS = MIGRATIONS
    WHAT = "bookmarks"
    ERROR = BookmarkError

    # -- reading ---------------------------------------------------------------------

    def _row(self, row) -> Bookmark:
        entry_id, created, note, tags, document, title, headline, text, date, archive = row
        return Bookmark(entry_id, created, note, tuple(json.loads(tags)), stored_ref(document), title,
                        headline, text, date, archive=archive)

    _COLUMNS = "entry_id, created, note, tags, document, title, headline, text, date, archive"

    def get(self, entry_id: str) -> Bookmark | None:
        """Return one bookmark, or None."""
        with self._connect() as con:
            row = con.execute(f"SELECT {self._COLUMNS} FROM bookmarks WHERE archive=? AND entry_id=?",
                              (self.archive, entry_id)).fetchone()
        return self._row(row) if row else None

    def list(self, tag: str | None = None, text: str | None = None, everywhere: bool = False
             ) -> list[Bookmark]:
        """Return bookmarks newest first, optionally only with a tag or containing text.

        everywhere=True: those of every archive, not only this one's.
        """
        with self._connect() as con:
            if everywhere:
                rows = con.execute(f"SELECT {self._COLUMNS} FROM bookmarks ORDER BY created DESC")
            else:
                rows = con.execute(f"SELECT {self._COLUMNS} FROM bookmarks WHERE archive=? "
                                   "ORDER BY created DESC", (self.archive,))
            rows = rows.fetchall()
        marks = [self._row(r) for r in rows]
        if tag:
            marks = [b for b in marks if tag.casefold() in (t.casefold() for t in b.tags)]
        if text:
            needle = text.casefold()
            marks = [b for b in marks if needle in " ".join(
                (b.note, b.title, b.headline or "", b.text, " ".join(b.tags))).casefold()]
        return marks

    def ids(self) -> set[str]:
        """Return the ids of every bookmarked entry."""
        with self._connect() as con:
            rows = con.execute("SELECT entry_id FROM bookmarks WHERE archive=?", (self.archive,))
            return {r[0] for r in rows}

    def counts_by_document(self) -> dict[DocRef, int]:
        """Return how many bookmarks each document has."""
        with self._connect() as con:
            rows = con.execute("SELECT document, COUNT(*) FROM bookmarks WHERE archive=? "
                               "GROUP BY document", (self.archive,))
            return {stored_ref(document): n for document, n in rows.fetchall()}

    def tags(self, everywhere: bool = False) -> list[str]:
        """Return every tag in use (in this archive, or everywhere), sorted."""
        return sorted({t for b in self.list(everywhere=everywhere) for t in b.tags}, key=str.casefold)

    # -- writing ---------------------------------------------------------------------

    def add(self, entry_id: str, ref: DocRef, title: str, headline: str | None, text: str,
            date: str | None = None, note: str | None = None, tags=()) -> Bookmark:
        """Bookmark an entry (or refresh its snapshot); note and tags are added when given."""
        document = ref.token()
        with self._transaction() as con:
            row = con.execute("SELECT note, tags FROM bookmarks WHERE archive=? AND entry_id=?",
                              (self.archive, entry_id)).fetchone()
            if row:
                merged = clean_tags((*json.loads(row[1]), *tags))
                con.execute(
                    "UPDATE bookmarks SET document=?, title=?, headline=?, text=?, date=?, note=?, "
                    "tags=? WHERE archive=? AND entry_id=?",
                    (document, title, headline, text, date, row[0] if note is None else note,
                     json.dumps(merged), self.archive, entry_id))
            else:
                con.execute(
                    "INSERT INTO bookmarks (entry_id, archive, created, note, tags, document, title, "
                    "headline, text, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (entry_id, self.archive, now(), note or "", json.dumps(clean_tags(tags)),
                     document, title, headline, text, date))
        return self.get(entry_id)

    def remove(self, entry_id: str) -> bool:
        """Remove a bookmark; return False if there was none."""
        with self._transaction() as con:
            cur = con.execute("DELETE FROM bookmarks WHERE archive=? AND entry_id=?",
                              (self.archive, entry_id))
            return cur.rowcount > 0

    def update(self, entry_id: str, note: str | None = None, tags=None) -> Bookmark:
        """Change a bookmark's note and/or replace its tags."""
        with self._transaction() as con:
            if con.execute("SELECT 1 FROM bookmarks WHERE archive=? AND entry_id=?",
                           (self.archive, entry_id)).fetchone() is None:
                raise BookmarkError(f"no bookmark for entry {entry_id}")
            if note is not None:
                con.execute("UPDATE bookmarks SET note=? WHERE archive=? AND entry_id=?",
                            (note, self.archive, entry_id))
            if tags is not None:
                con.execute("UPDATE bookmarks SET tags=? WHERE archive=? AND entry_id=?",
                            (json.dumps(clean_tags(tags)), self.archive, entry_id))
        return self.get(entry_id)

    # -- dates the reader set ------------------------------------------------------------

    def set_dates(self) -> dict[DocRef, str]:
        """Return the dates the reader set on this archive's documents."""
        with self._connect() as con:
            rows = con.execute("SELECT document, date FROM dates WHERE archive=?", (self.archive,))
            return {stored_ref(document): date for document, date in rows.fetchall()}

    def set_date(self, ref: DocRef, date: str | None) -> bool:
        """Set a document's date (None: clear it); return False when there was none to clear."""
        document = ref.token()
        with self._transaction() as con:
            if date is None:
                return con.execute("DELETE FROM dates WHERE archive=? AND document=?",
                                   (self.archive, document)).rowcount > 0
            con.execute("INSERT INTO dates (archive, document, date, set_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (archive, document) DO UPDATE SET date=excluded.date, "
                        "set_at=excluded.set_at", (self.archive, document, date, now()))
            return True

