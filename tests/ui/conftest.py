"""Fixtures for window tests: a real window over a real archive, offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def make_window(qtbot, tmp_path: Path):
    """Return a function that opens a started window on an archive folder."""
    from reader.ui.app import build_window

    windows = []

    def make(archive_dir: Path, data_dir: Path | None = None, wait: bool = True):
        window = build_window(archive_dir, data_dir or tmp_path / "data")
        qtbot.addWidget(window)
        window.resize(1200, 800)
        window.show()
        window.start()
        windows.append(window)
        if wait:
            qtbot.waitUntil(lambda: not window.controller.updating()
                            and window.documents.model.rowCount() > 0, timeout=60_000)
        return window

    yield make
    for window in windows:
        window.controller.shutdown(60_000)
