"""The hostile archive, end to end: the five bundled files beside every kind of file the web really
produces (and worse). `index` exits 0, names every file it could not read with a true reason,
finds every word of every file it read, and stays within the build's memory target."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from reader import defaults
from reader.library import Library
from reader.model import DocRef
from reader.search.indexing import workers
from reader.text import fold
from tests import oracle
from tests.conftest import BUNDLED
from tests.test_guard import _bomb_warc
from tests.webfixtures import BLOG_URL, write_response

ROOT = Path(__file__).resolve().parent.parent
MEMORY_TARGET_MB = 500


def _guardian(blocks: list[dict], title: str = "Live: the day in Kyiv") -> dict:
    return {"response": {"status": "ok", "content": {
        "id": "world/live/x", "type": "liveblog", "webTitle": title,
        "webPublicationDate": "2022-04-19T06:00:00Z", "blocks": {"body": blocks}}}}


def _page(body: str, head: str = "<title>Een pagina</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _jsonld(url: str) -> str:
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Liveblog jsonldkop",
            "liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Update wolkenkrabber",
                                "articleBody": "De wolkenkrabber staat er nog.", "url": url}]}
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


# file -> what makes it hostile; the readable ones each hold words of their own to be found
READABLE = {
    "control-after-script.html": _page("<p>Er klonk sirenegeluid in de stad.</p>--><script "
                                       "type='application/ld+json'></script>\x1f<p>Daarna stilte.</p>"),
    "control-in-guardian-body.json": json.dumps(_guardian([
        {"id": "b1\ud800",
         "bodyHtml": "<p>Trolleybus\x1f depots were hit.</p><script>s</script>\x1f<p>Then calm.</p>"},
        {"id": "b2", "bodyHtml": "<p>A second update about ferries.</p>"}])),
    "surrogate-in-jsonld-url.html": _page("<p>x</p>", head=_jsonld("https://x.invalid/#a\ud800")),
    "nul-padded.txt": "liveblog\nNOS\nStroomuitval • Dag 3\nStroomstoring in de wijk\nEen stroomstoring "
                      "trof de hele wijk urenlang en de bewoners zaten in het donker.\n" + "\x00" * 300,
    "nested-ten-thousand-deep.html": _page("<p>Bovenaan staat de kraanvogel.</p>" + "<div>" * 10_000
                                           + "<p>Diep beneden de karekiet.</p>" + "</div>" * 10_000
                                           + "<p>Onderaan de roerdomp.</p>"),
    "a number of a million digits.json": json.dumps(_guardian([
        {"id": "b1", "bodyHtml": "<p>Lighthouse keepers stayed on.</p>", "size": 7},
        {"id": "b2", "bodyHtml": "<p>Second block.</p>"}])).replace('"size": 7',
                                                                      '"size": ' + "9" * 1_000_000),
    "live #2 met spaties en ë.txt": "liveblog\nNOS\nHavenstaking • Dag 1\nStaking in de haven\nDe "
                                    "havenarbeiders legden het werk neer, de schepen wachten op de rede.\n",
}
UNREADABLE = {  # file -> the reason index gives
    "z.txt": "not a regular file: a character device, which it links to (/dev/zero); only files are read",
    "pipe.txt": "not a regular file: a named pipe (FIFO); only files are read",
    "random-bytes.txt": "binary file, not text",
    "one line of 100 MB.txt": "too large (100 MB; the most read of one file is 64 MB)",
    "nested-json.json": "not valid JSON (it nests deeper than can be read)",
    "empty.txt": "empty file",
}
READ_IN_PART = {  # file -> what is said of it
    "bombs.warc.gz": "a response over 32 MB (decoded) was skipped",
    "nested-ten-thousand-deep.html": "nests its elements deeper than a web page does",
    "not-utf8.json": "not valid UTF-8",
}


def _build(folder: Path) -> None:
    shutil.copytree(BUNDLED, folder)
    for name, text in READABLE.items():
        (folder / name).write_text(text, encoding="utf-8")  # (json.dumps wrote \\ud800, \\u001f as escapes)
    os.symlink("/dev/zero", folder / "z.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "random-bytes.txt").write_bytes(bytes(range(256)) * 64)
    with open(folder / "one line of 100 MB.txt", "wb") as fh:
        block = b"woord " * (1 << 17)
        for _ in range(100 * 2**20 // len(block)):
            fh.write(block)
    (folder / "nested-json.json").write_bytes(b'{"response": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    (folder / "empty.txt").write_bytes(b"")
    not_utf8 = json.dumps(_guardian([{"id": "b1", "bodyHtml": "<p>Caf\u00e9 terraces reopened.</p>"},
                                     {"id": "b2", "bodyHtml": "<p>And the zeppelin landed.</p>"}]))
    (folder / "not-utf8.json").write_bytes(not_utf8.encode().replace(b"Caf\\u00e9", b"Caf\xe9"))
    _bomb_warc(folder / "bombs.warc.gz")
    out = io.BytesIO()  # a web archive named with a "#" and a page whose parse cannot go wrong
    write_response(WARCWriter(out, gzip=True), BLOG_URL, "2022-04-19T10:00:00Z", _page(
        "<p>De veerpont vaart weer.</p>").encode())
    (folder / "crawl #1.warc.gz").write_bytes(out.getvalue())


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess, int]:
    """The hostile archive, indexed by the command line: (archive, data dir, the run, its peak MB)."""
    folder = tmp_path_factory.mktemp("hostile") / "archive"
    _build(folder)
    data = folder.parent / "data"
    env = {**os.environ, "LIVEBLOG_READER_HOME": str(data)}
    # run by a fresh process, whose children are this run's only: ru_maxrss of its children is
    # the biggest process of the run (the command or one of its workers)
    measure = ("import json, resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(json.dumps([done.returncode, done.stdout, done.stderr,"
               " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))")
    ran = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "reader", "--archive",
                          str(folder), "index"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600, check=True)
    code, stdout, stderr, peak = json.loads(ran.stdout)
    done = subprocess.CompletedProcess([], code, stdout, stderr)
    return folder, data, done, peak // 1024


def test_the_hostile_archive_indexes_with_exit_0(indexed):
    _folder, _data, done, _peak = indexed
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_every_file_that_could_not_be_read_is_named_with_a_true_reason(indexed):
    _folder, _data, done, _peak = indexed
    skipped = dict(re.findall(r"^  skipped (.+?): (.+)$", done.stdout, re.M))
    assert set(skipped) == set(UNREADABLE), skipped
    for name, reason in UNREADABLE.items():
        assert skipped[name].startswith(reason), (name, skipped[name])
    in_part = dict(re.findall(r"^  ([^ ].+?): read in part: (.+)$", done.stdout, re.M))
    assert set(in_part) == set(READ_IN_PART), in_part
    for name, said in READ_IN_PART.items():
        assert said in in_part[name], (name, in_part[name])
    assert "internal error" not in done.stdout


def test_every_word_of_every_file_that_was_read_is_found(indexed):
    folder, data, _done, _peak = indexed
    lib = Library(folder, data, defaults.variant_files(data))
    assert not lib.index.needs_update()
    readable = {*READABLE, "not-utf8.json", "bombs.warc.gz", "crawl #1.warc.gz",
                *(p.name for p in BUNDLED.iterdir())}
    entries = oracle.entries(folder)
    assert lib.index.doc_count() == len(entries)  # every entry of every readable file, once
    by_file = {}
    for doc in lib.documents.load()[0]:
        by_file.setdefault(doc.ref.file, []).extend(doc.entries)
    assert set(by_file) == readable
    for name, file_entries in by_file.items():
        words = sorted({w for e in file_entries for w in oracle.words(e) if not w.isdigit() and len(w) > 2})
        if name in {p.name for p in BUNDLED.iterdir()}:
            words = words[::25]  # (every word of the bundled files is asked by test_search's oracle)
        for word in words:
            result = lib.search(word, limit=1000)
            if result.message and "too common" in result.message:
                continue  # a stop word: not searched for, as in any file
            assert any(h.document.file == name for h in result.hits), (name, word)
    assert lib.search("veerpont").hits[0].document == DocRef("crawl #1.warc.gz", BLOG_URL)
    assert fold("karekiet") in {w for e in by_file["nested-ten-thousand-deep.html"] for w in oracle.words(e)}


def test_the_build_stays_within_its_memory_target(indexed):
    """Each process's peak (ru_maxrss: the biggest of the run) times the processes that can run
    at once (the command and its workers) bounds the sum of them all."""
    _folder, _data, _done, peak = indexed
    processes = 1 + max(workers.worker_count(workers.MAX_WORKERS), 1)
    assert peak * processes < MEMORY_TARGET_MB, (peak, processes)
