"""Liveblogs without structured data ("tickers"): posts found by how the page repeats them.

A ticker shows its posts as sibling blocks of one shape (the same tag and class), each led by a
time (a clock, "12.31 Uhr", "19:30", "7:05 pm", a <time>, or a match minute, "45'"), or as a
heading that starts with a clock followed by its paragraphs. Such a structure is found wherever
it is in the page, by repetition and times alone, never by a site's class names. The posts must
carry most of the page's text, so a sidebar of timed teasers beside an article is not taken for
a ticker. Inside a LiveBlogPosting container (microdata without updates) repetition is enough.
"""

from __future__ import annotations

import re
from collections import defaultdict

from reader.formats import posts
from reader.formats.blocks import block_texts, clean
from reader.formats.jsonld import RawUpdate, liveblog
from reader.model import Caption, DocRef, Document

MIN_POSTS = 3
SHARE_OF_TEXT = 0.3  # of the page's (or container's) text that its posts must hold
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")


def document(scope, ref: DocRef, meta: dict, in_liveblog: bool = False) -> Document | None:
    """Return the liveblog of the repeated posts under scope (the page's body, or a LiveBlogPosting
    container: in_liveblog), or None if there are none."""
    found = find_posts(scope, in_liveblog)
    if not found:
        return None
    read = [posts.read(elements) for elements in found]
    times = _times(read, meta.get("date"))
    raw = []
    for elements, post, time in zip(found, read, times, strict=True):
        headline = post.headline
        if post.minute:
            headline = f"{post.minute} {headline}" if headline else post.minute
        elif post.clock and time is None:  # no day to put it on: the clock stays where it was
            headline = f"{post.clock[0]:02d}:{post.clock[1]:02d}" + (f" {headline}" if headline else "")
        # named by its element's id, else by what it says (stable when posts are added above it)
        opening = (post.paragraphs or [""])[0][:60]
        key = elements[0].get("id") or f"{time or post.minute or ''}|{headline}|{opening}"
        raw.append(RawUpdate(key, headline, post.paragraphs, [Caption(c) for c in post.captions], time=time,
                             author=post.author, key_event=post.key_event, pinned=post.pinned))
    intro = _intro(found[0][0], meta.get("title"))
    if intro:  # what the page says before its first post: undated, so read before the posts
        raw.append(RawUpdate("intro", None, intro))
    return liveblog(ref, meta.get("title"), meta.get("date"), meta.get("url"), meta.get("site"), raw)


def _intro(first, title: str | None) -> list[str]:
    """Return the text of the blocks beside the posts and before the first one (not the title)."""
    texts = []
    for sibling in first.itersiblings(preceding=True):
        if isinstance(sibling.tag, str):
            texts[:0] = [text for _tag, text in block_texts(sibling) if text != title]
    return texts


def find_posts(scope, in_liveblog: bool = False) -> list[list]:
    """Return the posts under scope, each as its elements, in page order; [] if there are none."""
    total = len(scope.text_content())
    best: tuple[int, list[list]] = (0, [])
    for parent in scope.iter():
        if not isinstance(parent.tag, str):
            continue
        kids = [c for c in parent if isinstance(c.tag, str)]
        if len(kids) < MIN_POSTS:
            continue
        sections = _marker_sections(kids)
        for candidate, led in (*_same_shape(kids, in_liveblog), (sections, len(sections))):
            if len(candidate) < MIN_POSTS:
                continue
            text = sum(len(e.text_content()) for post in candidate for e in post)
            if text < SHARE_OF_TEXT * total:
                continue
            score = led if not in_liveblog else len(candidate)
            if score > best[0]:
                best = (score, candidate)
    return best[1]


def _shape(element) -> tuple[str, str]:
    """Return what posts of one kind share: their tag and first class (digits left out)."""
    first = (element.get("class") or "").split()[:1]
    return element.tag, re.sub(r"\d+", "", first[0]) if first else ""


def _same_shape(kids: list, in_liveblog: bool) -> list[tuple[list[list], int]]:
    """Sibling blocks of one shape, most of them led by a time (any, inside a liveblog): each
    group's posts, and how many are led by a time."""
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for kid in kids:
        if kid.tag not in posts.HEADINGS:
            groups[_shape(kid)].append(kid)
    found = []
    for members in groups.values():
        if len(members) < MIN_POSTS:
            continue
        if not in_liveblog and sum(_led_by_time([m]) for m in members[:8]) < min(4, len(members[:8])) / 2:
            continue  # (a sample first: a page's paragraphs are many, and seldom led by times)
        members = [m for m in members if m.text_content().strip()]
        if len(members) < MIN_POSTS:
            continue
        led = len(members) if in_liveblog else sum(_led_by_time([m]) for m in members)
        if in_liveblog or (led >= MIN_POSTS and led >= 0.6 * len(members)):
            found.append(([[m] for m in members], led))
    return found


MARKER_LENGTH = 100  # a time label, or a heading that starts with a clock, is shorter than this


def _marker_sections(kids: list) -> list[list]:
    """Short siblings of one shape that start with a clock (a heading "12.31 Uhr: …", a label
    <p class="time">19:30</p>), each with the siblings that follow it up to the next one."""
    by_shape: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, kid in enumerate(kids):
        text = kid.text_content()
        if len(text) <= MARKER_LENGTH and posts.CLOCK.match(text):
            by_shape[_shape(kid)].append(n)
    if not by_shape:
        return []
    starts = max(by_shape.values(), key=len)
    if len(starts) < MIN_POSTS:
        return []
    level = kids[starts[0]].tag
    sections = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(kids)
        section = [kids[start]]
        for kid in kids[start + 1:end]:
            if level in posts.HEADINGS and kid.tag in posts.HEADINGS and kid.tag <= level:
                break  # a heading above or at the markers' level ends the section
            section.append(kid)
        sections.append(section)
    return sections


def _led_by_time(elements: list) -> bool:
    """Return True when a post starts with a time: a <time>, a clock or a match minute."""
    lead = elements[0]
    if lead.tag == "time" or next(lead.iter("time"), None) is not None:
        return True
    start = ""
    for piece in lead.itertext():
        start += piece
        if len(start.strip()) >= 12:
            break
    clock, minute, _rest = posts.leading(clean(start))
    return bool(clock or minute)


def _times(read: list[posts.Post], page_date: str | None) -> list[str | None]:
    """Return each post's time as ISO 8601: the one it states, else its clock on the page's day in
    the page's zone, a day later where the clocks pass midnight; None without a day."""
    out: list[str | None] = [p.time if p.time and _DATED.match(p.time) else None for p in read]
    clocked = [n for n, p in enumerate(read) if out[n] is None and p.clock]
    if posts.day_and_zone(page_date)[0] is None or not clocked:
        return out
    minutes = [read[n].clock[0] * 60 + read[n].clock[1] for n in clocked]
    steps = [b - a for a, b in zip(minutes, minutes[1:], strict=False)]
    newest_first = sum(s < 0 for s in steps) >= sum(s > 0 for s in steps)
    shift, previous = 0, None
    for i in (reversed(range(len(clocked))) if newest_first else range(len(clocked))):
        if previous is not None and minutes[i] < previous - 360:  # oldest first: past midnight
            shift += 1
        previous = minutes[i]
        out[clocked[i]] = posts.on_day(read[clocked[i]].clock, page_date, shift)
    return out
