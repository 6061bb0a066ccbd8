"""`make bench`: build, sync, query and window timings on a synthetic archive, FTS5 beside them."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader import archive, defaults
from reader.bench.generate import generate
from reader.search.building import worker_count

SIZES = {"full": (2000, 50), "small": (200, 50), "tiny": (20, 50)}
QUERIES = {
    "single term": ["Kiev", "Oekraïne", "leger", "gevechten", "president"],
    "two-term AND": ["Russische troepen", "Oekraïense leger", "humanitaire hulp", "Poetin Zelensky"],
    "phrase": ['"Russische troepen"', '"Oekraïense leger"', '"de stad"', '"staakt het vuren"'],
    "prefix": ["oekr*", "russ*", "bombard*", "verdedig*"],
    "variant spelling": ["Kyiv", "Mariupol", "Kharkiv", "Putin", "Luhansk"],
    "date-sorted": ["Kiev", "leger", "Marioepol"],
    "fuzzy": ["Marioepl~", "Zelenksy~", "Oekrainse~"],
}
FTS = {  # the same questions in FTS5 syntax (no stemming or variants there; fuzzy has no equivalent)
    "single term": ["Kiev", "Oekraïne", "leger", "gevechten", "president"],
    "two-term AND": ["Russische troepen", "Oekraïense leger", "humanitaire hulp", "Poetin Zelensky"],
    "phrase": ['"Russische troepen"', '"Oekraïense leger"', '"de stad"', '"staakt het vuren"'],
    "prefix": ["oekr*", "russ*", "bombard*", "verdedig*"],
    "variant spelling": ["Kyiv OR Kiev", "Mariupol OR Marioepol", "Kharkiv OR Charkov",
                         "Putin OR Poetin", "Luhansk OR Loegansk"],
    "date-sorted": ["Kiev", "leger", "Marioepol"],
}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _child(code: str, *args: str) -> dict:
    """Run code in a fresh interpreter; it prints one JSON line; add the child's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data.setdefault("peak_rss_mb", max(after, before) / 1024)
    return data


BUILD = """
import json, sys, time, resource
from pathlib import Path
from reader.library import Library
lib = Library(Path(sys.argv[1]), Path(sys.argv[2]))
t = time.perf_counter()
report = lib.update_index()
# VmHWM, not ru_maxrss: ru_maxrss keeps the bench process's size from before exec
with open("/proc/self/status", encoding="ascii") as fh:
    peak = int(fh.read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "entries": report.entries, "peak_rss_mb": peak,
                  "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

FIRST_HITS = """
import json, os, sys, time
t0 = time.perf_counter()
from pathlib import Path
from reader.library import Library
lib = Library(Path(sys.argv[1]), Path(sys.argv[2]))
def progress(p):
    if p.searchable:
        result = lib.search("Kiev", limit=20)
        if result.total > 0 and all(h.id for h in result.hits):
            print(json.dumps({"seconds": time.perf_counter() - t0, "hits": result.total}))
            sys.stdout.flush()
            os._exit(0)
lib.update_index(progress=progress)
"""

WARM = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from reader.library import Library
lib = Library(Path(sys.argv[1]), Path(sys.argv[2]))
needs = lib.needs_update()
result = lib.search("Kiev", limit=20)
print(json.dumps({"seconds": time.perf_counter() - t0, "hits": result.total, "needed_sync": needs}))
"""



WINDOW = "from reader.ui.startup_probe import main; main()"


def bench_parse(folder: Path, size_mb: float, runs: int) -> dict:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        docs, _ = archive.load(folder)
        times.append(time.perf_counter() - t)
    return {"seconds": _median(times), "mb_per_s": size_mb / _median(times),
            "entries": sum(len(d.entries) for d in docs)}


def bench_queries(folder: Path, data: Path, repeats: int) -> dict:
    from reader.library import Library

    lib = Library(folder, data, defaults.variant_files(data))
    lib.search("warm up", limit=20)
    return {cls: _latencies(  # snippets of the top 20 included
        lambda q, s=("date" if cls == "date-sorted" else "relevance"): lib.search(q, 20, s),
        queries, repeats) for cls, queries in QUERIES.items()}


def _latencies(ask, queries: list[str], repeats: int) -> dict:
    """Time ask(query) for each query, `repeats` times; return p50, p95 and max in ms."""
    times = []
    for q in queries:
        for _ in range(repeats):
            t = time.perf_counter()
            ask(q)
            times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": _median(times), "p95_ms": _pct(times, 0.95), "max_ms": max(times)}


def bench_sync(folder: Path, data: Path, runs: int) -> dict:
    from reader.library import Library

    lib = Library(folder, data, defaults.variant_files(data))
    files = sorted(p for p in folder.rglob("*.txt"))
    results: dict[str, list[float]] = {"changed": [], "added": [], "deleted": []}
    for n in range(runs):
        target = files[n]
        target.write_text(target.read_text(encoding="utf-8") + f"\nExtra bericht {n}\n\n"
                          "Een nieuwe alinea met tekst over Kiev die eindigt.\n", encoding="utf-8")
        t = time.perf_counter()
        lib.update_index()
        results["changed"].append(time.perf_counter() - t)
        new = folder / f"added-{n}.txt"
        shutil.copy(files[-1 - n], new)
        t = time.perf_counter()
        lib.update_index()
        results["added"].append(time.perf_counter() - t)
        new.unlink()
        t = time.perf_counter()
        lib.update_index()
        results["deleted"].append(time.perf_counter() - t)
    return {k: _median(v) for k, v in results.items()}


