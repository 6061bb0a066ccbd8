"""Turn the archive's text files into Documents: decoding, the liveblog/article parser, folder scan."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from reader.model import Caption, Document, Entry, Problem

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
MAX_FILE_BYTES = 64 * 1024 * 1024
SHORT_LINE = 120  # headlines and captions are shorter than this
TITLE_LENGTH = 90

_DATE = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)(?:[ \t]+|[ \t]*\n|\Z)")
_CHROME = re.compile(r"^Volg dit onderwerp\b")
_CREDIT = re.compile(r"\b(?:Foto|Foto's|Beeld|Video|Afbeelding)\s*:\s*[^.!?]{1,80}$")
_SENTENCE_END = ".!:;,…"
_CLOSING = "\"'”’»)] "


class ArchiveError(Exception):
    """A file that cannot be turned into a document; the message says why."""


@dataclass(frozen=True)
class _Line:
    text: str
    credit: str | None = None  # set for a gallery item ("• AFP" + caption)


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text with normalised newlines; return (text, note about encoding)."""
    note = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"broken UTF-16 text ({exc.reason})") from None
        note = "decoded as UTF-16"
    else:
        if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
            raise ArchiveError("binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            note = "not valid UTF-8; decoded as Windows-1252"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ArchiveError("binary file, not text")
    return text, note


def _looks_binary(sample: bytes) -> bool:
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return len(sample) > 0 and controls / len(sample) > 0.05


def entry_id(path: str, headline: str | None, paragraphs: tuple[str, ...],
             captions: tuple[Caption, ...], occurrence: int = 0) -> str:
    """Return the stable id of an entry: a hash of its file path and its own text."""
    h = hashlib.sha1(path.encode("utf-8"))
    for part in (headline or "", *paragraphs, *(c.text for c in captions)):
        h.update(b"\x1f")
        h.update(part.encode("utf-8"))
    if occurrence:
        h.update(f"\x1e{occurrence}".encode())
    return h.hexdigest()[:12]


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


def _classify(lines: list[_Line]) -> list[str]:
    """Label each line: headline, body, caption, gallery or chrome."""
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
            kinds.append("headline" if nxt is not None and _is_body(nxt) else "caption")
        else:
            kinds.append("body")
    return kinds


def _entries(path: str, lines: list[_Line]) -> tuple[Entry, ...]:
    groups: list[tuple[str | None, list[str], list[Caption]]] = []
    for line, kind in zip(lines, _classify(lines), strict=True):
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
        args = (path, headline, tuple(paragraphs), tuple(captions))
        base = entry_id(*args)
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        entries.append(Entry(entry_id(*args, occurrence), *args[1:], position=position))
    return tuple(entries)


def _shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    sentence = sentence.rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def parse_text(text: str, path: str) -> Document:
    """Parse one decoded file into a Document (a liveblog or an article)."""
    date = None
    match = _DATE.match(text)
    if match:
        date, text = match.group(1), text[match.end():]
    lines = _lines(text)
    if lines and lines[0].text.lower() == "liveblog":
        return _liveblog(path, date, lines[1:])
    entries = _entries(path, lines)
    return Document(path, _article_title(entries, path), "article", date, False, entries)


def _liveblog(path: str, date: str | None, lines: list[_Line]) -> Document:
    site = None
    if lines and "•" not in lines[0].text and len(lines) > 1:
        site = re.sub(r"Aangepast$", "", lines[0].text).strip() or None
        lines = lines[1:]
    title = lines[0].text if lines else Path(path).stem
    lines = lines[1:]
    closed = bool(lines) and lines[0].text.lower() == "liveblog gesloten"
    if closed:
        lines = lines[1:]
    return Document(path, title, "liveblog", date, closed, _entries(path, lines), site=site)


def _article_title(entries: tuple[Entry, ...], path: str) -> str:
    for entry in entries:
        if entry.paragraphs:
            return _shorten(entry.paragraphs[0])
        if entry.headline:
            return _shorten(entry.headline)
    for entry in entries:  # only short lines (read as captions): the first one
        if entry.captions:
            return _shorten(entry.captions[0].text)
    return Path(path).stem


def read_bytes(root: Path, rel: str) -> bytes:
    """Read one archive file's bytes; raise ArchiveError with a reason if it cannot be read."""
    full = root / rel
    try:
        size = full.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArchiveError(f"too large ({size // (1024 * 1024)} MB)")
        return full.read_bytes()
    except FileNotFoundError:
        raise ArchiveError("file not found (deleted, or a broken link)") from None
    except PermissionError:
        raise ArchiveError("no permission to read it") from None
    except IsADirectoryError:
        raise ArchiveError("is a folder") from None
    except OSError as exc:
        raise ArchiveError(f"cannot be read ({exc.strerror or exc})") from None


def parse_bytes(data: bytes, rel: str) -> Document:
    """Decode and parse one file's bytes; raise ArchiveError if it is empty, binary or undecodable.

    Any text makes a document: a liveblog's header alone is one with its title and no entries.
    """
    if not data.strip():
        raise ArchiveError("empty file")
    text, note = decode(data)
    if not text.strip():
        raise ArchiveError("empty file")
    doc = parse_text(text, rel)
    if note:
        doc = replace(doc, problems=(note,))
    return doc


def read_document(root: Path, rel: str) -> Document:
    """Read and parse one archive file; raise ArchiveError with a reason if it cannot be read."""
    return parse_bytes(read_bytes(root, rel), rel)


def scan(root: Path) -> Iterator[str]:
    """Yield the archive's candidate text files as sorted '/'-separated relative paths."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in TEXT_SUFFIXES:
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            found.append(rel.replace(os.sep, "/"))
    yield from sorted(found)


def folders(root: Path, limit: int = 500) -> list[Path]:
    """Return root and its visible sub-folders (at most `limit`), e.g. to watch for changes."""
    found = [root]
    for dirpath, dirnames, _ in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / d for d in dirnames)
        if len(found) >= limit:
            break
    return found[:limit]


def iter_load(root: Path) -> Iterator[Document | Problem]:
    """Parse the text files under root one by one: a Document each, or a Problem if unreadable."""
    for rel in scan(root):
        try:
            yield read_document(root, rel)
        except ArchiveError as exc:
            yield Problem(rel, str(exc))


def load(root: Path) -> tuple[list[Document], list[Problem]]:
    """Parse every text file under root; unreadable ones become Problems, the rest Documents."""
    documents, problems = [], []
    for item in iter_load(root):
        (problems if isinstance(item, Problem) else documents).append(item)
    return documents, problems
