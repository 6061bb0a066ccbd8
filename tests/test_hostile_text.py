"""Text the web really produces, per format: control characters, lone surrogates, markup nested
too deep, numbers too long, bytes that are not UTF-8. Each is read (or refused with a reason),
and what is read is safe text everywhere after (trees, hashes, the index, widgets)."""

from __future__ import annotations

import json

import pytest

from reader.formats import guardian, html, text
from reader.formats.common import NotADocument, safe_text
from reader.model import DocRef


def _page(body: str, head: str = "<title>Een pagina</title>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def _words(doc) -> str:
    return " ".join(e.plain_text() for e in doc.entries)


def test_a_control_character_after_a_script_is_dropped_and_the_page_read():
    """(lxml's drop_tree() raised ValueError on the control character left in the tail)"""
    page = _page("<p>Er zijn explosies gehoord in de stad.</p>"
                 "--><script type='application/ld+json'></script>\x1f<p>Daarna werd het stil.</p>")
    doc = html.parse(page, DocRef("a.html"))
    assert "explosies" in _words(doc) and "stil" in _words(doc)
    assert "\x1f" not in _words(doc)


def test_a_character_reference_to_a_control_character_is_dropped():
    page = _page("<p>Voor&#31;na</p><script>var x;</script>&#31;&#xFFFE;<p>Slot van het verhaal.</p>")
    doc = html.parse(page, DocRef("a.html"))
    assert "Voorna" in _words(doc) and "Slot van het verhaal" in _words(doc)


def test_a_lone_surrogate_in_a_json_ld_url_is_replaced_and_the_entry_kept():
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Liveblog",
            "liveBlogUpdate": [
                {"@type": "BlogPosting", "headline": "Kop \ud800 een", "url": "https://x.invalid/#a\ud800",
                 "articleBody": "Tekst van de eerste update."},
                {"@type": "BlogPosting", "headline": "Kop twee", "url": "https://x.invalid/#b",
                 "articleBody": "Tweede update."}]}
    script = f"<script type='application/ld+json'>{json.dumps(data)}</script>"  # \ud800 as an escape
    doc = html.parse(_page("<p>x</p>", head=script), DocRef("a.html"))
    assert [e.headline for e in doc.entries] == ["Kop \ufffd een", "Kop twee"]
    assert len({e.id for e in doc.entries}) == 2


def _guardian(blocks: list[dict]) -> bytes:
    return json.dumps({"response": {"status": "ok", "content": {
        "id": "world/live/2022/apr/19/x", "type": "liveblog", "webTitle": "Live: the war, day 55",
        "webPublicationDate": "2022-04-19T06:00:00Z", "blocks": {"body": blocks}}}}).encode()


def test_a_control_character_in_a_guardian_body_and_a_lone_surrogate_in_a_block_id_are_read():
    data = _guardian([
        {"id": "b1\ud800", "firstPublishedDate": "2022-04-19T07:00:00Z",
         "bodyHtml": "<p>Explosions\x1f were heard.</p><script>s</script>\x1f<p>Then quiet.</p>"},
        {"id": "b2", "bodyHtml": "<p>A second block.</p>", "firstPublishedDate": "2022-04-19T08:00:00Z"}])
    doc = guardian.parse(data, DocRef("g.json"))[0]
    assert "Explosions were heard." in _words(doc) and "Then quiet." in _words(doc)
    assert len(doc.entries) == 2


def test_a_guardian_response_that_is_not_valid_utf8_is_read_with_a_note():
    data = _guardian([{"id": "b1", "bodyHtml": "<p>Caf\u00e9 opened again.</p>"}]).replace(
        b"Caf\\u00e9", b"Caf\xe9")  # (json.dumps writes \u00e9; the file has a Latin-1 byte)
    doc = guardian.parse(data, DocRef("g.json"))[0]
    assert "opened again" in _words(doc) and "Caf\ufffd" in _words(doc)
    assert any("not valid UTF-8" in p for p in doc.problems)


def test_a_json_number_of_a_million_digits_does_not_stop_the_response():
    data = _guardian([{"id": "b1", "bodyHtml": "<p>Still read.</p>", "size": 7}]).replace(
        b'"size": 7', b'"size": ' + b"9" * 1_000_000)
    assert "Still read." in _words(guardian.parse(data, DocRef("g.json"))[0])


