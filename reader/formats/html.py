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

from reader.formats import jsonld
from reader.formats.blocks import block_texts, clean, drop, markup_paragraphs, too_deep
from reader.formats.common import ArchiveError, NotADocument, clip, load_json, looks_binary, safe_text
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
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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
    ids: dict[str, object] = {}

    def element_text(fragment: str):
        if not ids:  # the page's elements by id (and name), looked up once
            for el in root.iter():
                if isinstance(el.tag, str):
                    for key in (el.get("id"), el.get("name")):
                        if key and key not in ids:
                            ids[key] = el
            ids.setdefault("", None)
        element = ids.get(fragment)
        return _element_text(element) if element is not None else None

    doc = jsonld.document(objects, ref, meta, element_text)
    if doc is None:
        doc = _microdata(root, ref, meta)
    if doc is None:
        doc = _article(root, text, ref, meta)
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
    doc = parse_text("\n\n".join(paragraphs), ref)
    title = meta.get("title")
    return replace(doc, title=clip(title) if title else doc.title, date=jsonld.day(meta.get("date")),
                   source_url=meta.get("url"), site=meta.get("site"),
                   problems=("the page nests its elements deeper than a web page does (over 255 levels); "
                             "it was read as plain text",))


def _element_text(element) -> tuple[list[str], list[str], set[str]]:
    """Return (paragraphs, captions, classes) of the element an update's URL fragment names."""
    paragraphs, captions = [], []
    for tag, text in block_texts(element):
        (captions if tag == "figcaption" else paragraphs).append(text)
    classes = set((element.get("class") or "").split())
    return paragraphs, captions, classes


def _microdata(root, ref: DocRef, meta: dict) -> Document | None:
    """A liveblog marked up with microdata: itemprop="liveBlogUpdate" blocks."""
    updates = root.xpath(f"//*[{_PROP.format('liveBlogUpdate')}]")
    if not updates:  # updates marked up as BlogPostings inside the liveblog, not as its property
        updates = root.xpath("//*[contains(@itemtype, 'LiveBlogPosting')]//*[@itemscope]"
                             "[contains(@itemtype, 'BlogPosting') or contains(@itemtype, 'NewsArticle')]"
                             "[not(contains(@itemtype, 'LiveBlogPosting'))]")
    if not updates:
        return None
    raw = []
    for n, el in enumerate(updates):
        when = el.xpath(".//time/@datetime") or el.xpath(f".//*[{_PROP.format('datePublished')}]/@content")
        modified = el.xpath(f".//*[{_PROP.format('dateModified')}]/@content")
        head = el.xpath(f".//*[{_PROP.format('headline')}]") or el.xpath(".//h1|.//h2|.//h3|.//h4")
        body = el.xpath(f".//*[{_PROP.format('articleBody')}]")
        author = el.xpath(f".//*[{_PROP.format('author')}]//*[{_PROP.format('name')}]") or el.xpath(
            f".//*[{_PROP.format('author')}]")
        classes = set((el.get("class") or "").split())
        headline = _value(head[0]) if head else None
        paragraphs, captions = [], []
        for tag, text in block_texts(body[0] if body else el):
            if text == headline:
                continue
            (captions if tag == "figcaption" else paragraphs).append(text)
        raw.append(jsonld.RawUpdate(
            source_id=el.get("id") or el.get("itemid") or f"{n}:{headline}:{when[0] if when else ''}",
            headline=headline, paragraphs=paragraphs, captions=[Caption(c) for c in captions],
            time=when[0] if when else None, modified=modified[0] if modified else None,
            author=_value(author[0]) if author else None,
            key_event=bool(classes & {"is-key-event", "is-summary", "key-event"}),
            pinned="is-pinned" in classes))
    title_el = root.xpath("//*[@itemtype and contains(@itemtype, 'LiveBlogPosting')]"
                         "//*[@itemprop='headline']")
    title = clean(title_el[0].text_content()) if title_el else meta.get("title")
    return jsonld.liveblog(ref, title, meta.get("date"), meta.get("url"), meta.get("site"), raw)


def _value(element) -> str | None:
    """Return a microdata property's value: its content attribute (a meta tag), else its text."""
    return clean(element.get("content") or element.text_content()) or None


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
    doc = parse_text(text.replace("\n", "\n\n"), ref)
    title = meta.get("title")
    return replace(doc, title=clip(title) if title else doc.title,
                   date=jsonld.day(meta.get("date")), source_url=meta.get("url"), site=meta.get("site"))
