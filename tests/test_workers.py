"""Index builds in worker processes: chunks written side by side, killed or stopped, the same answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.bench.generate import generate
from reader.library import Library
from reader.model import Filters
from tests import kill_points
from tests.conftest import BUNDLED
from tests.kill_points import children, kill_at, running, wait_for
from tests.test_index import new_library
from tests.webfixtures import long_liveblog, write_captures


def _segments(index_dir: Path) -> set[str]:
    names = {p.name.split(".")[0] for p in index_dir.iterdir() if p.name.startswith("MAIN_")}
    return names - {"MAIN_WRITELOCK"}


def test_chunked_build_in_worker_processes_matches_a_serial_build(tmp_path, monkeypatch):
    from reader.search.indexing import building

    generate(tmp_path / "gen", files=90, entries=50, source=BUNDLED)  # about 2.5 MB: chunks
    chunked = new_library(tmp_path / "gen", tmp_path / "chunked")
    seen = []
    report = chunked.index.update(progress=seen.append)
    assert (report.entries, report.added, report.problems) == (4500, 90, [])
    assert len(_segments(chunked.root / "index")) >= 3  # the first batch and two or more chunks
    assert not (chunked.root / "work").exists()
    assert seen[-1].files_done == 90 and all(p.searchable for p in seen[10:])

    monkeypatch.setattr(building, "CHUNK_MIN_BYTES", 10**9)  # everything written by this process
    serial = new_library(tmp_path / "gen", tmp_path / "serial")
    serial.index.update()
    assert chunked.index.doc_count() == serial.index.doc_count() == 4500
    for query in ("Kiev", "Mariupol", '"Russische troepen"', "oekr*", "date:2022-03", "Marioepl~"):
        a, b = chunked.search(query, limit=10_000), serial.search(query, limit=10_000)
        assert a.total == b.total > 0 and a.variants == b.variants
        assert {h.id for h in a.hits} == {h.id for h in b.hits}
    a, b = chunked.search("leger", 30, sort="date"), serial.search("leger", 30, sort="date")
    assert [(h.date, h.position) for h in a.hits] == [(h.date, h.position) for h in b.hits]
    everything = chunked.search("leger", 10_000, sort="date").hits
    order = [(h.date, -h.position) for h in everything]
    assert order == sorted(order, reverse=True) and len({h.date for h in everything}) > 20
    assert [h.id for h in everything[:30]] == [h.id for h in a.hits]
    assert chunked.documents.infos() == serial.documents.infos()

    # a later sync of one changed file works on the chunked index as on any other
    target = sorted((tmp_path / "gen").rglob("*.txt"))[40]
    target.write_text(target.read_text(encoding="utf-8") + "\nZeppelin\n\nEen zeppelin boven Kiev.\n",
                      encoding="utf-8")
    report = chunked.index.update()
    assert (report.changed, report.entries) == (1, 4501)
    assert chunked.search("zeppelin").total == 1 and chunked.index.doc_count() == 4501
    # totals are counted from posting lists, hits by whoosh's matcher: on many segments with
    # deleted entries the two agree
    for query in ("Kiev", "Kiev leger", "Kiev -leger", "Kiev OR zeppelin", '"Russische troepen"',
                  "oekr*", "date:2022-03 Kiev", "title:Kiev"):
        result = chunked.search(query, limit=10_000, filters=Filters(all_copies=True))
        assert result.total == len(result.hits) > 0, query
        folded = chunked.search(query, limit=10_000)  # one hit per story: each entry once in all
        assert folded.stories == len(folded.hits) <= folded.total == result.total, query
        assert sum(1 + len(h.copies) for h in folded.hits) >= folded.total, query


@pytest.mark.parametrize("point", ["mid-chunk", "adopting"])
def test_killed_chunked_build_leaves_no_workers_and_resumes(tmp_path, point):
    generate(tmp_path / "gen", files=120, entries=50, source=BUNDLED)  # 3.4 MB: worker processes
    data = tmp_path / "data"
    workers = kill_at(point, tmp_path / "gen", data)
    assert len(workers) >= 2
    assert wait_for(lambda: not any(running(w) for w in workers), 20), \
        "worker processes outlived the killed build"
    lib = new_library(tmp_path / "gen", data)
    report = lib.index.update()  # not "busy": no orphan holds a lock
    assert report.entries == lib.index.doc_count() == 120 * 50
    assert not (lib.root / "work").exists() or not any((lib.root / "work").iterdir())


def _workers_of(pid: int) -> set[int]:
    """Worker processes (multiprocessing spawn children) of a process."""
    return {c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def test_stopped_build_ends_its_workers_and_resumes_later(tmp_path):
    from reader.search import IndexStopped

    generate(tmp_path / "gen", files=150, entries=50, source=BUNDLED)  # about 4 MB: several chunks
    lib = new_library(tmp_path / "gen", tmp_path / "data")
    seen = []

    def progress(p):
        seen.append(p)
        if p.files_done > 20:  # a chunk came back from the workers; others are being written
            lib.index.stop()

    with pytest.raises(IndexStopped):
        lib.index.update(progress=progress)
    assert not _workers_of(os.getpid())
    assert not (lib.root / "index").exists() and seen[-1].files_done < 150
    with pytest.raises(IndexStopped):  # a stopped index stays stopped
        lib.index.update()
    again = new_library(tmp_path / "gen", tmp_path / "data")
    report = again.index.update()
    assert report.entries == again.index.doc_count() == 150 * 50


class _PoolThatBreaks:
    """A process pool whose workers die after `lasting` jobs: later submissions are refused
    with BrokenProcessPool, as concurrent.futures refuses them once a worker has died. The
    jobs it takes run at once, here (a pool's answers are whatever its function returns)."""

    lasting = 2

    def __init__(self, *_args, **_kwargs):
        self.taken = 0

    def submit(self, fn, *args):
        import concurrent.futures as cf

        if self.taken >= self.lasting:
            raise cf.process.BrokenProcessPool("a worker died")
        self.taken += 1
        future = cf.Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, *_args, **_kwargs):
        pass


