"""Web archives (WARC, WARC.gz, WACZ): captures merged, damage survived, memory bounded, and
written into the index in parts (their workers: test_workers.py)."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from reader import archive, defaults
from reader.library import Library
from reader.model import DocRef
from tests.webfixtures import (
    BLOG_URL,
    CAPTURES,
    OTHER_URL,
    liveblog_page,
    long_liveblog,
    write_captures,
    write_wacz,
    write_warc,
)

FIXTURES = Path(__file__).parent / "fixtures" / "formats"

@pytest.mark.parametrize("name, gzip", [("a.warc.gz", True), ("a.warc", False)])
def test_captures_of_one_liveblog_are_one_document(tmp_path, name, gzip):
    write_warc(tmp_path / name, gzip=gzip)
    docs = {d.source_url or str(d.ref): d for d in archive.read_documents(tmp_path, name)}
    blog = docs[BLOG_URL]
    assert blog.ref == DocRef(name, BLOG_URL) and len(blog.captures) == 3
    assert [e.headline for e in blog.entries] == ["Corridor bij Marioepol", "Explosies in Kiev",
                                                 "Goedemorgen"]
    corridor, explosions, morning = blog.entries
    assert explosions.edited and explosions.paragraphs == (
        "Er zijn meerdere explosies gehoord in het centrum van Kiev.",)
    assert explosions.earlier == ("Explosies in Kiev Er zijn explosies gehoord in Kiev.",)
    assert morning.headline == "Goedemorgen"  # gone from the last capture, kept
    assert not corridor.edited and not morning.edited
    assert docs[next(k for k in docs if k != BLOG_URL)].kind == "article"
    again = {d.ref: d for d in archive.read_documents(tmp_path, name)}
    assert [e.id for e in again[blog.ref].entries] == [e.id for e in blog.entries]  # stable ids


def test_a_captured_page_without_a_date_or_url_of_its_own_has_its_captures(tmp_path):
    write_warc(tmp_path / "a.warc.gz")
    article = next(d for d in archive.read_documents(tmp_path, "a.warc.gz") if d.kind == "article")
    assert article.source_url == OTHER_URL  # the page names no URL: the one it was fetched from
    assert (article.date, article.date_source) == ("2022-04-19", "capture")
    assert "first captured" in article.date_note


def test_a_liveblogs_later_pages_and_other_addresses_are_captures_of_it(tmp_path):
    """A liveblog's older entries are on later pages (?page=…), and crawls fetch http and
    https, with and without "www.": captures of the page it names as its own are one document.
    A page that claims another page's address is not merged into it."""
    from warcio.warcwriter import WARCWriter

    from tests.webfixtures import FIRST, SECOND, SECOND_EDITED, THIRD, write_response

    with open(tmp_path / "a.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for target, when, updates in (
                (BLOG_URL, "2022-04-19T13:10:00Z", [THIRD, SECOND]),
                (f"{BLOG_URL}?page=with:block-u1", "2022-04-19T13:11:00Z", [FIRST]),
                ("http://www.voorbeeld.invalid/liveblog/oekraine/", "2022-04-19T14:00:00Z",
                 [THIRD, SECOND_EDITED]),
                ("https://voorbeeld.invalid/liveblog/iets-anders", "2022-04-19T15:00:00Z", [FIRST])):
            write_response(writer, target, when, liveblog_page(updates))
    docs = {str(d.ref): d for d in archive.read_documents(tmp_path, "a.warc.gz")}
    blog = docs.pop(f"a.warc.gz#{BLOG_URL}")
    assert len(blog.captures) == 3 and blog.source_url == BLOG_URL
    assert [e.headline for e in blog.entries] == ["Corridor bij Marioepol", "Explosies in Kiev",
                                                 "Goedemorgen"]
    assert blog.entries[1].edited
    assert list(docs) == ["a.warc.gz#https://voorbeeld.invalid/liveblog/iets-anders"]
    assert archive.read_document(tmp_path, blog.ref) == blog  # its captures found by address


