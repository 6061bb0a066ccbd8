"""Guards against a Qt binding that would crash the app: why pyproject excludes PySide6 6.12.0."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import BUNDLED

# PySide6-Essentials 6.12.0 returned None from QModelIndex.data() without taking a reference:
# every call for a role with no data lowered None's refcount until Python aborted
# ("Fatal Python error: deallocating None"). Asking more often than None has references
# shows whether this binding does it.
CODE = """
import sys
from PySide6.QtCore import QModelIndex
from reader.model import DocumentInfo
from reader.ui.views.document_model import DocumentListModel
model = DocumentListModel()
model.set_items([DocumentInfo("a.txt", "Titel", "article", None, False, 1)])
index = model.index(0)
for _ in range(min(sys.getrefcount(None) + 20_000, 200_000)):
    assert index.data(9999) is None
assert QModelIndex().data() is None
print("still alive")
"""


def test_empty_model_data_does_not_crash_python():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120,
                          cwd=BUNDLED.parent)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.strip() == "still alive"
