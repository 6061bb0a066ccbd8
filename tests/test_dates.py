"""Dates for every document (file, set, path, text), date: ranges and timelines, real and generated."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader import archive, dates, timelines
from reader.bench.generate import generate
from reader.library import Library
from reader.model import DocRef
from tests import oracle
from tests.conftest import BUNDLED, LIVEBLOG


@pytest.mark.parametrize("path, expected", [
    ("2022/04/19/blog.txt", "2022-04-19"),
    ("nos/2022/04/blog.txt", "2022-04"),
    ("liveblog-2022-04-19-oekraine.txt", "2022-04-19"),
    ("20220419_liveblog.txt", "2022-04-19"),
    ("oekraine_19-04-2022.txt", "2022-04-19"),
    ("2022/13/blog.txt", None),  # no such month
    ("000_d2297999e083d57d.txt", None),
    ("archief/blog-1234567890.txt", None),
])
def test_dates_in_paths(path, expected):
    assert dates.from_path(path) == expected


@pytest.mark.parametrize("text, hint, expected", [
    ("Op 19 april viel Marioepol. Ook op 19 april was er strijd.", (2022, "x"), "2022-04-19"),
    ("On 19 April 2022 the plant fell.", None, "2022-04-19"),
    ("April 19, 2022: the plant fell.", None, "2022-04-19"),
    ("Op 19 april en op 20 april.", (2022, "x"), None),  # no day clearly dominates
    ("Op 19 april, 19 april en 20 april.", (2022, "x"), "2022-04-19"),
    ("Op 19 april viel de stad.", None, None),  # no year anywhere
    ("Geen datum hier.", (2022, "x"), None),
])
def test_dates_in_texts(text, hint, expected):
    assert dates.from_text(text, hint).date == expected


def test_the_bundled_archive_dates_its_liveblog_from_its_text():
    docs = {d.ref.file: d for d in archive.load(BUNDLED)[0]}
    liveblog = docs[LIVEBLOG]
    assert (liveblog.date, liveblog.date_source) == ("2022-04-19", "text")
    assert "'19 april'" in liveblog.date_note and "other documents in its folder" in liveblog.date_note
    sources = {d.date_source for d in docs.values()}
    assert sources == {"file", "text", None}  # two articles say nothing of their date: unknown
    assert [p for p, d in sorted(docs.items()) if d.date is None] == ["003_ae0a0e445653c54d.txt",
                                                                      "004_7566d3dad6db5242.txt"]


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A generated archive in dated folders, its files without a date line; some named by day."""
    folder = tmp_path / "gen"
    generate(folder, files=12, entries=5, source=BUNDLED)
    for n, path in enumerate(sorted(folder.rglob("*.txt"))):
        text = path.read_text(encoding="utf-8").split("\n", 1)[1]  # drop " date YYYY-MM-DD "
        path.write_text(text, encoding="utf-8")
        if n % 3 == 0:
            path.rename(path.with_name(f"{path.parent.parent.name}-{path.parent.name}-0{n % 9 + 1}-"
                                       f"{path.name}"))
    return folder


def test_generated_archives_date_every_document_by_its_path(generated, tmp_path):
    lib = Library(generated, tmp_path / "data")
    lib.index.update()
    infos = lib.documents.infos()
    assert len(infos) == 12 and all(i.date for i in infos)
    assert {i.date_source for i in infos} == {"path"}
    by_name = [i for i in infos if re.match(r"\d{4}-\d{2}-\d{2}-", i.ref.file.rsplit("/", 1)[-1])]
    assert by_name and all(len(i.date) == 10 for i in by_name)  # a day from the name
    assert all(len(i.date) == 7 for i in infos if i not in by_name)  # a month from the folders


def test_a_date_set_by_the_reader_survives_rebuilds_and_edits_and_can_be_cleared(library):
    undated = DocRef("003_ae0a0e445653c54d.txt")
    assert library.documents.set_date(undated, "2022-04-08")
    assert library.index.needs_update()
    library.index.update()
    info = next(i for i in library.documents.infos() if i.ref == undated)
    assert (info.date, info.date_source) == ("2022-04-08", "set")
    assert library.search("date:2022-04-08", limit=50).total == info.entries
    library.index.update(rebuild=True)
    assert next(i for i in library.documents.infos() if i.ref == undated).date == "2022-04-08"
    path = library.archive_dir / undated.file
    path.write_text(path.read_text(encoding="utf-8") + "\nEen nieuwe alinea die eindigt.\n", encoding="utf-8")
    library.index.update()
    assert next(i for i in library.documents.infos() if i.ref == undated).date_source == "set"
    assert library.documents.set_date(undated, None)
    library.index.update()
    assert next(i for i in library.documents.infos() if i.ref == undated).date is None
    with pytest.raises(ValueError, match="no document"):
        library.documents.set_date(DocRef("nope.txt"), "2022")
    with pytest.raises(ValueError, match="not a date"):
        library.documents.set_date(undated, "2022-02-30")


