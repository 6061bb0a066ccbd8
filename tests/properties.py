"""Hypothesis profiles: the same examples on every run of `make test`, fresh seeds and many more in
`make test-slow` (`--hypothesis-profile=fuzz`)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ_FACTOR = 20  # the fuzz profile asks each property this many times as often

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", derandomize=False, database=None, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.load_profile("ci")  # --hypothesis-profile=fuzz loads the other one after this


def examples(n: int) -> settings:
    """Return the settings of a property test asked about n times (n x FUZZ_FACTOR when fuzzing)."""
    fuzzing = not settings.default.derandomize
    return settings(max_examples=n * FUZZ_FACTOR if fuzzing else n)
