"""The one object front ends talk to: an archive, its index, bookmarks and reading state, in a
data-dir layout, as a few surfaces (documents, index, search, reading, bookmarks, export)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from reader import errorlog, parsed
from reader.archive import ArchiveError
from reader.bookmarks import BookmarkError, BookmarkStore
from reader.catchup import CatchUp, News, Reading
from reader.export import ExportItem
from reader.files import WriteError
from reader.library.documents import Documents, Located
from reader.library.keeping import Bookmarks, Export, snapshot_text
from reader.library.reading import NewIn, ReadingRecord
from reader.library.searching import IndexControl, Search
from reader.model import DocumentInfo
from reader.search import (
    IndexBusy,
    IndexDamaged,
    IndexReport,
    IndexStopped,
    Progress,
    SearchCancelled,
    SearchIndex,
    Variants,
    mark,
)
from reader.seen import SeenStore

# what front ends use besides Library: its surfaces and the values and errors they give (front
# ends import nothing below this package; tests/test_layers.py checks it by their imports)
__all__ = ["ArchiveError", "BookmarkError", "Bookmarks", "CatchUp", "DocumentInfo", "Documents",
           "Export", "ExportItem", "IndexBusy", "IndexControl", "IndexDamaged", "IndexReport",
           "IndexStopped", "Library", "Located", "NewIn", "News", "Progress", "Reading",
           "ReadingRecord", "Search", "SearchCancelled", "WriteError", "archive_key", "mark",
           "snapshot_text"]


def archive_key(archive_dir: Path) -> str:
    """Return the data-dir folder name for one archive folder."""
    resolved = str(archive_dir.resolve())
    return hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]


class Library:
    """An archive folder with its index, bookmarks and reading state kept in a data dir.

    data_dir/
      archives/<key>/index/          the Whoosh index and its manifest
      archives/<key>/parsed/         web archives' documents, kept once parsed (reader/parsed.py)
      archives/<key>/archive-path    which archive folder this is
      bookmarks.sqlite3              bookmarks, for every archive
      reading.sqlite3                what the reader has seen, for every archive
      errors.log                     tracebacks of internal errors met reading files

    Front ends use its surfaces: documents, index (build, sync, stop), search (call it to
    search), reading (catching up), bookmarks and export. Searching never repairs the index: a
    search on a damaged index raises IndexDamaged and the front end decides when to rebuild
    (index.update(rebuild=True)). arrays=False answers every query from whoosh alone, the index
    of record (the posting arrays beside it must give the same answers; tests compare them).
    """

    def __init__(self, archive_dir: Path, data_dir: Path, variant_files: Iterable[Path] = (),
                 arrays: bool = True):
        self.archive_dir = Path(archive_dir)
        self.archive_id = str(self.archive_dir.resolve())
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "archives" / archive_key(self.archive_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        errorlog.attach(self.data_dir / errorlog.FILE)  # internal errors met reading files
        (self.root / "archive-path").write_text(self.archive_id, encoding="utf-8")
        index = SearchIndex(self.root, self.archive_dir, arrays)
        self.variants = Variants.load(*variant_files)
        bookmark_store = BookmarkStore(self.data_dir / "bookmarks.sqlite3", self.archive_id)
        seen_store = SeenStore(self.data_dir / "reading.sqlite3", self.archive_id,
                               self.root / "reading-state.npz")
        self._stores = (bookmark_store, seen_store)
        # web archives' documents are kept once parsed, in root/parsed
        self.documents = Documents(self.archive_dir, self.root / parsed.FOLDER, index, bookmark_store)
        self.index = IndexControl(index, self.documents)
        self.reading = ReadingRecord(index, seen_store, self.documents)
        self.search = Search(index, self.variants, self.reading)
        self.bookmarks = Bookmarks(bookmark_store, self.archive_id, index, self.documents)
        self.export = Export(bookmark_store, self.documents)

    def notices(self) -> list[str]:
        """Return what the reader should be told about opening this library (else nothing)."""
        found = list(self.variants.problems)
        found.extend(store.recovered for store in self._stores if store.recovered)
        return found
