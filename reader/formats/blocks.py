"""The text blocks of HTML (paragraphs, headings, list items, captions), read as text, never rendered."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption", "dd",
          "dt", "td", "th")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Return text with runs of white space made single spaces."""
    return _SPACE.sub(" ", text).strip()


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
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [("p", fragment)]
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    return block_texts(root)
