"""What every format shares: the error a file can give, text made safe where it enters, entry ids, titles."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

from reader.model import Caption, Document, Entry

TITLE_LENGTH = 90


class ArchiveError(Exception):
    """A file that cannot be turned into a document; the message says why."""


class NotADocument(ArchiveError):
    """Data of a kind we read that holds no document (JSON that is no news-API response, a page
    without text): a file of it is skipped with the reason; inside a web archive, where a crawl
    keeps many such responses, it is passed over like an image."""


# What no tree, hash or widget should meet: C0 controls but tab, newline and carriage return, the
# non-characters U+FFFE/U+FFFF (lxml refuses all of these), and surrogates (a lone one cannot be
# encoded; Python decodes a valid pair into one character, so any left is lone)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# what JSON text must hold for a string in it to decode into an unsafe one
_UNSAFE_IN_JSON = re.compile(r"\\u(?:00[01]|d[89a-f]|fff[ef])|[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]",
                             re.IGNORECASE)
MAX_INT_DIGITS = 4000  # a longer JSON integer is read as a float (Python refuses to convert it)


def safe_text(text: str) -> str:
    """Return text as every later step can take it: unsafe controls and non-characters dropped,
    lone surrogates replaced by U+FFFD. Text is made safe once, where it enters the program."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)


def load_json(text: str):
    """Return the values of JSON text with every string (and key) made safe; a number of any
    length is read. Raise ValueError with a reason for text that is not JSON or nests too deep."""
    try:
        value = json.loads(text, parse_int=_int)
    except RecursionError:
        raise ValueError("it nests deeper than can be read") from None
    return _safe_values(value) if _UNSAFE_IN_JSON.search(text) else value


def _int(digits: str) -> int | float:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else float(digits)


def _safe_values(value):
    """Make every string of decoded JSON safe, in place (iteratively: JSON may nest deep)."""
    if isinstance(value, str):
        return safe_text(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in list(node):
                item = node[key]
                if isinstance(item, str):
                    item = safe_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
                clean_key = safe_text(key)
                if clean_key != key:
                    del node[key]
                node[clean_key] = item
        elif isinstance(node, list):
            for n, item in enumerate(node):
                if isinstance(item, str):
                    node[n] = safe_text(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
    return value


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
        if looks_binary(data[:8192]):
            raise ArchiveError("binary file, not text")
        text, note = utf8_or_cp1252(data)
    return text.replace("\r\n", "\n").replace("\r", "\n"), note


def utf8_or_cp1252(data: bytes) -> tuple[str, str | None]:
    """Decode bytes that name no encoding: as UTF-8 when they are UTF-8 but for a few damaged
    bytes (a download cut mid-character, a stray byte among many accented letters), else as
    Windows-1252; return (text, note about encoding)."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data.decode("utf-8", errors="replace"), "cut off inside its last character"
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    # Windows-1252 text is almost never valid UTF-8 by chance (an accented letter would have to
    # follow one of Ã, Â and the like), so a few valid sequences per damaged one mean UTF-8
    if multibyte >= max(3, 3 * bad):
        return text, f"not valid UTF-8 throughout: {bad} damaged byte sequence(s) replaced"
    return data.decode("cp1252", errors="replace"), "not valid UTF-8; decoded as Windows-1252"


def looks_binary(sample: bytes) -> bool:
    """Return True when the first bytes of a file are not text (more than 5% control bytes;
    NULs at the end, the padding of an interrupted download, do not count)."""
    sample = sample.rstrip(b"\x00") if len(sample) < 8192 else sample
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return len(sample) > 0 and controls / len(sample) > 0.05


def entry_id(path: str, headline: str | None, paragraphs: tuple[str, ...],
             captions: tuple[Caption, ...], occurrence: int = 0) -> str:
    """Return the stable id of an entry: a hash of its document's path and its own text."""
    h = hashlib.sha1(path.encode("utf-8", "surrogatepass"))  # (text is safe; a path may not be)
    for part in (headline or "", *paragraphs, *(c.text for c in captions)):
        h.update(b"\x1f")
        h.update(part.encode("utf-8", "surrogatepass"))
    if occurrence:
        h.update(f"\x1e{occurrence}".encode())
    return h.hexdigest()[:12]


def source_entry_id(path: str, source_id: str) -> str:
    """Return the stable id of an entry the source names (an update's id or URL): it stays the
    same when the entry's text is edited and across captures of the page."""
    return hashlib.sha1(f"{path}\x1d{source_id}".encode("utf-8", "surrogatepass")).hexdigest()[:12]


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


MAX_ENTRY_CHARS = 1_000_000  # a post is far shorter; a text dump of one "entry" is continued in more
_CUT = re.compile(r"\s")


def bounded(doc: Document) -> Document:
    """Return doc with every entry of more than MAX_ENTRY_CHARS of text continued in further
    entries ("headline (continued 2)"), a too-long paragraph cut at a space: every word is
    kept, and no entry makes the index hold more than a bounded amount of it at once."""
    if all(sum(map(len, e.paragraphs)) <= MAX_ENTRY_CHARS for e in doc.entries):
        return doc
    entries: list[Entry] = []
    for entry in doc.entries:
        if sum(map(len, entry.paragraphs)) <= MAX_ENTRY_CHARS:
            entries.append(replace(entry, position=len(entries)))
            continue
        for n, paragraphs in enumerate(_runs(entry.paragraphs)):
            headline = entry.headline if n == 0 else f"{entry.headline or '…'} (continued {n + 1})"
            part = replace(entry, headline=headline, paragraphs=paragraphs, position=len(entries),
                           captions=entry.captions if n == 0 else ())
            if n:
                part = replace(part, id=entry_id(str(doc.ref), headline, paragraphs, (), n))
            entries.append(part)
    return replace(doc, entries=tuple(entries))


def _runs(paragraphs: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Group paragraphs (a too-long one cut at spaces) into runs of at most MAX_ENTRY_CHARS."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        while len(paragraph) > MAX_ENTRY_CHARS:
            cut = _last_space(paragraph, MAX_ENTRY_CHARS)
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        if paragraph:
            pieces.append(paragraph)
    runs: list[list[str]] = [[]]
    size = 0
    for piece in pieces:
        if runs[-1] and size + len(piece) > MAX_ENTRY_CHARS:
            runs.append([])
            size = 0
        runs[-1].append(piece)
        size += len(piece)
    return [tuple(run) for run in runs]


def _last_space(text: str, limit: int) -> int:
    """Return where to cut text at most `limit` characters in: after its last space there (or at
    the limit, for text without spaces)."""
    window = text[max(0, limit - 10_000):limit]
    spaces = [m.start() for m in _CUT.finditer(window)]
    return max(0, limit - 10_000) + spaces[-1] + 1 if spaces else limit
