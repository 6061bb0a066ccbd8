"""Search behaviour on the bundled archive: analysis, query language, variants, guards, results."""

from __future__ import annotations

import pytest

from reader import dates
from reader.model import DocRef, Filters
from reader.search import mark
from tests import oracle
from tests.conftest import BUNDLED


def headlines(result):
    return [h.headline for h in result.hits]


def ids(result):
    return {h.id for h in result.hits}


def test_stemming_finds_plural(bundled_library):
    result = bundled_library.search("bombardement", limit=50)
    assert result.total == 2
    assert all("bombardementen" in mark(h.snippet, h.spans) for h in result.hits)
    assert "«bombardementen»" in mark(result.hits[0].snippet, result.hits[0].spans)


def test_accents_are_folded(bundled_library):
    plain = bundled_library.search("geevacueerd", limit=50)
    accented = bundled_library.search("geëvacueerd", limit=50)
    assert plain.total == accented.total == 1
    assert ids(plain) == ids(accented)
    assert bundled_library.search("Oekraine", limit=100).total == \
        bundled_library.search("Oekraïne", limit=100).total > 10


def test_all_words_must_match(bundled_library):
    both = bundled_library.search("Denemarken gas", limit=50)
    assert headlines(both) == ["Denemarken verhoogt gasproductie in Noordzee tijdelijk"]
    assert bundled_library.search("Denemarken Biden").total == 0


def test_phrase(bundled_library):
    phrase = bundled_library.search('"humanitaire pauze"', limit=50)
    assert headlines(phrase) == ["VN-chef pleit voor vierdaags staakt-het-vuren"]
    loose = bundled_library.search("humanitaire pauze", limit=50)
    assert loose.total >= phrase.total


def test_minus_and_not_exclude(bundled_library):
    corridor = bundled_library.search("corridor", limit=50)
    without = bundled_library.search("corridor -Marioepol", limit=50)
    with_not = bundled_library.search("corridor NOT Marioepol", limit=50)
    assert corridor.total == 4
    assert without.total == with_not.total == 0
    kiev = bundled_library.search("Rutte -Kiev", limit=50)
    assert kiev.total > 0 and all("Kiev" not in h.snippet for h in kiev.hits)


def test_or(bundled_library):
    a = bundled_library.search("Griekenland").total
    b = bundled_library.search("Denemarken").total
    assert bundled_library.search("Griekenland OR Denemarken").total == a + b


def test_fields(bundled_library):
    assert headlines(bundled_library.search("headline:Kiev")) == ["Biden voorlopig niet naar Kiev"]
    assert bundled_library.search("Kiev").total > 1
    assert bundled_library.search("title:Staalcomplex", limit=100).total == 38
    march = bundled_library.search("date:2022-03")
    assert [h.document for h in march.hits] == [DocRef("002_147de22630910095.txt")]
    # the liveblog's date is read from its text ("19 april", the year of its dated neighbours)
    assert {h.date for h in bundled_library.search("date:2022", limit=100).hits} == {
        "2022-02", "2022-03", "2022-04-19"}


def test_fuzzy(bundled_library):
    assert bundled_library.search("Marioepl").total == 0
    fuzzy = bundled_library.search("Marioepl~", limit=50)
    assert fuzzy.total == 8
    assert "«Marioepol»" in mark(fuzzy.hits[0].snippet, fuzzy.hits[0].spans)


def test_prefix(bundled_library):
    result = bundled_library.search("Azovsta*", limit=50)
    assert result.total == 5
    assert all("«Azovstal" in mark(h.snippet, h.spans) for h in result.hits)


@pytest.mark.parametrize("typed, other", [("Mariupol", "Marioepol"), ("Marioepol", "Mariupol"),
                                          ("Kyiv", "Kiev"), ("Kiev", "Kyiv"),
                                          ("Luhansk", "Loegansk"), ("Putin", "Poetin"),
                                          ("Kharkiv", "Charkov"), ("Bucha", "Boetsja")])
