"""Find where query terms occur in text and cut a snippet around the best cluster of matches."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reader.search.analysis import WORD, index_term
from reader.text import one_line

SNIPPET_CHARS = 240


def match_spans(text: str, stem: Iterable[str], exact: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Return sorted (start, end) offsets of words in text that match the analysed terms."""
    stem, exact = set(stem), set(exact)
    if not stem and not exact:
        return []
    spans = []
    for match in WORD.finditer(text):
        word = match.group()
        if (stem and index_term(word, True) in stem) or (exact and index_term(word, False) in exact):
            spans.append(match.span())
    return spans


def snippet(text: str, stem: Iterable[str], exact: Iterable[str] = (),
            width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """Return a window of text around the densest matches, with match offsets in the window."""
    text = one_line(text)
    spans = match_spans(text, stem, exact)
    if len(text) <= width:
        return text, spans
    best_start, best_count, last = 0, 0, 0
    for i, (start, _) in enumerate(spans):  # (spans are words: their ends ascend as their starts)
        last = max(last, i)
        while last < len(spans) and spans[last][1] <= start + width:
            last += 1
        if last - i > best_count:
            best_start, best_count = start, last - i
    lead = max(0, best_start - width // 4) if spans else 0
    if lead:
        space = text.rfind(" ", 0, lead + 1)
        lead = space + 1 if space > 0 else lead
    end = min(len(text), lead + width)
    if end < len(text):
        space = text.rfind(" ", lead, end)
        end = space if space > lead else end
    prefix = "…" if lead > 0 else ""
    suffix = "…" if end < len(text) else ""
    window = prefix + text[lead:end] + suffix
    shift = len(prefix) - lead
    inside = [(s + shift, e + shift) for s, e in spans if s >= lead and e <= end]
    return window, inside


def mark(text: str, spans: Iterable[tuple[int, int]], before: str = "«", after: str = "»",
         escape: Callable[[str], str] = str) -> str:
    """Return text with every span wrapped in the given markers (spans overlapping one before
    are left out); escape(…) is applied to the text, never to the markers."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(escape(text[last:start]))
        out.append(before + escape(text[start:end]) + after)
        last = end
    out.append(escape(text[last:]))
    return "".join(out)
