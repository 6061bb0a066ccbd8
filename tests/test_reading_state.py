"""Catching up: what is new since the reader last read, kept in the data dir, shown by the command
line; on real files: a liveblog that gains entries, a web archive that gains a capture."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader import defaults
from reader.library import Library
from reader.model import DocRef, Filters
from reader.seen import MIGRATIONS, SeenStore
from tests.conftest import BUNDLED, LIVEBLOG, LIVEBLOG_DOC, user_version
from tests.test_cli import run
from tests.webfixtures import BLOG_URL, CAPTURES, write_captures


def _grow(path: Path, headline: str) -> None:
    """Add an entry at the top of a liveblog in the text layout (newest first)."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("liveblog gesloten\n\n", 1)
    path.write_text(f"{head}liveblog gesloten\n\n{headline}\n\nEen nieuwe alinea over {headline.lower()} "
                    f"die lang genoeg is om een alinea te zijn en met een punt eindigt.\n\n{rest}",
                    encoding="utf-8")


def test_a_new_archive_has_nothing_new_and_no_document_is_opened(library):
    caught = library.reading.catch_up()
    assert caught.total == 0 and not any(r.opened for r in caught.documents.values())
    for text in ("is:new", "IS:NEW", "Is:New"):  # the flag in any case, and the answer says why
        result = library.search(text)
        assert (result.total, result.message) == (0, "Nothing is new since you last read."), text


def test_read_part_of_a_liveblog_then_it_grows_then_read_what_it_gained(library, archive_copy):
    """Opening a liveblog makes nothing new (its old entries are known); what it gains is."""
    doc = library.documents.get(LIVEBLOG_DOC)
    library.reading.mark_opened(LIVEBLOG_DOC, doc.entries)
    library.reading.mark_seen(LIVEBLOG_DOC, doc.entries[:10])
    reading = library.reading.catch_up().reading(LIVEBLOG_DOC)
    assert (reading.opened, reading.seen, reading.new, reading.edited) == (True, 10, 0, 0)
    assert reading.last_read is not None and library.search("is:new").total == 0
    _grow(archive_copy / LIVEBLOG, "Nieuw bericht uit Kiev")
    _grow(archive_copy / LIVEBLOG, "Nog een bericht uit Charkov")
    library.index.update()
    [(info, hits, edited)] = library.reading.new_entries()
    assert info.ref == LIVEBLOG_DOC and not edited
    assert [h.headline for h in hits] == ["Nog een bericht uit Charkov", "Nieuw bericht uit Kiev"]
    assert {h.id for h in library.search("is:new", limit=100).hits} == {h.id for h in hits}
    assert [h.headline for h in library.search("Kiev is:new", limit=100).hits] == ["Nieuw bericht uit Kiev"]
    assert library.search("Charkov", filters=Filters(new_only=True)).total == 1
    none_new = library.search("Marioepol is:new")
    assert none_new.message == "None of the entries new since you last read matches."
    other = DocRef("002_147de22630910095.txt")  # never opened: what it holds is not "new"
    other_reading = library.reading.catch_up().reading(other)
    assert other_reading.new == 0 and not other_reading.opened
    library.reading.mark_seen(LIVEBLOG_DOC, library.documents.get(LIVEBLOG_DOC).entries[:1])
    assert [h.headline for h in library.reading.new_entries()[0][1]] == ["Nieuw bericht uit Kiev"]
    library.reading.mark_read(LIVEBLOG_DOC)
    assert library.reading.new_entries() == [] and library.search("is:new").total == 0