def test_a_job_refused_by_a_broken_pool_is_written_here_not_lost(tmp_path, monkeypatch):
    """(a job taken off the queue was lost when the pool refused it: its files never indexed)"""
    from reader.search.indexing import building, workers

    generate(tmp_path / "gen", files=12, entries=50, source=BUNDLED)
    monkeypatch.setattr(building, "CHUNK_MIN_BYTES", 1_000)
    monkeypatch.setattr(workers.cf, "ProcessPoolExecutor", _PoolThatBreaks)
    files = [(p.relative_to(tmp_path / "gen").as_posix(), p.stat().st_size, 0, None)
             for p in sorted((tmp_path / "gen").rglob("*.txt"))]
    chunks = building.plan(files, 2)
    assert len(chunks) > _PoolThatBreaks.lasting + 1
    results = list(workers.run_chunks(tmp_path / "gen", chunks, tmp_path / "work", 2))
    assert sorted(r.chunk for r in results) == list(range(len(chunks)))
    assert sum(len(r.outcomes or []) for r in results) == len(files)


def test_a_build_killed_between_parts_of_a_web_archive_indexes_it_whole_again(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_captures(folder / "blog.warc.gz", long_liveblog(900))
    data = tmp_path / "data"
    kill_at("between-parts", folder, data)
    lib = Library(folder, data)
    assert lib.index.update().entries == lib.index.doc_count() == 900  # nothing twice, nothing missing
    assert lib.search('"Bericht 0"').total == lib.search('"Bericht 899"').total == 1


def test_when_a_worker_dies_the_parts_left_are_written_here(tmp_path, monkeypatch):
    from reader.search.indexing import building

    folder = tmp_path / "archive"
    folder.mkdir()
    write_captures(folder / "blog.warc.gz", long_liveblog(900))
    monkeypatch.setattr(building, "CHUNK_MIN_BYTES", 1_000)
    monkeypatch.setattr(building, "CHUNK_MAX_BYTES", 40_000)
    monkeypatch.setattr(building, "write_part", kill_points.write_part_or_die)
    lib = Library(folder, tmp_path / "data")
    report = lib.index.update()
    assert report.entries == lib.index.doc_count() == 900 and not report.problems
    assert lib.search('"Bericht 0"').total == lib.search('"Bericht 899"').total == 1
    assert not (lib.root / "work").exists()
