"""Expected answers worked out straight from the archive files (parsed text, whole words), not the index."""

from __future__ import annotations

import re
from pathlib import Path

from reader import archive
from reader.model import Entry
from reader.text import fold


def entries(folder: Path) -> list[Entry]:
    """Every entry of every readable file under folder."""
    docs, _ = archive.load(folder)
    return [e for d in docs for e in d.entries]


def text_of(entry: Entry) -> str:
    return "\n".join(filter(None, (entry.headline, *entry.paragraphs, *(c.text for c in entry.captions))))


def words(entry: Entry) -> set[str]:
    """The entry's words, folded (what the unstemmed field holds, stop words included)."""
    return set(re.findall(r"\w+", fold(text_of(entry))))


def with_any(folder: Path, *spellings: str) -> set[str]:
    """Ids of the entries that contain any of these words (folded, whole words)."""
    wanted = {fold(s) for s in spellings}
    return {e.id for e in entries(folder) if words(e) & wanted}


def file_count(folder: Path) -> int:
    return len(list(archive.scan(folder)))


def entry_count(folder: Path) -> int:
    return len(entries(folder))
