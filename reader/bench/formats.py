"""`make bench`, formats: index speed in MB/s of extracted text per format, 1 MB pages' parse times."""

from __future__ import annotations

import html
import io
import json
import shutil
import statistics
import time
from dataclasses import replace
from pathlib import Path

from reader import archive, defaults
from reader.bench.generate import generate
from reader.model import DocRef


def _page(doc, rel: str) -> bytes:
    """A saved page of a document: its entries as a JSON-LD LiveBlogPosting."""
    updates = [{"@type": "BlogPosting", "headline": e.headline, "articleBody": "\n\n".join(e.paragraphs),
                "datePublished": f"{doc.date}T{e.position % 24:02d}:00:00+02:00",
                "url": f"https://bench.invalid/{rel}#e{e.position}"} for e in doc.entries]
    data = {"@type": "LiveBlogPosting", "headline": doc.title, "datePublished": doc.date,
            "liveBlogUpdate": updates}
    return (f"<html><head><meta charset='utf-8'><title>{doc.title}</title>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><p>{doc.title}</p></body></html>").encode()


def _ticker(doc) -> bytes:
    """A ticker page of a document's entries: "HH.MM Uhr: headline" headings and paragraphs."""
    posts = "".join(f"<h2>{23 - e.position * 7 // 60 % 24:02d}.{59 - e.position * 7 % 60:02d} Uhr: "
                    f"{e.headline or ''}</h2>" + "".join(f"<p>{p}</p>" for p in e.paragraphs)
                    for e in doc.entries)
    title = html.escape(doc.title)
    return (f"<html><head><meta charset='utf-8'><meta property='og:title' content='{title}'>"
            f"<meta property='article:published_time' content='{doc.date}T06:00:00+02:00'></head>"
            f"<body><main><h1>{title}</h1>{posts}</main></body></html>").encode()


def bench_formats(work: Path, files: int = 200, entries: int = 50, runs: int = 3) -> dict:
    """Index the same liveblogs as text, as saved pages and as a WARC of those pages."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from reader.library import Library

    text_dir, html_dir, warc_dir = work / "fmt-text", work / "fmt-html", work / "fmt-warc"
    generate(text_dir, files, entries, defaults.BUNDLED_ARCHIVE, seed=3)
    html_dir.mkdir()
    warc_dir.mkdir()
    extracted = 0
    with open(warc_dir / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for rel in archive.scan(text_dir):
            doc = archive.read_document(text_dir, DocRef(rel))
            extracted += sum(len(e.plain_text().encode()) for e in doc.entries)
            page = _page(doc, rel)
            (html_dir / (rel.replace("/", "_") + ".html")).write_bytes(page)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://bench.invalid/{rel}", "response", payload=io.BytesIO(page), length=len(page),
                http_headers=http, warc_headers_dict={"WARC-Date": "2022-04-19T12:00:00Z"}))
    out: dict = {"extracted_mb": extracted / 1e6}
    for name, folder in (("text", text_dir), ("saved pages", html_dir), ("WARC", warc_dir)):
        times = []
        for n in range(runs):
            data = work / f"fmt-data-{name}-{n}"
            t = time.perf_counter()
            Library(folder, data).index.update()
            times.append(time.perf_counter() - t)
            shutil.rmtree(data, ignore_errors=True)
        out[name] = extracted / 1e6 / statistics.median(times)
    doc = archive.read_document(text_dir, DocRef(next(archive.scan(text_dir))))
    big = _page(doc, "x")
    while len(big) < 1_000_000:  # the same liveblog, longer
        doc = replace(doc, entries=tuple(replace(e, position=n) for n, e in enumerate(doc.entries * 2)))
        big = _page(doc, "x")
    from reader.formats import html as pages

    pages.parse(big, DocRef("big.html"))
    parses = []
    for _ in range(5):
        t = time.perf_counter()
        pages.parse(big, DocRef("big.html"))
        parses.append((time.perf_counter() - t) * 1000)
    out["page_1mb_ms"] = statistics.median(parses)
    out["page_bytes"] = len(big)
    ticker = _ticker(doc)  # the same entries as a page without structured data: found by structure
    pages.parse(ticker, DocRef("ticker.html"))
    parses = []
    for _ in range(5):
        t = time.perf_counter()
        pages.parse(ticker, DocRef("ticker.html"))
        parses.append((time.perf_counter() - t) * 1000)
    out["ticker_1mb_ms"] = statistics.median(parses)
    out["ticker_bytes"] = len(ticker)
    for folder in (text_dir, html_dir, warc_dir):
        shutil.rmtree(folder, ignore_errors=True)
    return out
