"""Reading while the index is written: searches from another thread during builds and syncs
never claim damage and never fail (commits merge and delete segments under them)."""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from pathlib import Path

import pytest

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library
from tests.conftest import BUNDLED


def _ask(lib: Library, answers: list, errors: list) -> None:
    """Ask everything a window asks, once."""
    try:
        result = lib.search("Kiev OR leger", limit=5)
        answers.append(result)
        if result.hits:
            lib.documents.entry(result.hits[0].id)
            lib.search.matching_entries("Kiev", result.hits[0].document)
        lib.index.doc_count()
        lib.bookmarks.list()
    except Exception as exc:  # noqa: BLE001 - every failure is the finding
        errors.append(exc)


def _while_searching(lib: Library, work) -> tuple[int, list, list]:
    """Run work(progress) with a searching thread that asks once at every progress point of
    the update, while the update waits: searches at chosen points of every build and sync
    (the thread keeps its searcher between them, as a window's threads do, so each commit
    merges and deletes segments under it). Returns how many were asked, the answers, the errors."""
    asks: queue.Queue = queue.Queue()
    answered = threading.Semaphore(0)
    answers: list = []
    errors: list = []

    def searching() -> None:
        while asks.get():
            _ask(lib, answers, errors)
            answered.release()

    thread = threading.Thread(target=searching)
    thread.start()
    asked = 0

    def progress(_p) -> None:
        nonlocal asked
        asked += 1
        asks.put(True)
        answered.acquire()

    try:
        work(progress)
    finally:
        asks.put(False)
        thread.join()
    return asked, answers, errors


def _grow(paths: list[Path], n: int) -> None:
    for path in paths:
        path.write_text(path.read_text(encoding="utf-8") +
                        f"\nBericht {n}\n\nEen nieuwe alinea nummer {n} over Kiev die eindigt.\n",
                        encoding="utf-8")


@pytest.mark.parametrize("files", [40, 110], ids=["in-process-commits-and-merges", "worker-processes"])
def test_searching_during_builds_and_syncs_never_fails(tmp_path, files):
    folder = tmp_path / "gen"
    generate(folder, files=files, entries=50, source=BUNDLED)
    paths = sorted(folder.rglob("*.txt"))
    for run in range(3):
        lib = Library(folder, tmp_path / f"data-{run}", defaults.variant_files(tmp_path))

        def build_then_sync(progress, lib=lib, run=run):
            lib.index.update(progress=progress)
            for n in range(3):  # syncs: small commits merge segments under the searches
                _grow(paths[(run * 10 + n * 3):(run * 10 + n * 3 + 3)], n)
                lib.index.update(progress=progress)

        asked, answers, errors = _while_searching(lib, build_then_sync)
        assert errors == [], [f"{type(e).__name__}: {e}" for e in errors[:3]]
        assert len(answers) == asked > 10  # a search at every step of every update
        assert not [a.message for a in answers if a.message and "damaged" in a.message]
        final = lib.search("Kiev OR leger", limit=5)
        assert final.total >= max(a.total for a in answers)


def test_a_commit_by_another_process_is_seen_after_the_index_was_long_unchanged(tmp_path):
    """A searcher keeps its listing of the index folder while the folder's mtime has settled;
    a commit by another writer (another process: nothing tells this one) changes that mtime,
    and the next search, minutes later, reopens on the new table of contents."""
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    data = tmp_path / "data"
    reading = Library(folder, data, defaults.variant_files(data))
    reading.index.update()
    index = reading.root / "index"
    hour_ago = time.time() - 3600
    os.utime(index, (hour_ago, hour_ago))
    assert reading.search("Zwijndrecht").total == 0
    assert reading.search("Zwijndrecht").total == 0  # (the settled listing, kept)
    (folder / "nieuw.txt").write_text("Nieuw\n\nEen bericht over Zwijndrecht die eindigt.\n",
                                      encoding="utf-8")
    assert Library(folder, data, defaults.variant_files(data)).index.update().added == 1
    minutes_ago = time.time() - 600  # (asked minutes after that commit: its mtime has settled too)
    os.utime(index, (minutes_ago, minutes_ago))
    assert reading.search("Zwijndrecht").total == 1
