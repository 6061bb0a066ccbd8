"""Web archive fixtures written from the WARC 1.1 standard with warcio: captures of our own pages."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BLOG_URL = "https://voorbeeld.invalid/liveblog/oekraine"
OTHER_URL = "https://voorbeeld.invalid/nieuws/sancties"


def liveblog_page(updates: list[tuple[str, str, str, str]]) -> bytes:
    """A page whose JSON-LD is a LiveBlogPosting of (fragment id, time, headline, body) updates."""
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting",
            "headline": "Oorlog in Oekraïne, dag 55", "url": BLOG_URL,
            "datePublished": "2022-04-19T06:00:00+02:00",
            "liveBlogUpdate": [{"@type": "BlogPosting", "headline": headline, "articleBody": body,
                                "datePublished": time, "url": f"{BLOG_URL}#{fragment}"}
                               for fragment, time, headline, body in updates]}
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Liveblog</title>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            "<body><p>De pagina.</p></body></html>").encode()


FIRST = ("u1", "2022-04-19T06:00:00+02:00", "Goedemorgen", "Welkom in dit liveblog.")
SECOND = ("u2", "2022-04-19T09:30:00+02:00", "Explosies in Kiev", "Er zijn explosies gehoord in Kiev.")
SECOND_EDITED = ("u2", "2022-04-19T09:30:00+02:00", "Explosies in Kiev",
                 "Er zijn meerdere explosies gehoord in het centrum van Kiev.")
THIRD = ("u3", "2022-04-19T13:05:00+02:00", "Corridor bij Marioepol", "Een humanitaire corridor is open.")
CAPTURES = [  # (WARC-Date, updates): the second edits u2 and adds u3, the third has lost u1
    ("2022-04-19T08:00:00Z", [FIRST]),
    ("2022-04-19T10:00:00Z", [SECOND, FIRST]),
    ("2022-04-19T14:00:00Z", [THIRD, SECOND_EDITED]),
]


def write_response(writer: WARCWriter, url: str, when: str, body: bytes, kind: str = "text/html",
              encoding: str | None = None) -> None:
    """Write a response record; encoding: the HTTP Content-Encoding the body was sent in."""
    headers = [("Content-Type", f"{kind}; charset=utf-8")]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
        warc_headers_dict={"WARC-Date": when}))


def write_warc(path: Path, gzip: bool = True, damaged: bool = False) -> Path:
    """Write three captures of the liveblog, an image, and an article; damaged=True puts a
    broken record between the second and the third capture."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for when, updates in CAPTURES[:2]:
        write_response(writer, BLOG_URL, when, liveblog_page(updates))
    write_response(writer, "https://voorbeeld.invalid/foto.jpg", "2022-04-19T10:00:01Z", b"\xff\xd8\xff",
              "image/jpeg")
    data = out.getvalue()
    if damaged:
        data += (b"\x1f\x8b\x08\x00garbage that is no gzip member" if gzip
                 else b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nkapot")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    write_response(writer, BLOG_URL, CAPTURES[2][0], liveblog_page(CAPTURES[2][1]))
    article = (b"<html><head><title>Sancties uitgebreid</title></head><body><article><h1>Sancties "
               b"uitgebreid</h1><p>De Europese Unie heeft nieuwe sancties tegen Rusland aangenomen, "
               b"gericht op luxegoederen en staal.</p><p>De lidstaten stemden er unaniem mee in."
               b"</p></article></body></html>")
    write_response(writer, OTHER_URL, "2022-04-19T15:00:00Z", article)
    path.write_bytes(data + out.getvalue())
    return path


def write_captures(path: Path, captures: list[tuple[str, list]], gzip: bool = True,
                   encodings: dict[int, tuple[str, object]] | None = None) -> Path:
    """Write captures of the liveblog, (WARC-Date, updates) each, in the order given;
    encodings: capture number -> (Content-Encoding, function that encodes the page)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for n, (when, updates) in enumerate(captures):
            page = liveblog_page(updates)
            name, encode = (encodings or {}).get(n, (None, None))
            write_response(writer, BLOG_URL, when, encode(page) if encode else page, encoding=name)
    return path


def long_liveblog(updates: int, captures: int = 3) -> list[tuple[str, list]]:
    """Captures of a long liveblog, each with updates/captures more (a few hundred KB of text)."""
    found = [(f"u{n}", f"2022-04-{19 + n // 240}T{n // 10 % 24:02d}:{n % 60:02d}:00+02:00",
              f"Bericht {n} uit Charkiv", f"Correspondent {n * 7919 % 1000} meldt beschietingen "
              f"in wijk {n % 37} van Charkiv; de corridor naar Marioepol blijft dicht. " * 3)
             for n in range(updates)]
    step = -(-updates // captures)
    return [(f"2022-04-19T{8 + c:02d}:00:00Z", found[:step * (c + 1)][::-1]) for c in range(captures)]


def write_wacz(path: Path) -> Path:
    """Write a WACZ (a zip) holding the WARC in archive/."""
    warc = write_warc(path.with_suffix(".warc.gz"))
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(warc, "archive/data.warc.gz")
        zf.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))
    warc.unlink()
    return path
