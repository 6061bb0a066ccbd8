"""The text blocks of HTML (paragraphs, headings, list items, captions), read as text, never rendered."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

from reader.formats.common import safe_text
from reader.text import one_line

BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption", "dd",
          "dt", "td", "th")
_HIDDEN = re.compile(r"<(script|style|template|noscript|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<(?:/(?:p|div|li|h[1-6]|blockquote|pre|figcaption|dd|dt|tr|td|th|section|article)"
                    r"|br)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>?")


def clean(text: str) -> str:
    """Return text with runs of white space made single spaces (and, from a character reference
    such as &#31;, no control characters: see safe_text)."""
    return one_line(safe_text(text))


def drop(element) -> None:
    """Remove an element from its tree, keeping the text after it; unlike lxml's drop_tree(), this
    cannot fail on a control character a character reference put in that text."""
    parent = element.getparent()
    if parent is None:
        return
    tail = safe_text(element.tail or "")
    previous = element.getprevious()
    if tail and previous is not None:
        previous.tail = safe_text(previous.tail or "") + tail
    elif tail:
        parent.text = safe_text(parent.text or "") + tail
    parent.remove(element)


def too_deep(parser) -> bool:
    """Return True when lxml's parser stopped at its depth limit (what was below it is lost)."""
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def markup_paragraphs(markup: str) -> list[str]:
    """Return the paragraphs of HTML read without a parser: scripts and styles dropped, tags
    taken for breaks or spaces, entities decoded (for markup nested too deep to parse)."""
    text = _TAG.sub(" ", _BREAK.sub("\n", _HIDDEN.sub(" ", markup)))
    return [p for p in (clean(html.unescape(line)) for line in text.split("\n")) if p]


def _text_outside_captions(el) -> str:
    """Return an element's text, leaving out the captions of figures inside it."""
    parts = [el.text or ""]
    for child in el:
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        if child.tag not in ("figure", "figcaption"):
            parts.append(_text_outside_captions(child))
        parts.append(child.tail or "")
    return "".join(parts)


def block_texts(element) -> list[tuple[str, str]]:
    """Return (tag, text) of the text blocks under an element, in order (nested blocks once,
    a caption as its own block)."""
    out = []
    for el in element.iter(*BLOCKS):
        if any(a.tag in BLOCKS for a in el.iterancestors()) and el.tag != "figcaption":
            continue
        text = clean(el.text_content() if el.tag == "figcaption" else _text_outside_captions(el))
        if text:
            out.append((el.tag, text))
    if not out:
        text = clean(element.text_content())
        if text:
            out.append(("p", text))
    return out


def html_paragraphs(fragment: str) -> list[tuple[str, str]]:
    """Return (tag, text) of an HTML fragment's text blocks: parsed, never rendered."""
    if not fragment or not fragment.strip():
        return []
    fragment = safe_text(fragment)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        return [("p", p) for p in markup_paragraphs(fragment)]
    if too_deep(parser):
        return [("p", p) for p in markup_paragraphs(fragment)]
    for bad in root.xpath(".//script|.//style"):
        drop(bad)
    return block_texts(root)
