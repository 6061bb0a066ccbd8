"""Bookmarks: the store, their survival across rebuilds and restarts, and damaged databases."""

from __future__ import annotations

import sqlite3

import pytest

from reader import defaults
from reader.bookmarks import BookmarkError, BookmarkStore
from reader.library import Library
from reader.model import DocRef
from tests.conftest import LIVEBLOG, LIVEBLOG_DOC, user_version


def reopen(library: Library) -> Library:
    return Library(library.archive_dir, library.data_dir, defaults.variant_files(library.data_dir))


def entry_id(library, text):
    return library.search(text).hits[0].id


def test_add_note_tag_remove(library):
    eid = entry_id(library, "Frederiksen")
    mark = library.bookmarks.add(eid, note="gas", tags=["energie", "denemarken"])
    assert (mark.note, mark.tags) == ("gas", ("energie", "denemarken"))
    assert mark.headline == "Denemarken verhoogt gasproductie in Noordzee tijdelijk"
    assert "Frederiksen" in mark.text and mark.created.endswith("Z")
    library.bookmarks.annotate(eid, note="gas uit de Noordzee")
    library.bookmarks.add(eid, tags=["noordzee"])  # adding tags to an existing bookmark
    mark = library.bookmarks.get(eid)
    assert mark.note == "gas uit de Noordzee" and mark.tags == ("energie", "denemarken", "noordzee")
    assert [b.entry_id for b in library.bookmarks.list(tag="Energie")] == [eid]
    assert library.bookmarks.list(tag="nope") == []
    assert [b.entry_id for b in library.bookmarks.list(text="noordzee")] == [eid]
    assert library.bookmarks.counts() == {LIVEBLOG_DOC: 1}
    assert library.bookmarks.tags() == ["denemarken", "energie", "noordzee"]
    assert library.bookmarks.remove(eid) is True
    assert library.bookmarks.remove(eid) is False
    assert library.bookmarks.list() == []


def test_annotating_an_unmarked_entry_bookmarks_it(library):
    eid = entry_id(library, "Guterres")
    mark = library.bookmarks.annotate(eid, note="pauze", tags=["vn"])
    assert (mark.entry_id, mark.note, mark.tags) == (eid, "pauze", ("vn",))
    assert [b.entry_id for b in library.bookmarks.list()] == [eid]


def test_newest_first(library):
    ids = [entry_id(library, q) for q in ("Frederiksen", "Guterres", "Psaki")]
    for eid in ids:
        library.bookmarks.add(eid)
    assert [b.entry_id for b in library.bookmarks.list()] == ids[::-1]


def test_unknown_entry_is_refused(library):
    with pytest.raises(BookmarkError, match="no entry"):
        library.bookmarks.add("000000000000")


def test_bookmarks_survive_rebuild_and_restart(library):
    eid = entry_id(library, "Frederiksen")
    library.bookmarks.add(eid, note="n", tags=["t"])
    library.index.update(rebuild=True)
    again = reopen(library)
    marks = again.bookmarks.list()
    assert [(b.entry_id, b.note, b.tags, b.in_archive) for b in marks] == [(eid, "n", ("t",), True)]
    assert again.documents.entry(eid)[1].headline == marks[0].headline


def test_bookmark_survives_new_entries_in_the_file(library, archive_copy):
    eid = entry_id(library, "Frederiksen")
    library.bookmarks.add(eid)
    path = archive_copy / LIVEBLOG
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("liveblog gesloten\n\n", 1)
    path.write_text(head + "liveblog gesloten\n\nNieuw bericht\n\nEen nieuwe alinea die eindigt.\n\n"
                    + rest, encoding="utf-8")
    library.index.update()
    assert library.bookmarks.list()[0].in_archive is True
    assert library.documents.entry(eid) is not None


