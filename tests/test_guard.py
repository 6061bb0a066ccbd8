"""One guard per file: whatever a parser, decoder or library does with one file, that file is named
with a true reason and every other file is read; devices and pipes are never opened to be read;
every decompression stops at the page cap."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import brotli
import lxml.html
from warcio.warcwriter import WARCWriter

from reader import archive
from reader.library import Library
from reader.model import DocRef, Problem
from tests.conftest import LIVEBLOG_DOC
from tests.webfixtures import BLOG_URL, CAPTURES, liveblog_page, write_response

ROOT = Path(__file__).resolve().parent.parent
# (no HTML in it: the news-API reader never calls lxml for it)
GUARDIAN = (b'{"response": {"content": {"id": "x", "type": "article", "webTitle": "Sanctions widened",'
            b' "fields": {"bodyText": "The sanctions were widened today."}}}}')


def _library(folder: Path, tmp_path: Path) -> Library:
    return Library(folder, tmp_path / "data")


def _reasons(report) -> dict[str, str]:
    return {p.path: p.reason for p in report.problems}


def test_an_error_inside_a_library_is_named_as_an_internal_error_and_the_other_files_are_read(
        archive_copy, tmp_path, monkeypatch):
    """(lxml raising something unexpected stands for any bug in a parser or library)"""
    (archive_copy / "page.html").write_bytes(liveblog_page(CAPTURES[1][1]))

    def broken(*_args, **_kwargs):
        raise RuntimeError("the parser tripped")

    monkeypatch.setattr(lxml.html, "document_fromstring", broken)
    lib = _library(archive_copy, tmp_path)
    report = lib.index.update()
    assert _reasons(report)["page.html"].startswith(
        "could not be read: internal error in the web page reader (RuntimeError: the parser tripped)")
    assert report.documents == 5 and lib.search("Marioepol").total > 0  # the other files: all read
    log = (tmp_path / "data" / "errors.log").read_text()
    assert "page.html" in log and "Traceback" in log and "the parser tripped" in log


def test_inside_a_web_archive_only_warcio_errors_count_as_damage(tmp_path, monkeypatch):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    write_response(writer, BLOG_URL, "2022-04-19T10:00:00Z", liveblog_page(CAPTURES[1][1]))
    write_response(writer, "https://api.invalid/x", "2022-04-19T10:01:00Z", GUARDIAN, kind="application/json")
    (tmp_path / "a.warc.gz").write_bytes(out.getvalue())
    monkeypatch.setattr(lxml.html, "document_fromstring", lambda *a, **k: 1 / 0)
    docs = archive.read_file(tmp_path, "a.warc.gz")
    assert [d.title for d in docs] == ["Sanctions widened"]  # the other record is read
    [problem] = docs[0].problems
    assert "internal error in the web page reader (ZeroDivisionError" in problem and BLOG_URL in problem
    assert "damaged" not in problem


def test_devices_pipes_sockets_and_links_to_them_are_named_and_skipped(archive_copy, tmp_path):
    """(a link to /dev/zero was hashed forever; a FIFO would block the build)"""
    os.symlink("/dev/zero", archive_copy / "z.txt")
    os.mkfifo(archive_copy / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(archive_copy / "sock.txt"))
    try:
        report = _library(archive_copy, tmp_path).index.update()
    finally:
        server.close()
    reasons = _reasons(report)
    assert reasons["z.txt"] == ("not a regular file: a character device, which it links to (/dev/zero); "
                                "only files are read")
    assert reasons["pipe.txt"].startswith("not a regular file: a named pipe (FIFO)")
    assert reasons["sock.txt"].startswith("not a regular file: a socket")
    assert report.documents == 5


def _compressed(compressor, size: int) -> bytes:
    """size zero bytes compressed, fed in blocks (the test never holds them all)."""
    block = b"\0" * (1 << 24)
    feed = getattr(compressor, "process", None) or compressor.compress
    parts = [feed(block) for _ in range(size // len(block))]
    return b"".join(parts) + (compressor.finish() if hasattr(compressor, "finish") else compressor.flush())


def _bomb_warc(path: Path) -> Path:
    """A WARC of responses that decode to far more than the page cap, and one good page."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    write_response(writer, "https://x.invalid/br", "2022-04-19T10:00:00Z",
                   _compressed(brotli.Compressor(quality=5), 1 << 30), encoding="br")  # 1 GiB in 1 KB
    write_response(writer, "https://x.invalid/gzip", "2022-04-19T10:01:00Z",
                   _compressed(zlib.compressobj(1, wbits=31), 1 << 28), encoding="gzip")
    write_response(writer, "https://x.invalid/deflate", "2022-04-19T10:02:00Z",
                   _compressed(zlib.compressobj(1), 1 << 28), encoding="deflate")
    write_response(writer, BLOG_URL, "2022-04-19T10:03:00Z", brotli.compress(liveblog_page(CAPTURES[1][1])),
                   encoding="br")
    path.write_bytes(out.getvalue())
    return path