def test_json_nested_too_deep_is_refused_with_a_reason():
    with pytest.raises(NotADocument, match="nests deeper"):
        guardian.parse(b'{"response": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", DocRef("g.json"))


def test_a_page_nested_ten_thousand_deep_is_read_as_plain_text_with_a_note():
    """(lxml stops at 255 levels and silently drops the rest of the page)"""
    page = _page("<p>Het begin van de pagina.</p>" + "<div>" * 10_000 + "<p>Diep in de pagina.</p>"
                 + "</div>" * 10_000 + "<p>Het einde van de pagina.</p>")
    doc = html.parse(page, DocRef("a.html"))
    words = _words(doc)
    assert "Het begin" in words and "Diep in de pagina" in words and "Het einde" in words
    assert doc.title == "Een pagina"
    assert any("nests its elements deeper" in p for p in doc.problems)


def test_markup_nested_too_deep_in_a_guardian_body_is_read_whole():
    deep = "<p>Boven.</p>" + "<div>" * 5000 + "<p>Onder.</p>" + "</div>" * 5000
    data = _guardian([{"id": "b1", "bodyHtml": deep}, {"id": "b2", "bodyHtml": "<p>Tweede.</p>"}])
    assert "Onder." in _words(guardian.parse(data, DocRef("g.json"))[0])


def test_binary_data_saved_as_a_page_is_refused_as_binary():
    with pytest.raises(NotADocument, match="binary"):
        html.parse(bytes(range(256)) * 40, DocRef("photo.html"))


def test_a_text_file_padded_with_nul_bytes_is_read():
    """(an interrupted download is padded with NULs: the text is there, so it is read)"""
    data = ("liveblog\nNOS\nOorlog • Dag 55\nExplosies in Kiev\n"
            "Er zijn explosies gehoord in het centrum van de stad en de omgeving.\n")
    doc = text.parse_bytes(data.encode() + b"\x00" * 200, DocRef("a.txt"))
    assert "explosies gehoord" in _words(doc)


_UPDATE = ("liveblog\nNOS\nOorlog • Dag 55\nOekraïense troepen heroveren dorp\n"
           "Het Oekraïense leger zegt een dorp bij Charkov te hebben heroverd; één inwoner "
           "vertelt dat de beschietingen zijn gestopt en dat het café weer open is.\n")


def test_a_utf8_file_cut_off_inside_its_last_character_stays_utf8():
    """(a download cut at a byte count stops mid-character: it was read as Windows-1252, so
    every accented letter before the cut came out as two)"""
    data = (_UPDATE + "Één ").encode()[:-4]  # the cut falls between the two bytes of 'É'
    doc = text.parse_bytes(data, DocRef("cut.txt"))
    words = _words(doc)
    assert "Oekraïense leger" in words and "één inwoner" in words and "Ã" not in words


def test_a_stray_byte_in_a_utf8_file_is_replaced_and_the_rest_stays_utf8():
    data = _UPDATE.encode().replace("café".encode(), b"caf\xe9")
    doc = text.parse_bytes(data, DocRef("stray.txt"))
    words = _words(doc)
    assert "Oekraïense leger" in words and "caf\ufffd weer open" in words and "Ã" not in words


def test_a_windows_1252_file_with_one_accented_letter_stays_windows_1252():
    data = ("liveblog\nNOS\nOorlog • Dag 55\nCafe in Kiev open\nHet café in Kiev is weer "
            "open, zegt de eigenaar van de zaak in het centrum.\n").encode("cp1252")
    doc = text.parse_bytes(data, DocRef("old.txt"))
    assert "Het café in Kiev" in _words(doc)


def test_a_saved_page_cut_off_inside_its_last_character_stays_utf8():
    page = _page("<article><h1>Oekraïense troepen</h1><p>Het Oekraïense leger zegt een dorp "
                 "te hebben heroverd; één inwoner vertelt dat het café weer open is. Één</p>"
                 "</article>").split("Één".encode())[0] + "Één".encode()[:1]
    doc = html.parse(page, DocRef("cut.html"))
    assert "één inwoner" in _words(doc) and "Ã" not in _words(doc)


def test_safe_text_keeps_text_and_removes_only_what_breaks():
    assert safe_text("tab\tnew\nline\r ok ë 😀") == "tab\tnew\nline\r ok ë 😀"
    assert safe_text("a\x00b\x1fc\x0bd\ufffee\uffff") == "abcde"
    assert safe_text("lone \ud800 and \udfff") == "lone \ufffd and \ufffd"


def test_an_entry_of_megabytes_is_continued_in_entries_of_at_most_one_and_keeps_every_word(tmp_path):
    """(one 60 MB line was one entry, whose positions whoosh held at once: 900 MB)"""
    from reader import archive
    from reader.formats.common import MAX_ENTRY_CHARS

    words = [f"woord{n}" for n in range(400_000)]  # 4.4 MB on one line, every word different
    (tmp_path / "dump.txt").write_text("Een dump\n" + " ".join(words) + "\n", encoding="utf-8")
    [doc] = archive.read_file(tmp_path, "dump.txt")
    assert len(doc.entries) == 5 and all(len(e.body) <= MAX_ENTRY_CHARS for e in doc.entries)
    assert " ".join(e.body for e in doc.entries).split() == words
    continued = [f"Een dump (continued {n})" for n in range(2, 6)]
    assert [e.headline for e in doc.entries] == ["Een dump", *continued]
    assert [e.position for e in doc.entries] == list(range(5)) and len({e.id for e in doc.entries}) == 5
