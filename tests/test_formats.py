"""Saved pages and Guardian API JSON read from our own fixtures (written from the specs), and every
format indexed and shown (web archives: test_web_archives.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader import archive
from reader.library import Library
from reader.model import DocRef
from tests.webfixtures import BLOG_URL, write_warc

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def read(name: str):
    return archive.read_documents(FIXTURES, name)


def test_json_ld_liveblog_with_times_authors_captions_and_text_from_the_page():
    [doc] = read("jsonld-liveblog.html")
    assert (doc.kind, doc.title, doc.date) == ("liveblog", "Oorlog in Oekraïne: de laatste ontwikkelingen",
                                               "2022-04-19")
    assert doc.source_url == "https://voorbeeld.invalid/liveblog/oekraine" and doc.site == "Voorbeeldkrant"
    assert [e.headline for e in doc.entries] == ["Humanitaire corridor bij Marioepol",
                                                "Explosies gemeld in Kiev", "Goedemorgen"]  # newest first
    corridor, explosions, morning = doc.entries
    assert corridor.time == "2022-04-19T13:05:00+02:00" and corridor.modified == "2022-04-19T13:20:00+02:00"
    assert corridor.author == "Anna de Vries" and corridor.paragraphs == (
        "Er is een humanitaire corridor geopend bij de staalfabriek.",
        "Burgers kunnen vanaf 13.00 uur vertrekken.")
    assert [c.text for c in corridor.captions] == ["Rook boven het fabrieksterrein"]
    # an empty articleBody: the text of the element its URL fragment names, links as their text
    assert explosions.paragraphs == ("In de hoofdstad Kiev zijn vanochtend meerdere explosies gehoord.",)
    assert [c.text for c in explosions.captions] == ["De skyline van Kiev"]
    assert explosions.key_event and not corridor.key_event  # class is-key-event on its element
    text = " ".join(e.plain_text() for e in doc.entries)
    assert "script" not in text and "Voorpagina" not in text


def test_microdata_liveblog_with_key_event_and_pinned_flags():
    [doc] = read("microdata-liveblog.html")
    assert doc.kind == "liveblog" and doc.title == "Live: Kharkiv under fire" and doc.date == "2022-05-02"
    bridge, summary = doc.entries
    assert bridge.headline == "Bridge destroyed" and bridge.time == "2022-05-02T10:40:00+01:00"
    assert bridge.key_event and not bridge.pinned and [c.text for c in bridge.captions] == [
        "The bridge before the attack"]
    assert summary.pinned and summary.author == "Sam Example"
    assert summary.paragraphs == ("Shelling continued overnight in Kharkiv.", "Evacuations resumed at dawn.")


def test_json_ld_as_sites_write_it_markup_entities_descriptions_and_several_authors():
    [doc] = read("jsonld-variants.html")
    assert (doc.kind, doc.title, doc.date) == ("liveblog", "Oorlog & vrede: de dag in Charkiv", "2022-05-02")
    bridge, evacuations, headline_only = doc.entries
    assert bridge.headline == "Brug opgeblazen bij Charkiv – beelden"
    assert bridge.paragraphs == ("De brug over de rivier is in de nacht opgeblazen.",
                                 "Zie ook ons overzicht.")
    assert bridge.author == "Anna de Vries, Piet Jansen" and bridge.time == "2022-05-02T10:40:00+03:00"
    assert evacuations.paragraphs == ("De evacuaties uit de stad zijn bij zonsopgang hervat.",)
    assert evacuations.author == "Redactie"
    assert headline_only.paragraphs == () and headline_only.author == "Sam Voorbeeld"
    assert [c.text for c in headline_only.captions] == ["Kaart van de regio"]
    assert "<" not in " ".join(e.plain_text() for e in doc.entries)


def test_microdata_updates_as_blog_postings_with_values_in_meta_tags():
    [doc] = read("microdata-variants.html")
    assert (doc.kind, doc.title, doc.date) == ("liveblog", "Live: monsoon floods", "2022-05-03")
    rescue, schools = doc.entries
    assert (rescue.headline, rescue.time, rescue.author) == (
        "Rescue teams reach the valley", "2022-05-03T11:20:00+05:30", "R. Example")
    assert rescue.paragraphs == ("Rescue teams reached the flooded valley before noon.",)
    assert schools.headline == "Schools closed in three districts" and schools.key_event
    assert schools.paragraphs == ("Schools in three districts stay closed on Tuesday.",)


def test_a_page_saved_complete_is_one_document_and_its_resource_folder_is_not_read(tmp_path):
    """Browsers save "Web page, complete" as page.html beside page_files/ (images, scripts,
    frames of adverts): only the page is a document."""
    shutil.copy(FIXTURES / "jsonld-liveblog.html", tmp_path / "Liveblog Oekraïne.html")
    resources = tmp_path / "Liveblog Oekraïne_files"
    resources.mkdir()
    (resources / "ad-frame.html").write_text("<html><body><p>Koop nu!</p></body></html>")
    (resources / "config.json").write_text('{"tracking": true}')
    (tmp_path / "notes_files").mkdir()  # no page of that name beside it: read as any folder
    (tmp_path / "notes_files" / "note.txt").write_text("Een notitie over Kiev.\n")
    assert list(archive.scan(tmp_path)) == ["Liveblog Oekraïne.html", "notes_files/note.txt"]
    watched = archive.folders(tmp_path)
    assert resources not in watched and tmp_path / "notes_files" in watched


@pytest.mark.parametrize("variant", ["as saved", "xhtml", "windows-1252, unlabelled"])
def test_a_page_without_structured_data_is_one_article_of_its_main_text(tmp_path, variant):
    page = (FIXTURES / "plain-article.html").read_text(encoding="utf-8")
    if variant == "xhtml":  # an XML declaration, which lxml refuses in decoded text
        page = '<?xml version="1.0" encoding="utf-8"?>\n' + page
    data = page.encode("utf-8")
    if variant.startswith("windows-1252"):  # an older page: no charset stated, not UTF-8
        data = page.replace('<meta charset="utf-8">', "").replace("uitgebreid", "uitgebreid, café")
        data = data.encode("cp1252", errors="replace")
    (tmp_path / "page.html").write_bytes(data)
    [doc] = archive.read_documents(tmp_path, "page.html")
    assert (doc.kind, doc.date) == ("article", "2022-03-15")
    assert doc.title.startswith("Sancties tegen Rusland uitgebreid")
    text = "\n".join(e.plain_text() for e in doc.entries)
    assert "nieuw pakket sancties" in text and "Gevolgen voor Nederland" in text
    assert "Binnenland" not in text and "Cookies" not in text and "color: red" not in text
    if variant.startswith("windows-1252"):
        assert doc.title == "Sancties tegen Rusland uitgebreid, café" and "\ufffd" not in text


def test_the_short_paragraphs_of_a_page_without_structured_data_are_its_text(tmp_path):
    """(the main text was read by the text layout's rules, where a short line not followed by
    text is a photo caption: a page of short notes without a full stop showed photo markers)"""
    page = ("<html><head><title>Korte berichten</title></head><body><main><p>Sirenes in Kiev</p>"
            "<p>Treinen rijden weer</p><p>Stroom deels terug</p></main></body></html>")
    (tmp_path / "short.html").write_text(page, encoding="utf-8")
    [doc] = archive.read_documents(tmp_path, "short.html")
    [entry] = doc.entries
    assert entry.paragraphs == ("Sirenes in Kiev", "Treinen rijden weer", "Stroom deels terug")
    assert entry.captions == ()


@pytest.mark.parametrize("encoding, stated", [("utf-16", "utf-8"), ("utf-8-sig", "iso-8859-1"),
                                              ("utf-8", "utf-16"), ("cp1252", None)])
def test_a_page_is_decoded_as_a_browser_would(tmp_path, encoding, stated):
    """A byte-order mark wins over what the page states; a <meta> saying UTF-16 (readable as
    ASCII, so it cannot be) means UTF-8; no charset at all and not UTF-8 means Windows-1252."""
    meta = f"<meta charset='{stated}'>" if stated else ""
    page = (f"<html><head>{meta}<title>Oekraïne: café in Kiev</title></head><body><article><h1>Café"
            "</h1><p>Het café in Kiev is weer open, zegt de eigenaar. Het is een mooie dag voor iedereen "
            "die er woont en werkt.</p></article></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode(encoding))
    [doc] = archive.read_documents(tmp_path, "page.html")
    assert doc.title == "Oekraïne: café in Kiev" and not doc.problems
    assert "Het café in Kiev is weer open" in doc.entries[0].plain_text()


def test_a_page_in_a_charset_the_html_parser_does_not_know_is_read(tmp_path):
    page = ("<html><head><meta charset='euc-kr'><title>키예프 소식</title></head><body><article>"
            "<h1>키예프 소식</h1><p>키예프의 카페가 다시 문을 열었다고 주인이 말했다. 모두에게 좋은 "
            "날이다. 사람들이 거리에서 커피를 마신다.</p></article></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode("euc-kr"))
    [doc] = archive.read_documents(tmp_path, "page.html")
    assert doc.title == "키예프 소식" and "카페가 다시 문을" in doc.entries[0].plain_text()


@pytest.mark.parametrize("name, reason", [("invalid-jsonld.html", "JSON-LD block is not valid JSON"),
                                          ("truncated-page.html", "looks cut off")])
def test_broken_pages_are_read_as_far_as_they_go_and_say_why(name, reason):
    [doc] = read(name)
    assert any(reason in p for p in doc.problems), doc.problems
    assert doc.title == "Oorlog in Oekraïne: de laatste ontwikkelingen"


def test_guardian_item_blocks_are_entries_with_their_marks():
    [doc] = read("guardian-item.json")
    assert doc.kind == "liveblog" and doc.date == "2022-04-19" and doc.site == "The Guardian"
    assert doc.source_url.startswith("https://www.theguardian.com/world/live/2022/apr/19/")
    lead, mayor, sirens, summary = doc.entries
    assert lead.headline is None and lead.paragraphs == ("Fighting continues in the east; latest updates.",)
    assert mayor.key_event and mayor.author == "Jane Reporter" and mayor.time == "2022-04-19T11:45:00Z"
    assert mayor.paragraphs == ("The mayor of Mariupol said thousands remain in the city.",)
    assert [c.text for c in mayor.captions] == ["Smoke over the Azovstal plant"]
    assert sirens.pinned and sirens.paragraphs == ("Air raid sirens sounded across Kyiv this morning.",)
    assert summary.key_event and summary.author == "Jane Reporter"  # summary counts; createdBy names


def test_a_guardian_search_response_gives_each_result_a_document():
    docs = read("guardian-search.json")
    assert [(d.kind, d.title) for d in docs] == [("article", "Sanctions on Russia explained"),
                                                 ("liveblog", "Ukraine live: Kherson falls")]
    assert docs[0].ref == DocRef("guardian-search.json", "world/2022/mar/01/sanctions-explained")
    assert str(docs[0].ref) == "guardian-search.json#world/2022/mar/01/sanctions-explained"
    assert [e.headline for e in docs[0].entries] == [None, "Banks"]
    assert docs[1].entries[0].key_event
    assert archive.read_document(FIXTURES, docs[1].ref) == docs[1]


def test_json_that_is_not_a_guardian_response_is_skipped_with_the_reason():
    with pytest.raises(archive.ArchiveError, match="not a Guardian Content API response"):
        read("not-guardian.json")


def test_every_format_is_indexed_and_found(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(FIXTURES, folder)
    write_warc(folder / "capture.warc.gz")
    lib = Library(folder, tmp_path / "data")
    report = lib.index.update()
    assert [p.path for p in report.problems] == ["not-guardian.json"]
    assert lib.search("Kharkiv").total >= 1 and lib.search("Azovstal").total >= 1
    assert lib.search("luxegoederen").total == 3  # the plain page and the article in both WARCs
    hit = lib.search("Bridge destroyed").hits[0]
    assert hit.key_event and hit.time == "2022-05-02T10:40:00+01:00"
    assert json.dumps(lib.documents.infos(), default=str)


def test_a_one_megabyte_page_is_read_whole():
    updates = [{"@type": "BlogPosting", "headline": f"Update {n}", "articleBody": "Tekst over Kiev. " * 60,
                "datePublished": f"2022-04-19T{n % 24:02d}:{n % 60:02d}:00+02:00",
                "url": f"https://voorbeeld.invalid/l#u{n}"} for n in range(900)]
    page = ("<html><head><script type='application/ld+json'>"
            + json.dumps({"@type": "LiveBlogPosting", "headline": "Groot", "liveBlogUpdate": updates})
            + "</script></head><body>" + "<p>alinea</p>" * 2000 + "</body></html>").encode()
    assert len(page) > 10**6
    from reader.formats import html

    doc = html.parse(page, DocRef("x.html"))  # how fast: make bench (formats: a 1 MB saved page)
    assert sorted(e.headline for e in doc.entries) == sorted(f"Update {n}" for n in range(900))
    assert doc.entries[0].time == "2022-04-19T23:59:00+02:00"

def test_the_command_line_shows_times_sources_and_captures(tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(FIXTURES / "guardian-item.json", folder)
    write_warc(folder / "blog.warc.gz")
    env = {**os.environ, "LIVEBLOG_READER_HOME": str(tmp_path / "data")}

    def run(*args):
        proc = subprocess.run([sys.executable, "-m", "reader", "--archive", str(folder), *args],
                              capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    parsed = json.loads(run("parse", str(folder / "blog.warc.gz")))
    assert isinstance(parsed, list) and len(parsed) == 2
    blog = next(d for d in parsed if d["source_url"] == BLOG_URL)
    assert len(blog["captures"]) == 3
    assert {"time", "key_event", "pinned", "author"} <= set(blog["entries"][0])
    hits = json.loads(run("search", "Mariupol steelworks OR mayor", "--json"))["hits"]
    mayor = next(h for h in hits if h["headline"] == "Mayor: thousands remain")
    assert mayor["time"] == "2022-04-19T11:45:00Z" and mayor["key_event"] is True
    assert mayor["source_url"].startswith("https://www.theguardian.com/")
    shown = run("show", mayor["id"])
    assert "19 Apr 2022 11:45 · key event" in shown and "theguardian.com" in shown
    exported = run("export", mayor["id"])
    assert "Time: 19 Apr 2022 11:45 (key event)" in exported
    assert "Source URL: https://www.theguardian.com/world/live/2022/apr/19/" in exported