def test_name_variants(bundled_library, typed, other):
    result = bundled_library.search(typed, limit=100)
    assert other in result.variants[typed]
    direct = bundled_library.search(f"{other} -{typed}", limit=100)
    assert ids(direct) <= ids(result)


def test_mariupol_finds_both_spellings(bundled_library):
    result = bundled_library.search("Mariupol", limit=100)
    either = oracle.with_any(BUNDLED, "Mariupol", "Marioepol")
    dutch = oracle.with_any(BUNDLED, "Marioepol")
    assert dutch and either - dutch  # the archive has both spellings
    assert ids(result) == either and result.total == len(either)
    assert result.variants == {"Mariupol": {"Marioepol": len(dutch)}}


def test_kyiv_finds_kiev(bundled_library):
    result = bundled_library.search("Kyiv", limit=100)
    assert "Biden voorlopig niet naar Kiev" in headlines(result)
    assert result.variants["Kyiv"]["Kiev"] >= 10


@pytest.mark.parametrize("text, valid, note", [
    ('"humanitaire corridor', "humanitaire corridor", "unmatched quote"),
    ("((kiev", "kiev", "unmatched '('"),
    ("kiev))", "kiev", "unmatched ')'"),
    ("kiev OR", "kiev", "OR with nothing"),
    ("OR kiev", "kiev", "OR with nothing"),
    ("kiev NOT", "kiev", "NOT with nothing"),
    ("kiev *", "kiev", "wildcard needs letters"),
    ("kiev ** ?", "kiev", "wildcard needs letters"),
    ("*kiev", None, "wildcard needs letters"),
    ("ki*ev", "ki", "Only a trailing *"),
    ("a* kiev", "a kiev", "too short for a prefix"),
    ("kiev~9", "kiev~2", None),
    ("(" * 500 + "kiev" + ")" * 500, "kiev", "nested too deep"),
    (" ".join(f"w{i}" for i in range(5000)), " ".join(f"w{i}" for i in range(64)), "first 64 words"),
    (" ".join(["kiev"] * 5000), "kiev", "first 64 words"),
    ("+kiev", "kiev", None),
    ("kiev AND AND", "kiev", None),
    ("-kiev", None, "excluded words"),
    ("NOT NOT NOT", None, "NOT with nothing"),
    ("- - -", None, "Nothing to search for"),
    ("((()))", None, "Nothing to search for"),
    ("OR", None, "OR with nothing"),
    ("\x00\x01", None, "Nothing to search for"),
    ("🙂", None, "Nothing to search for"),
    ('""', None, "Nothing to search for"),
    ("headline:", None, "needs a word after it"),
    ("kiev date:", "kiev", "needs a word after it"),
])
def test_malformed_queries_are_answered(bundled_library, text, valid, note):
    """The valid part of a query still finds its hits; what was ignored is named in the message."""
    result = bundled_library.search(text, limit=100)
    assert result.query == text
    if valid is None:
        assert result.total == 0 and not result.hits
    else:
        expected = bundled_library.search(valid, limit=100)
        assert ids(result) == ids(expected) and result.total == expected.total
    if note is None:
        assert not result.message or "ignored" not in result.message.lower()
    else:
        assert result.message and note in result.message, result.message


def test_guards_explain_themselves(bundled_library):
    assert "wildcard" in bundled_library.search("*").message
    assert "'ma*' is too short for a prefix" in bundled_library.search("ma*").message
    long = bundled_library.search(" ".join(f"w{i}" for i in range(5000)))
    assert "first 64 words" in long.message
    quote = bundled_library.search('"humanitaire corridor')
    assert "unmatched quote" in quote.message and quote.total > 0
    assert "excluded words" in bundled_library.search("-kiev").message