def test_a_page_fetched_again_unchanged_counts_as_a_capture(tmp_path):
    """A crawl that finds a page unchanged keeps a revisit record, not the page again."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = write_captures(tmp_path / "a.warc.gz", CAPTURES)
    with open(path, "ab") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(
            BLOG_URL, "sha1:ABCDEFGHIJKLMNOP", BLOG_URL, CAPTURES[2][0], http_headers=http,
            warc_headers_dict={"WARC-Date": "2022-04-19T18:00:00Z"}))
        writer.write_record(writer.create_revisit_record(  # of a page the file does not hold
            OTHER_URL, "sha1:QRSTUVWXYZ234567", OTHER_URL, "2022-04-18T10:00:00Z", http_headers=http,
            warc_headers_dict={"WARC-Date": "2022-04-19T18:00:01Z"}))
    blog, = archive.read_documents(tmp_path, "a.warc.gz")
    assert blog.captures == (*(when for when, _ in CAPTURES), "2022-04-19T18:00:00Z")
    assert [e.headline for e in blog.entries] == ["Corridor bij Marioepol", "Explosies in Kiev",
                                                 "Goedemorgen"]


def test_captures_read_out_of_order_merge_as_in_order(tmp_path):
    """WARCs in a WACZ need not be in date order: the newest capture by date still wins."""
    write_captures(tmp_path / "in-order.warc.gz", CAPTURES)
    write_captures(tmp_path / "reversed.warc.gz", CAPTURES[::-1])
    ordered, = archive.read_documents(tmp_path, "in-order.warc.gz")
    backwards, = archive.read_documents(tmp_path, "reversed.warc.gz")
    assert [(e.headline, e.body, e.earlier) for e in backwards.entries] == \
        [(e.headline, e.body, e.earlier) for e in ordered.entries]
    assert backwards.captures == ordered.captures == tuple(when for when, _ in CAPTURES)
    assert [e.headline for e in ordered.entries] == ["Corridor bij Marioepol", "Explosies in Kiev",
                                                    "Goedemorgen"]
    assert ordered.entries[1].body == "Er zijn meerdere explosies gehoord in het centrum van Kiev."


def test_many_captures_of_a_long_liveblog_take_the_memory_of_its_text(tmp_path):
    """A liveblog captured 60 times as it grew: held as its distinct entries, not 60 copies."""
    updates = [(f"u{n}", f"2022-04-19T{n % 24:02d}:{n % 60:02d}:00+02:00", f"Update {n}",
                f"Bericht {n} over de strijd rond Charkiv en de corridor bij Marioepol. " * 12)
               for n in range(400)]
    captures = [(f"2022-04-19T{c // 60:02d}:{c % 60:02d}:00Z", updates[:100 + 5 * c]) for c in range(60)]
    captures[-1] = (captures[-1][0], [(*u[:3], u[3] + " Bijgewerkt.") if u[0] == "u7" else u
                                      for u in captures[-1][1]])
    path = write_captures(tmp_path / "grown.warc.gz", captures)
    raw = sum(len(str(u)) for _when, found in captures for u in found)
    tracemalloc.start()
    doc, = archive.read_documents(tmp_path, "grown.warc.gz")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(doc.entries) == 395 and len(doc.captures) == 60 and path.stat().st_size < raw
    assert [e.headline for e in doc.entries if e.edited] == ["Update 7"]
    # held: one page at a time while it is parsed (its tree and objects, several times its size)
    # and the distinct entries; every capture kept took 50 times the biggest page
    biggest = max(len(liveblog_page(found)) for _when, found in captures)
    assert raw > 10 * 2**20 and peak < 12 * biggest, f"peak {peak / 2**20:.1f} MB, page {biggest:,} B"


def test_one_document_of_a_web_archive_is_read_from_its_own_captures(tmp_path):
    """Opening a document parses only its page's records, and gives what reading all gives."""
    write_warc(tmp_path / "a.warc.gz", damaged=True)
    every = archive.read_documents(tmp_path, "a.warc.gz")
    assert len(every) == 2
    for doc in every:
        assert archive.read_document(tmp_path, doc.ref) == doc
    with pytest.raises(archive.ArchiveError, match="no longer holds"):
        archive.read_document(tmp_path, DocRef("a.warc.gz", "https://voorbeeld.invalid/weg"))