def test_date_ranges_find_what_lies_within(bundled_library):
    def dated(query):
        return {h.date for h in bundled_library.search(query, limit=100).hits}

    assert dated("date:2022-03..2022-04") == {"2022-03", "2022-04-19"}
    assert dated("date:2022-04..") == {"2022-04-19"}
    assert dated("date:..2022-02") == {"2022-02"}
    assert dated("Kiev date:2022-04-01..2022-04-30") == {"2022-04-19"}
    assert bundled_library.search("date:2022-02-10..2022-03-31").total == \
        bundled_library.search("date:2022-03").total  # February is not wholly inside: left out
    bad = bundled_library.search("Kiev date:x..y")
    assert "not a date range" in bad.message and bad.total == bundled_library.search("Kiev").total


@pytest.mark.parametrize("by", [None, "day", "week", "month"])
def test_timeline_counts_add_up_to_the_total(bundled_library, by):
    result = bundled_library.search.timeline("Kiev OR Oekraïne", by=by)
    line = result.timeline
    assert line.total == result.total > 0
    assert line.unit == (by or "month")  # months only, for some dates: by month
    assert [b.start for b in line.buckets] == sorted(b.start for b in line.buckets)
    if by == "month":
        assert [b.start for b in line.buckets] == ["2022-02-01", "2022-03-01", "2022-04-01"]
        undated = len(oracle.with_any(BUNDLED / "003_ae0a0e445653c54d.txt", "Kiev", "Oekraïne"))
        assert line.undated >= undated


def test_timelines_by_day_run_without_gaps():
    line = timelines.build({20220419: (3, 1), 20220422: (1, 0), 20220400: (2, 0), 0: (5, 0)}, "day")
    assert [(b.start, b.count, b.key_events) for b in line.buckets] == [
        ("2022-04-19", 3, 1), ("2022-04-20", 0, 0), ("2022-04-21", 0, 0), ("2022-04-22", 1, 0)]
    assert line.undated == 7 and line.total == 11  # the month-only dates have no day
    week = timelines.build({20220419: (3, 1), 20220425: (1, 0)}, "week")
    assert [b.start for b in week.buckets] == ["2022-04-18", "2022-04-25"]  # Mondays


def _run(*args, data: Path):
    env = {**os.environ, "LIVEBLOG_READER_HOME": str(data)}
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def test_the_command_line_lists_dates_sets_them_and_draws_timelines(tmp_path):
    folder = tmp_path / "archive"
    shutil.copytree(BUNDLED, folder)
    data = tmp_path / "data"
    listed = json.loads(_run("--archive", str(folder), "documents", "--json", data=data).stdout)
    assert {d["path"]: (d["date"], d["date_source"]) for d in listed}[LIVEBLOG] == ("2022-04-19", "text")
    assert all({"path", "title", "kind", "date", "date_source", "entries"} <= set(d) for d in listed)
    done = _run("--archive", str(folder), "date", "004_7566d3dad6db5242.txt", "2022-04", data=data)
    assert done.returncode == 0 and "set the date" in done.stdout
    listed = json.loads(_run("--archive", str(folder), "documents", "--json", data=data).stdout)
    assert {d["path"]: d["date_source"] for d in listed}["004_7566d3dad6db5242.txt"] == "set"
    rebuilt = _run("--archive", str(folder), "index", "--rebuild", data=data)
    assert rebuilt.returncode == 0
    hits = json.loads(_run("--archive", str(folder), "search", "invasie", "--json", data=data).stdout)["hits"]
    assert {(h["date"], h["date_source"]) for h in hits if h["document"].startswith("004")} == {
        ("2022-04", "set")}
    for args in (("date", "nope.txt", "2022"), ("date", LIVEBLOG, "19-04-2022"),
                 ("date", LIVEBLOG), ("search", "Kiev", "--after", "gisteren")):
        bad = _run("--archive", str(folder), *args, data=data)
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1, (args, bad.stderr)
    line = json.loads(_run("--archive", str(folder), "timeline", "Kiev", "--by", "month", "--json",
                           data=data).stdout)
    assert sum(b["count"] for b in line["buckets"]) + line["undated"] == line["total"] > 0
    after = json.loads(_run("--archive", str(folder), "search", "Kiev", "--after", "2022-04", "--json",
                            data=data).stdout)
    assert after["total"] > 0 and {h["date"][:7] for h in after["hits"]} == {"2022-04"}
    assert "2022" in _run("--archive", str(folder), "timeline", "Kiev", data=data).stdout
