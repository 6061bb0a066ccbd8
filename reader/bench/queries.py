"""Query timings for `make bench`: each class cold (a freshly opened index) and repeated, and FTS5's."""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

from reader import archive, defaults
from reader.model import Problem

HOSTILE = "hostile input (not a target: must answer, not hang)"
QUERIES = {
    "single term": ["Kiev", "Oekraïne", "leger", "gevechten", "president"],
    "dense term (in half the entries)": ["Oekraïne", "Kiev"],
    "two-term AND": ["Russische troepen", "Oekraïense leger", "humanitaire hulp", "Poetin Zelensky",
                     "oorlog Donbas"],
    "phrase": ['"Russische troepen"', '"Oekraïense leger"', '"humanitaire corridor"',
               '"staakt het vuren"'],
    "prefix": ["oekr*", "russ*", "bombard*", "verdedig*"],
    "variant spelling": ["Kyiv", "Mariupol", "Kharkiv", "Putin", "Luhansk"],
    "date-sorted": ["Kiev", "leger", "Marioepol"],
    "fuzzy": ["Marioepl~", "Zelenksy~", "Oekrainse~"],
    # what a test must not time: typed junk, answered (with a message) rather than hanging
    HOSTILE: ["a*", "k?", "*", " ".join(f"w{i}" for i in range(3000)), "((((Kiev OR", '"Kiev leger',
              "Kiev~2 leger~2 Marioepol~2", "headline: date: title:"],
}
FTS = {  # the same questions in FTS5 syntax (no stemming or variants there; fuzzy has no equivalent)
    "single term": QUERIES["single term"],
    "dense term (in half the entries)": QUERIES["dense term (in half the entries)"],
    "two-term AND": QUERIES["two-term AND"],
    "phrase": QUERIES["phrase"],
    "prefix": QUERIES["prefix"],
    "variant spelling": ["Kyiv OR Kiev", "Mariupol OR Marioepol", "Kharkiv OR Charkov",
                         "Putin OR Poetin", "Luhansk OR Loegansk"],
    "date-sorted": QUERIES["date-sorted"],
}


def percentiles(times: list[float]) -> dict:
    """Return p50, p95 and max of times (in ms)."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": statistics.median(ordered), "p95_ms": p95, "max_ms": ordered[-1], "n": len(ordered)}


def _sort(cls: str) -> str:
    return "date" if cls == "date-sorted" else "relevance"


def bench_queries(folder: Path, data: Path, repeats: int = 5, rounds: int = 3) -> dict:
    """Time every class: cold (each query the first time, on a newly opened index) and repeated.

    Cold: a new Library per query (a new searcher and new maps of the postings arrays; the
    operating system's file cache stays warm, as on a running machine); the index is opened
    first (timed apart as `open_ms`), then the query is asked once. Repeated: the same query
    asked `repeats` more times on that Library. Top 20 with snippets and the exact total.
    """
    from reader.library import Library

    variants = defaults.variant_files(data)
    Library(folder, data, variants).search("warm up", limit=20)  # imports, the analysis cache
    out: dict = {}
    opens: list[float] = []
    for cls, queries in QUERIES.items():
        cold, warm = [], []
        for _ in range(rounds):
            for q in queries:
                t = time.perf_counter()
                lib = Library(folder, data, variants)
                lib.index.doc_count()  # opens the index: whoosh's searcher and the postings arrays
                opens.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                lib.search(q, limit=20, sort=_sort(cls))
                cold.append((time.perf_counter() - t) * 1000)
                for _ in range(repeats):
                    t = time.perf_counter()
                    lib.search(q, limit=20, sort=_sort(cls))
                    warm.append((time.perf_counter() - t) * 1000)
        out[cls] = {"cold": percentiles(cold), "repeated": percentiles(warm)}
    out["open_ms"] = statistics.median(opens)
    return out


def bench_fts5(folder: Path, repeats: int = 5, database: Path | None = None) -> dict:
    """Build an FTS5 table of the same entries and time the same questions (top 20 and count);
    database: a file to build it in (else in memory)."""
    docs = (d for d in archive.iter_load(folder) if not isinstance(d, Problem))  # (one at a time)
    con = sqlite3.connect(database or ":memory:")
    t = time.perf_counter()
    con.execute("CREATE VIRTUAL TABLE e USING fts5(id UNINDEXED, date UNINDEXED, headline, body, "
                "tokenize='unicode61 remove_diacritics 2')")
    con.executemany("INSERT INTO e VALUES (?, ?, ?, ?)", (
        (e.id, d.date or "", e.headline or "", "\n".join((*e.paragraphs, e.caption_text)))
        for d in docs for e in d.entries))
    con.commit()
    build = time.perf_counter() - t

    def ask(q: str, order: str) -> None:
        con.execute(f"SELECT id, snippet(e, 3, '«', '»', '…', 20) FROM e "
                    f"WHERE e MATCH ? ORDER BY {order} LIMIT 20", (q,)).fetchall()
        con.execute("SELECT count(*) FROM e WHERE e MATCH ?", (q,)).fetchone()

    out: dict = {"build_seconds": build}
    for cls, queries in FTS.items():
        order = "date DESC" if cls == "date-sorted" else "rank"
        times = []
        for q in queries:
            for _ in range(repeats):
                t = time.perf_counter()
                ask(q, order)
                times.append((time.perf_counter() - t) * 1000)
        out[cls] = percentiles(times)
    con.close()
    return out


def all_classes(result: dict) -> tuple[float, float]:
    """Return the worst class's p50 and p95 (cold or repeated) of a bench_queries result."""
    rows = [v for k, v in result.items() if k not in ("open_ms", HOSTILE)]
    p50 = max(max(r["cold"]["p50_ms"], r["repeated"]["p50_ms"]) for r in rows)
    p95 = max(max(r["cold"]["p95_ms"], r["repeated"]["p95_ms"]) for r in rows)
    return p50, p95
