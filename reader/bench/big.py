"""`make bench BENCH_SIZE=1m`: a million entries with a long tail of words, the figures of issue 23.

One build (there is time for one), every query class cold and repeated, the window's memory
after searches, the index on disk by kind of file, FTS5 beside it, and the growth line
10,000 -> 100,000 -> 1,000,000 entries for each class (the same long-tail generator).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from reader import defaults
from reader.bench.generate import generate
from reader.bench.queries import HOSTILE, bench_fts5, bench_queries

FILES, ENTRIES = 20_000, 50
GROWTH = [200, 2_000]  # files of 50 entries: 10,000 and 100,000 entries
TYPED = ["Kiev", "Marioepl~"]  # the window's searches before its memory is read


def _disk(folder: Path) -> dict:
    """Return an index folder's size in MB by kind of file."""
    kinds: dict[str, int] = defaultdict(int)
    for path in folder.rglob("*"):
        if path.is_file():
            name = path.name
            kind = ("posting arrays" if name.endswith(".arrays")
                    else "consolidated arrays (tiers)" if name.endswith(".tier")
                    else "postings" if name.endswith(".pst")
                    else "terms" if name.endswith((".trm", ".dci", ".dcz"))
                    else "columns, lengths and stored fields" if name.endswith(".col")
                    else "other")
            kinds[kind] += path.stat().st_size
    return {k: v / 1e6 for k, v in sorted(kinds.items())}


def _classes(queries: dict) -> dict:
    return {cls: {"cold_p50_ms": v["cold"]["p50_ms"], "repeated_p50_ms": v["repeated"]["p50_ms"],
                  "cold_p95_ms": v["cold"]["p95_ms"]}
            for cls, v in queries.items() if cls not in ("open_ms", HOSTILE)}


def run_big(out: Path) -> dict:
    """Run the million-entry benchmark; print its table; write JSON to out."""
    from reader.bench.run import BUILD, WINDOW, _child, growth_point  # (run imports this module)

    work = Path(tempfile.mkdtemp(prefix="lr-bench-1m-"))
    try:
        folder = work / "archive"
        t = time.perf_counter()
        size_mb = generate(folder, FILES, ENTRIES, defaults.BUNDLED_ARCHIVE, tail=True) / 1e6
        r: dict = {"size": "1m", "entries": FILES * ENTRIES, "archive_mb": size_mb,
                   "generate_seconds": time.perf_counter() - t,
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                              f"Python {platform.python_version()}",
                   "date": time.strftime("%Y-%m-%d")}
        build = _child(BUILD, str(folder), str(work / "data"))
        index = work / "data"
        r["build"] = {"seconds": build["seconds"], "mb_per_s": size_mb / build["seconds"],
                      "together_rss_mb": build["together_mb"], "together_anon_mb": build["together_anon_mb"],
                      "peak_rss_mb": build["peak_rss_mb"], "worker_rss_mb": build["worker_rss_mb"],
                      "disk_mb": _disk(index), "segments": len(list(index.rglob("*.trm"))),
                      "array_parts": len(list(index.rglob("*.arrays"))) + len(list(index.rglob("*.tier")))}
        r["queries"] = bench_queries(folder, index, repeats=3, rounds=1)
        typing = _child(WINDOW, str(folder), str(index), "typing", *TYPED)
        r["window"] = {"rss_after_searches_mb": typing["idle_rss_mb"],
                       "anon_rss_mb": typing["anon_rss_mb"], "file_rss_mb": typing["file_rss_mb"],
                       "type_to_paint_ms": typing["type_to_paint_ms"]}
        r["fts5"] = bench_fts5(folder, repeats=3, database=work / "fts5.sqlite3")
        growth = {files * ENTRIES: _classes(growth_point(work, files, ENTRIES, tail=True))
                  for files in GROWTH}
        growth[FILES * ENTRIES] = _classes(r["queries"])
        r["growth"] = growth
    finally:
        keep = os.environ.get("LR_BENCH_KEEP")  # a folder to keep the archive and index in (to profile)
        if keep:
            for name in ("archive", "data"):
                shutil.rmtree(Path(keep) / name, ignore_errors=True)
                if (work / name).exists():
                    shutil.move(work / name, Path(keep) / name)
        shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, indent=2), encoding="utf-8")
    print(table(r))
    print(f"\n(JSON: {out})")
    return r


def table(r: dict) -> str:
    """Return the million-entry results as Markdown."""
    b = r["build"]
    rows = [f"{r['entries']:,} entries, {r['archive_mb']:.0f} MB of text, {r['machine']}, {r['date']}", "",
            "| measure | figure |", "| --- | --- |",
            f"| full build | {b['seconds']:.0f} s = {b['mb_per_s']:.2f} MB/s ({b['segments']} segments; "
            f"{b.get('array_parts', 0)} arrays files answer for them) |",
            f"| peak memory of the build, all processes (sampled) | {b['together_rss_mb']:.0f} MB "
            f"(their own at its peak {b['together_anon_mb']:.0f} MB) |",
            f"| index on disk | {sum(b['disk_mb'].values()):.0f} MB = "
            f"{sum(b['disk_mb'].values()) / r['archive_mb']:.1f}x the text ("
            + ", ".join(f"{k} {v:.0f} MB" for k, v in b["disk_mb"].items()) + ") |",
            f"| window memory after searching {', '.join(TYPED)} | "
            f"{r['window']['rss_after_searches_mb']:.0f} MB (its own {r['window']['anon_rss_mb']:.0f} MB, "
            f"mapped files {r['window']['file_rss_mb']:.0f} MB) |"]
    rows += ["", "| class | cold p50 | repeated p50 | cold p95 | FTS5 p50 |",
             "| --- | --- | --- | --- | --- |"]
    for cls, v in _classes(r["queries"]).items():
        fts = r["fts5"].get(cls, {}).get("p50_ms")
        rows.append(f"| {cls} | {v['cold_p50_ms']:.1f} ms | {v['repeated_p50_ms']:.1f} ms | "
                    f"{v['cold_p95_ms']:.1f} ms | {f'{fts:.1f} ms' if fts is not None else '–'} |")
    sizes = list(r["growth"])
    rows += ["", "| class, repeated p50 | " + " | ".join(f"{int(s):,}" for s in sizes) + " |",
             "| --- |" + " --- |" * len(sizes)]
    for cls in r["growth"][sizes[-1]]:
        rows.append(f"| {cls} | " + " | ".join(f"{r['growth'][s][cls]['repeated_p50_ms']:.1f} ms"
                                                 for s in sizes) + " |")
    return "\n".join(rows)
