"""Parser versions: what each kind of file reads as is pinned, so a change of output without a
version bump fails here; an upgrade that bumps one reader re-reads those files and only those."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

from reader import archive
from reader.formats import versions
from reader.library import Library
from reader.model import Problem
from tests.conftest import BUNDLED
from tests.webfixtures import write_warc

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
PAGES = Path(__file__).parent / "fixtures" / "pages"
# (read by trafilatura, whose version is part of the page readers' version and which pip may
# install in any version: its output is not pinned here)
BY_LIBRARY = {"plain-article.html"}
# kind -> (its readers' versions, the digest of what its fixtures read as). When a change of a
# reader changes what these files read as, bump that reader in reader/formats/versions.py and
# write the new digest here: the index then re-reads those files after an upgrade.
PINNED = {
    "text": ("text 2, dates 1", "2e8109d3722f4b28"),
    "page": ("page 4, text 2, dates 1", "2db9c0ac10d41268"),
    "news-api": ("news-api 1, page 4, dates 1", "b52dfcc884f11d5d"),
    "web archive": ("web archive 1, page 4, news-api 1, text 2, dates 1", "7a37b55e57b55eb4"),
}


def _files(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    shutil.copytree(FIXTURES, folder)
    shutil.copytree(PAGES, folder / "pages")
    for path in BUNDLED.iterdir():
        shutil.copy(path, folder / path.name)
    write_warc(folder / "crawl.warc.gz")  # (its record ids are random; nothing shown depends on them)
    for name in BY_LIBRARY:
        (folder / name).unlink()
    return folder


def _digest(found: list) -> str:
    shapes = [dataclasses.asdict(item) for item in found]
    return hashlib.sha256(json.dumps(shapes, sort_keys=True, ensure_ascii=True).encode()).hexdigest()[:16]


def test_what_each_kind_of_file_reads_as_is_pinned_to_its_readers_version(tmp_path):
    folder = _files(tmp_path)
    read: dict[str, list] = {kind: [] for kind in PINNED}
    for rel in archive.scan(folder):
        found = archive.read_file(folder, rel)
        read[archive.kind_of(rel)] += [found] if isinstance(found, Problem) else found
    for kind, (readers, digest) in PINNED.items():
        assert versions.of(kind).startswith(readers), f"{kind}: update PINNED with the new version"
        assert read[kind], kind
        assert _digest(read[kind]) == digest, (
            f"what {kind} files read as changed: bump its reader in reader/formats/versions.py "
            f"(then the index re-reads them) and pin the new digest {_digest(read[kind])}")


def test_an_upgrade_of_one_reader_reads_again_its_files_and_no_others(tmp_path, monkeypatch):
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    for name in ("guardian-item.json", "guardian-search.json", "not-guardian.json", "jsonld-liveblog.html"):
        shutil.copy(FIXTURES / name, folder / name)
    lib = Library(folder, tmp_path / "data")
    first = lib.index.update()
    assert first.added == 8 and not lib.index.needs_update()  # (and not-guardian.json skipped)
    monkeypatch.setitem(versions.READERS, "news-api", versions.READERS["news-api"] + 1)
    versions.of.cache_clear()
    try:
        assert lib.index.needs_update()
        again = lib.index.update()
        # the two Guardian responses are read again; the JSON that is none is tried again too
        assert (again.added, again.changed, again.removed) == (0, 2, 0)
        assert [p.path for p in again.problems] == ["not-guardian.json"]
        assert not lib.index.needs_update() and lib.index.update().changed == 0
    finally:
        monkeypatch.undo()
        versions.of.cache_clear()


def test_a_web_archive_kept_parsed_is_parsed_again_when_a_reader_it_uses_changes(tmp_path, monkeypatch):
    """(the kept documents were keyed by the program's version, 0.1.0 through every change)"""
    from reader import parsed

    folder = tmp_path / "archive"
    folder.mkdir()
    write_warc(folder / "crawl.warc")
    lib = Library(folder, tmp_path / "data")
    lib.index.update()
    assert parsed.load(lib.documents.kept, folder / "crawl.warc", "crawl.warc") is not None
    monkeypatch.setitem(versions.READERS, "page", versions.READERS["page"] + 1)  # pages inside it
    versions.of.cache_clear()
    try:
        assert parsed.load(lib.documents.kept, folder / "crawl.warc", "crawl.warc") is None
        assert lib.index.needs_update() and lib.index.update().changed == 1
        assert parsed.load(lib.documents.kept, folder / "crawl.warc", "crawl.warc") is not None
    finally:
        monkeypatch.undo()
        versions.of.cache_clear()
