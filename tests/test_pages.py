"""Liveblog pages as publishers serve them: structured data reconciled with what the page shows,
microdata values as the spec defines them, and tickers without any structured data read as the
thread a reader sees. The fixtures reproduce each structure, with words of our own."""

from __future__ import annotations

from pathlib import Path

from reader import archive
from reader.formats import html
from reader.model import DocRef

PAGES = Path(__file__).parent / "fixtures" / "pages"


def read(name: str):
    [doc] = archive.read_file(PAGES, name)
    return doc


def test_json_ld_that_gives_every_update_the_pages_time_and_headline_takes_the_pages_own():
    """Every liveBlogUpdate carries the page's datePublished and headline; each <article
    id="block-…"> (named by @id, or by a url fragment without the prefix) shows its own."""
    doc = read("jsonld-page-time-for-every-update.html")
    assert doc.kind == "liveblog" and doc.title == "Rail strike: live updates from across the country"
    times = [e.time[11:16] for e in doc.entries]
    assert times == ["09:41", "09:22", "09:14", "09:10", "09:06", "08:58", "08:47", "08:31", "08:15", "08:02"]
    assert all(e.time.endswith("+01:00") for e in doc.entries)
    titled = {e.headline: e for e in doc.entries if e.headline}
    # none repeats the page's headline: three posts have a title of their own
    assert set(titled) == {"Rail strike begins", "Union statement", "Minister responds"}
    assert [e.key_event for e in doc.entries].count(True) == 2
    assert titled["Rail strike begins"].key_event and titled["Minister responds"].key_event
    assert {e.author for e in doc.entries} == {"Ada Writer", "Ben Reporter", "Cy Editor"}  # one each
    assert titled["Union statement"].author == "Ben Reporter"
    assert titled["Union statement"].paragraphs == ("The union said talks could resume on Thursday.",)
    assert not any("Key event" in p or "By " in p for e in doc.entries for p in e.paragraphs)


def test_microdata_values_in_meta_content_are_read_for_every_property():
    doc = read("microdata-values-in-meta.html")
    assert doc.title == "Live: City against Rovers in the cup final" and doc.date == "2022-06-11"
    assert [e.headline for e in doc.entries] == ["Full time", "Chance!", "Substitution", "Half time", "Goal",
                                                 "Kick-off"]
    assert doc.entries[4].paragraphs == ("A header from a corner puts the home side ahead.",)
    assert all(e.paragraphs and e.time.startswith("2022-06-11T") for e in doc.entries)


def test_a_ticker_of_clock_headings_is_a_liveblog_on_the_pages_day_in_its_zone():
    """<h2>12.31 Uhr: …</h2> and its paragraphs, no structured data; a post past midnight is on
    the next day; the sidebar's timed teasers are not posts."""
    doc = read("ticker-clock-headings.html")
    assert (doc.kind, doc.title) == ("liveblog", "Unwetter: Der Tag im Ticker")
    posts = [e for e in doc.entries if e.time]
    assert [(e.time, e.headline) for e in posts] == [
        ("2022-07-05T00:15:00+02:00", "Die Nacht bleibt ruhig"),
        ("2022-07-04T23:40:00+02:00", "Sitzung vertagt"),
        ("2022-07-04T18:05:00+02:00", "Neue Brücke gesperrt"),
        ("2022-07-04T12:31:00+02:00", "Bürgermeisterin spricht"),
        ("2022-07-04T09:02:00+02:00", "Starkregen in der Nacht")]
    assert posts[1].paragraphs == ("Der Stadtrat hat seine Sitzung auf morgen früh verschoben.",
                                   "Ein Sprecher nannte keinen Grund.")
    [intro] = [e for e in doc.entries if not e.time]
    assert intro.paragraphs == ("Alle Entwicklungen des Tages in unserem Ticker.",)
    assert "Meistgelesen" not in " ".join(e.plain_text() for e in doc.entries)


def test_a_ticker_inside_a_liveblog_container_keeps_every_posts_opening_and_its_score_lines_as_text():
    """A LiveBlogPosting with no liveBlogUpdate items, its posts repeated divs with a time inside."""
    doc = read("ticker-in-liveblog-container.html")
    assert (doc.kind, doc.title, doc.date) == ("liveblog", "Relacja: gospodarze kontra goście", "2022-05-21")
    assert [e.time[11:16] for e in doc.entries] == ["21:31", "21:02", "20:44", "20:30", "19:58", "19:30"]
    assert all(e.headline is None for e in doc.entries)  # a score line is no headline
    assert doc.entries[1].paragraphs == ("2:1", "Drugi gol dla gospodarzy po szybkiej kontrze.")
    assert doc.entries[0].paragraphs == ("Koniec meczu! Gospodarze wygrywają po zaciętej walce.",)


