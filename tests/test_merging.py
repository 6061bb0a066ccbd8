"""Which segments a commit merges: small ones, a bounded amount, never the whole index."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import MERGE_SMALL

from reader import archive
from reader.bench.generate import generate
from reader.model import DocRef
from reader.search import compat
from reader.search.indexing import merging
from reader.search.indexing.building import Writer
from reader.search.schema import entry_fields, make_schema
from tests.conftest import BUNDLED
from tests.test_index import new_library


def _rows() -> list[dict]:
    doc = archive.read_document(BUNDLED, DocRef("000_d2297999e083d57d.txt"))
    return list(entry_fields(doc))


def _index_of_segments(folder: Path, segments: int, each: int):
    """An index of `segments` segments of `each` entries, each written by a commit of its own."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    rows = _rows()
    for s in range(segments):
        writer = Writer(ix)
        for n in range(each):
            row = rows[n % len(rows)]
            writer.add_document(**{**row, "id": f"{row['id']}-{s}-{n}"})
        writer.commit(merge=False)
    return ix


def _commit_one(ix, mergetype, n: int) -> None:
    row = _rows()[0]
    writer = Writer(ix)
    writer.add_document(**{**row, "id": f"{row['id']}-one-{n}"})
    writer.commit(mergetype=mergetype)


def _segment_ids(ix) -> set[str]:
    return {s.segment_id() for s in compat.index_segments(ix)}


def test_whooshs_own_policy_merges_big_segments_on_a_one_entry_commit(tmp_path):
    """Why we choose what a commit merges: of 20 segments of 60 entries (a build's chunks),
    whoosh's MERGE_SMALL merges 10 on a commit of one entry (the first i > 3 segments, smallest
    first, whose entries number fewer than fib(i + 5) = 610); at 100,000 entries in 20 segments
    the second one-file sync merges them all, 90 seconds."""
    ix = _index_of_segments(tmp_path / "ix", 20, 60)
    before = _segment_ids(ix)
    _commit_one(ix, MERGE_SMALL, 0)
    assert len(before - _segment_ids(ix)) == 10
    ix.close()


def test_a_commit_merges_only_small_segments_once_there_are_many(tmp_path, monkeypatch):
    monkeypatch.setattr(merging, "SMALL", 50)
    ix = _index_of_segments(tmp_path / "ix", 20, 60)
    big = _segment_ids(ix)
    for n in range(merging.MERGE_AT):  # a sync of one entry at a time: a small segment each
        _commit_one(ix, merging.small_segments, n)
        assert _segment_ids(ix) >= big and len(_segment_ids(ix)) == 20 + n + 1
    _commit_one(ix, merging.small_segments, 99)  # the ninth: the eight small ones merged with it
    after = compat.index_segments(ix)
    assert _segment_ids(ix) >= big and len(after) == 21
    assert sorted(s.doc_count_all() for s in after if s.segment_id() not in big) == [9]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 20 * 60 + 9
    ix.close()


def test_a_segment_without_live_entries_is_dropped(tmp_path):
    ix = _index_of_segments(tmp_path / "ix", 3, 5)
    first = sorted(compat.index_segments(ix), key=lambda s: s.segment_id())[0]
    writer = Writer(ix)
    with ix.searcher() as searcher:
        for sub, offset in searcher.leaf_searchers():
            if sub.reader().segment().segment_id() == first.segment_id():
                for d in range(5):
                    writer.delete_document(offset + d)
    writer.commit(mergetype=merging.small_segments)
    assert first.segment_id() not in _segment_ids(ix) and len(_segment_ids(ix)) == 2
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 10
    ix.close()


def test_syncs_of_one_file_at_a_time_keep_the_big_segments_and_few_small_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(merging, "SMALL", 100)
    generate(tmp_path / "gen" / "daily", files=4, entries=150, source=BUNDLED)
    generate(tmp_path / "gen" / "short", files=12, entries=3, source=BUNDLED, seed=2)
    lib = new_library(tmp_path / "gen", tmp_path / "data")
    lib.index.update()
    ix = whoosh_index.open_dir(str(lib.root / "index"))
    big = {s.segment_id() for s in compat.index_segments(ix) if s.doc_count_all() >= merging.SMALL}
    assert big
    total = lib.index.doc_count()
    for n, path in enumerate(sorted((tmp_path / "gen" / "short").rglob("*.txt"))):
        path.write_text(path.read_text(encoding="utf-8") + f"\nZeppelin {n}\n\nEen zeppelin nummer"
                        f" z{n}q boven de stad.\n", encoding="utf-8")
        assert lib.index.update().changed == 1
        total += 1
        segments = compat.index_segments(whoosh_index.open_dir(str(lib.root / "index")))
        assert big <= {s.segment_id() for s in segments}
        assert sum(s.doc_count_all() < merging.SMALL for s in segments) <= merging.MERGE_AT
        assert lib.index.doc_count() == total and lib.search(f"z{n}q").total == 1
    assert lib.search("zeppelin").total == 12
    ix.close()
