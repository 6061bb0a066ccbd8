"""schema.org LiveBlogPosting (JSON-LD) to a Document; also how any liveblog's updates become entries."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from reader.formats import posts
from reader.formats.blocks import html_paragraphs
from reader.formats.common import clip, safe_text, source_entry_id
from reader.formats.posts import Post
from reader.model import Caption, DocRef, Document, Entry
from reader.text import one_line

_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MARKUP = re.compile(r"<(?:p|br|div|span|a|b|i|em|strong|ul|ol|li|h[1-6]|blockquote|figure)\b[^>]*>",
                     re.IGNORECASE)


@dataclass
class RawUpdate:
    """One liveblog update as a format gives it, before it is an Entry."""

    source_id: str  # the source's own name for it (an id or URL), else one made up
    headline: str | None
    paragraphs: list[str]
    captions: list[Caption] = field(default_factory=list)
    time: str | None = None
    modified: str | None = None
    author: str | None = None
    key_event: bool = False
    pinned: bool = False


def day(value: str | None) -> str | None:
    """Return "YYYY-MM-DD" (or "YYYY-MM", "YYYY") from the start of an ISO 8601 date or time."""
    match = _DAY.match((value or "").strip())
    if not match:
        return None
    return "-".join(p for p in match.groups() if p)


def instant(value: str | None) -> datetime | None:
    """Return the moment an ISO 8601 time names (None if it is not one); for ordering only."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=None)


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def _walk(value) -> Iterator[dict]:
    """Yield every JSON-LD object in a script's data: lists, @graph, nested objects."""
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(value.get(key), list | dict):
                yield from _walk(value[key])


def _text(value) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("caption")
    if value is None or isinstance(value, dict | list):
        return None
    text = one_line(html.unescape(str(value)))
    return text or None


def _names(value) -> str | None:
    """Return the name of an author, or the names of several, joined."""
    names = [_text(v) for v in (value if isinstance(value, list) else [value])]
    return ", ".join(dict.fromkeys(n for n in names if n)) or None


def paragraphs_of(body) -> list[str]:
    """Return the paragraphs of a body: plain text by its lines, or HTML (some sites put their
    markup in articleBody) by its blocks, read as text."""
    if not body or not isinstance(body, str):
        return []
    if _MARKUP.search(body):
        return [text for tag, text in html_paragraphs(body) if tag != "figcaption"]
    parts = re.split(r"\n\s*\n|\n", html.unescape(body))
    return [one_line(p) for p in parts if p.strip()]


def _captions(image) -> list[Caption]:
    images = image if isinstance(image, list) else [image] if image else []
    out = []
    for img in images:
        if isinstance(img, dict):
            text = _text(img.get("caption")) or _text(img.get("description"))
            if text:
                out.append(Caption(text))
    return out


def document(objects: list, ref: DocRef, meta: dict, shown: Callable[[str], Post | None]) -> Document | None:
    """Return the liveblog of a page's JSON-LD objects, or None if they hold none.

    shown(fragment) gives what the page's element of an update shows (posts.read), the element
    its @id or URL fragment names. The data is reconciled with it: where updates have no time of
    their own, or all share one time, or the page's headline is theirs, the element's time and
    title are taken (the data's kept only where the page shows none); an empty body is the
    element's text; the element's key-event mark and author are what the reader sees.
    """
    blog = next((o for v in objects for o in _walk(v) if "LiveBlogPosting" in _types(o)), None)
    if blog is None:
        return None
    updates = blog.get("liveBlogUpdate") or []
    updates = [u for u in (updates if isinstance(updates, list) else [updates]) if isinstance(u, dict)]
    title = _text(blog.get("headline")) or _text(blog.get("name")) or meta.get("title")
    times = [_text(u.get("datePublished")) for u in updates]
    heads = [_text(u.get("headline")) or _text(u.get("name")) for u in updates]
    one_time = len(updates) > 1 and len(set(times)) == 1  # every update given the same time
    one_head = len(updates) > 1 and len(set(heads)) == 1
    page_heads = {title, _text(blog.get("name")), meta.get("title")} - {None}
    raw = []
    for n, update in enumerate(updates):
        headline, time = heads[n], times[n]
        url = str(update.get("url") or update.get("@id") or "")
        paragraphs = paragraphs_of(update.get("articleBody") or update.get("text"))
        summary = paragraphs_of(update.get("description"))
        captions = _captions(update.get("image"))
        author = _names(update.get("author"))
        post = next((found for name in _fragments(update) if (found := shown(name)) is not None), None)
        if post is not None:
            if time is None or one_time:  # (a clock it shows is put on the day the data gives)
                time = post.time or posts.on_day(post.clock, time or _text(blog.get("datePublished"))) or time
            if one_head or headline in page_heads:
                headline = post.headline
            if not paragraphs:
                paragraphs = [p for p in post.paragraphs if p != headline]
                captions = captions or [Caption(c) for c in post.captions]
            author = post.author or author
        paragraphs = paragraphs or [p for p in summary if p != headline]
        raw.append(RawUpdate(
            source_id=url or f"{n}:{headline}:{update.get('datePublished', '')}",
            headline=headline, paragraphs=paragraphs, captions=captions, time=time,
            modified=_text(update.get("dateModified")), author=author,
            key_event=bool(post and post.key_event), pinned=bool(post and post.pinned)))
    date = _text(blog.get("datePublished")) or _text(blog.get("coverageStartTime")) or meta.get("date")
    url = _text(blog.get("url")) or meta.get("url")
    publisher = blog.get("publisher")
    site = _text(publisher.get("name")) if isinstance(publisher, dict) else meta.get("site")
    return liveblog(ref, title, date, url, site, raw)


def _fragments(update: dict) -> list[str]:
    """Return the element ids an update's @id and URL fragments name (as given first)."""
    found = []
    for key in ("@id", "url"):
        value = str(update.get(key) or "")
        if "#" in value and value.split("#", 1)[1] not in found:
            found.append(value.split("#", 1)[1])
    return found


def liveblog(ref: DocRef, title: str | None, date: str | None, url: str | None, site: str | None,
             raw: list[RawUpdate]) -> Document:
    """Return a liveblog Document of updates: newest first (by time where they have one)."""
    if any(instant(r.time) for r in raw):
        dated = sorted(range(len(raw)), key=lambda i: _sort_key(raw[i].time, i))
        raw = [raw[i] for i in dated]
    entries, seen = [], set()
    for r in raw:
        entry_key = r.source_id if r.source_id not in seen else f"{r.source_id}#{len(seen)}"
        seen.add(entry_key)
        entries.append(Entry(
            source_entry_id(str(ref), entry_key), r.headline, tuple(r.paragraphs), tuple(r.captions),
            len(entries), time=r.time, key_event=r.key_event, pinned=r.pinned, author=r.author,
            modified=r.modified))
    title = clip(title) if title else safe_text(ref.file.rsplit("/", 1)[-1])
    return Document(ref, title, "liveblog", day(date), False, tuple(entries), site=site, source_url=url)


def _sort_key(time: str | None, index: int) -> tuple:
    moment = instant(time)
    if moment is None:
        return (1, 0.0, index)  # undated updates after the dated ones, in page order
    stamp = moment.timestamp() if moment.tzinfo else moment.replace().timestamp()
    return (0, -stamp, index)
