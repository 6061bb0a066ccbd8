"""Worker processes for index building: chunks and their parts written side by side, then handed back."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.processes import exit_with_parent
from reader.search import compat
from reader.search.indexing import building

MAX_WORKERS = 4


def worker_count(chunks: int) -> int:
    """Return how many worker processes to use for this many chunks (0: write inline)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    n = min(cores, MAX_WORKERS, chunks)
    return n if n >= 2 else 0


def run_chunks(archive_dir: Path, chunks: list[building.Chunk], work: Path, workers: int,
               stopping: Callable[[], bool] = lambda: False) -> Iterator[building.ChunkResult]:
    """Write chunks and the parts they hand back, in worker processes when workers > 0; yield
    each result as it is ready (a chunk's first result comes before its parts').

    Workers are started with "spawn" (safe beside the GUI's threads) and inherit no index lock.
    If the workers cannot start or one dies (out of memory), what is left is written here.
    When stopping() turns true, the workers are ended and nothing more is yielded.
    """
    jobs = _Jobs(str(archive_dir), chunks, work)
    try:
        if workers:
            yield from _in_pool(jobs, workers, stopping)
        while jobs.todo and not stopping():
            job = jobs.todo.popleft()
            yield jobs.done(job, job.run())
    finally:
        jobs.clean()


@dataclass
class _Job:
    """One segment to write: a chunk (write_chunk) or a part one handed back (write_part)."""

    chunk: int
    folder: str
    fn: Callable[..., building.ChunkResult]
    args: tuple

    def run(self) -> building.ChunkResult:
        return self.fn(*self.args)

    def elsewhere(self) -> _Job:
        """Return the same job writing into a folder of its own (a dead worker may have left
        files in the first)."""
        folder = f"{self.folder}.again"
        return _Job(self.chunk, folder, self.fn, (*self.args[:-1], folder))


class _Jobs:
    """The segments still to write, and how many results each chunk still owes."""

    def __init__(self, archive_dir: str, chunks: list[building.Chunk], work: Path):
        folders = [str(work / f"{os.getpid()}-{n}") for n in range(len(chunks))]
        self.todo = deque(_Job(n, folders[n], building.write_chunk, (archive_dir, chunk, folders[n]))
                          for n, chunk in enumerate(chunks))
        self.owed = dict.fromkeys(range(len(chunks)), 1)
        self.folders = set(folders)

    def done(self, job: _Job, result: building.ChunkResult) -> building.ChunkResult:
        """Queue the parts a result hands back; mark it last if its chunk is then complete."""
        for k, part in enumerate(result.rest, 1):
            folder = f"{job.folder}.{k}"
            self.folders.add(folder)
            self.todo.append(_Job(job.chunk, folder, building.write_part, (part, folder)))
        self.owed[job.chunk] += len(result.rest) - 1
        if result.outcomes is not None:
            result.parts = 1 + len(result.rest)
        result.rest, result.chunk, result.last = [], job.chunk, self.owed[job.chunk] == 0
        return result

    def clean(self) -> None:
        """Remove the folders of segments written but not adopted (stopped or failed)."""
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)


def _in_pool(jobs: _Jobs, workers: int, stopping: Callable[[], bool]) -> Iterator[building.ChunkResult]:
    """Run jobs in worker processes until none is left, stopping() or the pool breaks."""
    try:
        pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=exit_with_parent, initargs=(os.getpid(),))
    except (OSError, ImportError):  # no process support here (semaphores missing)
        return
    running: dict[cf.Future, _Job] = {}
    started: dict[int, multiprocessing.Process] = {}  # every worker the pool started
    try:
        while (jobs.todo or running) and not stopping():
            while jobs.todo:  # (a job leaves todo once submitted: a broken pool refuses it)
                job = jobs.todo[0]
                running[pool.submit(job.fn, *job.args)] = job
                jobs.todo.popleft()
            started.update((p.pid, p) for p in compat.pool_processes(pool))
            done, _ = cf.wait(running, timeout=0.25, return_when=cf.FIRST_COMPLETED)
            for future in done:
                result = future.result()
                yield jobs.done(running.pop(future), result)
    except cf.process.BrokenProcessPool:  # a worker died: its jobs and those queued are left
        # (the pool fails the futures before it ends its other workers: one may still be
        # writing a job's folder, so the jobs are written again into folders of their own)
        again = [job.elsewhere() for job in running.values()]
        jobs.folders.update(job.folder for job in again)
        jobs.todo.extendleft(reversed(again))
    finally:
        if running:  # stopped, failed or abandoned: end the workers now
            _end(pool, list(started.values()))
        else:
            pool.shutdown()


def _end(pool: cf.ProcessPoolExecutor, started: list) -> None:
    """Shut a pool down without waiting for chunks still being written; return once every
    worker it started is gone."""
    processes = [*started, *compat.pool_processes(pool)]
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join()


def clean_work(work: Path) -> None:
    """Remove chunk folders left by processes that are gone (a killed build)."""
    if not work.exists():
        return
    for folder in work.iterdir():
        pid = folder.name.split("-", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
