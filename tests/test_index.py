"""Index lifecycle: first build, sync of added/changed/removed files, damage, busy, kill-safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library
from reader.search import IndexBusy, IndexDamaged
from tests import oracle
from tests.conftest import BUNDLED, LIVEBLOG, LIVEBLOG_DOC
from tests.kill_points import kill_at
from tests.permissions import run_bound_by_permissions

NEW_FILE = "liveblog\nNOS Nieuws\n\nNieuw • Blog\n\nZeppelin boven Zwolle gesignaleerd\n\n" \
    "Boven Zwolle is vanochtend een zeppelin gezien, melden inwoners aan de politie.\n"


def new_library(archive_dir: Path, data_dir: Path) -> Library:
    return Library(archive_dir, data_dir, defaults.variant_files(data_dir))


def test_first_build_counts_and_reports(archive_copy, data_dir):
    files, entries = oracle.file_count(archive_copy), oracle.entry_count(archive_copy)
    lib = new_library(archive_copy, data_dir)
    assert lib.index.needs_update()
    seen = []
    report = lib.index.update(progress=seen.append)
    assert (report.files, report.documents, report.entries, report.added) == (files, files, entries, files)
    assert report.problems == [] and lib.index.doc_count() == entries
    assert seen[-1].files_done == seen[-1].files_total == files and seen[-1].entries_done == entries
    assert not lib.index.needs_update()
    assert (lib.root / "index").exists() and not (lib.root / "index.partial").exists()
    again = lib.index.update()
    assert (again.added, again.changed, again.removed) == (0, 0, 0)


def test_sync_add_change_delete(library, archive_copy):
    (archive_copy / "new.txt").write_text(NEW_FILE, encoding="utf-8")
    assert library.index.needs_update()
    report = library.index.update()
    assert (report.added, report.changed, report.removed) == (1, 0, 0)
    assert library.search("zeppelin").total == 1

    changed = NEW_FILE.replace("zeppelin", "luchtballon").replace("Zeppelin", "Luchtballon")
    (archive_copy / "new.txt").write_text(changed, encoding="utf-8")
    report = library.index.update()
    assert report.changed == 1
    assert library.search("zeppelin").total == 0
    assert library.search("luchtballon").total == 1

    (archive_copy / "new.txt").unlink()
    report = library.index.update()
    assert report.removed == 1
    assert library.search("luchtballon").total == 0
    assert report.entries == library.index.doc_count() == oracle.entry_count(archive_copy)


def test_touch_without_change_reindexes_nothing(library, archive_copy):
    os.utime(archive_copy / LIVEBLOG, None)
    assert library.index.needs_update()
    report = library.index.update()
    assert (report.added, report.changed, report.removed) == (0, 0, 0)
    assert not library.index.needs_update()


def test_no_duplicates_after_repeated_syncs(library, archive_copy):
    path = archive_copy / LIVEBLOG
    text = path.read_text(encoding="utf-8")
    for n in range(3):
        path.write_text(text + f"\nExtra bericht {n}\n\nNog een alinea nummer {n} met tekst.\n",
                        encoding="utf-8")
        library.index.update()
    assert library.search("Frederiksen", limit=50).total == 1
    assert library.search('"alinea nummer"', limit=50).total == 1


def test_bad_files_are_reported_not_indexed(library, archive_copy):
    (archive_copy / "leeg.txt").write_bytes(b"")
    (archive_copy / "foto.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (archive_copy / "link.txt").symlink_to(archive_copy / "nowhere.txt")
    report = library.index.update()
    reasons = {p.path: p.reason for p in report.problems}
    assert set(reasons) == {"leeg.txt", "foto.txt", "link.txt"}
    assert "empty" in reasons["leeg.txt"] and "binary" in reasons["foto.txt"]
    assert "not found" in reasons["link.txt"]
    assert report.entries == oracle.entry_count(BUNDLED)
    assert (report.files, report.documents) == (oracle.file_count(archive_copy), oracle.file_count(BUNDLED))
    assert library.search("Frederiksen").total == 1
    assert not library.index.needs_update()


@pytest.mark.parametrize("rebuild", [False, True])
def test_an_archive_of_only_unreadable_files_gives_an_empty_index(tmp_path, rebuild):
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "foto.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    lib = new_library(tmp_path / "archive", tmp_path / "data")
    report = lib.index.update(rebuild=rebuild)
    assert (report.documents, [p.path for p in report.problems]) == (0, ["foto.txt"])
    assert lib.index.searchable() and lib.search("Kiev").total == 0 and lib.documents.infos() == []


def test_entry_lookup(library):
    hit = library.search("Frederiksen").hits[0]
    doc, entry = library.documents.entry(hit.id)
    assert doc.ref == LIVEBLOG_DOC and entry.headline == hit.headline
    assert library.documents.entry("000000000000") is None


def _segment(index_dir: Path) -> Path:
    """A segment's postings file (segments are kept as separate files, not one compound file)."""
    return next(p for p in index_dir.iterdir() if p.suffix == ".pst")


