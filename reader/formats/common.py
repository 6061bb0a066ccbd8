"""What every format shares: the error a file can give, decoding text, entry ids, short titles."""

from __future__ import annotations

import hashlib
import re

from reader.model import Caption

TITLE_LENGTH = 90


class ArchiveError(Exception):
    """A file that cannot be turned into a document; the message says why."""


class NotADocument(ArchiveError):
    """Data of a kind we read that holds no document (JSON that is no news-API response, a page
    without text): a file of it is skipped with the reason; inside a web archive, where a crawl
    keeps many such responses, it is passed over like an image."""


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
    """Return the stable id of an entry: a hash of its document's path and its own text."""
    h = hashlib.sha1(path.encode("utf-8"))
    for part in (headline or "", *paragraphs, *(c.text for c in captions)):
        h.update(b"\x1f")
        h.update(part.encode("utf-8"))
    if occurrence:
        h.update(f"\x1e{occurrence}".encode())
    return h.hexdigest()[:12]


def source_entry_id(path: str, source_id: str) -> str:
    """Return the stable id of an entry the source names (an update's id or URL): it stays the
    same when the entry's text is edited and across captures of the page."""
    return hashlib.sha1(f"{path}\x1d{source_id}".encode()).hexdigest()[:12]


def shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    """Return a title made of text's first sentence, cut at a word to `limit` characters."""
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    sentence = sentence.rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def clip(text: str, limit: int = 200) -> str:
    """Return text cut at a word to at most `limit` characters (with "…" when cut)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
