"""Dates for documents that do not give their own: from their path, or written in their text.

Trust, highest first: `file` (the document's own date), `set` (a date the reader set), `capture`
(the day a page in a web archive was first captured), `path` (a date in the file's path), `text`
(a date written in the text; only when one day clearly dominates). Pure functions; which date a
document ends up with is `resolve`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from reader.model import Document

MONTHS = {  # Dutch and English month names (and the usual abbreviations) -> month number
    **{m: n for n, m in enumerate(("januari", "februari", "maart", "april", "mei", "juni", "juli",
                                   "augustus", "september", "oktober", "november", "december"), 1)},
    **{m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                   "august", "september", "october", "november", "december"), 1)},
    **{m: n for n, m in enumerate(("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep",
                                   "okt", "nov", "dec"), 1)},
    "mar": 3, "oct": 10, "sept": 9,
}
_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
# "19 april", "19 April 2022", "19 apr. 2022"; "April 19, 2022", "April 19"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_NAME})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)
_PATH_DAY = [
    re.compile(r"(?:^|/)((?:19|20)\d{2})/(\d{2})/(\d{2})(?:/|$)"),  # 2022/04/19/
    re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)"),  # 2022-04-19
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),  # 20220419
    re.compile(r"(?<!\d)(\d{2})-(\d{2})-((?:19|20)\d{2})(?!\d)"),  # 19-04-2022 (day first)
]
_PATH_MONTH = re.compile(r"(?:^|/)((?:19|20)\d{2})/(\d{2})(?:/|$)")  # 2022/04/
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class Dated:
    """A date, where it came from, and (for an inferred one) why."""

    date: str | None
    source: str | None  # file | set | capture | path | text | None (unknown)
    note: str | None = None


def valid(date: str) -> bool:
    """Return True for "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real year, month and day."""
    if not _DATE.match(date or ""):
        return False
    parts = [int(p) for p in date.split("-")]
    if not 1000 <= parts[0] <= 9999 or (len(parts) > 1 and not 1 <= parts[1] <= 12):
        return False
    if len(parts) > 2:
        import calendar

        return 1 <= parts[2] <= calendar.monthrange(parts[0], parts[1])[1]
    return True


def _ymd(year: str, month: str, day: str | None = None) -> str | None:
    date = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    return date if valid(date) else None


def from_path(file: str) -> str | None:
    """Return the date a file's path gives (folders 2022/04/19/ or 2022/04/, names 2022-04-19,
    20220419, 19-04-2022), the most precise one; None if it gives none."""
    for n, pattern in enumerate(_PATH_DAY):
        match = pattern.search(file)
        if match:
            year, month, day = match.groups() if n < 3 else (match.group(3), match.group(2), match.group(1))
            found = _ymd(year, month, day)
            if found:
                return found
    match = _PATH_MONTH.search(file)
    return _ymd(*match.groups()) if match else None


def mentions(text: str) -> list[tuple[int, int, int | None, str]]:
    """Return every (month, day, year or None, as written) date mention in a text."""
    found = []
    for match in _DAY_MONTH.finditer(text):
        day, month, year = match.groups()
        found.append((MONTHS[month.lower()], int(day), int(year) if year else None, match.group(0)))
    for match in _MONTH_DAY.finditer(text):
        month, day, year = match.groups()
        found.append((MONTHS[month.lower()], int(day), int(year) if year else None, match.group(0)))
    return [m for m in found if 1 <= m[1] <= 31]


def from_text(text: str, year_hint: tuple[int, str] | None = None) -> Dated:
    """Return the day a text is about, when one day clearly dominates its date mentions.

    Its year is the one written with it, else year_hint (year, where it came from).
    "Clearly dominates": it is mentioned most, at least twice as often as any other day.
    """
    days = Counter((month, day) for month, day, _year, _ in mentions(text))
    if not days:
        return Dated(None, None)
    ranked = days.most_common()
    (month, day), count = ranked[0]
    if len(ranked) > 1 and count < 2 * ranked[1][1]:
        return Dated(None, None)
    written = [m for m in mentions(text) if (m[0], m[1]) == (month, day)]
    years = Counter(m[2] for m in written if m[2])
    quote = written[0][3]
    if years:
        year, why = years.most_common(1)[0][0], None
    elif year_hint:
        year, why = year_hint
    else:
        return Dated(None, None)
    date = _ymd(str(year), str(month), str(day))
    if not date:
        return Dated(None, None)
    note = f"inferred from '{quote}' in the text" + (f" (the year {why})" if why else "")
    return Dated(date, "text", note)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve(doc: Document, set_date: str | None = None, folder_year: tuple[int, str] | None = None
            ) -> Document:
    """Return doc with its date and where it came from: its own, else the set one, else the day
    it was first captured (a page in a web archive), else its path's, else its text's.
    folder_year is (year, why) from other documents beside it."""
    if doc.date:
        return replace(doc, date_source="file", date_note=None)
    if set_date:
        return replace(doc, date=set_date, date_source="set", date_note="set by you")
    captured = doc.captures[0][:10] if doc.captures and _ISO_DAY.match(doc.captures[0][:10]) else None
    if captured:
        return replace(doc, date=captured, date_source="capture",
                       date_note=f"the day the page was first captured ({captured}); it gives no date")
    path_date = from_path(doc.ref.file)
    if path_date:
        return replace(doc, date=path_date, date_source="path",
                       date_note=f"from the file's path ({doc.ref.file})")
    hint = None
    path_year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", doc.ref.file)
    if path_year:
        hint = (int(path_year.group(1)), "from the file's path")
    elif folder_year:
        hint = folder_year
    text = "\n".join(e.plain_text() for e in doc.entries)
    found = from_text(f"{doc.title}\n{text}", hint)
    if found.date:
        return replace(doc, date=found.date, date_source="text", date_note=found.note)
    return replace(doc, date=None, date_source=None, date_note=None)


def folder_year(dates: list[str | None]) -> tuple[int, str] | None:
    """Return the year the dated documents of a folder share, if they all share one."""
    years = {d[:4] for d in dates if d}
    if len(years) == 1:
        return int(years.pop()), "of the other documents in its folder"
    return None


def day_number(date: str | None) -> int:
    """Return a date as YYYYMMDD, a month as YYYYMM00, a year as YYYY0000; 0 for none."""
    parts = (date or "").split("-")
    if not parts[0].isdigit():
        return 0
    digits = "".join(p.rjust(2, "0") for p in parts[1:3])
    return int((parts[0] + digits).ljust(8, "0"))


def span(date: str) -> tuple[str, str]:
    """Return the first and last day a date stands for ("2022-04" -> 2022-04-01, 2022-04-31).

    (The last day of a month is written as its 31st: compared as text, that is enough.)
    """
    parts = date.split("-")
    return ("-".join(parts + ["01"] * (3 - len(parts))), "-".join(parts + ["12", "31"][len(parts) - 1:]))
