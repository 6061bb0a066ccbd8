"""`make bench`, copies: what folding adds to a query, what finding copies adds to a build and a sync."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from reader import defaults
from reader.bench.queries import HOSTILE, QUERIES
from reader.library import Library
from reader.model import Filters
from reader.search import SearchIndex
from reader.search.arrays import copies, shingles


def bench_copies(folder: Path, data: Path, runs: int) -> dict:
    """Measure on an indexed archive (data): each query class asked folded and with every copy
    (repeated, medians); the shingles of every segment (the workers' part of a build) and the
    groups worked out from nothing; and the groups brought up to date after one file changed."""
    lib = Library(folder, data, defaults.variant_files(data))
    index = SearchIndex(lib.root, folder)  # (a bench may look inside: the index's own parts)
    groups = index.copy_groups()
    out: dict = {"entries": lib.index.doc_count(), "grouped": groups.grouped, "groups": groups.count}
    folded: list[float] = []
    every: list[float] = []
    for _ in range(runs):
        for cls, texts in QUERIES.items():
            if cls == HOSTILE:
                continue
            sort = "date" if cls == "date-sorted" else "relevance"
            for text in texts:
                for times, filters in ((folded, None), (every, Filters(all_copies=True))):
                    t = time.perf_counter()
                    lib.search(text, limit=50, sort=sort, filters=filters, snippets=15)
                    times.append(time.perf_counter() - t)
    out["query_folded_ms"] = statistics.median(folded) * 1000
    out["query_every_copy_ms"] = statistics.median(every) * 1000
    directory = index.directory()
    parts = index._read(lambda r: r.prepared.arrays.parts)
    t = time.perf_counter()
    for part in parts:
        shingles.segment_shingles(dict(part.arrays.arrays), part.doc_count)
    out["shingles_s"] = time.perf_counter() - t
    out["segments"] = len(parts)
    kept = (directory / copies.STATE).read_bytes()
    grouping = []
    for _ in range(runs):
        (directory / copies.STATE).unlink()
        t = time.perf_counter()
        copies.refresh_folder(directory)
        grouping.append(time.perf_counter() - t)
    out["grouping_s"] = statistics.median(grouping)
    synced = []
    changed = sorted(folder.rglob("*.txt"))[-1]
    original = changed.read_text(encoding="utf-8")
    for n in range(runs):
        before = (directory / copies.STATE).read_bytes()
        changed.write_text(original + f"\nNog een bericht {n}\n\nEen alinea over Kiev die met een "
                           "punt eindigt, lang genoeg om te vergelijken.\n", encoding="utf-8")
        lib.index.update()
        (directory / copies.STATE).write_bytes(before)  # one file behind: compare its new entries
        t = time.perf_counter()
        copies.refresh_folder(directory)
        synced.append(time.perf_counter() - t)
    changed.write_text(original, encoding="utf-8")
    lib.index.update()
    out["sync_s"] = statistics.median(synced)
    out["state_mb"] = len(kept) / 1e6
    return out
