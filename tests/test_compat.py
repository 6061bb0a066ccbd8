"""Each whoosh, warcio and concurrent.futures internal we rely on (reader/search/compat/,
reader/formats/warc_compat.py), pinned.

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

from reader import archive
from reader.bench.generate import generate
from reader.library import Library
from reader.model import DocRef
from reader.search import compat
from tests.conftest import BUNDLED


@pytest.fixture(scope="module")
def big_index(tmp_path_factory):
    """An index with long posting lists (several blocks) and more than one segment."""
    base = tmp_path_factory.mktemp("compat")
    generate(base / "gen", files=30, entries=50, source=BUNDLED)
    lib = Library(base / "gen", base / "data")
    lib.index.update()
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


def _tiny_index(folder, writer_class):
    from reader.search.schema import make_schema

    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    writer = writer_class(ix)
    return ix, writer


def _rows(n: int) -> list[dict]:
    from reader.search.schema import entry_fields

    doc = archive.read_document(BUNDLED, DocRef("000_d2297999e083d57d.txt"))
    return [dict(row, id=f"{row['id']}-{i}") for i in range(n) for row in entry_fields(doc)][:n * 10]


def _postings(ix) -> set[tuple]:
    with ix.reader() as reader:
        return {(f, t, d, w) for f in ("content", "headline", "exact", "doc", "date")
                for t in reader.lexicon(f)
                for d, w in reader.postings(f, t).items_as("weight")}


def test_a_segment_writer_hands_its_postings_through_a_tee(tmp_path):
    from whoosh.writing import SegmentWriter

    assert hasattr(SegmentWriter, "_flush_segment"), "building.Writer overrides it"
    ix, writer = _tiny_index(tmp_path / "ix", SegmentWriter)
    seen: list[tuple] = []

    def tee(postings):
        for item in postings:
            seen.append(item)
            yield item

    compat.record_postings(writer, tee)
    for row in _rows(3):
        writer.add_document(**row)
    writer.commit()
    assert seen == sorted(seen)  # by field, term, document
    kept = {(f, t, d, w) for f, t, d, w, _v in seen if f in ("content", "headline", "exact", "doc", "date")}
    assert kept == _postings(ix)
    ix.close()


def test_the_lean_pool_spills_and_loses_nothing(tmp_path):
    from whoosh.writing import SegmentWriter

    plain, w1 = _tiny_index(tmp_path / "plain", SegmentWriter)
    lean, w2 = _tiny_index(tmp_path / "lean", SegmentWriter)
    compat.lean_pool(w2, limit_items=500)
    for row in _rows(3):
        w1.add_document(**row)
        w2.add_document(**row)
    assert w2.pool.runs, "the lean pool spilled sorted runs to disk"
    w1.commit()
    w2.commit()
    assert _postings(plain) == _postings(lean)
    plain.close()
    lean.close()


def test_the_one_byte_field_length_table():
    import numpy as np
    from whoosh.util.numeric import byte_to_length, length_to_byte

    from reader.search.arrays.segment_arrays import length_bytes

    table = compat.length_table()
    assert len(table) == 256 and table == [byte_to_length(b) for b in range(256)]
    lengths = np.array([0, 1, 2, 7, 50, 51, 999, 106373, 106374, 200_000])
    assert length_bytes(lengths).tolist() == [length_to_byte(int(n)) for n in lengths]


def test_all_postings_include_those_of_deleted_documents(tmp_path):
    from whoosh.writing import SegmentWriter

    ix, writer = _tiny_index(tmp_path / "ix", SegmentWriter)
    rows = _rows(2)
    for row in rows:
        writer.add_document(**row)
    writer.commit()
    writer = ix.writer()
    writer.delete_by_term("id", rows[0]["id"])
    writer.commit(merge=False)
    with ix.reader() as leaf:  # one segment: a segment reader
        term = next(t for t in leaf.lexicon("doc"))
        filtered = list(leaf.postings("doc", term).all_ids())
        everything = list(compat.all_postings(leaf, "doc", term).all_ids())
        assert len(everything) == leaf.doc_frequency("doc", term) == len(filtered) + 1
        assert everything[0] == 0 and 0 not in filtered
    ix.close()


def test_stored_field_offsets_derived_in_c_are_whooshs(big_index):
    from whoosh.columns import VarBytesColumn

    assert VarBytesColumn.Reader._offsets_in_c  # reader.search applies it
    patched = VarBytesColumn.Reader._read_offsets_and_lengths
    original = patched.__closure__[0].cell_contents  # whoosh's own method, kept by the patch
    assert original.__qualname__ == "VarBytesColumn.Reader._read_offsets_and_lengths"
    with big_index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            reader = sub.reader()
            fields = [reader.stored_fields(d) for d in range(reader.doc_count_all())]
            assert all(f["id"] for f in fields)  # read through the patched offsets
            inner = reader._perdoc._readers["_stored"]  # the stored fields' column reader
            inner = getattr(inner, "_child", inner)
            mine = (list(inner._offsets), list(inner._lengths))
            original(inner)
            assert (list(inner._offsets), list(inner._lengths)) == mine


def test_numeric_column_bytes_are_its_values(big_index):
    import numpy as np

    with big_index.searcher() as searcher:
        for sub, _ in searcher.leaf_searchers():
            raw, typecode, _default = compat.column_bytes(sub.reader(), "chron")
            values = np.frombuffer(raw, dtype=np.dtype(typecode).newbyteorder(">")).tolist()
            assert values == compat.column_values(sub.reader(), "chron")


def test_a_numeric_column_written_short_holds_its_default_after(tmp_path):
    """Whoosh writes a numeric column only up to its last document with a value other than the
    default (key events: most entries are none); the rest read as the default."""
    import numpy as np

    from reader.search.arrays.fast import column
    from reader.search.indexing.building import Writer

    ix, writer = _tiny_index(tmp_path / "ix", Writer)
    for n, row in enumerate(_rows(1)[:5]):
        writer.add_document(**{**row, "key": 1 if n == 1 else 0})
    writer.commit()
    with ix.searcher() as searcher:
        reader = next(iter(searcher.leaf_searchers()))[0].reader()
        raw, typecode, default = compat.column_bytes(reader, "key")
        assert len(raw) == 2 * np.dtype(typecode).itemsize and default == 0  # written to the 2nd
        assert column(reader, "key").tolist() == [0, 1, 0, 0, 0] == compat.column_values(reader, "key")
    ix.close()


def test_a_released_pool_holds_no_postings(tmp_path):
    from reader.search.indexing.building import Writer

    ix, writer = _tiny_index(tmp_path / "ix", Writer)
    for row in _rows(2):
        writer.add_document(**row)
    pool = writer.pool
    assert pool.current and "add" in pool.__dict__  # the lean pool holds what is added
    writer.commit()
    assert pool.current == [] and "add" not in pool.__dict__ and "iter_postings" not in pool.__dict__
    ix.close()


def test_warcio_gives_a_records_http_body_undecoded_and_unchunked():
    """record.raw_stream after the HTTP headers, ChunkedDataReader(decomp_type=None)
    (reader/formats/warc_compat.py); the body is decoded by content_encoding.py."""
    import gzip
    import io

    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from reader.formats import warc_compat

    page = b"<p>Explosies gehoord in Kiev.</p>" * 50
    body = gzip.compress(page)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100])
                       for i in range(0, len(body), 100)) + b"0\r\n\r\n"
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for payload, extra in ((body, []), (chunked, [("Transfer-Encoding", "chunked")])):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                           *extra], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://x.invalid/", "response",
                                                      payload=io.BytesIO(payload), length=len(payload),
                                                      http_headers=http))
    out.seek(0)
    bodies = [warc_compat.http_body(r).read() for r in ArchiveIterator(out) if r.rec_type == "response"]
    assert bodies == [body, body]


def test_warcio_counts_records_of_a_wrong_length_without_printing(capsys):
    """ArchiveIterator's INC_RECORD message and err_count (reader/formats/warc_compat.py)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from reader.formats import warc_compat

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for n in range(2):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.org/{n}", "response",
                                                      payload=io.BytesIO(b"<p>Kiev</p>"), length=11,
                                                      http_headers=http))
    data = out.getvalue()
    second = data.index(b"WARC/1.", 10)
    damaged = data[:second - 4] + b"left over\r\n" + data[second - 4:]  # a line past its stated length
    records = warc_compat.Records(io.BytesIO(damaged))
    urls = [r.rec_headers.get_header("WARC-Target-URI") for r in records]
    assert urls == ["https://example.org/0", "https://example.org/1"]
    assert warc_compat.wrong_lengths(records) == 1 and capsys.readouterr().err == ""


