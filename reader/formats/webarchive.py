"""Web archive files (WARC, WARC.gz, WACZ): every HTML or JSON response read as a page, captures merged.

Records are streamed (warcio): a file of any size is read in constant memory, a damaged record
is reported and skipped (reading resumes at the next record), and several captures of one URL
become one document (see Captures).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import replace
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

from warcio.recordloader import ArchiveLoadFailed

from reader import errorlog
from reader.formats import content_encoding, guardian, html, warc_compat
from reader.formats.common import ArchiveError, NotADocument, safe_text
from reader.formats.jsonld import instant
from reader.model import DocRef, Document, Entry
from reader.text import one_line

MAX_RECORD_BYTES = 32 * 1024 * 1024  # a page bigger than this (decoded) is not a news page: skipped
# a WACZ member that claims more than this many times its compressed size is no web archive's
MAX_MEMBER_RATIO = 100
_RECORD_START = re.compile(rb"WARC/1\.[01]\r?\nWARC-")
_GZIP_START = b"\x1f\x8b\x08"
_SERVED_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)")


def parse_stream(stream: BinaryIO, rel: str, url: str | None = None) -> list[Document]:
    """Return the documents of a web archive read from a binary stream (WARC, WARC.gz or WACZ);
    url: only the captures of that page (the others are passed over unparsed)."""
    captures = _Pages()
    problems: list[str] = []
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(stream) as wacz:
                names = [n for n in wacz.namelist() if n.endswith((".warc", ".warc.gz"))]
                if not names:
                    raise ArchiveError("a WACZ file without WARC files in it")
                for name in names:
                    info = wacz.getinfo(name)
                    if info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1 << 20):
                        problems.append(f"{name}: skipped: it claims {info.file_size:,} bytes from "
                                        f"{info.compress_size:,} compressed, which no web archive does")
                        continue
                    with wacz.open(name) as member:
                        _read(member, rel, captures, problems, f"{name}: ", url)
        except zipfile.BadZipFile as exc:
            raise ArchiveError(f"a damaged WACZ (zip) file ({exc})") from None
    else:
        _read(stream, rel, captures, problems, "", url)
    if not captures and url is not None:
        return []
    if not captures:
        reason = "; ".join(problems[:3]) if problems else "no HTML or JSON pages in it"
        raise ArchiveError(f"a web archive with nothing to read ({reason})")
    for target, when in captures.revisits:  # the page again, unchanged: one more capture of it
        for ref in captures.paths_of.get(target, ()):
            captures[ref].dates.append(when)
    docs = [found.document() for _ref, found in sorted(captures.items())]
    if problems:
        docs = [replace(d, problems=(*d.problems, *problems)) for d in docs]
    return docs


class _NotARecord(Exception):
    """What warcio read is no WARC record: damaged gzip data it read raw, or as an old ARC record."""


def _read(stream: BinaryIO, rel: str, captures: dict, problems: list[str], where: str = "",
          url: str | None = None) -> None:
    """Read a WARC stream's responses into captures (by URL); resume after damaged records.

    A failure after good records is reported once it is clear where the damage was: at the
    record reading resumes from (if that fails at once), else after the last good record.
    """
    begin, failed, unreported = 0, set(), None
    while True:
        stream.seek(begin)
        records = warc_compat.Records(stream)
        last = None  # where the last record read whole starts
        try:
            for record in records:
                if record.format != "warc" or not record.rec_headers.get_header("WARC-Record-ID"):
                    raise _NotARecord  # damage read as an ARC record; reading on would swallow the next
                _take(record, rel, captures, problems, where, url)
                last = records.get_record_offset()  # (only once the record is read)
                if unreported:
                    problems.append(unreported)
                    unreported = None
            if wrong := warc_compat.wrong_lengths(records):
                problems.append(f"{where}{wrong} record(s) had a wrong length")
            return
        except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged data (our own
            # parsing of a record has its guard in _parse_response: only warcio's reading is here)
            if last is None:  # the record at `begin` itself is damaged
                failed.add(begin)
                problems.append(f"{where}a damaged record at byte {begin} was skipped ({_short(exc)})")
                unreported = None
            else:
                unreported = f"{where}a damaged record after byte {last} was skipped ({_short(exc)})"
            resume = _next_record(stream, (begin if last is None else last) + 1)
            while resume is not None and resume in failed:
                resume = _next_record(stream, resume + 1)
            if resume is None:
                if unreported:
                    problems.append(unreported)
                return
            begin = resume


def _next_record(stream: BinaryIO, start: int) -> int | None:
    """Return where the next record (a gzip member or a "WARC/1." line) starts after start."""
    stream.seek(start)
    position, tail = start, b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        found = [i for i in (data.find(_GZIP_START), _line_start(data)) if i >= 0]
        if found:
            return position - len(tail) + min(found)
        tail = data[-16:]
        position += len(chunk)
    return None


def _line_start(data: bytes) -> int:
    match = _RECORD_START.search(data)
    return match.start() if match else -1


def _short(exc: BaseException) -> str:
    """Return what a reader can make of a damaged record's error (warcio's own messages quote
    the damaged bytes)."""
    if isinstance(exc, ArchiveLoadFailed | _NotARecord):
        return "not a WARC record"
    if isinstance(exc, EOFError | zlib.error | zipfile.BadZipFile):
        return "its compressed data is damaged"
    if isinstance(exc, OSError):
        return f"it could not be read: {exc.strerror or exc}"
    return "its headers are damaged"


class _Pages(dict):
    """The captures read so far, by document; the documents each fetched URL gave; revisits."""

    def __init__(self) -> None:
        super().__init__()
        self.paths_of: dict[str, set[DocRef]] = defaultdict(set)
        self.revisits: list[tuple[str, str]] = []  # (URL, date): fetched again, found unchanged

    def __missing__(self, ref: DocRef) -> Captures:
        self[ref] = Captures()
        return self[ref]


def _header(record, name: str) -> str:
    """Return a WARC header's value as safe text ("" when there is none)."""
    return safe_text(record.rec_headers.get_header(name) or "")


