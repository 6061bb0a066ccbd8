"""Architecture rules: the core never imports Qt, and only the search package imports whoosh."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["reader.model", "reader.archive", "reader.search", "reader.library", "reader.cli",
        "reader.export", "reader.bookmarks", "reader.defaults"]


def test_core_does_not_import_qt():
    modules = [m for m in CORE if (ROOT / (m.replace(".", "/") + ".py")).exists()
               or (ROOT / m.replace(".", "/")).is_dir()]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_only_search_imports_whoosh_and_only_ui_imports_qt():
    for path in (ROOT / "reader").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(from|import) whoosh", text, re.M):
            assert rel.startswith("reader/search/"), rel
        if re.search(r"^\s*(from|import) PySide6", text, re.M):
            assert rel.startswith("reader/ui/"), rel