def test_a_match_ticker_keyed_by_minute_is_a_liveblog_of_minutes():
    doc = read("ticker-match-minutes.html")
    assert doc.kind == "liveblog" and doc.title == "Direct : le match de la soirée"
    assert [e.headline for e in doc.entries] == ["90+3'", "78'", "61'", "45+1'", "12'"]
    assert doc.entries[2].paragraphs == ("But des visiteurs sur une frappe croisée.",)


def test_an_article_with_a_sidebar_of_timed_teasers_stays_an_article():
    doc = read("article-with-timed-teasers.html")
    assert doc.kind == "article" and doc.title == "The long road to the new harbour"


def test_a_ticker_page_of_a_megabyte_is_read():
    """(how fast is measured by make bench: formats, a 1 MB ticker page)"""
    page = (PAGES / "ticker-clock-headings.html").read_text()
    posts = "".join(f"<h2>{(300 - n) // 60 % 24}.{n % 60:02d} Uhr: Meldung {n}</h2><p>{'Ein Satz. ' * 62}</p>"
                    for n in range(1400))
    big = page.replace("<h2>00.15 Uhr", posts + "<h2>00.15 Uhr", 1).encode()
    assert len(big) > 900_000
    doc = html.parse(big, DocRef("big.html"))
    assert doc.kind == "liveblog" and len(doc.entries) == 1400 + 5 + 1


def _page(body: str, date: str = "2022-03-08T07:00:00+01:00") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta property='og:title' content='Il giorno in diretta'>"
            f"<meta property='article:published_time' content='{date}'></head>"
            f"<body>{body}</body></html>").encode()


def test_a_flat_ticker_of_time_labels_each_followed_by_paragraphs():
    """<p class="ora">ore 12.31</p> then the post's paragraphs, all siblings."""
    body = "".join(f"<p class='ora'>ore {h}.{m:02d}</p><p>Notizia numero {n}, con il suo testo.</p>"
                   f"<p>Un secondo paragrafo della notizia {n}.</p>"
                   for n, (h, m) in enumerate([(18, 40), (15, 5), (11, 20), (9, 0)]))
    doc = html.parse(_page(f"<div class='diretta'>{body}</div>"), DocRef("x.html"))
    assert [e.time for e in doc.entries] == ["2022-03-08T18:40:00+01:00", "2022-03-08T15:05:00+01:00",
                                             "2022-03-08T11:20:00+01:00", "2022-03-08T09:00:00+01:00"]
    assert doc.entries[1].paragraphs == ("Notizia numero 1, con il suo testo.",
                                         "Un secondo paragrafo della notizia 1.")


def test_a_ticker_as_a_list_with_am_pm_clocks():
    items = "".join(f"<li><b>{c}</b> {t}</li>" for c, t in [
        ("7:05 pm", "Polls close across the state in an hour."), ("4:40 pm", "Turnout is said to be high."),
        ("11:15 am", "Queues formed early at the town hall."),
        ("9:00 am", "Polling stations opened on time.")])
    doc = html.parse(_page(f"<main><ul class='updates'>{items}</ul></main>", "2022-11-08T08:00:00-05:00"),
                     DocRef("x.html"))
    assert [e.time for e in doc.entries] == ["2022-11-08T19:05:00-05:00", "2022-11-08T16:40:00-05:00",
                                             "2022-11-08T11:15:00-05:00", "2022-11-08T09:00:00-05:00"]
    assert doc.entries[0].paragraphs == ("Polls close across the state in an hour.",)


def test_a_ticker_on_a_page_without_a_date_keeps_its_clocks_in_the_headlines():
    posts = [("14.10", "Drei"), ("12.00", "Zwei"), ("10.30", "Eins")]
    body = "".join(f"<h3>{c} Uhr: {t}</h3><p>Text zu {t}.</p>" for c, t in posts)
    page = f"<html><head><title>Ticker</title></head><body>{body}</body></html>".encode()
    doc = html.parse(page, DocRef("x.html"))
    assert doc.kind == "liveblog"
    assert [e.headline for e in doc.entries] == ["14:10 Drei", "12:00 Zwei", "10:30 Eins"]
    assert all(e.time is None for e in doc.entries)
