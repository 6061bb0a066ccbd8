"""Architecture rules: dependencies point one way, the core never imports Qt, only reader/search
imports whoosh, no whoosh object leaves it, and front ends use Library only."""

from __future__ import annotations

import ast
import dataclasses
import re
import subprocess
import sys
from pathlib import Path

from reader import export
from reader.library import Library
from reader.model import Filters
from tests.conftest import LIVEBLOG_DOC

ROOT = Path(__file__).resolve().parent.parent
CORE = ["reader.model", "reader.text", "reader.archive", "reader.search", "reader.library", "reader.cli",
        "reader.export", "reader.bookmarks", "reader.defaults", "reader.files", "reader.wording",
        "reader.formats.html", "reader.formats.guardian", "reader.formats.webarchive"]
# module -> what it may not import (dependencies point ui, cli -> library -> core -> model)
FORBIDDEN = {
    "reader/model.py": ("reader.archive", "reader.search", "reader.bookmarks", "reader.export",
                        "reader.library", "reader.cli", "reader.ui"),
    "reader/search/": ("reader.library", "reader.cli", "reader.ui", "reader.bookmarks", "reader.export"),
    "reader/archive.py": ("reader.search", "reader.library", "reader.cli", "reader.ui"),
    "reader/formats/": ("reader.archive", "reader.search", "reader.library", "reader.cli", "reader.ui",
                        "reader.bookmarks", "reader.export"),
    "reader/wording.py": ("reader.archive", "reader.search", "reader.library", "reader.cli", "reader.ui"),
    "reader/bookmarks.py": ("reader.search", "reader.library", "reader.cli", "reader.ui"),
    "reader/export.py": ("reader.search", "reader.library", "reader.cli", "reader.ui"),
    "reader/library/": ("reader.cli", "reader.ui", "whoosh"),
}


def _sources():
    for path in sorted([*(ROOT / "reader").rglob("*.py"), *(ROOT / "devtools").rglob("*.py")]):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_core_does_not_import_qt():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE)
            + "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_only_search_imports_whoosh_and_only_ui_imports_qt():
    for rel, text in _sources():
        if re.search(r"^\s*(from|import) whoosh", text, re.M):
            assert rel.startswith("reader/search/"), rel
        if re.search(r"^\s*(from|import) PySide6", text, re.M):
            assert rel.startswith(("reader/ui/", "devtools/")), rel


def test_dependencies_point_one_way():
    for rel, text in _sources():
        imported = set(re.findall(r"^\s*(?:from|import) ([\w.]+)", text, re.M))
        for prefix, banned in FORBIDDEN.items():
            if rel.startswith(prefix):
                wrong = {m for m in imported if m.startswith(banned)}
                assert not wrong, f"{rel} imports {wrong}"


# what the window and the command line may import of the core: Library (reader.library, with the
# values and errors its methods give), the model's values and pure helpers (words, dates,
# timelines, folding text, default places), and background, which runs Library's work in a child
FRONT_END_MAY_IMPORT = {"reader", "reader.library", "reader.model", "reader.wording", "reader.dates",
                        "reader.timelines", "reader.text", "reader.defaults", "reader.background"}
# front end -> the packages of its own it may import (developer tools drive the real window)
OWN = {"reader/ui/": ("reader.ui",), "reader/cli/": ("reader.cli",),
       "devtools/": ("devtools", "reader.ui", "reader.bench.generate")}
ALSO = {"reader/cli/__init__.py": ("reader.ui.app",)}  # no command: the window


def _imports(text: str) -> set[str]:
    """Return the reader modules a source imports (from reader import x: reader.x if a module)."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "reader":
                found.update(f"reader.{a.name}" for a in node.names
                             if (ROOT / "reader" / f"{a.name}.py").exists()
                             or (ROOT / "reader" / a.name).is_dir())
    return {m for m in found if m == "reader" or m.startswith("reader.")}


def test_front_ends_import_nothing_below_library():
    for rel, text in _sources():
        for front, own in OWN.items():
            if rel.startswith(front):
                allowed = own + ALSO.get(rel, ())
                wrong = {m for m in _imports(text) - FRONT_END_MAY_IMPORT
                         if not any(m == a or m.startswith(a + ".") for a in allowed)}
                assert not wrong, f"{rel} imports {sorted(wrong)}"


def test_front_ends_use_the_surfaces_of_library_only():
    """The window and the command line call Library's surfaces, never what is private to them
    (their index, stores and caches)."""
    for rel, text in _sources():
        if rel.startswith(("reader/ui/", "reader/cli/", "devtools/")):
            assert not re.search(r"\blibrary\.(\w+\.)?_\w", text), rel
            assert "searcher(" not in text, rel


def test_library_is_a_few_small_surfaces(library):
    surfaces = {name: type(value) for name, value in vars(library).items()
                if type(value).__module__.startswith("reader.library.")}
    assert set(surfaces) == {"documents", "index", "search", "reading", "bookmarks", "export"}
    for cls in surfaces.values():
        public = [n for n in vars(cls) if not n.startswith("_")]
        assert 0 < len(public) <= 12, (cls.__name__, public)


def _whoosh_objects(value, seen=None) -> list:
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return []
    seen.add(id(value))
    if type(value).__module__.startswith("whoosh"):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [w for f in dataclasses.fields(value) for w in _whoosh_objects(getattr(value, f.name), seen)]
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in (*_whoosh_objects(k, seen), *_whoosh_objects(v, seen))]
    if isinstance(value, list | tuple | set | frozenset):
        return [w for v in value for w in _whoosh_objects(v, seen)]
    return []


def test_no_whoosh_object_leaves_the_search_package(library: Library):
    result = library.search("Mariupol", limit=5)
    hit = result.hits[0]
    library.bookmarks.add(hit.id, note="n", tags=["t"])
    answers = [
        result, library.search("Kiev", limit=3, sort="date", filters=Filters(document=LIVEBLOG_DOC)),
        library.documents.entry(hit.id), library.documents.infos(), library.bookmarks.list(),
        library.search.matching_entries("Kiev", LIVEBLOG_DOC), library.index.doc_count(),
        library.index.update(),
        library.export.items([hit.id]), library.export.bookmark_items(library.bookmarks.list()),
        library.bookmarks.tags(), library.bookmarks.counts(), library.notices(), library.documents.load(),
    ]
    assert all(isinstance(item, export.ExportItem) for item in answers[8])
    assert _whoosh_objects(answers) == []
