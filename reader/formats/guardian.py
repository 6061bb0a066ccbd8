"""Guardian Content API JSON: a saved item response (show-blocks=all) or a search response's items."""

from __future__ import annotations

from dataclasses import replace

from reader.formats.blocks import html_paragraphs
from reader.formats.common import NotADocument, clip, load_json, source_entry_id
from reader.formats.jsonld import RawUpdate, day, liveblog
from reader.model import Caption, DocRef, Document, Entry


def parse(data: bytes, ref: DocRef) -> list[Document]:
    """Return the documents of a Guardian Content API response; ArchiveError if it is not one."""
    notes: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # JSON is UTF-8: a damaged byte spoils a character, not the file
        text = data.decode("utf-8-sig", errors="replace")
        notes = ("not valid UTF-8: the bytes that are not were read as \ufffd",)
    try:
        payload = load_json(text)
    except ValueError as exc:
        raise NotADocument(f"not valid JSON ({exc})") from None
    response = payload.get("response") if isinstance(payload, dict) else None
    if not isinstance(response, dict):
        raise NotADocument("JSON, but not a Guardian Content API response (no \"response\")")
    if isinstance(response.get("content"), dict):
        items = [response["content"]]
    elif isinstance(response.get("results"), list):
        items = [i for i in response["results"] if isinstance(i, dict)]
    else:
        raise NotADocument("a Guardian API response without content or results")
    if not items:
        raise NotADocument("a Guardian API search response with no results")
    several = len(items) > 1
    docs = [item_document(item, _item_ref(ref, item.get("id") or n) if several else ref)
            for n, item in enumerate(items)]
    return [replace(d, problems=(*d.problems, *notes)) for d in docs] if notes else docs


def _item_ref(ref: DocRef, item_id) -> DocRef:
    """Return the document of one item of a search response saved as `ref` (named by its id)."""
    return DocRef(ref.file, f"{ref.key}#{item_id}" if ref.key else str(item_id))


def item_document(item: dict, ref: DocRef) -> Document:
    """Return the Document of one content item: a liveblog of its body blocks, or an article."""
    fields = item.get("fields") if isinstance(item.get("fields"), dict) else {}
    blocks = item.get("blocks") if isinstance(item.get("blocks"), dict) else {}
    body = blocks.get("body") if isinstance(blocks.get("body"), list) else []
    body = [b for b in body if isinstance(b, dict)]
    title = _str(fields.get("headline")) or _str(item.get("webTitle")) or str(ref)
    date = _str(item.get("webPublicationDate")) or _str(fields.get("firstPublicationDate"))
    url = _str(item.get("webUrl"))
    lead = html_paragraphs(_str(fields.get("standfirst")) or _str(fields.get("trailText")) or "")
    is_liveblog = item.get("type") == "liveblog" or len(body) > 1
    if is_liveblog:
        raw = [_update(b, n) for n, b in enumerate(body)]
        doc = liveblog(ref, title, date, url, "The Guardian", raw)
        if lead:  # the standfirst, read first
            first = Entry(source_entry_id(str(ref), "standfirst"), None, tuple(p for _, p in lead), (), 0)
            doc = replace(doc, entries=(first, *(replace(e, position=e.position + 1)
                                                 for e in doc.entries)))
        return doc
    parts = lead + [p for b in body for p in html_paragraphs(_str(b.get("bodyHtml")) or "")]
    if not parts and _str(fields.get("bodyText")):
        parts = [("p", _str(fields["bodyText"]))]
    return _article(ref, title, date, url, parts)


def _update(block: dict, n: int) -> RawUpdate:
    parts = html_paragraphs(_str(block.get("bodyHtml")) or "")
    paragraphs = [t for tag, t in parts if tag != "figcaption"]
    captions = [Caption(t) for tag, t in parts if tag == "figcaption"]
    if not paragraphs and _str(block.get("bodyTextSummary")):
        paragraphs = [_str(block["bodyTextSummary"])]
    attributes = block.get("attributes") if isinstance(block.get("attributes"), dict) else {}
    return RawUpdate(
        source_id=str(block.get("id") or f"block-{n}"), headline=_str(block.get("title")),
        paragraphs=paragraphs, captions=captions,
        time=_str(block.get("firstPublishedDate")) or _str(block.get("publishedDate"))
        or _str(block.get("createdDate")),
        modified=_str(block.get("lastModifiedDate")), author=_author(block),
        key_event=bool(attributes.get("keyEvent") or attributes.get("summary")),
        pinned=bool(attributes.get("pinned")))


def _author(block: dict) -> str | None:
    names = []
    people = block.get("contributors")
    for person in people if isinstance(people, list) else []:
        if isinstance(person, dict):
            names.append(_str(person.get("webTitle")) or _str(person.get("name")) or "")
        elif isinstance(person, str):
            names.append(person)
    names = [n for n in names if n]
    if not names and isinstance(block.get("createdBy"), dict):
        who = block["createdBy"]
        names = [" ".join(filter(None, (_str(who.get("firstName")), _str(who.get("lastName")))))]
    return ", ".join(n for n in names if n) or None


def _str(value) -> str | None:
    """Return a JSON value that should be text as text (a number as its digits), else None."""
    if isinstance(value, str):
        return value or None
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _article(ref: DocRef, title: str, date: str | None, url: str | None,
             parts: list[tuple[str, str]]) -> Document:
    """An article: its lead, then a section per heading."""
    groups: list[tuple[str | None, list[str], list[Caption]]] = [(None, [], [])]
    for tag, text in parts:
        if tag in ("h2", "h3", "h4"):
            groups.append((text, [], []))
        elif tag == "figcaption":
            groups[-1][2].append(Caption(text))
        else:
            groups[-1][1].append(text)
    entries = []
    for headline, paragraphs, captions in groups:
        if headline or paragraphs or captions:
            key = f"{len(entries)}:{headline or ''}"
            entries.append(Entry(source_entry_id(str(ref), key), headline, tuple(paragraphs),
                                 tuple(captions), len(entries)))
    return Document(ref, clip(title), "article", day(date), False, tuple(entries), site="The Guardian",
                    source_url=url)
