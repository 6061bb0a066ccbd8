"""Microdata (the HTML standard's): an item's properties and their values, as the spec defines them."""

from __future__ import annotations

from reader.formats.blocks import clean

# elements whose value is an attribute (the spec's list), the rest give their text
_URL_VALUE = {"a": "href", "area": "href", "link": "href", "audio": "src", "embed": "src", "iframe": "src",
              "img": "src", "source": "src", "track": "src", "video": "src", "object": "data"}
_VALUE = {"meta": "content", "data": "value", "meter": "value"}


def is_item(element) -> bool:
    """Return True for an element that starts an item (itemscope)."""
    return element.get("itemscope") is not None


def item_types(element) -> set[str]:
    """Return an item's types, by their last path part ("https://schema.org/BlogPosting" -> BlogPosting)."""
    return {t.rstrip("/").rsplit("/", 1)[-1] for t in (element.get("itemtype") or "").split()}


def properties(item, name: str) -> list:
    """Return the elements that give an item's property `name`, in tree order: descendants with
    that itemprop whose nearest item is this one (a nested item's own properties are not its)."""
    found = []
    for el in item.xpath(_HAS_PROP, name=f" {name} "):  # (searched in C: the item may be the page)
        owner = next((a for a in el.iterancestors() if is_item(a)), None)
        if owner is item:
            found.append(el)
    return found


_HAS_PROP = ".//*[contains(concat(' ', normalize-space(@itemprop), ' '), $name)]"


def value(element) -> str | None:
    """Return a property element's value: the attribute the spec names for its tag (content of
    meta, datetime of time, href of a, src of img, …), else its text (else a content attribute);
    None when empty."""
    tag = element.tag if isinstance(element.tag, str) else ""
    attribute = _VALUE.get(tag) or _URL_VALUE.get(tag) or ("datetime" if tag == "time" else None)
    raw = element.get(attribute) if attribute else None
    if raw is None and tag not in _VALUE and tag not in _URL_VALUE:
        raw = element.text_content()
    if not (raw or "").strip():  # (not the spec's, but pages put content= on other elements too)
        raw = element.get("content")
    return clean(raw or "") or None


def first(item, name: str) -> str | None:
    """Return the value of an item's first property `name` that has one."""
    for element in properties(item, name):
        found = value(element)
        if found:
            return found
    return None


def name_of(item, name: str) -> str | None:
    """Return the name of an item's property that is an item itself (author: a Person), else its value."""
    for element in properties(item, name):
        found = (first(element, "name") or value(element)) if is_item(element) else value(element)
        if found:
            return found
    return None
