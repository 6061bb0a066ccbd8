"""Property tests: whatever bytes a file holds, reading it gives documents or one ArchiveError
with a reason — never another exception (the archive keeps loading)."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader import archive
from reader.formats import guardian, html, webarchive
from reader.formats.common import ArchiveError
from tests.properties import examples
from tests.webfixtures import CAPTURES, liveblog_page, write_captures

pytestmark = pytest.mark.property  # asked again with fresh seeds by make test-slow

CHARSETS = ["utf-8", "euc-kr", "latin-1", "x-unknown", "", "utf-16", "cp1251", "utf-8\x00", "ébc"]
PIECES = st.one_of(
    st.sampled_from(["<html>", "<head>", "<body>", "</html>", "<p>", "</p>", "<article>", "<time datetime='",
                     "<script type='application/ld+json'>", "</script>", "<!--", "-->", "<![CDATA[",
                     '{"@type": "LiveBlogPosting", "liveBlogUpdate": [', '{"@type": "BlogPosting", "url": "#',
                     '"articleBody": "<p>x</p>"', "]}",
                     "<div itemprop='liveBlogUpdate' class='is-key-event'>",
                     "<meta itemprop='headline' content='", "'>", "&amp;", "&#0;", "\x00", "\ufffd"]),
    st.sampled_from(CHARSETS).map(lambda c: f"<meta charset='{c}'>"),
    st.text(max_size=30),
)
PAGES = st.lists(PIECES, max_size=40).map("".join)


def _readable(parse) -> None:
    try:
        result = parse()
    except ArchiveError as exc:
        assert str(exc)
        return
    docs = result if isinstance(result, list) else [result]
    for doc in docs:
        assert doc.path and all(e.id for e in doc.entries)


@examples(300)
@given(page=PAGES, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
       served=st.sampled_from([None, *CHARSETS]))
def test_any_page_is_read_or_refused_with_a_reason(page, encoding, served):
    data = page.encode(encoding, errors="replace")
    _readable(lambda: html.parse(data, "x.html", served))


@examples(200)
@given(data=st.one_of(
    st.binary(max_size=300),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                 lambda inner: st.one_of(st.lists(inner, max_size=4),
                                         st.dictionaries(st.sampled_from(
                                             ["response", "content", "results", "blocks", "body",
                                              "bodyHtml", "attributes", "fields", "type", "webTitle",
                                              "firstPublishedDate", "contributors", "id"]), inner,
                                             max_size=5)),
                 max_leaves=30).map(lambda v: json.dumps(v).encode())))
def test_any_json_is_read_or_refused_with_a_reason(data):
    _readable(lambda: guardian.parse(data, "x.json"))


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
    assert html.parse(liveblog_page(CAPTURES[1][1]), "x.html").kind == "liveblog"
