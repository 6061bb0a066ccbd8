"""Guards against a Qt binding that would crash the app: why pyproject excludes PySide6 6.12.0."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex

from reader.ui.models import DocumentListModel


def test_empty_model_data_keeps_none_alive(qapp):
    model = DocumentListModel()
    model.set_items(["x"])  # any row; no role below has data
    index = model.index(0)
    before = sys.getrefcount(None)
    for _ in range(1000):
        assert index.data(9999) is None
    assert sys.getrefcount(None) >= before  # 6.12.0 loses one reference per call
    assert QModelIndex().data() is None
