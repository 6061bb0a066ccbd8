"""Turn selected entries into plain text or Markdown; pure functions, the front ends write the files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader import wording
from reader.model import LEAD, Bookmark, Document, Entry


@dataclass(frozen=True)
class ExportItem:
    """One entry as it is exported, with its source and, when bookmarked, note and tags."""

    entry_id: str
    headline: str | None
    title: str
    date: str | None
    source: str  # the document as a reader sees it named (DocRef's str)
    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]  # "[Photo/video] text" (Caption.label), one per caption
    position: int = 0
    kind: str = "liveblog"
    note: str = ""
    tags: tuple[str, ...] = ()
    in_archive: bool = True
    time: str | None = None  # the entry's own time, as the source gives it
    source_url: str | None = None  # the page the document was saved from
    key_event: bool = False
    author: str | None = None
    earlier: tuple[str, ...] = ()  # the entry's text in earlier captures, when it was edited since


def from_entry(doc: Document, entry: Entry, bookmark: Bookmark | None = None) -> ExportItem:
    """Return the export item of an entry of a parsed document."""
    captions = tuple(f"[{c.label}] {c.text}" for c in entry.captions)
    return ExportItem(entry.id, entry.headline, doc.title, doc.date, str(doc.ref), entry.paragraphs,
                      captions, entry.position, doc.kind,
                      bookmark.note if bookmark else "", bookmark.tags if bookmark else (),
                      time=entry.time, source_url=doc.source_url, key_event=entry.key_event,
                      author=entry.author, earlier=entry.earlier)


def from_bookmark(mark: Bookmark) -> ExportItem:
    """Return the export item of a bookmark from its snapshot (for entries no longer in the archive)."""
    paragraphs = tuple(p for p in mark.text.split("\n\n") if p.strip())
    return ExportItem(mark.entry_id, mark.headline, mark.title, mark.date, str(mark.document), paragraphs,
                      (), note=mark.note, tags=mark.tags, in_archive=mark.in_archive)


def chronological(items: Iterable[ExportItem]) -> list[ExportItem]:
    """Return items oldest first: by time (the entry's own, else its document's date), then in
    the order things happened."""
    def key(item: ExportItem):
        order = -item.position if item.kind == "liveblog" else item.position
        return (item.time or item.date or "", item.source, order)
    return sorted(items, key=key)


def _meta(item: ExportItem) -> list[tuple[str, str]]:
    rows = [("Document", item.title), ("Date", item.date or "no date")]
    if item.time:
        rows.append(("Time", wording.when(item.time) + (" (key event)" if item.key_event else "")))
    if item.author:
        rows.append(("Author", item.author))
    rows.append(("Source", item.source))
    if item.source_url:
        rows.append(("Source URL", item.source_url))
    rows.append(("Entry", item.entry_id))
    if item.tags:
        rows.append(("Tags", ", ".join(item.tags)))
    if item.note:
        rows.append(("Note", item.note))
    if not item.in_archive:
        rows.append(("Status", "no longer in the archive (saved copy)"))
    return rows


def to_text(items: Iterable[ExportItem]) -> str:
    """Return the items as plain UTF-8 text, one block per entry."""
    blocks = []
    for item in items:
        headline = item.headline or LEAD
        lines = [headline, "=" * min(len(headline), 78)]
        lines += [f"{label}: {value}" for label, value in _meta(item)]
        lines.append("")
        for p in item.paragraphs:
            lines += [p, ""]
        lines += list(item.captions)
        lines += [f"Earlier version: {text}" for text in item.earlier]
        blocks.append("\n".join(lines).rstrip() + "\n")
    return "\n\n".join(blocks)


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(items: Iterable[ExportItem]) -> str:
    """Return the items as Markdown, one section per entry."""
    blocks = []
    for item in items:
        lines = [f"## {_md_escape(item.headline or LEAD)}", ""]
        lines += [f"- **{label}:** {_md_escape(value)}" for label, value in _meta(item)]
        lines.append("")
        for p in item.paragraphs:
            lines += [_md_escape(p), ""]
        lines += [f"> *{_md_escape(c)}*" for c in item.captions]
        lines += [f"> **Earlier version:** {_md_escape(text)}" for text in item.earlier]
        blocks.append("\n".join(lines).rstrip() + "\n")
    return "\n---\n\n".join(blocks)


def render(items: Iterable[ExportItem], fmt: str = "txt") -> str:
    """Return items in a format: 'txt' or 'md'."""
    return to_markdown(items) if fmt == "md" else to_text(items)
