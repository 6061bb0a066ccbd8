"""Work in a child process (as the window does it): index updates and first listings; progress,
stopping, errors, orphans."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from reader import defaults
from reader.background import list_in_child, update_in_child
from reader.bench.generate import generate
from reader.library import Library
from reader.search import IndexBusy, IndexStopped
from tests.conftest import BUNDLED
from tests.kill_points import ROOT, children, running, wait_for


def test_progress_and_report_come_back(archive_copy, data_dir):
    lib = Library(archive_copy, data_dir, defaults.variant_files(data_dir))
    seen = []
    report = update_in_child(lib, progress=seen.append)
    assert report.entries == lib.index.doc_count() > 0 and report.documents == 5
    assert seen and seen[-1].files_done == seen[-1].files_total == 5
    assert lib.search("Frederiksen").total == 1  # this process reads what the child wrote


def test_a_stopped_update_keeps_what_it_committed_and_resumes(tmp_path):
    generate(tmp_path / "gen", files=120, entries=50, source=BUNDLED)
    lib = Library(tmp_path / "gen", tmp_path / "data")
    stop = threading.Event()
    seen = []

    def progress(p):
        seen.append(p)
        if p.searchable:
            stop.set()

    with pytest.raises(IndexStopped):
        update_in_child(lib, progress=progress, stop=stop)
    assert seen[-1].files_done < 120 and not (lib.root / "index").exists()
    assert update_in_child(lib).entries == lib.index.doc_count() == 120 * 50


def test_errors_of_the_update_are_raised_here(library, archive_copy, monkeypatch):
    (archive_copy / "new.txt").write_text("Kop\n\nEen alinea over een zeppelin die eindigt.\n", "utf-8")
    from whoosh import index as whoosh_index

    holder = whoosh_index.open_dir(str(library.root / "index")).writer()  # another writer
    try:
        with pytest.raises(IndexBusy, match="busy"):
            update_in_child(library)
    finally:
        holder.cancel()


KILLED_PARENT = """
import sys
from pathlib import Path
from reader.library import Library
from reader.background import list_in_child, update_in_child
def progress(p):
    print("updating", flush=True)
if __name__ == "__main__":
    update_in_child(Library(Path(sys.argv[1]), Path(sys.argv[2])), progress=progress)
"""


def test_the_update_ends_when_the_program_that_asked_is_killed(tmp_path):
    generate(tmp_path / "gen", files=120, entries=50, source=BUNDLED)
    script = tmp_path / "asker.py"
    script.write_text(KILLED_PARENT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "gen"), str(tmp_path / "data")],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "updating"
    updater = children(proc.pid)
    assert updater
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert wait_for(lambda: not any(running(p) for p in updater), 20)
    lib = Library(tmp_path / "gen", tmp_path / "data")
    assert lib.index.update().entries == lib.index.doc_count() == 120 * 50


def test_a_first_listing_streams_documents_and_problems(archive_copy, data_dir):
    (archive_copy / "leeg.txt").write_bytes(b"")
    lib = Library(archive_copy, data_dir)
    batches = []
    infos, problems = list_in_child(lib, batches.append)
    assert sorted(i.ref.file for i in infos) == sorted(p.name for p in BUNDLED.iterdir())
    assert [(p.path, p.reason) for p in problems] == [("leeg.txt", "empty file")]
    assert [i for batch in batches for i in batch[0]] == infos