def test_a_new_capture_shows_its_new_and_its_edited_update(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_captures(folder / "blog.warc.gz", CAPTURES[:2])
    lib = Library(folder, tmp_path / "data")
    lib.index.update()
    blog = DocRef("blog.warc.gz", BLOG_URL)
    lib.reading.mark_read(blog)
    write_captures(folder / "blog.warc.gz", CAPTURES)  # a third capture: u3 added, u2 edited
    lib.index.update()
    [(info, hits, edited)] = lib.reading.new_entries()
    assert [h.headline for h in hits] == ["Corridor bij Marioepol", "Explosies in Kiev"]
    assert {h.headline for h in hits if h.id in edited} == {"Explosies in Kiev"}
    reading = lib.reading.catch_up().reading(blog)
    assert (reading.new, reading.edited, reading.seen) == (2, 1, 1)
    lib.reading.mark_read(blog)
    assert lib.reading.new_entries() == []


def test_what_was_read_survives_rebuilds_edits_and_a_move_to_another_folder(library, archive_copy):
    library.reading.mark_read(LIVEBLOG_DOC)
    library.index.update(rebuild=True)
    assert library.reading.catch_up().total == 0 and library.reading.catch_up().reading(LIVEBLOG_DOC).opened
    (archive_copy / "verplaatst").mkdir()
    shutil.move(archive_copy / LIVEBLOG, archive_copy / "verplaatst" / LIVEBLOG)
    library.index.update()
    moved = DocRef(f"verplaatst/{LIVEBLOG}")
    reading = library.reading.catch_up().reading(moved)
    assert reading.opened and reading.new == 0 and reading.seen == 38  # (its entry ids changed)
    _grow(archive_copy / "verplaatst" / LIVEBLOG, "Na de verhuizing")
    library.index.update()
    assert [h.headline for h in library.reading.new_entries()[0][1]] == ["Na de verhuizing"]


def test_the_reading_state_is_shared_by_processes(library, data_dir):
    again = Library(library.archive_dir, data_dir, defaults.variant_files(data_dir))
    before = again.reading.version()
    library.reading.mark_seen(LIVEBLOG_DOC, library.documents.get(LIVEBLOG_DOC).entries[:5])
    assert again.reading.version() != before and again.reading.catch_up().reading(LIVEBLOG_DOC).seen == 5


def test_a_damaged_reading_state_is_kept_aside_and_a_new_one_started(archive_copy, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "reading.sqlite3").write_bytes(b"not a database at all " * 100)
    lib = Library(archive_copy, data_dir)
    [notice] = lib.notices()
    assert notice.startswith("The reading state database was damaged")
    assert "kept as reading.sqlite3.damaged-" in notice
    assert len(list(data_dir.glob("reading.sqlite3.damaged-*"))) == 1
    lib.index.update()
    lib.reading.mark_read(LIVEBLOG_DOC)
    assert lib.reading.catch_up().reading(LIVEBLOG_DOC).seen == 38


def test_the_store_is_versioned_and_written_ahead(tmp_path):
    SeenStore(tmp_path / "r.sqlite3", "/archive")
    assert user_version(tmp_path / "r.sqlite3") == 3
    con = sqlite3.connect(tmp_path / "r.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_version_1_reading_state_keeps_what_was_read_and_when(tmp_path):
    """Written by the release before last_seen: upgraded in place, nothing lost."""
    path = tmp_path / "r.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    token = LIVEBLOG_DOC.token()
    con.execute("INSERT INTO opened VALUES ('/archive', ?, 'n', '2022-04-19T08:00:00Z')", (token,))
    con.executemany("INSERT INTO seen VALUES ('/archive', ?, ?, 'n', ?, ?, ?)",
                    [("00000000000a", token, 5, "2022-04-19T08:00:00Z", 0),
                     ("00000000000b", token, 6, "2022-04-19T09:30:00Z", 1)])
    con.commit()
    con.close()
    store = SeenStore(path, "/archive")
    state = store.state()
    assert user_version(path) == 3 and state.entry_ids() == {"00000000000a", "00000000000b"}
    assert state.last_read == {LIVEBLOG_DOC: "2022-04-19T09:30:00Z"} and state.read.tolist() == [False, True]
    store.mark_seen(LIVEBLOG_DOC, [("00000000000c", 7)])
    assert store.state().last_read[LIVEBLOG_DOC] > "2022-04-19T09:30:00Z"


def test_the_command_line_shows_what_is_new_and_marks_read(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    data = tmp_path / "data"

    def cli(*args):
        return run("--archive", str(folder), *args, data_dir=data)

    listed = json.loads(cli("documents", "--json").stdout)
    assert all((d["opened"], d["seen"], d["new"]) == (False, 0, 0) for d in listed)
    assert cli("new").stdout.strip() == "nothing new since you last read"
    assert json.loads(cli("new", "--json").stdout) == []
    assert "marked 000_d2297999e083d57d.txt read (38 entries not read before)" in cli("read", LIVEBLOG).stdout
    _grow(folder / LIVEBLOG, "Een nieuw bericht")
    [found] = json.loads(cli("new", "--json").stdout)
    assert (found["document"], found["file"], found["key"]) == (LIVEBLOG, LIVEBLOG, None)
    assert [(e["headline"], e["edited"]) for e in found["entries"]] == [("Een nieuw bericht", False)]
    blog = next(d for d in json.loads(cli("documents", "--json").stdout) if d["file"] == LIVEBLOG)
    assert (blog["opened"], blog["seen"], blog["new"]) == (True, 38, 1)
    assert json.loads(cli("search", "is:new", "--json").stdout)["total"] == 1
    assert "(1 new)" in cli("documents").stdout
    assert "1 entry not read before" in cli("read", LIVEBLOG).stdout
    assert json.loads(cli("new", "--json").stdout) == []
    refused = run("--archive", str(folder), "read", "nope.txt", data_dir=data, check=False)
    assert refused.returncode == 2 and "no document nope.txt" in refused.stderr


@pytest.mark.parametrize("query, note", [("kiev is:unread", "'is:unread' is not a flag"),
                                         ("kiev -is:new", "'is:new' cannot be left out")])
def test_flags_the_query_language_does_not_know_are_named(bundled_library, query, note):
    result = bundled_library.search(query)
    assert result.total == bundled_library.search("kiev").total and note in result.message


def _same_state(a, b) -> bool:
    return (a.ids.tolist(), a.texts.tolist(), a.read.tolist(), a.opened, a.last_read) == (
        b.ids.tolist(), b.texts.tolist(), b.read.tolist(), b.opened, b.last_read)


def test_a_start_reads_the_entries_seen_from_a_snapshot_while_nothing_changed(tmp_path):
    db, snapshot = tmp_path / "r.sqlite3", tmp_path / "state.npz"
    window = SeenStore(db, "/archive", snapshot)
    window.mark_opened(LIVEBLOG_DOC, [("00000000000a", 5), ("00000000000b", 6)])
    window.mark_seen(LIVEBLOG_DOC, [("00000000000b", 6)])
    first = window.state()
    assert snapshot.exists() and first.entry_ids() == {"00000000000a", "00000000000b"}
    assert _same_state(first, SeenStore(db, "/archive").state())  # as the database has it
    con = sqlite3.connect(db)  # (behind the store's back, no change counted: the snapshot holds)
    con.execute("UPDATE seen SET read = 0")
    con.commit()
    con.close()
    assert SeenStore(db, "/archive", snapshot).state().read.tolist() == [False, True]
    cli = SeenStore(db, "/archive")  # another program marks an entry: the snapshot is old now
    cli.mark_seen(LIVEBLOG_DOC, [("00000000000c", 7)])
    again = window.state()
    assert again.entry_ids() == {"00000000000a", "00000000000b", "00000000000c"}
    assert _same_state(again, cli.state()) and again.read.tolist() == [False, False, True]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other archive"])
def test_a_damaged_or_foreign_snapshot_is_not_used_and_is_written_again(tmp_path, damage):
    db, snapshot = tmp_path / "r.sqlite3", tmp_path / "state.npz"
    store = SeenStore(db, "/archive", snapshot)
    store.mark_seen(LIVEBLOG_DOC, [("00000000000a", 5), ("00000000000b", 6)])
    if damage == "other archive":
        other = SeenStore(db, "/other", tmp_path / "other.npz")
        other.mark_seen(LIVEBLOG_DOC, [("00000000000a", 5), ("00000000000b", 6)])  # generation 1 too
        other.mark_seen(LIVEBLOG_DOC, [("00000000000f", 9)])
        store.mark_seen(LIVEBLOG_DOC, [("00000000000e", 8)])  # both at generation 2
        other.state()
        (tmp_path / "other.npz").replace(snapshot)
    else:
        store.state()
        whole = snapshot.read_bytes()
        snapshot.write_bytes(b"PK\x03\x04 not a zip" if damage == "garbage" else whole[:len(whole) // 2])
    state = store.state()
    assert _same_state(state, SeenStore(db, "/archive").state())
    assert "00000000000f" not in state.entry_ids()
    assert _same_state(SeenStore(db, "/archive", snapshot).state(), state)  # written again, whole


def test_a_database_started_again_does_not_take_the_snapshot_of_the_one_before(tmp_path):
    """A damaged database kept aside (or one deleted to start over) and a new one started: its
    count of changes starts again too, and the old snapshot must not pass for the new state."""
    db, snapshot = tmp_path / "r.sqlite3", tmp_path / "state.npz"
    SeenStore(db, "/archive").mark_seen(LIVEBLOG_DOC, [("00000000000a", 5)])
    SeenStore(db, "/other").mark_seen(LIVEBLOG_DOC, [("00000000000b", 6)])
    store = SeenStore(db, "/archive", snapshot)
    assert store.state().entry_ids() == {"00000000000a"} and snapshot.exists()  # generation 1
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    fresh = SeenStore(db, "/archive", snapshot)
    fresh.mark_seen(LIVEBLOG_DOC, [("00000000000c", 7)])  # generation 1 again, another database
    assert fresh.state().entry_ids() == {"00000000000c"}
