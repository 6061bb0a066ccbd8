"""Property tests: whatever is typed is answered, the valid part still finds its hits, and
what was ignored is named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples

OPERATORS = ["OR", "AND", "NOT", "-", "+", "(", ")", '"', "*", "?", "~", "~2", ":", "headline:",
             "title:", "date:", "date:2022", "kiev", "Marioepol", "oekr*", "a*", "**", "\\"]
pieces = st.one_of(st.text(max_size=12), st.sampled_from(OPERATORS))
queries = st.one_of(
    st.text(max_size=200),
    st.lists(pieces, max_size=40).map(" ".join),
    st.lists(pieces, max_size=40).map("".join),
    st.integers(1000, 5000).map(lambda n: " ".join(f"w{i}" for i in range(n))),
)

# junk around a word, and what the answer must say about it
BEFORE = {")": "unmatched ')'", "*": "wildcard needs letters", "headline:": "needs a word after it"}
AFTER = {**BEFORE, "OR": "OR with nothing", "NOT": "NOT with nothing", "(": "unmatched '('",
         '"': "unmatched quote"}
AFTER.pop(")")  # after a "(" it would close it
pytestmark = pytest.mark.property  # asked again with fresh seeds by make test-slow

WORDS = ["Frederiksen", "Marioepol", "Guterres", "corridor", "Kiev"]


def _check(library, text, limit=20):
    """Ask; the answer must be consistent (how fast is measured by make bench: hostile input)."""
    result = library.search(text, limit=limit)
    assert result.query == text
    listed = result.stories if result.folded else result.total  # (one hit per story when folded)
    assert len(result.hits) == min(listed, limit)  # the count and the hits agree
    assert len({h.id for h in result.hits}) == len(result.hits)
    if result.total == 0 and text.strip() and not result.terms and "date:" not in text:
        assert result.message, text  # nothing was left to search for: the answer says why


@examples(300)
@given(text=queries)
def test_any_query_is_answered(bundled_library, text):
    _check(bundled_library, text)


@examples(200)
@given(before=st.lists(st.sampled_from(sorted(BEFORE)), max_size=3),
       word=st.sampled_from(WORDS),
       after=st.lists(st.sampled_from(sorted(AFTER)), max_size=4, unique=True))
def test_junk_around_a_word_is_named_and_the_word_still_found(bundled_library, before, word, after):
    text = " ".join([*before, word, *after])
    result = bundled_library.search(text, limit=100)
    plain = bundled_library.search(word, limit=100)
    assert {h.id for h in result.hits} == {h.id for h in plain.hits} and result.total == plain.total > 0
    for junk in (*before, *after):
        note = {**BEFORE, **AFTER}[junk]
        assert result.message and note in result.message, (text, result.message)


@pytest.mark.slow
@settings(max_examples=10_000)
@given(text=queries)
def test_ten_thousand_hostile_queries(bundled_library, text):
    _check(bundled_library, text)
