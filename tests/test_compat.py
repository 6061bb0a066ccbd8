"""Each whoosh (and concurrent.futures) internal that reader/search/compat.py relies on, pinned.

If a new version changes one, the test names it; the functions fall back to the documented
(slower) way where there is one, and these tests check that the fast way is still taken.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os

import pytest
from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn

from reader.bench.generate import generate
from reader.library import Library
from reader.search import compat
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def big_index(tmp_path_factory):
    """An index with long posting lists (several blocks) and more than one segment."""
    base = tmp_path_factory.mktemp("compat")
    generate(base / "gen", files=30, entries=50, source=BUNDLED)
    lib = Library(base / "gen", base / "data")
    lib.update_index()
    ix = whoosh_index.open_dir(str(lib.root / "index"))
    yield ix
    ix.close()


def test_numeric_column_is_read_in_one_go(big_index):
    with big_index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            column = reader.column_reader("chron", translate=False)
            for name in ("_dbfile", "_basepos", "_count", "_fixedlen", "_typecode"):
                assert hasattr(column, name), f"whoosh's column reader has no {name} any more"
            assert isinstance(reader.schema["chron"].column_type, NumericColumn)
            documented = [column[d] for d in range(reader.doc_count_all())]
            assert compat.column_values(reader, "chron") == documented


def test_posting_ids_are_read_a_block_at_a_time(big_index):
    with big_index.searcher() as searcher:
        reader = searcher.reader()
        text = max((t for t in reader.lexicon("exact")), key=lambda t: reader.doc_frequency("exact", t))
        for sub, _ in searcher.leaf_searchers():
            matcher = sub.reader().postings("exact", text)
            if sub.reader().doc_frequency("exact", text) > 128:  # more than one block
                for name in ("_read_ids", "_next_block", "_ids", "_i"):
                    assert hasattr(matcher, name), f"whoosh's leaf matcher has no {name} any more"
            assert compat.posting_ids(matcher) == list(sub.reader().postings("exact", text).all_ids())


def test_segments_of_an_index(big_index):
    segments = compat.index_segments(big_index)
    with big_index.searcher() as searcher:
        assert len(segments) == len(list(searcher.leaf_searchers())) > 1
    assert all(s.doc_count_all() > 0 and s.segment_id() for s in segments)


def test_table_of_contents_generation(big_index, tmp_path):
    assert compat.toc_generation(big_index.storage.folder) == big_index.latest_generation() >= 1
    assert compat.toc_generation(tmp_path) == -1 and compat.toc_generation(tmp_path / "none") == -1


def test_worker_processes_of_a_pool():
    pool = cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        assert pool.submit(os.getpid).result() != os.getpid()
        processes = compat.pool_processes(pool)
        assert len(processes) == 1 and processes[0].is_alive()
    finally:
        pool.shutdown()
