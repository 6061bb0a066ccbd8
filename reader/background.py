"""Long work of a Library done in a child process, so the program that asked stays responsive.

Whoosh holds the GIL through long C calls while it commits (sorting a batch's postings,
pickling), and parsing a big archive is pure Python: on a thread of the window's process
either makes the GUI thread wait for the GIL. Here the work runs in a spawned child that
streams its progress back, stops when asked and exits with the program that started it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reader.library import Library
from reader.model import DocumentInfo, Problem
from reader.processes import exit_with_parent
from reader.search import IndexReport, ProgressFn

LIST_FIRST = 50  # documents sent at once when an archive is first read
LIST_EVERY = 0.25  # seconds between later batches


class UpdateFailed(Exception):
    """The child process ended without an answer."""


def update_in_child(library: Library, rebuild: bool = False, progress: ProgressFn | None = None,
                    stop: threading.Event | None = None) -> IndexReport:
    """Do library.index.update(rebuild) in a child process; relay progress; stop it when `stop` is set.

    Raises what the update raised (IndexBusy, IndexStopped, ...) or UpdateFailed if the child died.
    """
    return _in_child(_update, library, (rebuild,), progress, stop)


def list_in_child(library: Library, more: Callable[[tuple[list[DocumentInfo], list[Problem]]], None],
                  stop: threading.Event | None = None) -> tuple[list[DocumentInfo], list[Problem]]:
    """Parse every file of the archive in a child process; `more` gets (infos, problems) as they come.

    Return everything that was listed.
    """
    infos: list[DocumentInfo] = []
    problems: list[Problem] = []

    def collect(batch: tuple[list[DocumentInfo], list[Problem]]) -> None:
        infos.extend(batch[0])
        problems.extend(batch[1])
        more(batch)

    _in_child(_list, library, (), collect, stop)
    return infos, problems


def _in_child(target, library: Library, args: tuple, on_item: Callable | None,
              stop: threading.Event | None):
    context = multiprocessing.get_context("spawn")
    answers, answer_end = context.Pipe(duplex=False)  # child -> this process
    orders_end, orders = context.Pipe(duplex=False)  # this process -> child
    child = context.Process(target=_child, name=target.__name__.strip("_"), daemon=False,
                            args=(target, str(library.archive_dir), str(library.data_dir), args,
                                  os.getpid(), answer_end, orders_end))
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
                    raise UpdateFailed(f"the {child.name} ended unexpectedly (exit code {child.exitcode})")
                continue
            try:
                kind, value = answers.recv()
            except EOFError:
                raise UpdateFailed(f"the {child.name} ended unexpectedly") from None
            if kind == "item":
                if on_item is not None:
                    on_item(value)
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


def _child(target, archive_dir: str, data_dir: str, args: tuple, parent: int, answers, orders) -> None:
    """(in the child) Run target(library, send, *args) and send its answer back; stop when told."""
    exit_with_parent(parent)
    library = Library(Path(archive_dir), Path(data_dir))
    stopping = threading.Event()

    def listen() -> None:
        with contextlib.suppress(EOFError):  # closed: the parent does not want the answer any more
            orders.recv()  # "stop"
        stopping.set()
        library.index.stop()

    threading.Thread(target=listen, daemon=True, name="orders").start()
    try:
        answer = target(library, lambda item: answers.send(("item", item)), stopping, *args)
        answers.send(("done", answer))
    except BaseException as exc:  # noqa: BLE001 - the parent re-raises it
        answers.send(("error", exc))
    finally:
        answers.close()


def _update(library: Library, send, _stopping: threading.Event, rebuild: bool) -> IndexReport:
    """(in the child) Update the index, sending each Progress."""
    return library.index.update(rebuild, progress=send)


def _list(library: Library, send, stopping: threading.Event) -> None:
    """(in the child) Parse the archive's files, sending (infos, problems) in batches."""
    infos: list[DocumentInfo] = []
    problems: list[Problem] = []
    sent_any, last = False, time.monotonic()
    for item in library.documents.iter_load():
        if stopping.is_set():
            return
        if isinstance(item, Problem):
            problems.append(item)
        else:
            infos.append(library.documents.info(item))
        if len(infos) >= LIST_FIRST and not sent_any or time.monotonic() - last > LIST_EVERY:
            send((infos, problems))
            infos, problems, sent_any, last = [], [], True, time.monotonic()
    if infos or problems:
        send((infos, problems))
