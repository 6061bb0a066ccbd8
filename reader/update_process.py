"""Run a Library's index update in a child process: whoosh's long, GIL-holding steps (sorting a
batch's postings, pickling segments) then never hold up the window that asked for it."""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

from reader.library import Library
from reader.processes import exit_with_parent
from reader.search import IndexReport, ProgressFn


class UpdateFailed(Exception):
    """The process that updated the index ended without an answer."""


def update_in_child(library: Library, rebuild: bool = False, progress: ProgressFn | None = None,
                    stop: threading.Event | None = None) -> IndexReport:
    """Do library.update_index(rebuild) in a child process; relay progress; stop it when `stop` is set.

    Raises what the update raised (IndexBusy, IndexStopped, ...) or UpdateFailed if the child died.
    """
    context = multiprocessing.get_context("spawn")
    answers, answer_end = context.Pipe(duplex=False)  # child -> this process
    orders_end, orders = context.Pipe(duplex=False)  # this process -> child
    child = context.Process(target=_child, name="index-update", daemon=False,
                            args=(str(library.archive_dir), str(library.data_dir), rebuild, os.getpid(),
                                  answer_end, orders_end))
    child.start()
    answer_end.close()
    orders_end.close()
    stopped = False
    try:
        while True:
            if stop is not None and stop.is_set() and not stopped:
                orders.send("stop")
                stopped = True
            if not answers.poll(0.1):
                if not child.is_alive() and not answers.poll(0):
                    raise UpdateFailed(f"the index update ended unexpectedly (exit code {child.exitcode})")
                continue
            try:
                kind, value = answers.recv()
            except EOFError:
                raise UpdateFailed("the index update ended unexpectedly") from None
            if kind == "progress":
                if progress is not None:
                    progress(value)
            elif kind == "done":
                return value
            else:
                raise value
    finally:
        answers.close()
        orders.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()


def _child(archive_dir: str, data_dir: str, rebuild: bool, parent: int, answers, orders) -> None:
    """(in the child) Update the index, sending progress and the report back; stop when told."""
    exit_with_parent(parent)
    library = Library(Path(archive_dir), Path(data_dir))

    def listen() -> None:
        try:
            if orders.recv() == "stop":
                library.stop()
        except EOFError:  # the parent closed its end: it does not want the answer any more
            library.stop()

    threading.Thread(target=listen, daemon=True, name="orders").start()
    try:
        report = library.update_index(rebuild, progress=lambda p: answers.send(("progress", p)))
        answers.send(("done", report))
    except BaseException as exc:  # noqa: BLE001 - the parent re-raises it
        answers.send(("error", exc))
    finally:
        answers.close()

