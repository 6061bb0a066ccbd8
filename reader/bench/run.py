"""`make bench`: build, sync, query and window timings on a synthetic archive, FTS5 beside them."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader import archive, defaults
from reader.bench.copies import bench_copies
from reader.bench.formats import bench_formats
from reader.bench.generate import generate
from reader.bench.queries import all_classes, bench_fts5, bench_queries, percentiles
from reader.bench.reading import bench_reading
from reader.search.indexing.workers import worker_count

SIZES = {"full": (2000, 50), "small": (200, 50), "tiny": (20, 50)}
GROWTH = {"full": [(200, 50), (6000, 50)], "small": [(20, 50)], "tiny": []}  # besides the main size
TYPED = ["Kiev", "Oekraïne", "Mariupol", '"humanitaire corridor"', "oorlog Donbas", "bombard*",
         "Kyiv", "leger", "Marioepl~", "Russische troepen", "Zelensky", "verdedig*"]
SOURCE = Path(__file__).resolve().parents[2]  # the checkout: devtools/ is there, not installed


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _child(code: str, *args: str) -> dict:
    """Run code in a fresh interpreter; it prints one JSON line; add the child's peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=SOURCE,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    data.setdefault("peak_rss_mb", max(after, before) / 1024)
    return data


BUILD = """
import glob, json, os, sys, threading, time, resource
from pathlib import Path
from reader.library import Library

def rss_kb(pid):  # (resident, of it the process's own) in kB, one read of its status
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            status = fh.read()
        return tuple(int(status.split(key + ":")[1].split()[0]) for key in ("VmRSS", "RssAnon"))
    except (OSError, IndexError, ValueError):
        return 0, 0

def tree(pid):
    out = [pid]
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(path, encoding="ascii") as fh:
                out += [q for c in fh.read().split() for q in tree(int(c))]
        except OSError:
            pass
    return out

together = [0, 0]
done = threading.Event()
def sample():  # the RSS of this process and its workers together, every 10 ms (and of it their own)
    while not done.wait(0.01):
        sizes = [rss_kb(p) for p in tree(os.getpid())]
        together[0] = max(together[0], sum(r for r, _ in sizes))
        together[1] = max(together[1], sum(a for _, a in sizes))
threading.Thread(target=sample, daemon=True).start()
lib = Library(Path(sys.argv[1]), Path(sys.argv[2]))
t = time.perf_counter()
report = lib.index.update()
done.set()
# VmHWM, not ru_maxrss: ru_maxrss keeps the bench process's size from before exec
with open("/proc/self/status", encoding="ascii") as fh:
    peak = int(fh.read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "entries": report.entries, "peak_rss_mb": peak,
                  "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "together_mb": together[0] / 1024, "together_anon_mb": together[1] / 1024}))
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
lib.index.update(progress=progress)
"""

