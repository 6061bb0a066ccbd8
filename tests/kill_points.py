"""Kill an index update (kill -9) at a chosen point, deterministically, in another process.

The update runs in a subprocess with one function wrapped so that, at the chosen point, it
prints a marker and waits to be killed. Worker processes import `write_chunk_then_wait` from
here by name when the point is "mid-chunk".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.search.indexing import building as _building

ROOT = Path(__file__).resolve().parent.parent
_WRITE_PART = _building.write_part  # as it was before a test replaced it

# point -> the marker the update prints when it gets there
POINTS = {
    "first-batch": "committed the first batch",  # in-process build: after its first commit
    "mid-batch": "wrote part of a batch",  # in-process: entries added, not committed
    "mid-chunk": "a worker is writing a chunk",  # worker build: a chunk half written
    "adopting": "adopting a chunk",  # worker build: a chunk's files moved in, not committed
    "between-parts": "a part of a file is searchable",  # a web archive cut in parts: one committed
    "promotion": "promoting the build",  # a finished build about to become the index
    "tier-joined": "a tier is written",  # its sources' own files not yet removed
    "tier-sources-removed": "a source of a tier is removed",  # the first of them
    "tier-restoring": "a segment's arrays are given back",  # by a stale tier, not yet removed
}

SCRIPT = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from reader.library import Library
from reader.search.indexing import building, updating
from tests import kill_points

point = sys.argv[3]
marker = kill_points.POINTS[point]

def wait_here():
    print(marker, flush=True)
    time.sleep(3600)

if point == "first-batch":
    commit = updating._Sync.commit
    def first_commit(self, adopted=None):
        commit(self, adopted)
        if self.searchable:
            wait_here()
    updating._Sync.commit = first_commit
elif point == "mid-batch":
    index_here = updating._Sync.index_here
    def index_then_wait(self, rel, stat):
        index_here(self, rel, stat)
        if self.pending:
            wait_here()
    updating._Sync.index_here = index_then_wait
elif point == "mid-chunk":
    building.write_chunk = kill_points.write_chunk_then_wait
elif point == "adopting":
    adopt = building.adopt
    def adopt_then_wait(result, ix):
        segments = adopt(result, ix)
        wait_here()
    building.adopt = adopt_then_wait
elif point == "between-parts":
    building.CHUNK_MIN_BYTES, building.CHUNK_MAX_BYTES = 1_000, 40_000  # a small WARC is cut
    adopt = building.adopt
    def adopt_then_wait(result, ix):
        segments = adopt(result, ix)
        if segments and not result.last:
            updating._Sync.commit = lambda self, adopted=None: (commit(self, adopted), wait_here())
        return segments
    commit = updating._Sync.commit
    building.adopt = adopt_then_wait
elif point == "promotion":
    replace = os.replace
    def promote_then_wait(src, dst):
        if str(src).endswith("index.partial"):
            wait_here()
        return replace(src, dst)
    os.replace = promote_then_wait
elif point in ("tier-joined", "tier-sources-removed"):
    from reader.search.arrays import tiers, upkeep
    join, remove, joined = tiers.join, upkeep._remove, []
    def join_then(*args):
        joined.append(join(*args))
        if point == "tier-joined":
            wait_here()
        return joined[-1]
    def remove_then(path):
        remove(path)
        if joined:
            wait_here()
    tiers.join, upkeep._remove = join_then, remove_then
elif point == "tier-restoring":
    from reader.search.arrays import upkeep
    write = upkeep.write
    def write_then_wait(*args):
        write(*args)
        wait_here()
    upkeep.write = write_then_wait
Library(Path(sys.argv[1]), Path(sys.argv[2])).index.update(rebuild=len(sys.argv) > 4)
print("finished without reaching the point", flush=True)
"""


def write_chunk_then_wait(archive_dir: str, chunk, folder: str):
    """(in a worker) Start writing a chunk's segment, then wait to be ended with the parent."""
    from whoosh import index as whoosh_index

    from reader import archive
    from reader.model import DocRef
    from reader.search.indexing import building
    from reader.search.schema import entry_fields, make_schema

    os.makedirs(folder, exist_ok=True)
    ix = whoosh_index.create_in(folder, make_schema())
    writer = building.Writer(ix, limitmb=building.WORKER_LIMITMB, compound=False)
    rel = chunk.files[0][0]
    for row in entry_fields(archive.read_document(Path(archive_dir), DocRef(rel))):
        writer.add_document(**row)
    print(POINTS["mid-chunk"], flush=True)
    time.sleep(3600)


def write_part_or_die(part, folder: str):
    """Write a part of a chunk here, but end a worker process at once instead (as the kernel's
    out-of-memory killer would)."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        os._exit(9)
    return _WRITE_PART(part, folder)


def kill_at(point: str, folder: Path, data: Path, rebuild: bool = False) -> set[int]:
    """Run an update of folder's index until it reaches point and kill -9 it there.

    Return the process ids of the worker processes it had at that moment.
    """
    args = [sys.executable, "-c", SCRIPT.format(root=str(ROOT)), str(folder), str(data), point]
    proc = subprocess.Popen(args + (["rebuild"] if rebuild else []), stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    line = proc.stdout.readline().strip()
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert line == POINTS[point], f"the update did not reach {point!r}: {line!r}"
    return workers


def children(pid: int) -> set[int]:
    """Return the ids of a process's running child processes (from /proc)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid) and fields.get("State", "").strip()[:1] != "Z":
            found.add(int(status.parent.name))
    return found


def running(pid: int) -> bool:
    """Return True while a process exists and is not a zombie."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def wait_for(condition, seconds: float) -> bool:
    """Poll a condition about other processes until it holds or the deadline passes."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
