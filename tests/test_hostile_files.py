"""Property tests: whatever bytes a file holds, reading it gives documents or one ArchiveError
with a reason — never another exception (the archive keeps loading)."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from reader import archive
from reader.formats import guardian, html, webarchive
from reader.formats.common import ArchiveError
from reader.model import DocRef
from tests.properties import examples
from tests.webfixtures import CAPTURES, liveblog_page, write_captures

pytestmark = pytest.mark.property  # asked again with fresh seeds by make test-slow

# what no document may hold: C0 controls but tab/newline/CR, U+FFFE/U+FFFF, surrogates
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
CHARSETS = ["utf-8", "euc-kr", "latin-1", "x-unknown", "", "utf-16", "cp1251", "utf-8\x00", "ébc"]
PIECES = st.one_of(
    st.sampled_from(["<html>", "<head>", "<body>", "</html>", "<p>", "</p>", "<article>", "<time datetime='",
                     "<script type='application/ld+json'>", "</script>", "<!--", "-->", "<![CDATA[",
                     '{"@type": "LiveBlogPosting", "liveBlogUpdate": [', '{"@type": "BlogPosting", "url": "#',
                     '"articleBody": "<p>x</p>"', "]}",
                     "<div itemprop='liveBlogUpdate' class='is-key-event'>",
                     "<meta itemprop='headline' content='", "'>", "&amp;", "&#0;", "\x00", "\ufffd",
                     "&#31;", "&#xFFFE;", "\x1f", "\x0b", "\ud800", '"\\u001f', '"\\ud800"', "<div>" * 300,
                     "<h2>12.31 Uhr: ", "</h2>", "<div class='post'><span>19:30</span>", "</div>", "45' ",
                     "<div itemscope itemtype='https://schema.org/LiveBlogPosting'>",
                     "<time datetime='2022-04-19", "<article id='block-u1'>", "</article>",
                     "<span class='badge'>Key event</span>", "7:05 pm ",
                     "<meta property='article:published_time' content='2022-04-19T06:00:00+02:00'>"]),
    st.sampled_from(CHARSETS).map(lambda c: f"<meta charset='{c}'>"),
    st.text(max_size=30),
)
PAGES = st.lists(PIECES, max_size=40).map("".join)


def _texts(value):
    """Every string a document holds (its fields, its entries', their captions')."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _texts(getattr(value, f.name))


def _readable(parse) -> None:
    """Reading gives documents of safe text only (no control character, no lone surrogate: they
    break trees, hashes and widgets), or an ArchiveError with a reason."""
    try:
        result = parse()
    except ArchiveError as exc:
        assert str(exc)
        return
    docs = result if isinstance(result, list) else [result]
    for doc in docs:
        assert doc.ref.file and all(e.id for e in doc.entries)
        unsafe = [s for s in _texts(doc) if UNSAFE.search(s)]
        assert not unsafe, unsafe[:3]


@examples(300)
@example(page="--><script type='application/ld+json'></script>\x1f", encoding="utf-8", served=None)
@example(page="<p>a&#31;b</p><script>x</script>&#31;tail", encoding="utf-8", served=None)
@given(page=PAGES, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
       served=st.sampled_from([None, *CHARSETS]))
def test_any_page_is_read_or_refused_with_a_reason(page, encoding, served):
    data = page.encode(encoding, errors="replace")
    _readable(lambda: html.parse(data, DocRef("x.html"), served))


@examples(200)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
                           st.sampled_from(["\ud800", "x\x1fy", "<p>a&#31;b<script>s</script>&#31;c</p>",
                                            "<div>" * 300 + "diep", "2022-04-19T10:00:00Z"])),
                 lambda inner: st.one_of(st.lists(inner, max_size=4),
                                         st.dictionaries(st.sampled_from(
                                             ["response", "content", "results", "blocks", "body",
                                              "bodyHtml", "attributes", "fields", "type", "webTitle",
                                              "firstPublishedDate", "contributors", "id", "headline",
                                              "webUrl", "title", "standfirst", "createdBy", "bodyText",
                                              "webPublicationDate", "bodyTextSummary", "keyEvent"]), inner,
                                             max_size=5)),
                 max_leaves=30).map(lambda v: json.dumps(v).encode())))
def test_any_json_is_read_or_refused_with_a_reason(data):
    _readable(lambda: guardian.parse(data, DocRef("x.json")))


@examples(150)
@given(cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 64), st.binary(max_size=8)),
                     max_size=4))
def test_any_damage_to_a_web_archive_is_survived(tmp_path_factory, cuts):
    """Bytes of a WARC.gz overwritten, dropped or cut short anywhere."""
    folder = tmp_path_factory.mktemp("warc")
    data = bytearray(write_captures(folder / "a.warc.gz", CAPTURES).read_bytes())
    for at, length, junk in cuts:
        at %= len(data)
        data[at:at + length] = junk
    _readable(lambda: webarchive.parse_stream(io.BytesIO(bytes(data)), "a.warc.gz"))
    (folder / "b.warc.gz").write_bytes(bytes(data))
    _readable(lambda: archive.read_documents(folder, "b.warc.gz"))


def test_the_pages_above_are_liveblogs_when_whole():
    """(the generators build on real shapes: a whole page of them reads as a liveblog)"""
    assert html.parse(liveblog_page(CAPTURES[1][1]), DocRef("x.html")).kind == "liveblog"
