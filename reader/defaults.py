"""Where things are by default: the bundled archive, resources and the data dir (for composition roots)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESOURCES = PROJECT_ROOT / "resources"
BUNDLED_ARCHIVE = PROJECT_ROOT / "archive"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Return --data-dir if given, else $LIVEBLOG_READER_HOME, else the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("LIVEBLOG_READER_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("liveblog-reader", appauthor=False))


def variant_files(data: Path) -> list[Path]:
    """Return the shipped name-variant list and the user's own additions in the data dir."""
    return [RESOURCES / "variants.txt", data / "variants.txt"]
