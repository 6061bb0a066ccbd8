"""Any legal file name names its documents: "#", "%", spaces, non-ASCII and very long names can be
searched, shown, bookmarked, exported and dated, and an edited file leaves no stale entries (the
command line, as a user runs it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run

LONG = "een-heel-lang-pad/" * 6 + "l" * 200 + ".txt"  # 308 characters, a name of 204
NAMES = ["live #2.txt", "100% zeker.txt", "met spaties erin.txt", "Oekraïne – dag één 中文.txt", LONG,
         "map #3/pagina#1.html"]


def _liveblog(word: str, entries: int = 2) -> str:
    posts = "".join(f"Kop {n} over {word}\nHet {word}bericht nummer {n} is lang genoeg om een alinea te "
                    f"zijn en eindigt.\n" for n in range(entries))
    return f"liveblog\nNOS Nieuws\nLiveblog over {word} • Dag {entries}\n{posts}"


def _page(word: str) -> str:
    return (f"<html><head><title>Pagina over {word}</title></head><body><p>Het {word}bericht van de "
            f"pagina, lang genoeg om gelezen te worden als tekst.</p></body></html>")


@pytest.fixture
def named(tmp_path: Path) -> Path:
    """An archive of one file per awkward name, each with a word of its own (zulu0, zulu1, …)."""
    folder = tmp_path / "archive"
    for n, name in enumerate(NAMES):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(f"zulu{n}") if name.endswith(".html") else _liveblog(f"zulu{n}"),
                        encoding="utf-8")
    return folder


def _cli(folder: Path, data: Path, *args: str, check: bool = True):
    return run("--archive", str(folder), *args, data_dir=data, check=check)


def test_every_name_can_be_searched_shown_bookmarked_exported_and_dated(named, tmp_path):
    data = tmp_path / "data"
    assert _cli(named, data, "index").stdout.startswith(f"{len(NAMES)} documents, 11 entries indexed")
    documents = {d["file"]: d for d in json.loads(_cli(named, data, "documents", "--json").stdout)}
    assert set(documents) == set(NAMES) and all(d["key"] is None for d in documents.values())
    for n, name in enumerate(NAMES):
        hits = json.loads(_cli(named, data, "search", f"zulu{n}bericht", "--json").stdout)["hits"]
        assert hits and {h["document"] for h in hits} == {name} and {h["file"] for h in hits} == {name}
        shown = json.loads(_cli(named, data, "show", hits[0]["id"], "--json").stdout)
        assert shown["document"] == name and f"zulu{n}bericht" in " ".join(shown["paragraphs"])
        assert "bookmarked" in _cli(named, data, "bookmarks", "add", hits[0]["id"]).stdout
        exported = _cli(named, data, "export", hits[0]["id"]).stdout
        assert f"zulu{n}bericht" in exported and name in exported
        only = json.loads(_cli(named, data, "search", "genoeg", "--document", name, "--json").stdout)
        assert only["total"] == len(hits) and {h["file"] for h in only["hits"]} == {name}
        assert "set the date" in _cli(named, data, "date", name, f"2021-0{n + 1}").stdout
    marks = json.loads(_cli(named, data, "bookmarks", "list", "--json").stdout)
    assert sorted(m["document"] for m in marks) == sorted(NAMES) and all(m["in_archive"] for m in marks)
    dated = {d["file"]: (d["date"], d["date_source"]) for d in
             json.loads(_cli(named, data, "documents", "--json").stdout)}
    assert dated == {name: (f"2021-0{n + 1}", "set") for n, name in enumerate(NAMES)}


def test_an_edited_file_with_a_hash_in_its_name_leaves_no_stale_entries(named, tmp_path):
    """(its entries were deleted by the name up to "#": the old ones stayed beside the new)"""
    data = tmp_path / "data"
    _cli(named, data, "index")
    assert json.loads(_cli(named, data, "search", "zulu0bericht", "--json").stdout)["total"] == 2
    (named / "live #2.txt").write_text(_liveblog("zulu0", entries=3), encoding="utf-8")
    _cli(named, data, "index")
    assert json.loads(_cli(named, data, "search", "zulu0bericht", "--json").stdout)["total"] == 3
    (named / "live #2.txt").write_text(_liveblog("zulu0", entries=1), encoding="utf-8")
    _cli(named, data, "index")
    assert json.loads(_cli(named, data, "search", "zulu0bericht", "--json").stdout)["total"] == 1
    (named / "live #2.txt").unlink()
    _cli(named, data, "index")
    assert json.loads(_cli(named, data, "search", "zulu0bericht", "--json").stdout)["total"] == 0


def test_a_name_the_archive_does_not_have_is_refused(named, tmp_path):
    done = _cli(named, tmp_path / "data", "search", "genoeg", "--document", "live", check=False)
    assert done.returncode == 2 and "no document live in the archive" in done.stderr
