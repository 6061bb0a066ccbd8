"""Timelines: counts per day, week or month from counts per date (YYYYMMDD numbers), gaps included."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from reader.model import Bucket, Timeline

UNITS = ("day", "week", "month")
MAX_DAYS = 62  # a range this short is shown by day
MAX_WEEKS_DAYS = 2 * 366  # ... this short by week; longer by month


def _day(number: int) -> date | None:
    """Return the date of a YYYYMMDD number, None for a month (DD 00) or year only, or none."""
    year, month, day = number // 10000, number // 100 % 100, number % 100
    if not (month and day):
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(number: int) -> date | None:
    year, month = number // 10000, number // 100 % 100
    return date(year, month, 1) if year and 1 <= month <= 12 else None


def _start(when: date, unit: str) -> date:
    if unit == "week":
        return when - timedelta(days=when.weekday())
    if unit == "month":
        return when.replace(day=1)
    return when


def _next(when: date, unit: str) -> date:
    if unit == "day":
        return when + timedelta(days=1)
    if unit == "week":
        return when + timedelta(days=7)
    return (when.replace(day=28) + timedelta(days=4)).replace(day=1)


def choose_unit(first: date, last: date) -> str:
    """Return the bucket size for a range: day up to two months, week up to two years, else month."""
    span = (last - first).days
    return "day" if span <= MAX_DAYS else "week" if span <= MAX_WEEKS_DAYS else "month"


def build(counts: Mapping[int, tuple[int, int]], unit: str | None = None) -> Timeline:
    """Return the timeline of {YYYYMMDD (DD 00: a month only; 0: undated): (count, key events)}.

    The unit is chosen unless given: by month when some dates are months only, else from the
    range of the dates. Buckets run without gaps from the first to the last. What has no date at
    the unit's precision (a month only, in a timeline by day) is counted as undated.
    """
    days = {n: c for n, c in counts.items() if _day(n)}
    months = {n: c for n, c in counts.items() if not _day(n) and _month(n)}
    known = [_day(n) for n in days] + [_month(n) for n in months]
    if not known:
        return Timeline(unit or "month", (), sum(c for c, _ in counts.values()))
    if unit not in UNITS:  # months when some dates are months only; else by the range
        unit = "month" if months else choose_unit(min(known), max(known))
    bars: dict[date, list[int]] = {}
    undated = 0
    for number, (count, keys) in counts.items():
        when = _day(number) or (_month(number) if unit == "month" else None)
        if when is None:
            undated += count
            continue
        bar = bars.setdefault(_start(when, unit), [0, 0])
        bar[0] += count
        bar[1] += keys
    buckets, at = [], _start(min(bars), unit)
    last = max(bars)
    while at <= last:
        count, keys = bars.get(at, (0, 0))
        buckets.append(Bucket(at.isoformat(), count, keys))
        at = _next(at, unit)
    return Timeline(unit, tuple(buckets), undated)


def label(bucket: Bucket, unit: str) -> str:
    """Return how a bucket is named: "19 Apr 2022", "week of 18 Apr 2022", "April 2022"."""
    when = date.fromisoformat(bucket.start)
    if unit == "month":
        return f"{when:%B %Y}"
    text = f"{when.day} {when:%b %Y}"
    return f"week of {text}" if unit == "week" else text


def end_of(bucket: Bucket, unit: str) -> str:
    """Return the last day a bucket covers, "YYYY-MM-DD"."""
    return (_next(date.fromisoformat(bucket.start), unit) - timedelta(days=1)).isoformat()
