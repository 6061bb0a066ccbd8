"""Consolidated postings arrays (tiers): made from runs of segments, they answer as whoosh does;
stale, damaged or missing ones are passed over and made again."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from reader import defaults
from reader.bench.generate import generate
from reader.library import Library
from reader.search.arrays import segment_arrays, tiers
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


def test_a_tier_holds_what_its_segments_hold(grown):
    folder = grown.root / "index"
    parts = tiers.cover(folder, _leaves(grown))
    tier, rest = parts[0], parts[1:]
    try:
        segments = [segment_arrays.SegmentArrays(folder / segment_arrays.file_name(leaf.segment_id))
                    for leaf in tier.leaves]
        offsets = np.cumsum([0] + [s.doc_count for s in segments])
        for field in segment_arrays.FIELDS:
            words = {s.word(field, r) for s in segments for r in range(s.rows(field))}
            assert tier.arrays.rows(field) == len(words)
            for word in sorted(words)[::7]:
                row = tier.arrays.term(field, word)
                docs, weights = tier.arrays.postings(field, row)
                expected = [(s.postings(field, s.term(field, word)), o)
                            for s, o in zip(segments, offsets, strict=False) if s.term(field, word) >= 0]
                assert docs.tolist() == [int(d) + o for (d, _), o in expected for d in d]
                assert weights.tolist() == [w for (_, ws), _ in expected for w in ws.tolist()]
                if field in segment_arrays.POSITIONAL:
                    got = tier.arrays.positions(field, row)
                    want = [s.positions(field, s.term(field, word)) for s in segments
                            if s.term(field, word) >= 0]
                    assert got[1].tolist() == [p for _, ps in want for p in ps.tolist()], word
        for name in ("copies.bands", "copies.sketch"):
            assert np.array_equal(tier.arrays.arrays[name],
                                  np.concatenate([s.arrays[name] for s in segments]))
        for s in segments:
            s.close()
        ix = whoosh_index.open_dir(str(folder))
        with ix.reader() as reader:  # the numeric columns (date order, day, key event) are whoosh's
            mine = [leaf for leaf, _ in reader.leaf_readers()][:len(tier.leaves)]
            for name in segment_arrays.COLUMNS:
                assert np.array_equal(tiers.columns(tier)[name],
                                      np.concatenate([column(leaf, name) for leaf in mine])), name
        ix.close()
    finally:
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
    if damage != "garble_data":  # the segments' own arrays answer meanwhile
        assert fresh.index.arrays_in_use() and _parts(fresh) == [(0, 1)] * 4
        for query, answer in expected.items():
            _same(fresh.search(query, limit=20), answer)
    report = fresh.index.update()
    assert report.tiers_written == 1 and not report.rebuilt
    assert _parts(fresh) == [(1, 4)] and path.read_bytes() == data
    fresh = Library(lib.archive_dir, lib.data_dir, defaults.variant_files(lib.data_dir))
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