def bench_fts5(folder: Path, repeats: int) -> dict:
    docs, _ = archive.load(folder)
    con = sqlite3.connect(":memory:")
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
        out[cls] = _latencies(lambda q, o=order: ask(q, o), queries, repeats)
    return out


def run(size: str, runs: int, out: Path) -> dict:
    """Run every benchmark; print a table; write JSON to out."""
    files, entries = SIZES[size]
    work = Path(tempfile.mkdtemp(prefix="lr-bench-"))
    try:
        folder = work / "archive"
        size_mb = generate(folder, files, entries, defaults.BUNDLED_ARCHIVE) / 1e6
        r: dict = {"size": size, "files": files, "entries_per_file": entries, "archive_mb": size_mb,
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                              f"Python {platform.python_version()}",
                   "date": time.strftime("%Y-%m-%d")}
        r["parse"] = bench_parse(folder, size_mb, runs)
        builds = [_child(BUILD, str(folder), str(work / f"data-{i}")) for i in range(runs)]
        build_s = _median([b["seconds"] for b in builds])
        peak, worker_peak = (max(b[k] for b in builds) for k in ("peak_rss_mb", "worker_rss_mb"))
        workers = worker_count(10**6) if worker_peak else 0  # small archives are built in-process
        r["build"] = {"seconds": build_s, "mb_per_s": size_mb / build_s,
                      "entries_per_s": builds[0]["entries"] / build_s,
                      "peak_rss_mb": peak, "workers": workers, "worker_rss_mb": worker_peak,
                      # the sum of every process's peak: an upper bound of the peak together
                      "total_rss_mb": peak + workers * worker_peak,
                      "index_mb": _du(work / "data-0") / 1e6}
        firsts = [_child(FIRST_HITS, str(folder), str(work / f"first-{i}")) for i in range(runs)]
        r["first_hits_seconds"] = _median([f["seconds"] for f in firsts])
        warm = [_child(WARM, str(folder), str(work / "data-0")) for _ in range(runs)]
        r["warm_open_seconds"] = _median([w["seconds"] for w in warm])
        r["queries"] = bench_queries(folder, work / "data-0", repeats=5)
        cold = [_child(WINDOW, str(folder), str(work / f"window-{i}"), "cold", str(files))
                for i in range(runs)]
        warm_w = [_child(WINDOW, str(folder), str(work / "data-0")) for _ in range(runs)]
        r["window"] = {"cold_seconds": _median([c["seconds"] for c in cold]),
                       "cold_all_seconds": _median([c["all_seconds"] for c in cold]),
                       "cold_built_seconds": _median([c["built_seconds"] for c in cold]),
                       "cold_longest_stall_ms": max(c["longest_stall_ms"] for c in cold),
                       "warm_seconds": _median([w["seconds"] for w in warm_w]),
                       "idle_rss_mb": _median([w["idle_rss_mb"] for w in warm_w])}
        r["sync"] = bench_sync(folder, work / "data-0", runs)
        r["fts5"] = bench_fts5(folder, repeats=5)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, indent=2), encoding="utf-8")
    print(table(r))
    print(f"\n(JSON: {out})")
    return r


def table(r: dict) -> str:
    """Return the results as a Markdown table."""
    b = r["build"]
    rows = [
        ("archive", f"{r['files']} files × {r['entries_per_file']} entries, {r['archive_mb']:.1f} MB", ""),
        ("parse", f"{r['parse']['mb_per_s']:.1f} MB/s", ""),
        ("cold full build", f"{b['seconds']:.1f} s, {b['mb_per_s']:.2f} MB/s, "
                            f"{b['entries_per_s']:.0f} entries/s", f"FTS5 {r['fts5']['build_seconds']:.1f} s "
                            f"(×{b['seconds'] / r['fts5']['build_seconds']:.0f})"),
        ("peak RSS building / index size",
         f"{b['total_rss_mb']:.0f} MB at most ({b['peak_rss_mb']:.0f} MB + {b['workers']} workers × "
         f"{b['worker_rss_mb']:.0f} MB) / {b['index_mb']:.0f} MB", ""),
        ("cold launch → first hits", f"{r['first_hits_seconds']:.2f} s", ""),
        ("warm open → first query", f"{r['warm_open_seconds']:.2f} s", ""),
        ("window: documents listed, cold (first / all) / warm",
         f"{r['window']['cold_seconds']:.2f} s / {r['window']['cold_all_seconds']:.2f} s / "
         f"{r['window']['warm_seconds']:.2f} s", ""),
        ("window: longest GUI-thread stall during a cold first start (worst run)",
         f"{r['window']['cold_longest_stall_ms']:.0f} ms (build done after "
         f"{r['window']['cold_built_seconds']:.1f} s)", ""),
        ("window idle RSS", f"{r['window']['idle_rss_mb']:.0f} MB", ""),
        ("re-index: changed / added / deleted file", " / ".join(
            f"{r['sync'][k]:.2f} s" for k in ("changed", "added", "deleted")), ""),
    ]
    for cls, q in r["queries"].items():
        fts = r["fts5"].get(cls)
        ref = (f"FTS5 p50 {fts['p50_ms']:.1f} ms (×{q['p50_ms'] / max(fts['p50_ms'], 1e-3):.0f})"
               if fts else "FTS5: no equivalent")
        rows.append((f"query: {cls}", f"p50 {q['p50_ms']:.1f} / p95 {q['p95_ms']:.1f} / "
                                       f"max {q['max_ms']:.1f} ms", ref))
    lines = ["| measure | Liveblog Reader (median) | SQLite FTS5 |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b_} | {c} |" for a, b_, c in rows]
    return "\n".join(lines)
