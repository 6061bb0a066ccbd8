"""Text helpers shared by the core and the front ends: case and accent folding, one-line text."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Return text lowercased with accents removed (Oekraïne -> oekraine)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def one_line(text: str) -> str:
    """Return text with every run of white space (line breaks too) one space, and none at the ends."""
    return " ".join(text.split())