@pytest.mark.parametrize("damage", ["delete_segment", "truncate_segment", "garbage_toc",
                                    "missing_manifest", "old_schema"])
def test_damaged_index_is_rebuilt(library, damage):
    index_dir = library.root / "index"
    if damage == "delete_segment":
        _segment(index_dir).unlink()
    elif damage == "truncate_segment":
        seg = _segment(index_dir)
        seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])
    elif damage == "garbage_toc":
        toc = next(p for p in index_dir.iterdir() if p.suffix == ".toc")
        toc.write_bytes(b"garbage" * 10)
    elif damage == "missing_manifest":
        (index_dir / "reader-manifest.json").unlink()
    else:
        manifest = index_dir / "reader-manifest.json"
        manifest.write_text(manifest.read_text().replace('"schema": ', '"schema": 1000'))
    fresh = new_library(library.archive_dir, library.data_dir)
    assert fresh.index.needs_update()
    report = fresh.index.update()
    if damage != "missing_manifest":
        assert report.rebuilt and "damaged" in report.rebuilt
    assert report.entries == fresh.index.doc_count() == oracle.entry_count(BUNDLED)
    assert fresh.search("Frederiksen").total == len(oracle.with_any(BUNDLED, "Frederiksen"))


def test_search_on_damaged_index_says_so_and_never_rebuilds(library):
    index_dir = library.root / "index"
    stored = next(index_dir.glob("*._stored.col"))  # every hit is read from it
    stored.write_bytes(b"\x00" * stored.stat().st_size)  # same size, garbage: only reading finds it
    before = {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()}
    fresh = new_library(library.archive_dir, library.data_dir)
    with pytest.raises(IndexDamaged):
        fresh.search("Frederiksen")
    assert {p.name: p.stat().st_mtime_ns for p in index_dir.iterdir()} == before
    assert not (library.root / "index.partial").exists()  # the search path started no rebuild
    report = fresh.index.update(rebuild=True)  # what a front end does about it
    assert report.rebuilt and fresh.search("Frederiksen").total == 1


def test_second_writer_reports_busy(library, archive_copy, monkeypatch):
    from reader.search.indexing import updating

    monkeypatch.setattr(updating, "WRITER_TIMEOUT", 0.2)
    (archive_copy / "new.txt").write_text(NEW_FILE, encoding="utf-8")
    from whoosh import index as whoosh_index

    holder = whoosh_index.open_dir(str(library.root / "index")).writer()
    try:
        with pytest.raises(IndexBusy, match="busy"):
            library.index.update()
    finally:
        holder.cancel()
    assert library.index.update().added == 1


def test_rebuild_keeps_searching_old_index_until_done(library):
    before = library.search("Frederiksen").hits[0].id
    report = library.index.update(rebuild=True)
    assert report.rebuilt == "as asked"
    assert library.search("Frederiksen").hits[0].id == before


def test_early_searches_answer_from_committed_batches(tmp_path, monkeypatch):
    from reader.search.indexing import updating

    monkeypatch.setattr(updating, "BATCH_ENTRIES", 100)
    generate(tmp_path / "gen", files=12, entries=50, source=BUNDLED)
    lib = new_library(tmp_path / "gen", tmp_path / "data")
    partial_answers = []

    def progress(p):
        if p.searchable and p.files_done < p.files_total and not partial_answers:
            partial_answers.append(lib.search("Kiev OR Kyiv", limit=5))

    lib.index.update(progress=progress)
    assert partial_answers and partial_answers[0].partial and partial_answers[0].total > 0
    final = lib.search("Kiev OR Kyiv", limit=5)
    assert not final.partial and final.total > partial_answers[0].total


@pytest.mark.parametrize("point", ["first-batch", "mid-batch", "promotion"])
def test_killed_first_build_leaves_a_usable_index(tmp_path, point):
    generate(tmp_path / "gen", files=24, entries=50, source=BUNDLED)  # 0.7 MB: written in-process
    data = tmp_path / "data"
    kill_at(point, tmp_path / "gen", data)
    lib = new_library(tmp_path / "gen", data)
    assert not (lib.root / "index").exists()  # nothing pretends to be a complete index
    assert lib.index.needs_update()
    report = lib.index.update()
    assert report.entries == lib.index.doc_count() == 24 * 50  # no duplicates from the resumed build
    assert lib.search("date:2022-02", limit=1).total > 0
    assert not lib.index.needs_update()