WARM = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from reader.library import Library
lib = Library(Path(sys.argv[1]), Path(sys.argv[2]))
needs = lib.index.needs_update()
result = lib.search("Kiev", limit=20)
print(json.dumps({"seconds": time.perf_counter() - t0, "hits": result.total, "needed_sync": needs}))
"""



WINDOW = "from devtools.startup_probe import main; main()"  # (devtools/: not installed)


def bench_parse(folder: Path, size_mb: float, runs: int) -> dict:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        docs, _ = archive.load(folder)
        times.append(time.perf_counter() - t)
    return {"seconds": _median(times), "mb_per_s": size_mb / _median(times),
            "entries": sum(len(d.entries) for d in docs)}


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
        lib.index.update()
        results["changed"].append(time.perf_counter() - t)
        new = folder / f"added-{n}.txt"
        shutil.copy(files[-1 - n], new)
        t = time.perf_counter()
        lib.index.update()
        results["added"].append(time.perf_counter() - t)
        new.unlink()
        t = time.perf_counter()
        lib.index.update()
        results["deleted"].append(time.perf_counter() - t)
    return {k: _median(v) for k, v in results.items()}


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
                      "together_rss_mb": max(b["together_mb"] for b in builds),  # sampled
                      "index_mb": _du(work / "data-0") / 1e6}
        firsts = [_child(FIRST_HITS, str(folder), str(work / f"first-{i}")) for i in range(runs)]
        r["first_hits_seconds"] = _median([f["seconds"] for f in firsts])
        warm = [_child(WARM, str(folder), str(work / "data-0")) for _ in range(runs)]
        r["warm_open_seconds"] = _median([w["seconds"] for w in warm])
        r["queries"] = bench_queries(folder, work / "data-0", repeats=5, rounds=runs)
        cold = [_child(WINDOW, str(folder), str(work / f"window-{i}"), "cold", str(files))
                for i in range(runs)]
        warm_w = [_child(WINDOW, str(folder), str(work / "data-0")) for _ in range(runs)]
        typing = _child(WINDOW, str(folder), str(work / "data-0"), "typing", *TYPED * runs)
        r["window"] = {"type_to_paint": percentiles(typing["type_to_paint_ms"]),
                       "rss_after_searches_mb": typing["idle_rss_mb"],
                       "cold_seconds": _median([c["seconds"] for c in cold]),
                       "cold_all_seconds": _median([c["all_seconds"] for c in cold]),
                       "cold_built_seconds": _median([c["built_seconds"] for c in cold]),
                       "cold_longest_stall_ms": max(c["longest_stall_ms"] for c in cold),
                       "warm_seconds": _median([w["seconds"] for w in warm_w]),
                       "idle_rss_mb": _median([w["idle_rss_mb"] for w in warm_w])}
        r["sync"] = bench_sync(folder, work / "data-0", runs)
        r["copies"] = bench_copies(folder, work / "data-0", runs)
        r["fts5"] = bench_fts5(folder, repeats=5)
        r["growth"] = bench_growth(work, folder, files * entries, GROWTH[size], runs)
        r["formats"] = bench_formats(work, files=min(files, 200), entries=entries, runs=runs)
        r["reading"] = bench_reading(folder, work / "data-0", work, runs,
                                     lambda data: _child(WINDOW, str(folder), str(data)))  # (grows files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, indent=2), encoding="utf-8")
    print(table(r))
    print(f"\n(JSON: {out})")
    return r


def bench_growth(work: Path, main_folder: Path, main_entries: int, sizes: list[tuple[int, int]],
                 runs: int) -> dict:
    """Return every query's p50/p95 (cold and repeated, over all classes) per archive size."""
    out = {files * entries: _growth_row(growth_point(work, files, entries)) for files, entries in sizes}
    out[main_entries] = _growth_row(bench_queries(main_folder, work / "data-0", repeats=3, rounds=1))
    return dict(sorted(out.items()))


def growth_point(work: Path, files: int, entries: int, tail: bool = False) -> dict:
    """Generate and build an archive of this size (tail: with a long tail of words), ask every
    query class of it (cold and repeated, one round), remove it; return the timings."""
    folder, data = work / f"growth-{files}", work / f"growth-data-{files}"
    try:
        generate(folder, files, entries, defaults.BUNDLED_ARCHIVE, tail=tail)
        _child(BUILD, str(folder), str(data))
        return bench_queries(folder, data, repeats=3, rounds=1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)


