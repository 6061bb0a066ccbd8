"""`make bench`, catching up: the window opened with a reading state and without; how fast `new` is."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import numpy as np

from reader import defaults
from reader.library import Library
from reader.search import SearchIndex
from reader.seen import SeenStore

GROWN = 20  # files that gain an entry after everything was read
PAIRS = 7  # window starts with and without the reading state, at least


def bench_reading(folder: Path, data: Path, work: Path, runs: int, window) -> dict:
    """Read every document of an indexed archive (data), grow some files, then time: the catch-up
    (a fresh Library: reading state and entry table), `new` (its listing), and the window's start
    with that reading state beside the same start without (`window(data_dir)` runs the probe)."""
    read = work / "data-reading"
    shutil.copytree(data, read)
    lib = Library(folder, read, defaults.variant_files(read))
    table = SearchIndex(lib.root, folder).entry_table()  # (a bench may look inside: it writes the state)
    store = SeenStore(read / "reading.sqlite3", str(folder.resolve()))
    t = time.perf_counter()
    for n, ref in enumerate(table.documents):
        rows = np.flatnonzero(table.owner == n)
        store.mark_opened(ref, list(zip(table.ids(table.owner == n), table.fingerprint[rows].tolist(),
                                        strict=True)))
    write_s = time.perf_counter() - t
    for path in sorted(folder.rglob("*.txt"))[:GROWN]:
        path.write_text(path.read_text(encoding="utf-8") + "\nNieuw bericht na het lezen\n\n"
                        "Een nieuwe alinea over Kiev die eindigt.\n", encoding="utf-8")
    lib.index.update()
    Library(folder, data, defaults.variant_files(data)).index.update()  # (both as up to date)
    catch, listing, found = [], [], 0
    for _ in range(runs):
        fresh = Library(folder, read, defaults.variant_files(read))
        t = time.perf_counter()
        fresh.reading.catch_up()
        catch.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        found = sum(len(hits) for _info, hits, _edited in fresh.reading.new_entries())
        listing.append((time.perf_counter() - t) * 1000)
    with_state, without = [], []
    for _ in range(max(runs, PAIRS)):  # alternated: a start varies by tens of ms from run to run
        with_state.append(window(read))
        without.append(window(data))
    return {"documents": len(table.documents), "entries_known": int(len(table.eid)),
            "state_write_s": write_s, "new_entries": found, "catch_up_ms": statistics.median(catch),
            "new_ms": statistics.median(catch) + statistics.median(listing),
            "window_listed_s": statistics.median(w["seconds"] for w in with_state),
            "window_listed_without_s": statistics.median(w["seconds"] for w in without),
            "window_caught_up_s": statistics.median(w["caught_up_seconds"] for w in with_state),
            "window_caught_up_without_s": statistics.median(w["caught_up_seconds"] for w in without)}
