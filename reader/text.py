"""Text helpers shared by the core and the front ends: case and accent folding."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Return text lowercased with accents removed (Oekraïne -> oekraine)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
