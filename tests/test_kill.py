"""kill -9 at chosen points of builds, syncs and writes of the reader's data: nothing is lost."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from reader import defaults
from reader.bench.generate import generate
from reader.bookmarks import BookmarkStore
from reader.library import Library
from reader.seen import SeenStore
from tests import oracle
from tests.conftest import BUNDLED
from tests.kill_points import ROOT, kill_at
from tests.test_fast import _grow as _grow_entry
from tests.test_tiers import QUERIES, _compare, _grown, _leaves, _parts

IN_PROCESS = ["first-batch", "mid-batch", "promotion"]
WORKERS = ["mid-chunk", "adopting", "promotion"]


def _grow(path, n: int) -> None:
    path.write_text(path.read_text(encoding="utf-8") +
                    f"\nBericht {n}\n\nNieuwe alinea nummer {n} over Kiev die eindigt.\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("files, points", [(24, IN_PROCESS), (120, WORKERS)],
                         ids=["in-process", "worker-processes"])
def test_killed_builds_and_syncs_always_recover(tmp_path, files, points):
    folder = tmp_path / "gen"
    generate(folder, files=files, entries=50, source=BUNDLED)
    paths = sorted(folder.rglob("*.txt"))
    data = tmp_path / "data"
    for round_, point in enumerate(points * 3):
        lib = Library(folder, data, defaults.variant_files(data))
        built = lib.index.searchable()
        sync = built and point == "mid-batch"  # a sync of changed files, cut off mid-batch
        if sync:
            for n in range(3):
                _grow(paths[(round_ * 7 + n) % len(paths)], round_)
        kill_at(point, folder, data, rebuild=built and not sync)  # else a first build or a rebuild
        lib = Library(folder, data, defaults.variant_files(data))
        report = lib.index.update()
        expected = oracle.entry_count(folder)
        assert report.entries == lib.index.doc_count() == expected  # no duplicates, nothing missing
        assert lib.search("Kiev OR Kyiv", limit=1).total > 0


WRITER = """
import contextlib, sys, time
from pathlib import Path
from reader.bookmarks import BookmarkStore
from reader.model import DocRef
from reader.seen import SeenStore
kind, stop_at, inside = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "inside"
Store = BookmarkStore if kind == "bookmarks" else SeenStore
store = Store(Path(sys.argv[1]), "/archive")
transaction = Store._transaction

@contextlib.contextmanager
def pausing(self):
    with transaction(self) as con:
        yield con
        if inside and n == stop_at:  # written, not committed
            print("in transaction", flush=True)
            time.sleep(3600)

Store._transaction = pausing
for n in range(stop_at + 1):
    if kind == "bookmarks":
        store.add(f"{n:012x}", DocRef("d.txt"), "Titel", "Kop", "Tekst " * 50, note=f"notitie {n}")
    else:  # an entry seen, as the window marks them: one transaction each
        store.mark_seen(DocRef(f"blog{n % 3}.txt"), [(f"{n:012x}", n)])
    print(n, flush=True)
time.sleep(3600)
"""


def _ids(path: Path, kind: str):
    store = BookmarkStore(path, "/archive") if kind == "bookmarks" else SeenStore(path, "/archive")
    return store, (store.ids() if kind == "bookmarks" else store.state().entry_ids())


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["bookmarks", "reading state"])
@pytest.mark.parametrize("inside", [False, True], ids=["between-writes", "inside-a-write"])
def test_killed_writes_of_the_readers_data_lose_nothing_committed(tmp_path, kind, inside):
    path = tmp_path / "store.sqlite3"
    written: set[str] = set()
    for round_, stop_at in enumerate((3, 40, 7, 120)):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), kind, str(stop_at),
                                 "inside" if inside else "after"], stdout=subprocess.PIPE, text=True,
                                cwd=ROOT)
        lines = []
        while (line := proc.stdout.readline()) and line.strip() not in ("in transaction", str(stop_at)):
            lines.append(line.strip())
        assert line, f"the writer ended before it was killed (exit {proc.wait()})"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        committed = {f"{int(n):012x}" for n in lines} | ({f"{stop_at:012x}"} if not inside else set())
        written |= committed
        store, ids = _ids(path, kind)
        assert store.recovered is None, round_
        assert written <= ids
        if inside:  # the write that was cut off is not half there: it is not there at all
            assert f"{stop_at:012x}" not in ids or f"{stop_at:012x}" in written


@pytest.mark.slow
@pytest.mark.parametrize("point", ["tier-joined", "tier-sources-removed", "tier-restoring"])
def test_killed_in_tier_upkeep_every_segment_keeps_its_arrays(tmp_path, point):
    """A sync killed while it joins segments' arrays into a tier (written, its sources there; one
    source removed) or while a stale tier gives its segments their own files back: the next
    update reads nothing back from whoosh (each segment's arrays were in a tier or its own file
    all along), keeps them in one place, and the arrays answer as whoosh does."""
    lib = _grown(tmp_path, 1 if point != "tier-restoring" else 5)
    paths = sorted(lib.archive_dir.rglob("*.txt"))
    if point == "tier-restoring":  # the first sync's segment is dropped: its tier goes stale
        assert _parts(lib) == [(1, 4), (0, 1), (0, 1), (0, 1)]
        for path in paths[0:3]:
            path.unlink()
    for path in paths[30:33]:  # (a sync's segment: the fourth, or after the stale tier's)
        _grow_entry(path, 9)
    kill_at(point, lib.archive_dir, tmp_path / "data")
    lib = Library(lib.archive_dir, tmp_path / "data", defaults.variant_files(tmp_path / "data"))
    report = lib.index.update()
    assert report.arrays_repaired == 0
    assert report.entries == lib.index.doc_count() == oracle.entry_count(lib.archive_dir)
    shape = _parts(lib)
    assert shape[0] == (1, 4) and sum(n for _, n in shape) == len(_leaves(lib))
    folder = lib.root / "index"
    own = {p.name for p in folder.glob("*.arrays")}
    assert len(own) == sum(1 for level, _ in shape if not level)  # a tier's segments: no own file
    assert len(list((folder / "tiers").iterdir())) == sum(1 for level, _ in shape if level)
    assert _compare(lib, QUERIES) > 4