def _growth_row(queries: dict) -> dict:
    worst_p50, worst_p95 = all_classes(queries)
    return {"worst_class_p50_ms": worst_p50, "worst_class_p95_ms": worst_p95,
            "open_ms": queries["open_ms"]}


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
         f"{b.get('together_rss_mb', 0):.0f} MB together (sampled every 10 ms); each at its peak "
         f"{b['total_rss_mb']:.0f} MB ({b['peak_rss_mb']:.0f} MB + {b['workers']} workers × "
         f"{b['worker_rss_mb']:.0f} MB) / {b['index_mb']:.0f} MB", ""),
        ("cold launch → first hits", f"{r['first_hits_seconds']:.2f} s", ""),
        ("warm open → first query", f"{r['warm_open_seconds']:.2f} s", ""),
        ("window: documents listed, cold (first / all) / warm",
         f"{r['window']['cold_seconds']:.2f} s / {r['window']['cold_all_seconds']:.2f} s / "
         f"{r['window']['warm_seconds']:.2f} s", ""),
        ("window: longest GUI-thread stall during a cold first start (worst run)",
         f"{r['window']['cold_longest_stall_ms']:.0f} ms (build done after "
         f"{r['window']['cold_built_seconds']:.1f} s)", ""),
        ("window idle RSS (warm start) / after the typing below",
         f"{r['window']['idle_rss_mb']:.0f} MB / {r['window']['rss_after_searches_mb']:.0f} MB", ""),
        ("window: typing → results painted (debounce left out)",
         _ms(r['window']['type_to_paint']), ""),
        ("re-index: changed / added / deleted file", " / ".join(
            f"{r['sync'][k]:.2f} s" for k in ("changed", "added", "deleted")), ""),
    ]
    rows.append(("opening the index (whoosh searcher, postings arrays, stored fields)",
                 f"{r['queries']['open_ms']:.1f} ms", ""))
    for cls, q in r["queries"].items():
        if cls == "open_ms":
            continue
        fts = r["fts5"].get(cls)
        ref = f"FTS5 {_ms(fts)}" if fts else "FTS5: no equivalent"
        rows.append((f"query: {cls}", f"cold {_ms(q['cold'])}; repeated {_ms(q['repeated'])}", ref))
    f = r.get("formats")
    if f:
        rows.append(("formats: index speed, MB/s of extracted text (text / saved pages / WARC)",
                     f"{f['text']:.2f} / {f['saved pages']:.2f} / {f['WARC']:.2f} MB/s "
                     f"({f['extracted_mb']:.1f} MB of text)", ""))
        rows.append(("formats: a 1 MB saved page (JSON-LD) parsed",
                     f"{f['page_1mb_ms']:.0f} ms ({f['page_bytes'] / 1e6:.1f} MB)", ""))
        rows.append(("formats: a 1 MB ticker page (no structured data) parsed",
                     f"{f['ticker_1mb_ms']:.0f} ms ({f['ticker_bytes'] / 1e6:.1f} MB)", ""))
    if "copies" in r:
        c = r["copies"]
        workers = max(1, r["build"]["workers"])
        found = c["shingles_s"] / workers + c["grouping_s"]
        share = 100 * c["grouped"] / max(1, c["entries"])
        rows.append(("copies: entries in groups (stories told more than once)",
                     f"{c['grouped']:,} of {c['entries']:,} ({share:.1f} %) "
                     f"in {c['groups']:,} groups; kept pairs and bands {c['state_mb']:.1f} MB", ""))
        rows.append(("copies: a query folded / with every copy (median over the classes, repeated)",
                     f"{c['query_folded_ms']:.1f} / {c['query_every_copy_ms']:.1f} ms "
                     f"(+{c['query_folded_ms'] - c['query_every_copy_ms']:.1f} ms)", ""))
        rows.append(("copies: finding them in a full build (shingles by the workers, then groups)",
                     f"{c['shingles_s']:.1f} s of CPU over {c['segments']} arrays files (tiers: segments "
                     f"joined) / {workers} workers "
                     f"+ {c['grouping_s']:.2f} s = {found:.1f} s of the {r['build']['seconds']:.1f} s build "
                     f"({100 * found / r['build']['seconds']:.0f} %)", ""))
        rows.append(("copies: brought up to date after one file changed", f"{c['sync_s'] * 1000:.0f} ms", ""))
    if "reading" in r:
        g = r["reading"]
        rows.append((f"catching up: window listed, with / without a reading state "
                     f"({g['entries_known']:,} entries of {g['documents']:,} documents read)",
                     f"{g['window_listed_s']:.2f} / {g['window_listed_without_s']:.2f} s", ""))
        rows.append(("catching up: window's new counts worked out, with / without",
                     f"{g['window_caught_up_s']:.2f} / {g['window_caught_up_without_s']:.2f} s", ""))
        rows.append((f"catching up: `new` ({g['new_entries']} new entries), of it the catch-up",
                     f"{g['new_ms']:.0f} ms, {g['catch_up_ms']:.0f} ms", ""))
    for entries, g in r.get("growth", {}).items():
        rows.append((f"growth: {entries:,} entries, worst class",
                     f"p50 {g['worst_class_p50_ms']:.1f} / p95 {g['worst_class_p95_ms']:.1f} ms "
                     f"(open {g['open_ms']:.0f} ms)", ""))
    lines = ["| measure | Liveblog Reader (median) | SQLite FTS5 |", "| --- | --- | --- |"]
    lines += [f"| {a} | {b_} | {c} |" for a, b_, c in rows]
    return "\n".join(lines)


def _ms(p: dict) -> str:
    return f"p50 {p['p50_ms']:.1f} / p95 {p['p95_ms']:.1f} ms"