def test_decompression_stops_at_the_page_cap_and_names_the_response(tmp_path):
    _bomb_warc(tmp_path / "bombs.warc.gz")
    [doc] = archive.read_file(tmp_path, "bombs.warc.gz")
    assert doc.source_url == BLOG_URL and len(doc.entries) == 2  # the good page is read
    for url in ("https://x.invalid/br", "https://x.invalid/gzip", "https://x.invalid/deflate"):
        assert any(p.startswith(url) and "a response over 32 MB (decoded) was skipped" in p
                   for p in doc.problems), url


def test_reading_a_decompression_bomb_takes_no_more_memory_than_the_cap(tmp_path):
    """(brotli asked without an output limit decoded 1 GiB in one call: 2.1 GB at its peak)"""
    _bomb_warc(tmp_path / "bombs.warc.gz")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from reader import archive
        found = archive.read_file(Path({str(tmp_path)!r}), "bombs.warc.gz")
        assert len(found) == 1, found
        # this process's own peak (ru_maxrss would count the memory of the process it was forked from)
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert int(done.stdout) < 150  # MB: the program itself is about 35, the cap 32


def test_a_wacz_member_that_claims_a_thousand_times_its_size_is_refused(tmp_path):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    write_response(writer, BLOG_URL, "2022-04-19T10:00:00Z", liveblog_page(CAPTURES[1][1]))
    with zipfile.ZipFile(tmp_path / "a.wacz", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as wacz:
        wacz.writestr("archive/data.warc.gz", out.getvalue())
        with wacz.open("archive/bomb.warc", "w") as member:
            for _ in range(16):
                member.write(b"\0" * (1 << 24))
    [doc] = archive.read_file(tmp_path, "a.wacz")
    assert len(doc.entries) == 2
    assert any(p.startswith("archive/bomb.warc: skipped: it claims 268,435,456 bytes") for p in doc.problems)


def test_a_file_name_that_is_not_utf8_is_named_not_read(tmp_path):
    (tmp_path / os.fsdecode(b"caf\xe9.txt")).write_text("liveblog\nNOS\nTitel • Ondertitel\n")
    found = archive.read_file(tmp_path, os.fsdecode(b"caf\xe9.txt"))
    assert isinstance(found, Problem)
    assert found.reason == "its name is not valid UTF-8; rename the file to read it"


def test_every_reader_of_a_file_goes_through_the_guard(archive_copy, tmp_path, monkeypatch):
    """The window's list, opening a document and the command line's parse all name the problem."""
    (archive_copy / "page.html").write_bytes(liveblog_page(CAPTURES[1][1]))
    monkeypatch.setattr(lxml.html, "document_fromstring", lambda *a, **k: 1 / 0)
    lib = _library(archive_copy, tmp_path)
    listed = [p for p in lib.documents.iter_load() if isinstance(p, Problem)]
    assert [p.path for p in listed] == ["page.html"] and "internal error" in listed[0].reason
    assert len(lib.documents.load()[0]) == 5
    try:
        lib.documents.get(DocRef("page.html"))
    except archive.ArchiveError as exc:
        assert "internal error in the web page reader" in str(exc)
    else:
        raise AssertionError("a document that cannot be read was shown")
    assert lib.documents.get(LIVEBLOG_DOC).entries
