"""Consolidated postings arrays (tiers): made from runs of segments, they answer as whoosh does
and hold their segments' arrays (whose own files go); a stale tier gives its segments their
files back, a damaged or missing one is passed over, read back from whoosh and made again."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library
from reader.search.arrays import joining, recording, segment_arrays, tiers
from reader.search.arrays.fast import column
from tests.conftest import BUNDLED, whoosh_only
from tests.test_fast import _grow, _queries, _same

QUERIES = ["Kiev", "Marioepol", '"humanitaire corridor"', "leger OR troepen -Kiev", "oekr*",
           "Marioepl~", "headline:Kiev leger", "Kiev date:2022-03"]


def _leaves(lib: Library) -> list[tiers.Leaf]:
    ix = whoosh_index.open_dir(str(lib.root / "index"))
    try:
        with ix.searcher() as searcher:
            return [tiers.Leaf(sub.reader().segment().segment_id(), sub.reader().doc_count_all())
                    for sub, _ in searcher.leaf_searchers()]
    finally:
        ix.close()


def _parts(lib: Library) -> list[tuple[int, int]]:
    """(level, segments) of each part the index's queries read."""
    parts = tiers.cover(lib.root / "index", _leaves(lib))
    shape = [(p.level, len(p.leaves)) for p in parts]
    for part in parts:
        part.arrays.close()
    return shape


def _grown(root: Path, syncs: int) -> Library:
    """A generated archive built, then synced `syncs` times, each sync growing three files
    (a new segment each, and the old entries of those files deleted)."""
    folder = root / "archive"
    generate(folder, files=40, entries=40, source=BUNDLED, seed=7)
    shutil.copytree(BUNDLED, folder / "nos")
    lib = Library(folder, root / "data", defaults.variant_files(root / "data"))
    lib.index.update()
    paths = sorted(folder.rglob("*.txt"))
    for n in range(syncs):
        for path in paths[n * 3:n * 3 + 3]:
            _grow(path, n)
        lib.index.update()
    return lib


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Library:
    return _grown(tmp_path_factory.mktemp("tiers"), 5)


def _compare(lib: Library, queries: list[str]) -> int:
    slow = whoosh_only(lib)
    found = 0
    for query in queries:
        fast, reference = lib.search(query, limit=20), slow.search(query, limit=20)
        _same(fast, reference)
        found += fast.total > 0
    assert lib.index.arrays_in_use()  # (arrays that fail a query leave it to whoosh)
    return found


def test_a_tier_joins_four_segments_and_the_segments_after_it_are_read_on_their_own(grown):
    """Two segments of the build, then a segment a sync: once there are four, they are joined;
    the syncs after it add segments of their own, and deleted entries stay deleted."""
    assert _parts(grown) == [(1, 4), (0, 1), (0, 1), (0, 1)]
    assert grown.index.doc_count() < sum(leaf.doc_count for leaf in _leaves(grown))  # deletions
    assert _compare(grown, _queries(grown.archive_dir, 300)) > 200


def test_a_tier_holds_what_its_segments_hold_and_gives_each_back(grown):
    """A segment's arrays taken out of its tier are those whoosh's segment gives back, array for
    array (its own file is removed once the tier holds them); the tier keeps whoosh's columns."""
    folder = grown.root / "index"
    [tier, *rest] = tiers.cover(folder, _leaves(grown))
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.reader() as reader:
            mine = [leaf for leaf, _ in reader.leaf_readers()][:len(tier.leaves)]
            start = 0
            for leaf, covered in zip(mine, tier.leaves, strict=True):
                assert not (folder / segment_arrays.file_name(covered.segment_id)).exists()
                doc_count, expected = recording.from_reader(leaf)
                taken = joining.extract(tier.arrays, start, doc_count)
                assert set(taken) == set(expected)
                for name, array in expected.items():
                    assert taken[name].dtype == array.dtype and np.array_equal(taken[name], array), name
                start += doc_count
            for name in segment_arrays.COLUMNS:
                assert np.array_equal(tiers.columns(tier)[name],
                                      np.concatenate([column(leaf, name) for leaf in mine])), name
    finally:
        ix.close()
        for part in [tier, *rest]:
            part.arrays.close()


