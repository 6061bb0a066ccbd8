"""kill -9 at random moments: during a first build, during a sync, during bookmark writes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library
from tests.conftest import BUNDLED

BUILD = """
import sys
from pathlib import Path
from reader.library import Library
Library(Path(sys.argv[1]), Path(sys.argv[2])).update_index()
"""

BOOKMARK = """
import sys
from pathlib import Path
from reader.bookmarks import BookmarkStore
store = BookmarkStore(Path(sys.argv[1]), "/archive")
for n in range(100000):
    store.add(f"id{n}", "d.txt", "Titel", "Kop", "Tekst " * 50, note=f"notitie {n}")
    print(n, flush=True)
"""


def _kill_after(args, delay):
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    time.sleep(delay)  # a random moment to kill at, not a timing assumption
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return out


@pytest.mark.slow
def test_killed_builds_and_syncs_always_recover(tmp_path):
    rng = random.Random(7)
    folder = tmp_path / "gen"
    generate(folder, files=30, entries=50, source=BUNDLED)
    data = tmp_path / "data"
    files = sorted(folder.rglob("*.txt"))
    for round_ in range(12):
        if round_ % 3 == 1:  # change the archive so the next run is a sync, not a build
            target = files[round_]
            target.write_text(target.read_text(encoding="utf-8") +
                              f"\nBericht {round_}\n\nNieuwe alinea nummer {round_} die eindigt.\n",
                              encoding="utf-8")
        _kill_after([BUILD, str(folder), str(data)], rng.uniform(0.05, 2.5))
        lib = Library(folder, data, defaults.variant_files(data))
        report = lib.update_index()
        expected = sum(len(d.entries) for d in lib.load()[0])
        assert report.entries == expected
        assert lib.index.searcher().doc_count() == expected  # no duplicates, nothing missing
        assert lib.search("Kiev OR Kyiv", limit=1).total > 0
        lib.index.close()


@pytest.mark.slow
def test_killed_bookmark_writes_lose_nothing_committed(tmp_path):
    rng = random.Random(3)
    path = tmp_path / "bookmarks.sqlite3"
    for _ in range(6):
        out = _kill_after([BOOKMARK, str(path)], rng.uniform(0.3, 1.5))
        committed = {f"id{line.split()[0]}" for line in out.splitlines() if line.strip()}
        from reader.bookmarks import BookmarkStore

        store = BookmarkStore(path, "/archive")
        assert store.recovered is None
        assert committed <= store.ids()