def test_removed_entry_keeps_its_bookmark_and_text(library, archive_copy):
    eid = entry_id(library, "Frederiksen")
    library.bookmarks.add(eid, note="bewaren")
    path = archive_copy / LIVEBLOG
    text = path.read_text(encoding="utf-8")
    start = text.index("Denemarken verhoogt gasproductie")
    end = text.index("Nederland en België willen")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    library.index.update()
    marks = reopen(library).bookmarks.list()
    assert len(marks) == 1 and marks[0].in_archive is False
    assert "Frederiksen" in marks[0].text and marks[0].note == "bewaren"
    items = library.export.bookmark_items(marks)
    assert "Frederiksen" in items[0].paragraphs[0] and not items[0].in_archive


def test_schema_is_versioned_and_wal(tmp_path):
    BookmarkStore(tmp_path / "b.sqlite3", "/archive")
    # 1: bookmarks, 2: the dates a reader sets, 3: documents as refs
    assert user_version(tmp_path / "b.sqlite3") == 3
    con = sqlite3.connect(tmp_path / "b.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_damaged_database_is_set_aside(tmp_path):
    path = tmp_path / "bookmarks.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = BookmarkStore(path, "/archive")
    assert store.recovered and "kept as bookmarks.sqlite3.damaged-" in store.recovered
    aside = list(tmp_path.glob("bookmarks.sqlite3.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    store.add("abc", DocRef("d.txt"), "Titel", "Kop", "Tekst")
    assert [b.entry_id for b in store.list()] == ["abc"]


def test_bookmarks_are_per_archive(tmp_path):
    a = BookmarkStore(tmp_path / "b.sqlite3", "/one")
    b = BookmarkStore(tmp_path / "b.sqlite3", "/two")
    a.add("x", DocRef("d.txt"), "T", "H", "text")
    assert [m.entry_id for m in a.list()] == ["x"] and b.list() == []


def test_a_version_1_database_is_migrated_and_keeps_its_bookmarks(tmp_path):
    from reader.bookmarks import MIGRATIONS

    path = tmp_path / "b.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    con.execute("INSERT INTO bookmarks (entry_id, archive, created, note, tags, document, title, headline, "
                "text) VALUES ('e1', '/archive', '2022-01-01T00:00:00Z', 'n', '[]', 'd.txt', 'T', 'H', 'x')")
    con.commit()
    con.close()
    store = BookmarkStore(path, "/archive")
    assert user_version(path) == 3 and [b.entry_id for b in store.list()] == ["e1"]
    assert store.list()[0].document == DocRef("d.txt")
    assert store.set_date(DocRef("d.txt"), "2022-04") and store.set_dates() == {DocRef("d.txt"): "2022-04"}
    assert store.set_date(DocRef("d.txt"), None) and not store.set_date(DocRef("d.txt"), None)


def test_a_version_2_database_keeps_its_documents_as_refs(tmp_path):
    """(version 2 named a document "file#key", which a file name with "#" in it broke)"""
    from reader.bookmarks import MIGRATIONS

    path = tmp_path / "b.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(f"{MIGRATIONS[0]}; {MIGRATIONS[1]}; PRAGMA user_version = 2;")
    con.execute("INSERT INTO bookmarks (entry_id, archive, created, note, tags, document, title, headline, "
                "text) VALUES ('e1', '/archive', '2022-01-01T00:00:00Z', 'n', '[]', "
                "'crawl.warc#https://x.invalid/live', 'T', 'H', 'x')")
    con.execute("INSERT INTO dates VALUES ('/archive', 'notes.txt', '2022-04', '2022-05-01T00:00:00Z')")
    con.commit()
    con.close()
    store = BookmarkStore(path, "/archive")
    assert store.list()[0].document == DocRef("crawl.warc", "https://x.invalid/live")
    assert store.set_dates() == {DocRef("notes.txt"): "2022-04"}
    assert store.counts_by_document() == {DocRef("crawl.warc", "https://x.invalid/live"): 1}
    store.add("e2", DocRef("live #2.txt"), "T", "H", "x")
    assert store.get("e2").document == DocRef("live #2.txt")