def test_sort_by_date_and_filter(bundled_library):
    by_date = bundled_library.search("Russische", limit=200, sort="date")
    dates = [h.date or "" for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    this = Filters(document=DocRef("000_d2297999e083d57d.txt"))
    only = bundled_library.search("Russische", limit=200, filters=this)
    assert {h.document for h in only.hits} == {this.document}
    positions = [h.position for h in bundled_library.search("Russische", limit=200, sort="date",
                                                            filters=this).hits]
    assert positions == sorted(positions)


def test_limit_and_total(bundled_library):
    result = bundled_library.search("Oekraïne", limit=3)
    assert len(result.hits) == 3 and result.total > 3


def test_did_you_mean(bundled_library):
    result = bundled_library.search("olietankr")
    assert result.total == 0
    assert result.suggestion == "olietanker"
    assert bundled_library.search("olietanker").suggestion is None
    # stop words are not indexed; they are never "corrected" into other words
    assert bundled_library.search("olietankr het").suggestion == "olietanker het"
    # a few typos are corrected; a paste of unknown words is not a mistyped question
    assert bundled_library.search("olietankr Frederiksn").suggestion == "olietanker frederiksen"
    assert bundled_library.search("olietankr qqxa qqxb qqxc qqxd").suggestion is None


def test_hit_fields(bundled_library):
    hit = bundled_library.search("Frederiksen").hits[0]
    assert hit.headline == "Denemarken verhoogt gasproductie in Noordzee tijdelijk"
    assert hit.title.startswith("'Staalcomplex Marioepol")
    assert hit.document == DocRef("000_d2297999e083d57d.txt")
    assert hit.score > 0
    assert "«Frederiksen»" in mark(hit.snippet, hit.spans)


SHAPES = ["Kiev OR Charkov", "Kiev Rusland", "(Kiev OR Marioepol) -Charkov", '"humanitaire corridor" OR Kiev',
          "Oekr*", "marioepl~", "Kiev OR date:2022-02", "title:Staalcomplex OR Kiev",
          "headline:Kiev OR Biden", "Rusland NOT Kiev", "Mariupol", "Kiev OR Charkov OR Oekraïne OR Rusland"]
RANGES = [Filters(after="2022-04-01"), Filters("2022-02", "2022-03"), Filters(before="2022-03-31"),
          Filters(after="2022-04-19", before="2022-04-19"), Filters(after="2023")]


@pytest.mark.parametrize("filters", RANGES, ids=lambda f: f"{f.after}..{f.before}")
def test_a_date_range_narrows_a_query_of_any_shape(bundled_library, filters):
    """The range applies to the whole query (it was glued onto its text, where it bound to the
    last word only: 'Kiev OR Charkov --after 2022-04-01' found February and March)."""
    start = dates.span(filters.after)[0] if filters.after else "0000"
    end = dates.span(filters.before)[1] if filters.before else "9999"

    def within(date):
        return date is not None and start <= dates.span(date)[0] and dates.span(date)[1] <= end

    for query in SHAPES:
        every = bundled_library.search(query, limit=1000)
        narrowed = bundled_library.search(query, limit=1000, filters=filters)
        expected = {h.id for h in every.hits if within(h.date)}
        assert {h.id for h in narrowed.hits} == expected and narrowed.total == len(expected), query
    assert bundled_library.search("Kiev OR Charkov", filters=RANGES[0]).total == 11  # of 17


def test_a_range_and_one_document_together(bundled_library):
    blog = DocRef("000_d2297999e083d57d.txt")
    both = bundled_library.search("Kiev OR Rusland", 100, filters=Filters(after="2022-04", document=blog))
    assert both.total > 0 and {h.document for h in both.hits} == {blog}
    earlier = Filters(before="2022-03", document=blog)  # (the liveblog is of April)
    assert bundled_library.search("Kiev OR Rusland", filters=earlier).total == 0
    odd = bundled_library.search("Kiev", filters=Filters(after="gisteren"))
    assert odd.total == bundled_library.search("Kiev").total and "'gisteren' is not a date" in odd.message
