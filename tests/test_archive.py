"""The parser on the five bundled files and on generated files with awkward encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import archive
from reader.model import DocRef
from tests.conftest import BUNDLED, LIVEBLOG, LIVEBLOG_DOC

LIVEBLOG_HEADLINES = [
    "Oekraïense minister van EU-zaken draagt gympen om sneller te kunnen vluchten",
    "Azov-bataljon: Azovstal-complex nagenoeg verwoest",
    "Denemarken verhoogt gasproductie in Noordzee tijdelijk",
    "Nederland en België willen militaire samenwerking uitbreiden",
    "Rusland: 120 mensen hebben terrein Azovstal-fabriek verlaten",
    "VN-chef pleit voor vierdaags staakt-het-vuren",
    "Strijd in Marioepol: 'Vrouw en kind werden voor de ogen van mijn vrienden vermoord'",
    "Ook Canada legt sancties op aan dochters van Poetin",
    "'Zeker drie doden en vijftien gewonden bij aanvallen op Charkov'",
    "IMF: oorlog Oekraïne vertraagt economische groei, inflatie langer hoog",
    "Weer gevangenenruil met Rusland: 76 Oekraïners vrijgelaten",
    "Lavrov: Rusland gaat geen nucleaire wapens inzetten in Oekraïne",
    "15 Nederlandse diplomaten worden Rusland uitgezet",
    "Belgisch Jeugdjournaal krijgt Oekraïense ondertiteling",
    "Humanitaire corridor vanuit Azov-fabriek in Marioepol",
    "Kreminna volledig in Russische handen",
    "Vluchten voor de dood om rustig te kunnen sterven",
    "Minder bedden voor opvang Oekraïners, maar nog steeds voldoende",
    "Kunnen 76 tactische bataljons Rusland aan de overwinning helpen?",
    "Griekenland neemt Russische olietanker in beslag",
    "Rusland: vannacht 1260 doelen in Oekraïne geraakt",
    "'Ga weg uit Loegansk'",
    "Rusland stelt nieuw ultimatum voor strijders in Marioepol",
    "'We proberen ons oude leven weer op te pakken'",
    "'Russen bestormen Azovstal-fabriek'",
    "Solidariteitsfonds voor wederopbouw",
    "Inwoners Boetja begraven hun vermoorde dierbaren",
    "Frankrijk wil Europees verbod op import Russische olie",
    "Opnieuw geen humanitaire corridors vandaag",
    "Osinga: Russische troepen nu waarschijnlijk beter georganiseerd",
    "Beschietingen in Donbas",
    "Russisch vliegtuig moet 15.000 kilometer omvliegen vanwege vliegverbod EU",
    "Busmaatschappij FlixBus hervat reizen naar Oekraïne",
    "Macron: op dit moment geen gesprekken met Poetin",
    "Rusland mogelijk bestempeld als 'staatssponsor van terrorisme'",
    "Biden voorlopig niet naar Kiev",
    "Oekraïne meldt begin 'slag om de Donbas'",
    "Welkom in dit nieuwe liveblog",
]

# entry headline -> its captions (credit, text); every other entry has none
LIVEBLOG_CAPTIONS = {
    "Azov-bataljon: Azovstal-complex nagenoeg verwoest": [
        (None, "Het Azovstal-terrein op eerdere satellietbeelden")],
    "Denemarken verhoogt gasproductie in Noordzee tijdelijk": [
        (None, "Een afgedankt Deens gasplatform wordt gesloopt")],
    "Strijd in Marioepol: 'Vrouw en kind werden voor de ogen van mijn vrienden vermoord'": [
        (None, "'Een jonge vrouw met haar kind is voor de ogen van mijn vrienden vermoord'")],
    "Lavrov: Rusland gaat geen nucleaire wapens inzetten in Oekraïne": [(None, "Sergej Lavrov")],
    "Vluchten voor de dood om rustig te kunnen sterven": [
        (None, "Vluchten voor de dood om rustig te kunnen sterven")],
    "Rusland stelt nieuw ultimatum voor strijders in Marioepol": [
        (None, "De situatie in Marioepol op 19 april")],
    "'We proberen ons oude leven weer op te pakken'": [
        (None, "'We proberen terug te keren naar ons oude leven'")],
    "Inwoners Boetja begraven hun vermoorde dierbaren": [
        ("AFP", "In het Oekraïense plaatsje Boetsja zijn inwoners begonnen met het begraven "
                "van hun omgekomen dierbaren"),
        ("AFP", "Inwoners leggen de lichamen in doodskisten"),
        ("AFP", "Mannen leggen de doodskist van een overleden slachtoffer in een pas gegraven graf"),
        ("AFP", "De priester van de St. Andrewkerk in Boetsja leidt de begrafenis van omgekomen "
                "inwoners"),
        ("EPA", "De moeder van een vermoorde man rouwt bij zijn graf"),
    ],
    "Beschietingen in Donbas": [
        (None, "'We zullen er alles aan doen om elke centimeter Oekraïne te verdedigen'")],
}


def parse(name: str):
    return archive.read_document(BUNDLED, DocRef(name))


def test_liveblog_header():
    doc = parse(LIVEBLOG)
    assert doc.kind == "liveblog"
    assert doc.closed is True
    assert doc.site == "NOS Nieuws"
    assert doc.title == ("'Staalcomplex Marioepol nagenoeg verwoest' • "
                         "VN-chef stelt vierdaags staakt-het-vuren voor")
    # the file gives no date; "op 19 april" in the text does, with the year its dated neighbours share
    assert (doc.date, doc.date_source) == ("2022-04-19", "text")
    assert doc.date_note == ("inferred from '19 april' in the text "
                             "(the year of the other documents in its folder)")


def test_liveblog_headlines_in_order():
    doc = parse(LIVEBLOG)
    assert [e.headline for e in doc.entries] == LIVEBLOG_HEADLINES
    assert [e.position for e in doc.entries] == list(range(len(LIVEBLOG_HEADLINES)))


def test_liveblog_captions_and_gallery():
    doc = parse(LIVEBLOG)
    for entry in doc.entries:
        got = [(c.credit, c.text) for c in entry.captions]
        assert got == LIVEBLOG_CAPTIONS.get(entry.headline, []), entry.headline


def test_link_line_stays_with_its_entry():
    doc = parse(LIVEBLOG)
    entry = next(e for e in doc.entries if e.headline.startswith("Kunnen 76"))
    assert entry.paragraphs[-1] == "Lees meer in dit artikel."


def _content_lines(name: str, skip: int) -> list[str]:
    lines = [ln.strip() for ln in (BUNDLED / name).read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    lines = lines[skip:]
    return [ln for ln in lines if not ln.startswith("Volg dit onderwerp") and ln[:1] != "•"]


def _parsed_lines(doc) -> list[str]:
    out = []
    for e in doc.entries:
        if e.headline:
            out.append(e.headline)
        out.extend(e.paragraphs)
        out.extend(c.text for c in e.captions)
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLED.glob("*.txt")))
def test_no_text_lost(name):
    doc = parse(name)
    skip = 4 if doc.kind == "liveblog" else 0
    expected = _content_lines(name, skip)
    if doc.date_source == "file":
        expected[0] = expected[0].split(doc.date, 1)[1].strip()
    assert _parsed_lines(doc) == expected  # every line once, in file order
    assert not any("Volg dit onderwerp" in line for line in _parsed_lines(doc))


def test_articles():
    docs = {p.name: parse(p.name) for p in BUNDLED.glob("00[1-4]*.txt")}
    update = docs["001_52cbfcf192b59ab9.txt"]
    assert update.kind == "article"
    assert update.date == "2022-02"
    assert update.title == "In grote delen van Oekraïne vinden inmiddels zware gevechten plaats"
    assert update.entries[0].headline is None  # the lead
    assert update.entries[0].paragraphs[0].startswith("In grote delen van Oekraïne")
    assert [e.headline for e in update.entries[1:4]] == [
        "Tientallen doden, maar onbekend hoeveel precies",
        "Zelensky verbreekt diplomatieke banden, roept mensen op mee te vechten",
        "NAVO stuurt meer troepen naar omgeving, sancties nog onbekend",
    ]
    assert docs["002_147de22630910095.txt"].date == "2022-03"
    assert len(docs["002_147de22630910095.txt"].entries) == 1
    third = docs["003_ae0a0e445653c54d.txt"]
    assert third.date is None
    assert third.entries[0].captions[0].text.startswith("De slag om Kiev rond 16.00 uur")
    assert [e.headline for e in third.entries[1:]] == [
        "Poetin wil dat Oekraïens leger de macht grijpt",
        "Voorstel tot onderhandelingen tussen Poetin en Zelensky lijkt te zijn gestrand",
    ]
    for doc in docs.values():
        assert len(doc.title) <= 91 and "\n" not in doc.title


def test_ids_are_stable_when_entries_are_added(tmp_path: Path):
    original = (BUNDLED / LIVEBLOG).read_text(encoding="utf-8")
    before = {e.headline: e.id for e in archive.parse_text(original, LIVEBLOG_DOC).entries}
    head, rest = original.split("liveblog gesloten\n\n", 1)
    grown = head + "liveblog gesloten\n\nNieuw bericht bovenaan\n\n" + \
        "Dit is een nieuwe alinea die net is toegevoegd aan het liveblog.\n\n" + rest
    after = {e.headline: e.id for e in archive.parse_text(grown, LIVEBLOG_DOC).entries}
    assert "Nieuw bericht bovenaan" in after
    for headline, entry_id in before.items():
        assert after[headline] == entry_id
    assert len(set(after.values())) == len(after)


def test_ids_depend_on_path():
    text = (BUNDLED / LIVEBLOG).read_text(encoding="utf-8")
    a = archive.parse_text(text, DocRef("a.txt")).entries[0].id
    b = archive.parse_text(text, DocRef("b.txt")).entries[0].id
    assert a != b


SAMPLE = "Kop van een bericht\n\nDit is de tekst van het bericht over Oekraïne en geëvacueerde mensen.\n"


@pytest.mark.parametrize("encode", [
    lambda s: s.replace("\n", "\r\n").encode("utf-8"),
    lambda s: s.replace("\n", "\r").encode("utf-8"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.encode("cp1252"),
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("utf-16-be").join([b"\xfe\xff", b""]),
], ids=["crlf", "cr", "bom", "cp1252", "utf16le", "utf16be"])
def test_encodings(tmp_path: Path, encode):
    (tmp_path / "f.txt").write_bytes(encode(SAMPLE))
    doc = archive.read_document(tmp_path, DocRef("f.txt"))
    assert [e.headline for e in doc.entries] == ["Kop van een bericht"]
    assert doc.entries[0].paragraphs == (
        "Dit is de tekst van het bericht over Oekraïne en geëvacueerde mensen.",)


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"  \n\n \r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
])
def test_bad_files_are_reported_and_skipped(tmp_path: Path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text(SAMPLE, encoding="utf-8")
    docs, problems = archive.load(tmp_path)
    assert [d.ref for d in docs] == [DocRef("good.txt")]
    assert len(problems) == 1 and problems[0].path == "bad.txt"
    assert reason in problems[0].reason


def test_scan_is_recursive_and_skips_hidden(tmp_path: Path):
    (tmp_path / "2022" / "april").mkdir(parents=True)
    (tmp_path / "2022" / "april" / "blog.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert list(archive.scan(tmp_path)) == ["2022/april/blog.txt"]
    assert archive.folders(tmp_path) == [tmp_path, tmp_path / "2022", tmp_path / "2022" / "april"]


def test_date_prefix_on_a_liveblog():
    doc = archive.parse_text(" date 2022-04-19 \nliveblog\nNOS Nieuws\n\nA • B\n\n"
                             "Kop\n\nEen alinea met tekst die eindigt.\n", DocRef("x.txt"))
    assert (doc.kind, doc.date, doc.title, doc.closed) == ("liveblog", "2022-04-19", "A • B", False)


@pytest.mark.parametrize("text, title, entries", [
    ("liveblog\nNOS Nieuws\n\nAlleen een titel • en nog een\n", "Alleen een titel • en nog een", 0),
    ("liveblog\n\nTwee regels\n", "Twee regels", 0),
    ("Volg dit onderwerp Volgen Ontvang een melding\n", None, 0),
    ("Een losse regel\n", "Een losse regel", 1),
])
def test_any_text_is_a_document(tmp_path: Path, text, title, entries):
    (tmp_path / "f.txt").write_text(text, encoding="utf-8")
    docs, problems = archive.load(tmp_path)
    assert problems == [] and len(docs) == 1
    assert len(docs[0].entries) == entries
    assert docs[0].title == (title or "f")
