"""The postings arrays answer as whoosh does; missing or damaged ones are rebuilt from the index."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from reader import archive, defaults
from reader.bench.generate import generate
from reader.library import Library
from reader.model import DocRef, Filters
from reader.search.arrays import recording, segment_arrays
from tests.conftest import BUNDLED, search_index, whoosh_only


def _grow(path: Path, n: int) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\nBericht {n} over Kiev\n\n"
                    f"Een nieuwe alinea nummer {n} over Marioepol en de humanitaire corridor.\n",
                    encoding="utf-8")


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Library:
    """A generated archive indexed in several commits (merged and not), with deleted entries."""
    root = tmp_path_factory.mktemp("fast")
    folder = root / "archive"
    generate(folder, files=40, entries=40, source=BUNDLED, seed=7)
    shutil.copytree(BUNDLED, folder / "nos")
    lib = Library(folder, root / "data", defaults.variant_files(root / "data"))
    lib.index.update()
    with search_index(lib) as index:
        assert index.copy_groups().grouped  # (entries carried over: folding is compared too)
    paths = sorted(folder.rglob("*.txt"))
    for n in range(5):  # each sync deletes the old entries of a few files: deleted documents stay
        for path in paths[n * 5:n * 5 + 3]:
            _grow(path, n)
        lib.index.update()
    return lib


def _queries(folder: Path, count: int, seed: int = 3) -> list[str]:
    """Queries of every kind the query language has, from the archive's own words."""
    rng = random.Random(seed)
    docs, _ = archive.load(folder)
    texts = [" ".join(filter(None, (e.headline, e.body))) for d in docs for e in d.entries]
    words = sorted({w for t in texts[:400] for w in re.findall(r"[^\W\d_]{4,}", t)})
    names = ["Kiev", "Kyiv", "Mariupol", "Marioepol", "Charkov", "Kharkiv", "Poetin", "Putin",
             "Zelensky", "Zelenski", "Luhansk"]
    out = []
    for _ in range(count):
        kind = rng.randrange(11)
        w = rng.choice(words)
        if kind == 0:
            out.append(w)
        elif kind == 1:
            out.append(f"{w} {rng.choice(words)}")
        elif kind == 2:  # a phrase: words that stand together somewhere
            found = re.findall(r"[^\W\d_]{3,}", rng.choice(texts))
            at = rng.randrange(max(1, len(found) - 3))
            out.append('"' + " ".join(found[at:at + rng.randint(2, 3)]) + '"')
        elif kind == 3:
            out.append(f"{w[:rng.randint(3, 5)]}*")
        elif kind == 4:
            out.append(rng.choice(names))
        elif kind == 5:
            out.append(f"{rng.choice(names)} {w}")
        elif kind == 6:
            out.append(f"{w} OR {rng.choice(words)} -{rng.choice(words)}")
        elif kind == 7:
            out.append(f"headline:{w} {rng.choice(words)}")
        elif kind == 8:
            out.append(f"{w} date:2022-{rng.randint(2, 12):02d}")
        elif kind == 9:
            out.append(f"{w[:-1]}~")
        else:
            out.append(f"({w} OR {rng.choice(names)}) NOT {rng.choice(words)}")
    return out


_WHOOSH_ONLY: dict[Path, Library] = {}


def _slow(lib: Library) -> Library:
    """Return lib as a library answering from whoosh alone (one per index)."""
    if lib.root not in _WHOOSH_ONLY:
        _WHOOSH_ONLY[lib.root] = whoosh_only(lib)
    return _WHOOSH_ONLY[lib.root]


def _answer(lib: Library, query: str, arrays: bool, sort: str = "relevance", filters=None):
    return (lib if arrays else _slow(lib)).search(query, limit=20, sort=sort, filters=filters)


def _same(fast, slow) -> None:
    assert fast.total == slow.total, fast.query
    assert fast.variants == slow.variants, fast.query
    assert fast.message == slow.message and fast.suggestion == slow.suggestion, fast.query
    a = [round(h.score, 9) for h in fast.hits]
    b = [round(h.score, 9) for h in slow.hits]
    assert a == b, fast.query
    if fast.hits:  # the same hits, but for ties at the last place shown
        last = a[-1]
        assert ({h.id for h in fast.hits if round(h.score, 9) > last}
                == {h.id for h in slow.hits if round(h.score, 9) > last}), fast.query


def test_arrays_answer_as_whoosh_does(segmented):
    assert segmented.index.arrays_in_use() and not _slow(segmented).index.arrays_in_use()
    ix = whoosh_index.open_dir(str(segmented.root / "index"))
    with ix.searcher() as searcher:
        segments, deleted = len(searcher.leaf_searchers()), searcher.doc_count_all() - searcher.doc_count()
    ix.close()
    assert segments > 2
    assert deleted > 0
    queries = _queries(segmented.archive_dir, 300)
    found = 0
    for query in queries:
        fast, slow = _answer(segmented, query, True), _answer(segmented, query, False)
        _same(fast, slow)
        found += fast.total > 0
    assert found > 200  # most queries find something: the comparison is not of empty answers
    assert segmented.index.arrays_in_use()  # (arrays that fail a query leave it to whoosh)


BLOG = DocRef("nos/000_d2297999e083d57d.txt")