@pytest.mark.parametrize("damage", ["delete", "truncate", "garble_header", "garble_data"])
def test_a_damaged_tier_is_passed_over_and_made_again(tmp_path, damage):
    lib = _grown(tmp_path, 2)
    [path] = (lib.root / "index" / tiers.FOLDER).iterdir()
    expected = {q: lib.search(q, limit=20) for q in QUERIES}
    data = path.read_bytes()
    if damage == "delete":
        path.unlink()
    elif damage == "truncate":
        path.write_bytes(data[:len(data) // 2])
    elif damage == "garble_header":
        path.write_bytes(b"\xff" * 40 + data[40:])
    else:  # the same size, a header that parses: only the checksum finds it
        path.write_bytes(data[:-64] + bytes(64))
    fresh = Library(lib.archive_dir, lib.data_dir, defaults.variant_files(lib.data_dir))
    if damage != "garble_data":  # (its segments have no files of their own): whoosh answers meanwhile
        assert not fresh.index.arrays_in_use() and fresh.index.needs_update()
    for query, answer in expected.items():
        _same(fresh.search(query, limit=20), answer)
    report = fresh.index.update()  # the segments' arrays read back from whoosh, joined again
    assert (report.arrays_repaired, report.tiers_written, report.rebuilt) == (4, 1, None)
    assert _parts(fresh) == [(1, 4)] and path.read_bytes() == data
    fresh = Library(lib.archive_dir, lib.data_dir, defaults.variant_files(lib.data_dir))
    assert fresh.index.arrays_in_use() and not fresh.index.needs_update()
    for query, answer in expected.items():
        _same(fresh.search(query, limit=20), answer)


def test_tiers_of_tiers_and_stale_tiers_removed(tmp_path, monkeypatch):
    """With two parts to a tier: tiers of tiers; when a sync's merge takes a tier's segment
    away, that tier is removed and its other segments answer until they are joined again."""
    monkeypatch.setattr(tiers, "FANOUT", 2)
    lib = _grown(tmp_path, 9)
    shape = _parts(lib)
    assert max(level for level, _ in shape) >= 2
    assert sum(n for _, n in shape) == len(_leaves(lib))
    names = {p.name for p in (lib.root / "index" / tiers.FOLDER).iterdir()}
    assert len(names) == sum(1 for level, _ in shape if level)  # only the tiers in use are kept
    assert _compare(lib, QUERIES + _queries(lib.archive_dir, 60)) > 40


def test_a_tier_whose_segment_a_sync_drops_gives_the_others_their_files_back(tmp_path, monkeypatch):
    """The files grown by the first sync are deleted (and another grown): that sync's segment
    has no live entry and is dropped, so the tier that held it no longer matches; its other
    segments get their own files back (taken out of it), and answer as whoosh does."""
    lib = _grown(tmp_path, 5)
    before = _leaves(lib)
    assert _parts(lib) == [(1, 4), (0, 1), (0, 1), (0, 1)]
    paths = sorted(lib.archive_dir.rglob("*.txt"))
    for path in paths[0:3]:
        path.unlink()
    _grow(paths[30], 9)
    monkeypatch.setattr(tiers, "FANOUT", 8)  # (so that they are not joined again at once)
    assert lib.index.update().arrays_repaired == 0  # (taken out of the tier, not read from whoosh)
    after = _leaves(lib)
    assert before[2] not in after and before[:2] + before[3:] == after[:-1]  # (the sync's own last)
    folder = lib.root / "index"
    assert all((folder / segment_arrays.file_name(leaf.segment_id)).exists() for leaf in after)
    assert not list((folder / tiers.FOLDER).iterdir()) and _parts(lib) == [(0, 1)] * len(after)
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        for leaf, _ in list(reader.leaf_readers())[:3]:
            own = segment_arrays.SegmentArrays(folder / segment_arrays.file_name(leaf.segment().segment_id()))
            _count, expected = recording.from_reader(leaf)
            assert set(own.arrays) == set(expected)
            for name, array in expected.items():
                assert np.array_equal(own.arrays[name], array), name
            own.close()
    ix.close()
    assert _compare(lib, QUERIES + _queries(lib.archive_dir, 100)) > 60