def _target(record, header: str = "WARC-Target-URI") -> str:
    return _header(record, header).strip("<> ").split("#", 1)[0]


def _take(record, rel: str, captures: _Pages, problems: list[str], where: str, only: str | None) -> None:
    """Parse one response record, if it is an HTML page or JSON (of the URL `only`, if given),
    into captures[url]; note a revisit record (the page fetched again, unchanged)."""
    if record.rec_type not in ("response", "resource", "revisit"):
        return
    url = _target(record)
    if only is not None and _base(url) != _base(only):
        return
    when = _header(record, "WARC-Date")
    if record.rec_type == "revisit":
        captures.revisits.append((_target(record, "WARC-Refers-To-Target-URI") or url, when))
        return
    headers = record.http_headers
    if headers is not None and not (headers.get_statuscode() or "200").startswith("2"):
        return
    kind = ((headers.get_header("Content-Type") if headers is not None else None)
            or record.rec_headers.get_header("Content-Type") or "").lower()
    if "html" not in kind and "json" not in kind:
        return
    encoding = safe_text((headers.get_header("Content-Encoding") if headers is not None else None) or "")
    if not content_encoding.readable(encoding):
        problems.append(f"{where}{url} ({when}): compressed as {encoding.strip()!r}, which this "
                        "program cannot read; skipped")
        return
    try:  # (an error reading the record itself is raised: the record is damaged)
        payload = content_encoding.decoded(warc_compat.http_body(record), encoding, MAX_RECORD_BYTES)
    except content_encoding.TooLarge:
        problems.append(f"{where}{url} ({when}): a response over {MAX_RECORD_BYTES // 2**20} MB "
                        f"(decoded) was skipped")
        return
    except content_encoding.Damaged as exc:
        problems.append(f"{where}{url} ({when}): its {encoding.strip()} data is damaged ({exc}); skipped")
        return
    _parse_response(payload, kind, rel, url, when, captures, problems, where)