@pytest.mark.parametrize("point", ["mid-batch", "promotion"])
def test_killed_rebuild_keeps_or_replaces_the_index_whole(library, point):
    kill_at(point, library.archive_dir, library.data_dir, rebuild=True)
    lib = new_library(library.archive_dir, library.data_dir)
    expected = oracle.entry_count(BUNDLED)
    if (lib.root / "index").exists():  # killed before the swap: the old index is still whole
        assert lib.index.doc_count() == expected and lib.search("Frederiksen").total == 1
    report = lib.index.update()
    assert report.entries == lib.index.doc_count() == expected
    assert lib.search("Frederiksen").total == 1


def test_bundled_archive_is_untouched_by_indexing(tmp_path):
    before = {p.name: p.read_bytes() for p in BUNDLED.iterdir()}
    lib = new_library(BUNDLED, tmp_path / "data")
    lib.index.update()
    assert {p.name: p.read_bytes() for p in BUNDLED.iterdir()} == before
    assert not any(p.name.startswith(("index", "reader")) for p in BUNDLED.iterdir())
    shutil.rmtree(tmp_path / "data")


def test_big_and_awkward_files(tmp_path):
    folder = tmp_path / "awkward"
    folder.mkdir()
    paragraph = "Een lange alinea over de oorlog in Oekraïne en de stad Kiev die eindigt. " * 40
    big = "liveblog\nNOS Nieuws\n\nGroot • Blog\n\n" + "".join(
        f"Bericht nummer {n}\n\n{paragraph}\n\n" for n in range(7000))
    (folder / "groot.txt").write_text(big, encoding="utf-8")  # about 20 MB
    (folder / "regel.txt").write_text("Kop\n\n" + "woord " * 350_000 + "einde.\n", encoding="utf-8")
    many = folder / "veel"
    many.mkdir()
    for n in range(1500):
        (many / f"{n:04d}.txt").write_text(f"Kop {n}\n\nTekst over zeppelin nummer {n} die eindigt.\n",
                                           encoding="utf-8")
    lib = new_library(folder, tmp_path / "data")
    report = lib.index.update()
    assert report.files == 1502 and report.problems == []
    assert report.entries == 7000 + 3 + 1500  # the 2.1 MB line: an entry and two that continue it
    assert lib.search('"bericht nummer 6999"').total == 1
    assert lib.search("einde").total == 1
    assert lib.search("zeppelin", limit=5).total == 1500


def test_file_deleted_or_rewritten_during_build(tmp_path):
    generate(tmp_path / "gen", files=10, entries=50, source=BUNDLED)
    files = sorted((tmp_path / "gen").rglob("*.txt"))
    for n, path in enumerate(files):  # files are indexed newest first: these two come last
        os.utime(path, ns=(1_600_000_000_000_000_000 + n, 1_600_000_000_000_000_000 + n))
    gone, rewritten = files[0], files[1]
    lib = new_library(tmp_path / "gen", tmp_path / "data")
    done = []

    def progress(p):
        if not done:
            done.append(p)
            gone.unlink()  # goes away mid-build, before it is read
            rewritten.write_text(NEW_FILE, encoding="utf-8")  # rewritten before it is read
    report = lib.index.update(progress=progress)
    gone_rel = gone.relative_to(tmp_path / "gen").as_posix()
    assert [(p.path, p.reason) for p in report.problems] == [
        (gone_rel, "file not found (deleted, or a broken link)")]
    assert (report.files, report.documents, report.entries) == (10, 9, 8 * 50 + 1)
    assert lib.search("zeppelin").total == 1  # the rewritten text, not the old one
    final = lib.index.update()  # the next sync settles what changed underneath
    assert (final.files, final.documents, final.problems) == (9, 9, [])
    assert final.entries == lib.index.doc_count() == 8 * 50 + 1


def test_unreadable_file_is_reported(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "ok.txt").write_text(NEW_FILE, encoding="utf-8")
    secret = folder / "geheim.txt"
    secret.write_text(NEW_FILE, encoding="utf-8")
    secret.chmod(0)
    code = ("import json, sys; from pathlib import Path; from reader.library import Library\n"
            "r = Library(Path(sys.argv[1]), Path(sys.argv[2])).index.update()\n"
            "print(json.dumps([r.documents, [[p.path, p.reason] for p in r.problems]]))")
    proc = run_bound_by_permissions(code, str(folder), str(tmp_path / "data"))
    assert proc.returncode == 0, proc.stderr
    import json

    assert json.loads(proc.stdout) == [1, [["geheim.txt", "no permission to read it"]]]


HOLD_WRITER = """
import sys, time
from whoosh import index
w = index.open_dir(sys.argv[1]).writer()
print("holding", flush=True)
time.sleep(60)
"""


def test_lock_of_a_killed_writer_is_not_stale(library, archive_copy):
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(library.root / "index")],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert any("LOCK" in p.name for p in (library.root / "index").iterdir())  # the file is left over
    (archive_copy / "new.txt").write_text(NEW_FILE, encoding="utf-8")
    assert library.index.update().added == 1
