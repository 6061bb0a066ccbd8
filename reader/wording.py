"""How things are counted and reported wherever they are shown: window, command line, export."""

from __future__ import annotations

from datetime import datetime


def count(n: int, one: str, many: str | None = None) -> str:
    """Return "1 entry", "2 entries", "1,200 files"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def entries(n: int) -> str:
    """Return "1 entry" or "N entries"."""
    return count(n, "entry", "entries")


def index_summary(report) -> str:
    """Return the one-line summary of an index update (an IndexReport): documents, entries, changes."""
    changes = f"{report.added} added, {report.changed} changed, {report.removed} removed"
    return (f"{count(report.documents, 'document')}, {entries(report.entries)} indexed ({changes}) "
            f"in {report.seconds:.1f} s")


def skipped(n: int) -> str:
    """Return "1 file skipped" / "N files skipped"."""
    return f"{count(n, 'file')} skipped"


def read_in_part(n: int) -> str:
    """Return "1 file read in part" / "N files read in part"."""
    return f"{count(n, 'file')} read in part"


def rebuilt(reason: str) -> str:
    """Return what to say after the index was rebuilt, and why."""
    return f"Rebuilt the index ({reason})."


def when(time: str) -> str:
    """Return an entry's time as a reader reads it, in the source's own clock: "19 Apr 2022 13:05".

    A time that is not ISO 8601 is shown as given.
    """
    try:
        moment = datetime.fromisoformat(time.strip().replace("Z", "+00:00"))
    except ValueError:
        return time
    clock = f" {moment:%H:%M}" if "T" in time or " " in time.strip() else ""
    return f"{moment.day} {moment:%b %Y}{clock}"


def captures(dates: tuple[str, ...]) -> str:
    """Return when a page was captured (WARC dates, UTC): "captured 19 Apr 2022 15:00 UTC",
    "3 captures, 19 Apr 2022 08:00–14:00 UTC", "2 captures, 19 Apr 2022 08:00 to 2 May 2022 09:15 UTC"."""
    first, last = when(dates[0]), when(dates[-1])
    if len(dates) == 1:
        return f"captured {first} UTC"
    day, _, clock = last.rpartition(" ")
    if first == last:
        return f"{len(dates)} captures, {first} UTC"
    if first.startswith(day + " ") and ":" in clock:
        return f"{len(dates)} captures, {first}–{clock} UTC"
    return f"{len(dates)} captures, {first} to {last} UTC"


def local_when(utc: str) -> str:
    """Return a moment the program noted (ISO 8601, UTC) in the reader's own clock: "2 Dec 2026 21:14"."""
    try:
        moment = datetime.fromisoformat(utc.strip().replace("Z", "+00:00")).astimezone()
    except ValueError:
        return utc
    return f"{moment.day} {moment:%b %Y %H:%M}"