def _parse_response(payload: bytes, kind: str, rel: str, url: str, when: str, captures: _Pages,
                    problems: list[str], where: str) -> None:
    """Parse one response's body into captures, behind a guard of its own: an error of our
    parsers is named as such and the other records are still read."""

    def parse(page: str) -> list[Document]:
        ref = DocRef(rel, page)
        if "json" in kind:
            return guardian.parse(payload, ref)
        served = _SERVED_CHARSET.search(kind)
        return [html.parse(payload, ref, served.group(1) if served else None)]

    try:
        found = parse(url)
        page = page_url(url, found[0].source_url) if len(found) == 1 else url
        if page != url:  # named after the page it is a capture of (ids come from the name)
            found = parse(page)
    except NotADocument:  # a crawl's other JSON (analytics, settings), an empty frame
        return
    except ArchiveError as exc:
        problems.append(f"{where}{url} ({when}): {exc}")
        return
    except MemoryError:
        problems.append(f"{where}{url} ({when}): could not be read: it needs more memory than there is")
        return
    except Exception as exc:  # noqa: BLE001 - a bug of ours is not damage to the file
        reader = "news-API JSON reader" if "json" in kind else "web page reader"
        problems.append(f"{where}{url} ({when}): {errorlog.internal_error(f'{rel}: {url}', reader, exc)}")
        return
    for doc in found:
        captures[doc.ref].add(when, doc if doc.source_url else replace(doc, source_url=url))
        captures.paths_of[url].add(doc.ref)


def page_of(key: str) -> str:
    """Return the page a web archive document's key names (the items of a news-API search
    response captured there add "#" and their id to it; a page's URL has no fragment)."""
    return key.split("#", 1)[0]


def page_url(fetched: str, named: str | None) -> str:
    """Return the URL that names a capture's page: the URL the page gives as its own when that
    is the same page (it differs only in query, scheme, "www." or a final slash, as a
    liveblog's later pages and http/https captures do), else the URL it was fetched from."""
    if named:
        named = urljoin(fetched, named).split("#", 1)[0]
        if _base(named) == _base(fetched):
            return named
    return fetched


def _base(url: str) -> tuple[str, str]:
    """Return a URL's host (without "www.") and path (without a final slash), lowercased host."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # not a URL (a damaged header)
        return url, ""
    return host, parts.path.rstrip("/") or "/"


def _text(entry: Entry) -> str:
    return one_line(entry.plain_text())


class Captures:
    """Several captures of one page, merged as they are read into one document.

    Entries are the union of the captures' (the same entry: the same id, which comes from the
    update's id or URL where the page gives one, else from its text); an entry that changed
    keeps the newest capture's text, is marked edited and keeps its earlier texts; entries that
    vanished from later captures are kept. Times order them where they have one.

    Only the newest capture and each entry's distinct texts are held, so a WARC with hundreds
    of captures of a long liveblog takes the memory of its unique text, not of every capture.
    Captures may come in any order (several WARCs in a WACZ): "newest" is by capture date,
    then by the order read.
    """

    def __init__(self) -> None:
        self.dates: list[str] = []
        self._newest: tuple[str, Document] | None = None
        self._versions: dict[str, dict[str, tuple[str, int, Entry]]] = {}  # id -> text -> newest
        self._first: dict[str, tuple[str, int, int]] = {}  # id -> where it was first seen

    def add(self, when: str, doc: Document) -> None:
        """Merge one capture (taken at `when`, an ISO date) in."""
        read = len(self.dates)
        self.dates.append(when)
        if self._newest is None or when >= self._newest[0]:
            self._newest = (when, doc)  # its order of entries and its details; texts: _versions
        for n, entry in enumerate(doc.entries):
            versions = self._versions.setdefault(entry.id, {})
            text = _text(entry)
            known = versions.get(text)
            if known is None or (when, read) >= known[:2]:
                versions[text] = (when, read, entry)
            first = self._first.get(entry.id)
            if first is None or (when, read, n) < first:
                self._first[entry.id] = (when, read, n)

    def document(self) -> Document:
        """Return the merged document."""
        assert self._newest is not None, "no capture was added"
        newest = self._newest[1]
        order = [e.id for e in newest.entries]
        shown = set(order)
        order += sorted((i for i in self._versions if i not in shown), key=self._first.__getitem__)
        entries = []
        for entry_id in order:
            versions = sorted(self._versions[entry_id].values(), key=lambda v: v[:2])
            entries.append(replace(versions[-1][2], earlier=tuple(_text(v[2]) for v in versions[:-1])))
        if any(instant(e.time) for e in entries):
            rank = {i: n for n, i in enumerate(order)}
            entries.sort(key=lambda e: (instant(e.time) is None, -(_stamp(e.time)), rank[e.id]))
        entries = [replace(e, position=n) for n, e in enumerate(entries)]
        return replace(newest, entries=tuple(entries), captures=tuple(sorted(self.dates)))


def _stamp(time: str | None) -> float:
    moment = instant(time)
    if moment is None:
        return 0.0
    return moment.timestamp()