def test_pages_sent_compressed_are_read_and_an_unknown_compression_is_named(tmp_path):
    """Browsers fetch pages gzip- or brotli-compressed and crawlers keep them so."""
    import zlib

    import brotli

    gzip = zlib.compressobj(wbits=31)
    encodings = {0: ("gzip", lambda b: gzip.compress(b) + gzip.flush()), 1: ("br", brotli.compress),
                 2: ("zstd", lambda b: b"\x28\xb5\x2f\xfd" + b)}
    write_captures(tmp_path / "c.warc.gz", CAPTURES, encodings=encodings)
    doc, = archive.read_documents(tmp_path, "c.warc.gz")
    assert doc.captures == tuple(when for when, _ in CAPTURES[:2])
    assert [e.headline for e in doc.entries] == ["Explosies in Kiev", "Goedemorgen"]
    assert doc.problems == (f"{BLOG_URL} ({CAPTURES[2][0]}): compressed as 'zstd', which this program "
                            "cannot read; skipped",)


def test_a_page_is_read_in_the_charset_it_was_served_with(tmp_path):
    """A server states the charset in its Content-Type; the page itself often does not (here a
    Ukrainian page in Windows-1251, which no guess from the bytes would get right)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = ("<html><head><title>Новини Києва</title></head><body><article><h1>Новини Києва</h1>"
            "<p>У Києві знову відкрилися кав'ярні, кажуть власники. Це гарний день для всіх, хто "
            "тут живе і працює, і люди п'ють каву на вулиці.</p></article></body></html>"
            ).encode("cp1251")
    with open(tmp_path / "a.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=windows-1251")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            OTHER_URL, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2022-04-19T15:00:00Z"}))
    doc, = archive.read_documents(tmp_path, "a.warc.gz")
    assert doc.title == "Новини Києва" and "У Києві знову відкрилися" in doc.entries[0].plain_text()


def test_a_crawls_other_json_and_empty_frames_are_passed_over_quietly(tmp_path):
    """A crawl keeps every XHR and frame of a page: they are not documents, nor problems."""
    from warcio.warcwriter import WARCWriter

    from tests.webfixtures import write_response

    path = write_captures(tmp_path / "crawl.warc.gz", CAPTURES)
    with open(path, "ab") as fh:
        writer = WARCWriter(fh, gzip=True)
        write_response(writer, "https://voorbeeld.invalid/api/consent", "2022-04-19T14:00:01Z",
                  b'{"tracking": false, "version": 3}', "application/json")
        write_response(writer, "https://voorbeeld.invalid/ads/frame", "2022-04-19T14:00:02Z",
                  b"<html><body><div></div></body></html>")
        write_response(writer, "https://voorbeeld.invalid/api/broken", "2022-04-19T14:00:03Z",
                  b'{"response": {"status": "ok", "con', "application/json")
    doc, = archive.read_documents(tmp_path, "crawl.warc.gz")
    assert doc.source_url == BLOG_URL and len(doc.captures) == 3 and doc.problems == ()


def test_a_web_archive_is_parsed_once_its_documents_kept_for_opening(tmp_path):
    """Opening a document of a web archive of many captures would parse every capture again:
    indexing keeps the documents in the data dir, as long as the file is unchanged."""
    import os

    folder = tmp_path / "archive"
    folder.mkdir()
    warc = write_warc(folder / "crawl.warc", gzip=False)
    lib = Library(folder, tmp_path / "data")
    lib.index.update()
    blog = DocRef("crawl.warc", BLOG_URL)
    kept = list((lib.root / "parsed").iterdir())
    assert len(kept) == 1 and lib.documents.get(blog).entries[1].edited
    # the same size and time, other bytes: what is kept is what is opened (the file is not read)
    stat, data = warc.stat(), warc.read_bytes()
    assert data.count(b"WARC/1.") > 3
    warc.write_bytes(data.replace(b"WARC/1.", b"XXXX/1."))
    os.utime(warc, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert len(lib.documents.get(blog).entries) == 3
    report = lib.index.update(rebuild=True)  # a rebuild asked for parses every file again
    assert [p.path for p in report.problems] == ["crawl.warc"] and not report.documents
    # a file changed for real is parsed again; a damaged kept file is no problem
    write_captures(warc, CAPTURES[:1], gzip=False)
    assert [e.headline for e in lib.documents.get(blog).entries] == ["Goedemorgen"]
    lib.index.update()
    kept = list((lib.root / "parsed").iterdir())
    kept[0].write_bytes(b"not a pickle")
    assert [e.headline for e in lib.documents.get(blog).entries] == ["Goedemorgen"]
    warc.unlink()
    lib.index.update()
    assert not list((lib.root / "parsed").iterdir())  # forgotten with its file


def test_an_edited_entry_keeps_its_id_and_its_earlier_text_is_searchable(tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    write_warc(folder / "blog.warc.gz")
    lib = Library(folder, tmp_path / "data")
    lib.index.update()
    earlier = lib.search('"explosies gehoord in Kiev"')  # only the first text said it so
    now = lib.search("centrum")
    assert earlier.total == 1 and now.total == 1 and earlier.hits[0].id == now.hits[0].id
    assert now.hits[0].time == "2022-04-19T09:30:00+02:00" and now.hits[0].source_url == BLOG_URL
    infos = {str(i.ref): i for i in lib.documents.infos()}
    assert infos[f"blog.warc.gz#{BLOG_URL}"].captures == 3
    assert f"blog.warc.gz#{OTHER_URL}" in infos


@pytest.mark.parametrize("gzip", [True, False])
def test_a_damaged_record_is_reported_and_the_rest_is_read(tmp_path, gzip):
    name = "damaged.warc.gz" if gzip else "damaged.warc"
    write_warc(tmp_path / name, gzip=gzip, damaged=True)
    docs = archive.read_documents(tmp_path, name)
    blog = next(d for d in docs if d.source_url == BLOG_URL)
    assert len(blog.captures) == 3 and any("damaged record" in p for p in blog.problems)
    assert any(d.kind == "article" for d in docs)  # the record after the damage too


def test_damage_read_as_a_record_does_not_swallow_the_next_capture():
    """After damaged gzip data warcio may read the raw bytes as an old ARC record whose length
    runs over the next capture (whether it does depends on the bytes that follow: this file,
    written by write_warc(damaged=True), is one where it did)."""
    docs = archive.read_documents(FIXTURES, "damage-read-as-arc.warc.gz")
    blog = next(d for d in docs if d.source_url == BLOG_URL)
    assert len(blog.captures) == 3 and any(d.source_url == OTHER_URL for d in docs)
    assert blog.problems == ("a damaged record at byte 1586 was skipped (not a WARC record)",)


def test_a_truncated_web_archive_keeps_what_came_before(tmp_path):
    data = write_warc(tmp_path / "full.warc", gzip=False).read_bytes()
    (tmp_path / "cut.warc").write_bytes(data[: len(data) * 2 // 3])
    docs = archive.read_documents(tmp_path, "cut.warc")
    blog = next(d for d in docs if d.source_url == BLOG_URL)
    assert len(blog.captures) >= 2


def test_a_wacz_is_read_like_its_warc(tmp_path):
    write_wacz(tmp_path / "crawl.wacz")
    docs = archive.read_documents(tmp_path, "crawl.wacz")
    assert sorted(d.ref for d in docs) == [DocRef("crawl.wacz", BLOG_URL), DocRef("crawl.wacz", OTHER_URL)]
    assert len(next(d for d in docs if d.source_url == BLOG_URL).captures) == 3


def test_a_big_web_archive_is_streamed_in_bounded_memory(tmp_path):
    """A 200 MB WARC of images around a liveblog: read in constant memory, in bounded time."""
    path = tmp_path / "big.warc"
    write_warc(path, gzip=False)
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "ab") as fh:
        writer = WARCWriter(fh, gzip=False)
        blob = b"\xff\xd8" + bytes(4 * 2**20)
        for n in range(50):  # 200 MB of pictures: skipped without being read into memory
            http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://voorbeeld.invalid/{n}.jpg", "response", payload=io.BytesIO(blob),
                length=len(blob), http_headers=http))
    assert path.stat().st_size > 200 * 2**20
    tracemalloc.start()
    docs = archive.read_documents(tmp_path, "big.warc")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert any(d.source_url == BLOG_URL for d in docs)
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MB"


def test_a_web_archive_with_nothing_to_read_is_skipped_with_the_reason(tmp_path):
    (tmp_path / "empty.warc").write_bytes(
        b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    with pytest.raises(archive.ArchiveError, match="nothing to read"):
        archive.read_documents(tmp_path, "empty.warc")


def _segments(index_dir: Path) -> set[str]:
    names = {p.name.split(".")[0] for p in index_dir.iterdir() if p.name.startswith("MAIN_")}
    return names - {"MAIN_WRITELOCK"}


def test_a_web_archive_is_cut_into_as_many_parts_as_there_are_workers_or_a_multiple(tmp_path, monkeypatch):
    """2.2 parts' worth of text for two workers: four parts, not two full ones and a rest that
    one worker writes alone."""
    from reader.search.indexing import building

    write_captures(tmp_path / "blog.warc.gz", long_liveblog(900))
    size = (tmp_path / "blog.warc.gz").stat().st_size
    [chunk] = building.plan([("blog.warc.gz", size, 0, None)], 1, part_workers=2)
    docs = archive.read_documents(tmp_path, "blog.warc.gz")
    text = sum(building.text_size(e) for d in docs for e in d.entries)
    chunk.part_bytes = int(text / 2.2)
    result = building.write_chunk(str(tmp_path), chunk, str(tmp_path / "segment"))
    assert len(result.rest) == 4
    assert sum(len(doc.entries) for part in result.rest for doc, _title in part) == 900
    chunk.workers = 1  # one worker: three parts
    assert len(building.write_chunk(str(tmp_path), chunk, str(tmp_path / "segment")).rest) == 3


def test_a_web_archive_of_much_text_is_written_in_parts_side_by_side(tmp_path, monkeypatch):
    """One WARC: its entries cut into parts (one segment each) that give the same answers as
    one segment, searchable part by part, its file recorded only with the last part."""
    from reader.search.indexing import building

    folder = tmp_path / "archive"
    folder.mkdir()
    write_captures(folder / "blog.warc.gz", long_liveblog(900))
    write_warc(folder / "other.warc.gz")
    serial = Library(folder, tmp_path / "serial", defaults.variant_files(tmp_path / "serial"))
    serial.index.update()  # small files: written by this process, one segment
    monkeypatch.setattr(building, "CHUNK_MIN_BYTES", 1_000)
    monkeypatch.setattr(building, "CHUNK_MAX_BYTES", 40_000)
    parts = Library(folder, tmp_path / "parts", defaults.variant_files(tmp_path / "parts"))
    seen = []
    report = parts.index.update(progress=seen.append)
    assert report.entries == parts.index.doc_count() == serial.index.doc_count() == 900 + 3 + 1
    assert report.added == 2 and not report.problems
    assert len(_segments(parts.root / "index")) >= 5 > len(_segments(serial.root / "index"))
    assert [p.entries_done for p in seen] == sorted(p.entries_done for p in seen)
    assert any(0 < p.entries_done < 900 and p.files_done == 0 and p.searchable for p in seen)
    done = [p.done for p in seen]  # the progress bar moves while the one big file is written
    assert done == sorted(done) and done[-1] == 1.0 and len({d for d in done if 0 < d < 1}) >= 4
    for query in ("Charkiv", "Marioepol", '"wijk 12"', "correspondent 7*", "Explosies", "Kharkiv",
                  "title:oekraïne", "date:2022-04-20", "Bericht~"):
        a, b = parts.search(query, limit=2000), serial.search(query, limit=2000)
        assert a.total == b.total > 0, query
        assert {h.id: round(h.score, 6) for h in a.hits} == {h.id: round(h.score, 6) for h in b.hits}
    assert parts.documents.infos() == serial.documents.infos()
    assert not (parts.root / "work").exists()

    # a changed WARC replaces its entries whole, however many parts they were written in
    write_captures(folder / "blog.warc.gz", long_liveblog(700))
    report = parts.index.update()
    assert (report.changed, report.entries) == (1, 700 + 3 + 1) and parts.index.doc_count() == 704
    assert parts.search('"Bericht 899"').total == 0 and parts.search('"Bericht 699"').total == 1
