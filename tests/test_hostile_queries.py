"""Property tests: whatever is typed, a search answers (no exception) and answers quickly."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OPERATORS = ["OR", "AND", "NOT", "-", "+", "(", ")", '"', "*", "?", "~", "~2", ":", "headline:",
             "title:", "date:", "date:2022", "kiev", "Marioepol", "oekr*", "a*", "**", "\\"]
pieces = st.one_of(st.text(max_size=12), st.sampled_from(OPERATORS))
queries = st.one_of(
    st.text(max_size=200),
    st.lists(pieces, max_size=40).map(" ".join),
    st.lists(pieces, max_size=40).map("".join),
    st.integers(1000, 5000).map(lambda n: " ".join(f"w{i}" for i in range(n))),
)


def _check(library, text):
    t = time.perf_counter()
    result = library.search(text, limit=20)
    elapsed = time.perf_counter() - t
    assert result.query == text and result.total >= 0
    return elapsed


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=queries)
def test_any_query_is_answered(bundled_library, text):
    assert _check(bundled_library, text) < 5.0  # generous: a smoke check, the slow test is strict


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=queries)
def test_ten_thousand_hostile_queries(bundled_library, text):
    assert _check(bundled_library, text) < 1.0