@pytest.mark.parametrize("sort, filters", [
    ("date", None), ("relevance", Filters(document=BLOG)), ("date", Filters(document=BLOG)),
    ("relevance", Filters("2021-06", "2021-09")), ("date", Filters(after="2021-07-15")),
    ("relevance", Filters(before="2021-08", document=BLOG))])
def test_date_order_one_document_and_date_ranges_as_whoosh(segmented, sort, filters):
    for query in ["Kiev", "Mariupol", '"humanitaire corridor"', "leger OR troepen", "oekr*"]:
        fast = _answer(segmented, query, True, sort, filters)
        slow = _answer(segmented, query, False, sort, filters)
        assert fast.total == slow.total and fast.variants == slow.variants, query
        if sort == "date":
            assert len(fast.hits) == len(slow.hits)
            assert [h.date for h in fast.hits] == [h.date for h in slow.hits], query
        else:
            assert [h.id for h in fast.hits] == [h.id for h in slow.hits], query


def test_marks_of_a_document_as_whoosh(segmented):
    for query in ["Kiev", "Marioepol", '"humanitaire corridor"']:
        slow = _slow(segmented).search.matching_entries(query, BLOG)
        assert segmented.search.matching_entries(query, BLOG) == slow and slow


def test_arrays_read_back_from_a_segment_equal_those_written(segmented):
    folder = segmented.root / "index"
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            own = folder / segment_arrays.file_name(leaf.segment().segment_id())
            if not own.exists():
                continue  # a tier holds them (test_tiers.py takes them back out and compares)
            written = segment_arrays.SegmentArrays(own)
            doc_count, rebuilt = recording.from_reader(leaf)
            assert doc_count == written.doc_count
            assert set(rebuilt) == set(written.arrays)
            for name, array in rebuilt.items():
                assert np.array_equal(array, written.arrays[name]), name
            written.close()
    ix.close()


@pytest.mark.parametrize("damage", ["delete", "truncate", "garble_header", "garble_data"])
def test_missing_or_damaged_arrays_fall_back_to_whoosh_and_are_rebuilt(library, damage):
    folder = library.root / "index"
    target = next(folder.glob("*.arrays"))
    expected = library.search("Marioepol OR Kiev", limit=50)
    data = target.read_bytes()
    if damage == "delete":
        target.unlink()
    elif damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "garble_header":
        target.write_bytes(b"\xff" * 40 + data[40:])
    else:  # same size, a header that parses: only the checksum finds it
        target.write_bytes(data[:-64] + bytes(64))
    fresh = Library(library.archive_dir, library.data_dir, defaults.variant_files(library.data_dir))
    answer = fresh.search("Marioepol OR Kiev", limit=50)
    assert [h.id for h in answer.hits] == [h.id for h in expected.hits]  # whoosh answers meanwhile
    if damage != "garble_data":
        assert not fresh.index.arrays_in_use() and fresh.index.needs_update()
    report = fresh.index.update()
    assert report.arrays_repaired == 1 and not report.rebuilt  # the index itself is kept
    assert fresh.index.arrays_in_use() and not fresh.index.needs_update()
    assert [h.id for h in fresh.search("Marioepol OR Kiev", limit=50).hits] == [h.id for h in expected.hits]


def test_timelines_as_whoosh(segmented):
    for query in ["Kiev", "Mariupol OR leger", '"humanitaire corridor"']:
        for by in (None, "day", "week"):
            slow = _slow(segmented).search.timeline(query, by=by)
            fast = segmented.search.timeline(query, by=by)
            assert fast.timeline == slow.timeline and fast.timeline.total == fast.stories > 0, query
            every = segmented.search.timeline(query, by=by, filters=Filters(all_copies=True))
            assert every.timeline.total == every.total == fast.total >= fast.stories, query


def test_fuzzy_and_prefix_words_from_the_vocabulary_are_whooshs(tmp_path):
    """The arrays' vocabulary lookups (rapidfuzz's optimal string alignment over each segment's
    sorted terms) find the words whoosh's terms_within and expand_prefix find: one and two
    edits, swapped letters, words of two-byte and three-byte characters, a word at the edge of
    the length window."""
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    (folder / "namen.txt").write_text(
        "Namen\n\nКиїв Київ Київа Харків Харкове Маріуполь Μαριούπολη Μαριουπολη Kyjiw Kyiv Kyyiv "
        "Kiyv Kievv Kiev Mariupol Marioepol Mariopol Maripuol Zelenski Zelensky Zelenskyy "
        "Zelenskij ﬁnale 東京 東京都 a ab ba abc.\n", encoding="utf-8")
    lib = Library(folder, tmp_path / "data")
    lib.index.update()
    slow = whoosh_only(lib)
    queries = ["Київ~", "Київ~2", "Харків~", "Маріуполь~2", "Μαριουπολη~", "Kyiv~", "Kyiv~2",
               "Kiev~", "Marioepol~2", "Maripuol~", "Zelensky~", "Zelenskyy~2", "東京~", "ab~",
               "ba~2", "oekrain~", "Oekraïne~2", "Ки*", "Мар*", "Zel*", "kie*", "東*", "a*", "x*"]
    for query in queries:
        fast_result, slow_result = lib.search(query, limit=50), slow.search(query, limit=50)
        assert fast_result.total == slow_result.total, query
        assert [h.id for h in fast_result.hits] == [h.id for h in slow_result.hits], query
        assert fast_result.message == slow_result.message, query
    assert lib.search("Київ~").total > 0 and lib.search("Maripuol~").total > 0  # (swapped letters)
