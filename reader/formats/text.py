"""The text format: plain-text copies of news pages (NOS liveblogs and update articles)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from reader.formats.common import ArchiveError, decode, entry_id, safe_text, shorten
from reader.model import Caption, DocRef, Document, Entry

SHORT_LINE = 120  # headlines and captions are shorter than this

_DATE = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)(?:[ \t]+|[ \t]*\n|\Z)")
_CHROME = re.compile(r"^Volg dit onderwerp\b")
_CREDIT = re.compile(r"\b(?:Foto|Foto's|Beeld|Video|Afbeelding)\s*:\s*[^.!?]{1,80}$")
_SENTENCE_END = ".!:;,…"
_CLOSING = "\"'”’»)] "


@dataclass(frozen=True)
class _Line:
    text: str
    credit: str | None = None  # set for a gallery item ("• AFP" + caption)


def _lines(text: str) -> list[_Line]:
    raw = text.split("\n")
    out: list[_Line] = []
    i = 0
    while i < len(raw):
        line = raw[i]
        stripped = line.strip()
        i += 1
        if not stripped:
            continue
        if stripped.startswith("•") and line[:1].isspace():
            credit = stripped.lstrip("• ").strip() or None
            caption = ""
            j = i
            while j < len(raw) and not raw[j].strip():
                j += 1
            if j < len(raw) and raw[j][:1].isspace() and not raw[j].strip().startswith("•"):
                caption, i = raw[j].strip(), j + 1
            out.append(_Line(caption or (credit or ""), credit if caption else None))
            continue
        out.append(_Line(stripped))
    return out


def _is_short(text: str) -> bool:
    if len(text) > SHORT_LINE:
        return False
    return text.rstrip(_CLOSING)[-1:] not in _SENTENCE_END


def _is_body(line: _Line) -> bool:
    return line.credit is None and not _is_short(line.text) and not _CREDIT.search(line.text)


def _classify(lines: list[_Line], page: bool = False) -> list[str]:
    """Label each line: headline, body, caption, gallery or chrome (a page's main text has no
    captions among its paragraphs: a short one is a heading before text, else text)."""
    kinds = []
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if line.credit is not None:
            kinds.append("gallery")
        elif _CHROME.match(line.text):
            kinds.append("chrome")
        elif _CREDIT.search(line.text):
            kinds.append("caption")
        elif _is_short(line.text):
            followed = nxt is not None and _is_body(nxt)
            kinds.append("headline" if followed else "body" if page else "caption")
        else:
            kinds.append("body")
    return kinds


def _entries(ref: DocRef, lines: list[_Line], page: bool = False) -> tuple[Entry, ...]:
    groups: list[tuple[str | None, list[str], list[Caption]]] = []
    for line, kind in zip(lines, _classify(lines, page), strict=True):
        if kind == "chrome":
            continue
        if kind == "headline" or not groups:
            groups.append((line.text if kind == "headline" else None, [], []))
            if kind == "headline":
                continue
        _, paragraphs, captions = groups[-1]
        if kind == "body":
            paragraphs.append(line.text)
        else:
            captions.append(Caption(line.text, line.credit))
    entries = []
    seen: dict[str, int] = {}
    for position, (headline, paragraphs, captions) in enumerate(groups):
        args = (str(ref), headline, tuple(paragraphs), tuple(captions))
        base = entry_id(*args)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        entries.append(Entry(entry_id(*args, occurrence), *args[1:], position=position))
    return tuple(entries)


def parse_text(text: str, ref: DocRef, page: bool = False) -> Document:
    """Parse one decoded file (or, with page, a web page's main text) into a Document (a
    liveblog or an article).

    A stray NUL or control character (a download padded with NULs) is dropped, not the file.
    """
    text = safe_text(text)
    date = None
    match = _DATE.match(text)
    if match:
        date, text = match.group(1), text[match.end():]
    lines = _lines(text)
    if lines and lines[0].text.lower() == "liveblog":
        return _liveblog(ref, date, lines[1:])
    entries = _entries(ref, lines, page)
    return Document(ref, _article_title(entries, ref), "article", date, False, entries)


def _liveblog(ref: DocRef, date: str | None, lines: list[_Line]) -> Document:
    site = None
    if lines and "•" not in lines[0].text and len(lines) > 1:
        site = re.sub(r"Aangepast$", "", lines[0].text).strip() or None
        lines = lines[1:]
    title = lines[0].text if lines else safe_text(Path(ref.file).stem)
    lines = lines[1:]
    closed = bool(lines) and lines[0].text.lower() == "liveblog gesloten"
    if closed:
        lines = lines[1:]
    return Document(ref, title, "liveblog", date, closed, _entries(ref, lines), site=site)


def _article_title(entries: tuple[Entry, ...], ref: DocRef) -> str:
    for entry in entries:
        if entry.paragraphs:
            return shorten(entry.paragraphs[0])
        if entry.headline:
            return shorten(entry.headline)
    for entry in entries:  # only short lines (read as captions): the first one
        if entry.captions:
            return shorten(entry.captions[0].text)
    return safe_text(Path(ref.file).stem)


def parse_bytes(data: bytes, ref: DocRef) -> Document:
    """Decode and parse a text file; raise ArchiveError if it is empty, binary or undecodable."""
    text, note = decode(data)
    if not text.strip():
        raise ArchiveError("empty file")
    doc = parse_text(text, ref)
    return replace(doc, problems=(note,)) if note else doc
