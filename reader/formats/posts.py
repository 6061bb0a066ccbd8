"""What a post on a page states of itself: its time, title, author, key-event mark and text.

A liveblog's page shows each update in an element of its own (an article, a div, a heading and
what follows it). What that element says is what a reader sees, whatever the page's structured
data claims: the JSON-LD reader takes times, titles and authors from here where the data gives
the page's own, and the ticker reader (tickers.py) reads pages that have no data at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from reader.formats.blocks import block_texts, clean

# a clock time leading a text: 12.31 Uhr, 19:30, 7:05 pm, 14h05, 9.45 uur, ore 12.31
CLOCK = re.compile(r"^\s*(?:(?:ore|godz\.?|om|um|at|à)\s+)?"
                   r"(?P<h>[01]?\d|2[0-3])\s*[.:hH]\s*(?P<m>[0-5]\d)(?!\d)(?:\s*(?:uhr|uur|u\.?|h)\b\.?)?"
                   r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?(?![.:]?\d)", re.IGNORECASE)
# a match minute leading a text: 45', 90+2', 12e minute
MINUTE = re.compile(r"^\s*(?P<min>\d{1,3}(?:\s*\+\s*\d{1,2})?)\s*(?:['’′]|e\b|ème\b|min\b\.?)", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*[:\-–—|·•]\s*")
_TITLE_CLASS = re.compile(r"(?:^|[-_])(?:title|headline|heading)(?:$|[-_])", re.IGNORECASE)
_AUTHOR_CLASS = re.compile(r"(?:^|[-_])(?:author|byline|contributor)s?(?:$|[-_])", re.IGNORECASE)
_KEY_CLASS = re.compile(r"key-?event|keyevent|is-key\b|key_event|highlighted-post", re.IGNORECASE)
_PINNED_CLASS = re.compile(r"pinned|is-sticky", re.IGNORECASE)
# what a label says of a key event, in the languages of the archive's sources
KEY_LABELS = {"key event", "key events", "key moment", "belangrijk", "kernmoment", "wichtig",
              "important", "essentiel", "ważne", "highlight"}
_BY = re.compile(r"^(?:by|door|von|par|di|przez)\s+", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Post:
    """What one post element shows."""

    time: str | None = None  # an ISO 8601 time it states (<time datetime>)
    clock: tuple[int, int] | None = None  # else a clock time written at its start (hour, minute)
    minute: str | None = None  # a match minute leading it ("45'", "90+2'")
    headline: str | None = None
    author: str | None = None
    key_event: bool = False
    pinned: bool = False
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


def classes(element) -> str:
    return element.get("class") or ""


def leading(text: str) -> tuple[tuple[int, int] | None, str | None, str]:
    """Return (clock, match minute, the rest) of a text that may start with either."""
    match = CLOCK.match(text)
    if match:
        hour, minute = int(match["h"]), int(match["m"])
        ampm = (match["ampm"] or "").replace(".", "").replace(" ", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return (hour, minute), None, _SEPARATOR.sub("", text[match.end():]).strip()
    match = MINUTE.match(text)
    if match and text[match.end():].strip()[:1] not in "0123456789":
        return None, re.sub(r"\s+", "", match["min"]) + "'", _SEPARATOR.sub("", text[match.end():]).strip()
    return None, None, text


def read(elements: list) -> Post:
    """Return what a post shows: one element, or a heading with the elements that follow it."""
    post = Post()
    lead = elements[0]
    post.key_event = any(_KEY_CLASS.search(classes(e)) for e in elements)
    post.pinned = any(_PINNED_CLASS.search(classes(e)) for e in elements)
    left_out: set[str] = set()
    for el in elements:
        for found in _within(el, "time"):
            if post.time is None and found.get("datetime"):
                post.time = clean(found.get("datetime"))
            left_out.add(clean(found.text_content()))
    heading = lead if lead.tag in HEADINGS else next(
        (e for el in elements for e in el.iter(*HEADINGS)), None)
    if heading is None:
        heading = next((e for el in elements for e in el.iter() if isinstance(e.tag, str)
                        and _TITLE_CLASS.search(classes(e)) and e.tag not in ("time", "span")
                        and clean(e.text_content())), None)
    if heading is not None:
        text = clean(heading.text_content())
        left_out.add(text)
        post.clock, post.minute, rest = leading(text)
        post.headline = rest or None
    for el in elements:
        for found in el.iter():
            if not isinstance(found.tag, str):
                continue
            raw = found.text_content()
            if len(raw) > 200:  # (labels and bylines are short)
                continue
            text = clean(raw)
            if not text:
                continue
            if len(text) <= 20 and text.casefold().rstrip(":!") in KEY_LABELS:
                post.key_event = True
                left_out.add(text)
            elif post.author is None and (_AUTHOR_CLASS.search(classes(found)) or "author" in (
                    (found.get("rel") or "") + " " + (found.get("itemprop") or "")).split()):
                post.author = _BY.sub("", text) or None
                left_out.add(text)
    if post.clock is None and post.minute is None and post.time is None:
        post.clock, post.minute = _time_label(elements, left_out)
    for el in elements:
        for tag, text in block_texts(el):
            if text in left_out or (post.headline and text == post.headline):
                continue
            if not post.paragraphs and not post.captions:  # a post led by its time in its first line
                clock, minute, rest = leading(text)
                if (clock or minute) and (post.clock, post.minute) in ((None, None), (clock, minute)):
                    if post.time is None:
                        post.clock, post.minute = clock, minute
                    text = rest
                    if not text:
                        continue
            (post.captions if tag == "figcaption" else post.paragraphs).append(text)
    return post


def _within(element, tag: str) -> list:
    return [element] if element.tag == tag else list(element.iter(tag))


def _time_label(elements: list, left_out: set[str]) -> tuple[tuple[int, int] | None, str | None]:
    """A clock or minute in an element of its own (<span class="time">19:30</span>)."""
    for el in elements:
        for found in el.iter():
            if not isinstance(found.tag, str) or len(found):
                continue
            text = clean(found.text_content())
            clock, minute, rest = leading(text)
            if (clock or minute) and not rest:
                left_out.add(text)
                return clock, minute
    return None, None


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?")


def day_and_zone(value: str | None) -> tuple[date | None, str | None]:
    """Return the day an ISO date or time names and its UTC offset ("+02:00"), if it gives them."""
    match = _DAY.match((value or "").strip())
    if not match:
        return None, None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, None
    zone = match[4]
    if zone and zone != "Z" and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return day, ("+00:00" if zone == "Z" else zone)


def on_day(clock: tuple[int, int] | None, day_of: str | None, days: int = 0) -> str | None:
    """Return a clock time as ISO 8601 on the day (and in the zone) that day_of names, days later."""
    day, zone = day_and_zone(day_of)
    if clock is None or day is None:
        return None
    return f"{(day + timedelta(days=days)).isoformat()}T{clock[0]:02d}:{clock[1]:02d}:00{zone or ''}"
