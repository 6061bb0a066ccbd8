"""Saved web pages (browser "Save page", SingleFile): JSON-LD and microdata liveblogs, else the main text.

The page is parsed, never rendered: scripts are read as data (JSON-LD) or dropped, nothing is
fetched, links become their text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace

import lxml.html
from lxml import etree

from reader.formats import jsonld, microdata, posts, tickers
from reader.formats.blocks import block_texts, clean, drop, markup_paragraphs, too_deep
from reader.formats.common import (
    ArchiveError,
    NotADocument,
    clip,
    load_json,
    looks_binary,
    safe_text,
    utf8_or_cp1252,
)
from reader.formats.text import parse_text
from reader.model import Caption, DocRef, Document

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>")
_PROP = "contains(concat(' ', normalize-space(@itemprop), ' '), ' {} ')"  # itemprop may list several


def page_text(data: bytes, served: str | None = None) -> str:
    """Return a page's text, decoded as browsers choose (the WHATWG order): by its byte-order
    mark, else the charset it was served with, else the one its <meta> states, else as UTF-8
    when it is valid UTF-8, else as Windows-1252 (what unlabelled western pages are)."""
    for bom, name in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return safe_text(data.decode(name, errors="replace"))
    if looks_binary(data[:8192]):
        raise NotADocument("binary data, not a web page")
    return safe_text(_decoded(data, served))


def _decoded(data: bytes, served: str | None) -> str:
    match = _CHARSET.search(data[:4096])
    for name in (served, match.group(1).decode("ascii") if match else None):
        try:
            found = codecs.lookup(name).name if name else None
        except (LookupError, ValueError):  # unknown, or no name at all
            continue
        if found:  # a <meta> readable as ASCII is not UTF-16: it means UTF-8
            return data.decode("utf-8" if found.startswith("utf-16") else found, errors="replace")
    return utf8_or_cp1252(data)[0]


def page_tree(text: str):
    """Parse a page's decoded text into an lxml tree; return (tree, whether the page nests its
    elements deeper than the parser goes, so that what lies below was left out)."""
    parser = lxml.html.HTMLParser(remove_comments=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ArchiveError(f"not a readable web page ({exc})") from None
    if root is None:
        raise ArchiveError("not a readable web page")
    return root, too_deep(parser)


def parse(data: bytes, ref: DocRef, charset: str | None = None) -> Document:
    """Parse a saved page: a liveblog from its JSON-LD or microdata, else one article of its text
    (charset: the one it was served with, if known)."""
    # decoded here (Python knows every charset a page may state; lxml's parser does not), then
    # parsed as text: an XML declaration in decoded text is refused by lxml, so it goes
    text = _XML_DECLARATION.sub("", page_text(data, charset), count=1)
    root, deep = page_tree(text)
    if deep:
        return _plain(root, text, ref)
    notes: list[str] = []
    objects = []
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            objects.append(load_json(script.text_content() or "null"))
        except ValueError as exc:
            notes.append(f"a JSON-LD block is not valid JSON ({getattr(exc, 'msg', exc)}); it was left out")
    for bad in root.xpath("//script|//style|//noscript|//template|//svg|//iframe|//object"):
        drop(bad)
    meta = _meta(root)
    doc = (jsonld.document(objects, ref, meta, _element_lookup(root)) or _microdata(root, ref, meta)
           or tickers.document(_body(root), ref, meta) or _article(root, text, ref, meta))
    if "</html" not in text[-4096:].lower() and "</body" not in text[-4096:].lower():
        notes.append("the page looks cut off (it does not end with </html>); what is there was read")
    if notes:
        doc = replace(doc, problems=(*doc.problems, *notes))
    return doc


def _meta(root) -> dict:
    """Title, date and URL the page states in its head."""

    def first(*xpaths: str) -> str | None:
        for xpath in xpaths:
            found = root.xpath(xpath)
            if found:
                value = clean(found[0] if isinstance(found[0], str) else found[0].text_content())
                if value:
                    return value
        return None

    return {
        "title": first("//meta[@property='og:title']/@content", "//title"),
        "date": first("//meta[@property='article:published_time']/@content",
                      "//meta[@name='date']/@content", "//time[@datetime]/@datetime"),
        "url": first("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"),
        "site": first("//meta[@property='og:site_name']/@content"),
    }


def _plain(root, text: str, ref: DocRef) -> Document:
    """A page that nests its elements deeper than any real page: one article of all its text,
    read without the parser (which stops at that depth)."""
    meta = _meta(root)
    paragraphs = markup_paragraphs(text[text.lower().find("<body"):] if "<body" in text.lower() else text)
    if not paragraphs:
        raise NotADocument("a web page without text")
    doc = parse_text("\n\n".join(paragraphs), ref, page=True)
    title = meta.get("title")
    return replace(doc, title=clip(title) if title else doc.title, date=jsonld.day(meta.get("date")),
                   source_url=meta.get("url"), site=meta.get("site"),
                   problems=("the page nests its elements deeper than a web page does (over 255 levels); "
                             "it was read as plain text",))


# how pages name an update's element after its id: <article id="block-abc"> for update "abc"
PREFIXES = ("block-", "post-", "update-", "entry-", "liveblog-entry-", "liveblog-", "live-", "item-")


def _element_lookup(root):
    """Return shown(fragment): what the page's element of that id (or name) shows, the id given
    with or without a usual prefix; None when the page has no such element."""
    ids: dict[str, object] = {}

    def shown(fragment: str) -> posts.Post | None:
        if not ids:  # the page's elements by id (and name), looked up once
            for el in root.iter():
                if isinstance(el.tag, str):
                    for key in (el.get("id"), el.get("name")):
                        if key and key not in ids:
                            ids[key] = el
            ids.setdefault("", None)
        bare = next((fragment[len(p):] for p in PREFIXES if fragment.startswith(p)), fragment)
        for name in (fragment, *(p + bare for p in PREFIXES), bare):
            if ids.get(name) is not None:
                return posts.read([ids[name]])
        return None

    return shown


def _body(root):
    body = root.find("body")
    return body if body is not None else root


def _microdata(root, ref: DocRef, meta: dict) -> Document | None:
    """A liveblog marked up with microdata: its liveBlogUpdate items (or BlogPostings inside it);
    a LiveBlogPosting without any is read for the posts it repeats (tickers.py)."""
    blog = next((el for el in root.iter() if isinstance(el.tag, str) and microdata.is_item(el)
                 and "LiveBlogPosting" in microdata.item_types(el)), None)
    updates = root.xpath(f"//*[{_PROP.format('liveBlogUpdate')}]")
    if not updates and blog is not None:  # BlogPostings inside the liveblog, not as its property
        updates = [el for el in blog.iterdescendants() if isinstance(el.tag, str) and microdata.is_item(el)
                   and microdata.item_types(el) & {"BlogPosting", "NewsArticle", "SocialMediaPosting"}]
    if blog is not None:
        meta = {**meta, "title": microdata.first(blog, "headline") or microdata.first(blog, "name")
                or meta.get("title"), "date": microdata.first(blog, "datePublished") or meta.get("date")}
    if not updates:
        return tickers.document(blog, ref, meta, in_liveblog=True) if blog is not None else None
    raw = []
    for n, el in enumerate(updates):
        shown = posts.read([el])
        item = el if microdata.is_item(el) else None
        headline = (item is not None and microdata.first(el, "headline")) or shown.headline
        when = (item is not None and microdata.first(el, "datePublished")) or shown.time
        bodies = microdata.properties(el, "articleBody") if item is not None else []
        paragraphs, captions = shown.paragraphs, shown.captions
        if bodies:
            paragraphs, captions = [], []
            for body in bodies:
                if body.tag == "meta":  # the value is its content: text, or HTML some pages put there
                    paragraphs += jsonld.paragraphs_of(microdata.value(body) or "")
                    continue
                for tag, text in block_texts(body):
                    (captions if tag == "figcaption" else paragraphs).append(text)
        raw.append(jsonld.RawUpdate(
            source_id=el.get("id") or el.get("itemid") or f"{n}:{headline}:{when or ''}",
            headline=headline, paragraphs=[p for p in paragraphs if p != headline],
            captions=[Caption(c) for c in captions], time=when,
            modified=item is not None and microdata.first(el, "dateModified") or None,
            author=(item is not None and microdata.name_of(el, "author")) or shown.author,
            key_event=shown.key_event, pinned=shown.pinned))
    return jsonld.liveblog(ref, meta.get("title"), meta.get("date"), meta.get("url"), meta.get("site"), raw)


def _article(root, data: str, ref: DocRef, meta: dict) -> Document:
    """A page without structured data: one article of its main text (trafilatura), else all of it."""
    import trafilatura

    text = None
    try:
        text = trafilatura.extract(data, url=None, include_comments=False, include_tables=False,
                                   favor_recall=True, with_metadata=False, deduplicate=False)
    except Exception:  # noqa: BLE001 - the extractor failing is not the page failing
        text = None
    if not text:
        text = "\n\n".join(t for _, t in block_texts(root.find("body") if root.find("body") is not None
                                                     else root))
    if not text.strip():
        raise NotADocument("a web page without text")
    doc = parse_text(text.replace("\n", "\n\n"), ref, page=True)
    title = meta.get("title")
    return replace(doc, title=clip(title) if title else doc.title,
                   date=jsonld.day(meta.get("date")), source_url=meta.get("url"), site=meta.get("site"))
