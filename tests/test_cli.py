"""The command line, run as a user would run it: a subprocess with its exit status and output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from reader import archive
from reader.model import DocRef
from tests import oracle
from tests.conftest import BUNDLED, LIVEBLOG


def run(*args, data_dir, env_home=None, check=True):
    env = {**os.environ, "LIVEBLOG_READER_HOME": str(env_home or data_dir)}
    proc = subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_parse_json(tmp_path):
    proc = run("parse", str(BUNDLED / LIVEBLOG), data_dir=tmp_path)
    doc = json.loads(proc.stdout)
    assert doc["path"] == LIVEBLOG and doc["kind"] == "liveblog" and doc["closed"] is True
    assert len(doc["entries"]) == len(archive.read_document(BUNDLED, DocRef(LIVEBLOG)).entries)
    assert doc["problems"] == []
    first = doc["entries"][0]
    assert set(first) >= {"id", "headline", "paragraphs", "captions"}


def test_index_then_search_json(tmp_path):
    proc = run("index", data_dir=tmp_path)
    files, entries = oracle.file_count(BUNDLED), oracle.entry_count(BUNDLED)
    assert f"{files} documents, {entries} entries indexed" in proc.stdout
    assert "skipped" not in proc.stdout
    out = json.loads(run("search", "Mariupol", "--json", "--limit", "3", data_dir=tmp_path).stdout)
    total = len(oracle.with_any(BUNDLED, "Mariupol", "Marioepol"))
    assert out["query"] == "Mariupol" and out["total"] == total and len(out["hits"]) == 3
    assert out["variants"] == {"Mariupol": {"Marioepol": len(oracle.with_any(BUNDLED, "Marioepol"))}}
    hit = out["hits"][0]
    assert set(hit) >= {"id", "document", "title", "headline", "date", "score", "snippet"}
    assert "«Marioepol»" in hit["snippet"] or "«Mariupol»" in hit["snippet"]
    shown = json.loads(run("show", hit["id"], "--json", data_dir=tmp_path).stdout)
    assert shown["id"] == hit["id"] and shown["headline"] == hit["headline"]


def test_search_builds_the_index_when_needed_and_prints_text(tmp_path):
    proc = run("search", "humanitaire corridor", data_dir=tmp_path)
    both = oracle.with_any(BUNDLED, "humanitaire") & oracle.with_any(BUNDLED, "corridor", "corridors")
    assert f"{len(both)} hits for 'humanitaire corridor'" in proc.stdout
    assert "«humanitaire» «corridor»" in proc.stdout
    assert (tmp_path / "archives").is_dir()


def test_data_dir_option_beats_environment(tmp_path):
    run("--data-dir", str(tmp_path / "explicit"), "index", data_dir=tmp_path / "env")
    assert (tmp_path / "explicit" / "archives").is_dir()
    assert not (tmp_path / "env").exists()


def test_archive_option_and_problems(tmp_path):
    archive = tmp_path / "mine"
    archive.mkdir()
    (archive / "a.txt").write_text("Kop\n\nEen alinea over de zeppelin boven Zwolle.\n", "utf-8")
    (archive / "b.txt").write_bytes(b"\x00\x01\x02binary")
    proc = run("--archive", str(archive), "index", data_dir=tmp_path)
    assert "1 document, 1 entry indexed" in proc.stdout and "; 1 file skipped" in proc.stdout
    assert "b.txt: binary" in proc.stdout
    out = json.loads(run("--archive", str(archive), "search", "zeppelin", "--json",
                         data_dir=tmp_path).stdout)
    assert out["total"] == 1


def test_index_names_files_read_in_part(tmp_path):
    from tests.webfixtures import write_warc

    archive = tmp_path / "web"
    archive.mkdir()
    write_warc(archive / "crawl.warc.gz", damaged=True)
    proc = run("--archive", str(archive), "index", data_dir=tmp_path)
    first, *rest = proc.stdout.splitlines()
    assert first.endswith("; 1 file read in part") and "skipped" not in first
    assert rest[0].startswith("  crawl.warc.gz: read in part: a damaged record at byte ")
    assert "(not a WARC record)" in rest[0] and "\\x" not in rest[0]


@pytest.mark.parametrize("args, message", [
    (["search"], "arguments are required"),
    (["search", "x", "--limit", "0"], "must be 1 or more"),
    (["search", "x", "--sort", "random"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
    (["show", "nosuchentry"], "no entry with id"),
    (["parse", "/nonexistent/file.txt"], "not found"),
    (["--archive", "/nonexistent", "index"], "archive folder not found"),
])
def test_bad_usage_exits_2_with_one_line(tmp_path, args, message):
    proc = run(*args, data_dir=tmp_path, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("query", ['"', "(", "*", "OR", "-", "a*", "NOT", "kiev~~", ")("])
def test_malformed_queries_exit_0(tmp_path, query):
    proc = run("search", query, "--json", data_dir=tmp_path)
    assert json.loads(proc.stdout)["query"] == query


def test_bookmarks_and_export_from_the_command_line(tmp_path):
    out = json.loads(run("search", "Frederiksen OR Guterres OR Psaki", "--json", data_dir=tmp_path).stdout)
    ids = [h["id"] for h in out["hits"]][:3]
    for n, eid in enumerate(ids):
        run("bookmarks", "add", eid, "--note", f"notitie {n}", "--tag", "werk", data_dir=tmp_path)
    run("bookmarks", "note", ids[0], "nieuwe notitie", data_dir=tmp_path)
    listed = json.loads(run("bookmarks", "list", "--json", data_dir=tmp_path).stdout)
    assert [b["id"] for b in listed] == ids[::-1]
    assert set(listed[0]) >= {"id", "note", "tags", "created", "title", "headline", "in_archive"}
    assert listed[-1]["note"] == "nieuwe notitie" and listed[0]["tags"] == ["werk"]
    target = tmp_path / "export.txt"
    run("export", "--bookmarks", "--tag", "werk", "-o", str(target), data_dir=tmp_path)
    text = target.read_text(encoding="utf-8")
    assert text.count("Entry: ") == 3 and "Note: nieuwe notitie" in text
    again = run("export", "--bookmarks", "-o", str(target), data_dir=tmp_path, check=False)
    assert again.returncode == 2 and "already exists; add --force to overwrite it" in again.stderr
    md = run("export", *ids[:2], "--format", "md", data_dir=tmp_path).stdout
    assert md.count("## ") == 2
    hits = run("export", "--query", "Frederiksen", data_dir=tmp_path).stdout
    assert "Frederiksen" in hits and "Source: 000_d2297999e083d57d.txt" in hits
    run("bookmarks", "remove", ids[0], data_dir=tmp_path)
    assert len(json.loads(run("bookmarks", "list", "--json", data_dir=tmp_path).stdout)) == 2
    full = run("export", "--bookmarks", "-o", "/dev/full", data_dir=tmp_path, check=False)
    assert full.returncode == 2 and "disk is full" in full.stderr
    missing = run("export", "--bookmarks", "-o", str(tmp_path / "no" / "x.txt"), data_dir=tmp_path,
                  check=False)
    assert missing.returncode == 2 and "folder does not exist" in missing.stderr
    assert not (tmp_path / "no").exists()


def test_search_on_a_damaged_index_rebuilds_it_and_says_so(tmp_path):
    run("index", data_dir=tmp_path)
    index_dir = next((tmp_path / "archives").iterdir()) / "index"
    stored = next(index_dir.glob("*._stored.col"))  # every hit is read from it
    stored.write_bytes(b"\x00" * stored.stat().st_size)  # only reading it finds the damage
    proc = run("search", "Frederiksen", "--json", data_dir=tmp_path)
    assert "the index is damaged" in proc.stderr and "rebuilding it" in proc.stderr
    assert json.loads(proc.stdout)["total"] == len(oracle.with_any(BUNDLED, "Frederiksen"))


def test_an_unreadable_variant_list_is_named(tmp_path):
    (tmp_path / "variants.txt").write_bytes(b"Kyiv, Kiev\n\xff\xfe not utf-8\n")
    proc = run("search", "Kyiv", "--json", data_dir=tmp_path)
    assert f"{tmp_path / 'variants.txt'} is not UTF-8 text; its name variants are not used" in proc.stderr
    assert "Kiev" in json.loads(proc.stdout)["variants"]["Kyiv"]  # the shipped list still works


@pytest.mark.parametrize("args, message", [
    (["search", ""], "give something to search for"),
    (["search", "   "], "give something to search for"),
    (["export", "--query", ""], "give something to search for"),
    (["export", "--query", "xyzzyq", "-o", "OUT"], "nothing to export: no entry matches 'xyzzyq'"),
    (["search", "Kiev", "--document", "nonexist.txt"], "no document nonexist.txt in the archive"),
    (["--archive", "FILE", "search", "Kiev"], "--archive must be a folder"),
    (["show", ""], "give an entry id"),
])
def test_pointless_commands_say_why_in_one_line_and_do_nothing(tmp_path, args, message):
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "out.txt"
    args = [str(out) if a == "OUT" else str(tmp_path / "a-file.txt") if a == "FILE" else a for a in args]
    proc = run(*args, data_dir=tmp_path / "data", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("liveblog-reader: ") and message in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert not out.exists()  # no empty file written


def test_counts_and_bookmarking_twice_read_right(tmp_path):
    shown = run("search", "Kiev", "--limit", "2", data_dir=tmp_path).stdout
    total = len(oracle.with_any(BUNDLED, "Kiev", "Kyiv"))
    assert shown.startswith(f"{total} hits for 'Kiev' (showing 2)")
    hit = json.loads(run("search", "Frederiksen", "--json", data_dir=tmp_path).stdout)["hits"][0]["id"]
    assert run("bookmarks", "add", hit, data_dir=tmp_path).stdout.startswith(f"bookmarked {hit}")
    assert run("bookmarks", "add", hit, data_dir=tmp_path).stdout.startswith(f"already bookmarked {hit}")
    target = tmp_path / "one.txt"
    proc = run("export", hit, "-o", str(target), data_dir=tmp_path)
    assert proc.stderr == f"wrote 1 entry to {target}\n"
    assert run("--version", data_dir=tmp_path).stdout.startswith("liveblog-reader 0.")


def test_a_date_range_narrows_the_whole_query(tmp_path):
    """(--after was glued onto the query's text and bound to its last word only)"""
    every = json.loads(run("search", "Kiev OR Charkov", "--limit", "100", "--json", data_dir=tmp_path).stdout)
    april = json.loads(run("search", "Kiev OR Charkov", "--after", "2022-04-01", "--limit", "100", "--json",
                           data_dir=tmp_path).stdout)
    expected = {h["id"] for h in every["hits"] if (h["date"] or "") >= "2022-04"}
    assert {h["id"] for h in april["hits"]} == expected and april["total"] == len(expected) == 11
    line = json.loads(run("timeline", "Kiev OR Charkov", "--after", "2022-04-01", "--json",
                          data_dir=tmp_path).stdout)
    assert line["total"] == 11 and line["undated"] == 0
    assert {b["start"][:7] for b in line["buckets"]} == {"2022-04"}