def test_a_segment_is_named_by_its_files_and_merged_into_a_writer(tmp_path):
    """Segment files named <indexname>_<segid>… and SegmentReader over a writer's storage
    (compat.segments: adopting a worker's segment, merging small ones)."""
    ix, writer = _tiny_index(tmp_path / "ix", whoosh_index.FileIndex.writer)
    for row in _rows(2):
        writer.add_document(**row)
    writer.commit()
    [segment] = compat.index_segments(ix)
    files = compat.segment_files(compat.folder_of(ix), segment)
    others = [n for n in os.listdir(tmp_path / "ix") if n not in files]
    assert files and all(n.endswith((".toc", "_WRITELOCK")) for n in others), others
    writer = ix.writer()
    compat.merge_into(writer, segment)
    writer.commit(mergetype=lambda _writer, _segments: [])  # the merged copy replaces the old one
    [merged] = compat.index_segments(ix)
    with ix.searcher() as searcher:
        assert merged.segid != segment.segid and searcher.doc_count() == 20
    ix.close()


def test_raised_in_whoosh_tells_whooshs_errors_from_ours(tmp_path):
    """The innermost frame's module (index.py: a read error of whoosh's is damage, ours is not)."""
    from whoosh.filedb.structfile import StructFile

    try:
        StructFile(__import__("io").BytesIO(b"")).read_int()
    except Exception as exc:  # noqa: BLE001
        assert compat.raised_in_whoosh(exc)
    try:
        int("not a number")
    except ValueError as exc:
        assert not compat.raised_in_whoosh(exc)


def test_indexes_written_before_the_formats_moved_still_find_them():
    """whoosh pickles the posting formats into each index's schema by module and name."""
    import pickle

    from reader.search import schema
    from reader.search.compat import formats

    for name in ("PackedPositions", "CountedFrequency"):
        new = pickle.dumps(getattr(formats, name)(), protocol=0)  # (names as text lines)
        old = new.replace(b"reader.search.compat.formats", b"reader.search.schema")
        assert b"reader.search.schema" in old and type(pickle.loads(old)) is getattr(schema, name)
