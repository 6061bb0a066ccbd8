"""Item delegates that paint documents, hits, entry cards and bookmarks as rich text (always escaped)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from reader import wording
from reader.model import LEAD, Bookmark, Copy, DocumentInfo, Entry, Hit
from reader.ui.views.document_model import MonthHeader
from reader.ui.views.models import BookmarkedRole, ItemRole, MarkedRole
from reader.ui.views.rich_text import (
    LARGE,
    MARGIN,
    PAD,
    SMALL,
    STAR,
    RichDelegate,
    blend,
    highlight_color,
    mark_html,
    muted,
)


class DocumentDelegate(RichDelegate):
    """A document card, every one the same height: its title (two lines at most, elided), then
    kind, date, entries, closed, bookmarks. The view lays out thousands of them in one step."""

    TITLE_LINES = 2

    def blocks(self, doc: DocumentInfo) -> list[tuple[str, float, int]]:
        return [("x" * 400, 1.0, 0)] * self.TITLE_LINES + [("x", SMALL, 0)]

    def cache_key(self, doc) -> object:
        if isinstance(doc, MonthHeader):
            return doc
        return (doc, self._model.bookmark_counts.get(doc.ref, 0), self._model.new_counts.get(doc.ref, 0))

    def framed(self, index: QModelIndex) -> bool:
        return not isinstance(self.item(index), MonthHeader)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        font = QFont(option.font)
        font.setPointSizeF(self.point_size)
        fm = QFontMetricsF(font)
        small = fm.lineSpacing() * SMALL
        height = self.TITLE_LINES * fm.lineSpacing() + small + 2 * (MARGIN + PAD) - 2
        return QSize(self._text_width(option), int(height))

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        doc = self.item(index)
        if isinstance(doc, MonthHeader):
            arrow = "▸" if doc.folded else "▾"
            return (f"<div style='font-size:large; font-weight:700'>{arrow} {html.escape(doc.label)}</div>"
                    f"<div style='color:{muted(palette)}; font-size:small'>"
                    f"{html.escape(wording.count(doc.count, 'document'))}"
                    f"{' — folded away, click to show' if doc.folded else ''}</div>")
        kind = "● Liveblog" if doc.kind == "liveblog" else "▤ Article"
        when = html.escape(doc.date or "date unknown")
        if doc.date and doc.date_source in ("path", "capture", "text"):  # worked out, not the file's own
            when = f"<i>~{when}</i>"
        bits = [html.escape(kind), when, html.escape(wording.entries(doc.entries))]
        if doc.closed:
            bits.append("closed")
        marks = self._model.bookmark_counts.get(doc.ref, 0)
        if marks:
            bits.append(f"★ {marks}")
        if doc.key_events:
            bits.append(f"<span style='color:{ACCENT}'>◆ {doc.key_events}</span>")
        new = self._model.new_counts.get(doc.ref, 0)
        if new:  # bold, like an unread feed
            bits.insert(0, f"<b style='color:{NEW}'>● {html.escape(wording.count(new, 'new', 'new'))}</b>")
        meta = " · ".join(bits)
        weight = 800 if new else 600
        return (f"<div style='font-weight:{weight}'>{html.escape(self._elided(doc.title))}</div>"
                f"<div style='color:{muted(palette)}; font-size:small'>{meta}</div>")

    def _elided(self, title: str) -> str:
        font = QFont()
        font.setPointSizeF(self.point_size)
        font.setWeight(QFont.Weight.DemiBold)
        room = self.TITLE_LINES * self._text_width(None) * 0.9  # word wrap leaves gaps at line ends
        return QFontMetricsF(font).elidedText(title, Qt.TextElideMode.ElideRight, room)


class HitDelegate(RichDelegate):
    """A search hit: headline, document and date, snippet with the matches highlighted, and
    "also in N other documents" (a link that lists the copies under it, a row each)."""

    copies_toggled = Signal(int)  # the row whose copies to list or stop listing

    def cache_key(self, hit: Hit) -> object:
        return (hit, self._model.expanded(hit.id), self._model.is_copy(hit.id))

    def blocks(self, hit: Hit) -> list[tuple[str, float, int]]:
        if self._model.is_copy(hit.id):
            return [(f"↳ the same story in {hit.title} · {hit.date}", SMALL, 0)]
        snippet = hit.snippet if hit.snippet_ready else "x" * 200  # about what it will take
        return [(hit.headline or "", 1.05, 0), (f"{hit.title} · {hit.date}", SMALL, 0),
                (snippet, 1.0, 3), *([("also in other documents", SMALL, 3)] if hit.copies else [])]

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        hit: Hit = self.item(index)
        grey = muted(palette)
        if self._model.is_copy(hit.id):
            copy: Copy = self._model.copies[hit.id]
            first = " · <b>first appeared here</b>" if copy.first else ""
            return (f"<div style='font-size:small; color:{grey}; margin-left:16px'>↳ the same story in "
                    f"<b>{html.escape(copy.title or str(copy.document))}</b> · "
                    f"{html.escape(when(copy.date))}{first}</div>")
        color = highlight_color(palette)
        head = mark_html(hit.headline, hit.headline_spans, color) if hit.headline else LEAD
        meta = html.escape(f"{hit.title} · {wording.when(hit.time) if hit.time else hit.date or 'no date'}")
        if hit.key_event:
            meta = f"<b style='color:{ACCENT}'>◆</b> {meta}"
        body = mark_html(hit.snippet, hit.spans, color) if hit.snippet_ready else "…"
        out = (f"<div style='font-weight:600'>{head}</div>"
               f"<div style='color:{grey}; font-size:small'>{meta}</div>"
               f"<div style='margin-top:3px'>{body}</div>")
        if hit.copies:
            sign = "▾" if self._model.expanded(hit.id) else "▸"
            first = next((c for c in hit.copies if c.first), None)
            origin = f" · first appeared in {html.escape(first.title)}" if first else ""
            out += (f"<div style='margin-top:3px; font-size:small; color:{grey}'><a href='copies'>"
                    f"{sign} also in {wording.count(len(hit.copies), 'other document')}</a>{origin}</div>")
        return out

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem,
                    index: QModelIndex) -> bool:
        if (event.type() == QEvent.Type.MouseButtonRelease
                and self.anchor_at(option, index, event.position()) == "copies"):
            self.copies_toggled.emit(index.row())
            return True
        return super().editorEvent(event, model, option, index)


def when(date: str | None) -> str:
    """Return an entry's time or a document's date as a reader reads it."""
    if not date:
        return "no date"
    return wording.when(date) if "T" in date else date


ACCENT = "#c0392b"  # key events and pinned entries
NEW = "#1f7a4d"  # what is new since the reader last read


def entry_line(entry: Entry) -> str:
    """Return the line above an entry's headline: when it was posted, by whom, whether edited."""
    bits = [wording.when(entry.time)] if entry.time else []
    if entry.author:
        bits.append(entry.author)
    if entry.edited:
        bits.append("edited")
    elif entry.modified and entry.modified != entry.time:
        bits.append(f"updated {wording.when(entry.modified)}")
    return " · ".join(bits)


class EntryDelegate(RichDelegate):
    """An entry card: headline, paragraphs, captions set apart, a bookmark star."""

    star_clicked = Signal(object)  # Entry
    copy_clicked = Signal(object)  # Copy: open that document at that entry

    def __init__(self, view: QListView):
        super().__init__(view)
        self.spans_for: Callable[[str], list[tuple[int, int]]] = lambda text: []
        self.terms_version = 0

    def right_margin(self) -> int:
        return STAR

    def cache_key(self, entry: Entry) -> object:
        return (entry, self.terms_version, self._model.news_of(entry.id),
                self._model.copies.get(entry.id), entry.id in self._model.first_here)

    def blocks(self, entry: Entry) -> list[tuple[str, float, int]]:
        state, divider = self._model.news_of(entry.id)
        out = [(divider, SMALL, 8)] if divider else []
        out += [(entry_line(entry) or state or "", SMALL, 2)] if entry_line(entry) or state else []
        out += [(entry.headline, LARGE, 6)] if entry.headline else []
        out += [(p, 1.0, 8) for p in entry.paragraphs]
        out += [(f"{c.label}  {c.text}", SMALL, 6) for c in entry.captions]
        out += [(f"Earlier: {t}", SMALL, 4) for t in entry.earlier]
        out += [("Also in: " + " · ".join(c.title for c in self._model.copies[entry.id]), SMALL, 4)] \
            if entry.id in self._model.copies else []
        return out

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        entry: Entry = self.item(index)
        color = highlight_color(palette)

        def fmt(text: str) -> str:
            return mark_html(text, self.spans_for(text), color)

        parts = []
        grey = muted(palette)
        state, divider = self._model.news_of(entry.id)
        if divider:
            parts.append(f"<p style='margin:0 0 8px 0; font-size:small; font-weight:700; color:{NEW}'>"
                         f"━━━ {html.escape(divider)} ━━━</p>")
        line = html.escape(entry_line(entry))
        flags = [f for f, on in (("◆ KEY EVENT", entry.key_event), ("▲ PINNED", entry.pinned)) if on]
        if flags:
            line = f"<b style='color:{ACCENT}'>{' · '.join(flags)}</b>" + (f" · {line}" if line else "")
        if state:
            news = "● NEW" if state == "new" else "✎ EDITED SINCE YOU READ IT"
            line = f"<b style='color:{NEW}'>{news}</b>" + (f" · {line}" if line else "")
        if line:
            parts.append(f"<p style='margin:0 0 3px 0; font-size:small; color:{grey}'>{line}</p>")
        if entry.headline:
            parts.append(f"<p style='font-weight:700; font-size:large; margin:0 0 6px 0'>"
                         f"{fmt(entry.headline)}</p>")
        parts.extend(f"<p style='margin:0 0 8px 0'>{fmt(p)}</p>" for p in entry.paragraphs)
        grey = muted(palette)
        for c in entry.captions:
            label = c.label
            parts.append(f"<p style='margin:2px 0 4px 12px; font-size:small; color:{grey}'>"
                         f"<span style='font-style:normal; font-weight:600'>▣ {html.escape(label)}"
                         f"</span>&nbsp; <i>{fmt(c.text)}</i></p>")
        for text in entry.earlier:
            parts.append(f"<p style='margin:4px 0 0 0; font-size:small; color:{grey}'>"
                         f"<b>Earlier version:</b> <s>{fmt(text)}</s></p>")
        copies = self._model.copies.get(entry.id)
        if copies:
            links = " · ".join(f"<a href='copy:{n}'>{html.escape(c.title or str(c.document))}</a> "
                               f"({html.escape(when(c.date))}{', first appeared there' if c.first else ''})"
                               for n, c in enumerate(copies))
            here = " · <b>first appeared here</b>" if entry.id in self._model.first_here else ""
            parts.append(f"<p style='margin:4px 0 0 0; font-size:small; color:{grey}'>"
                         f"Also in {links}{here}</p>")
        return "".join(parts) or "<p><i>(empty)</i></p>"

    def paint_extra(self, painter: QPainter, card: QRect, index: QModelIndex,
                    palette: QPalette) -> None:
        painter.save()
        on = bool(index.data(BookmarkedRole))
        painter.setPen(QColor("#e0a800") if on else palette.color(QPalette.ColorRole.Mid))
        font = painter.font()
        font.setPointSizeF(self.point_size * 1.4)
        painter.setFont(font)
        painter.drawText(self.star_rect(card), Qt.AlignmentFlag.AlignCenter, "★" if on else "☆")
        if index.data(MarkedRole):
            painter.fillRect(QRect(card.left() + 1, card.top() + 8, 3, card.height() - 16),
                             QColor(highlight_color(palette)))
        painter.restore()

    @staticmethod
    def star_rect(card: QRect) -> QRect:
        return QRect(card.right() - STAR - 6, card.top() + 6, STAR, STAR)

    def editorEvent(self, event: QEvent, model, option: QStyleOptionViewItem,
                    index: QModelIndex) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease:
            card = option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2)
            if self.star_rect(card).contains(QPointF(event.position()).toPoint()):
                self.star_clicked.emit(index.data(ItemRole))
                return True
            anchor = self.anchor_at(option, index, event.position())
            if anchor.startswith("copy:"):
                self.copy_clicked.emit(self._model.copies[self.item(index).id][int(anchor[5:])])
                return True
        return super().editorEvent(event, model, option, index)


class BookmarkDelegate(RichDelegate):
    """A bookmark: headline, document, when, tags, note, and whether it is still in the archive."""

    def cache_key(self, mark: Bookmark) -> object:
        return (mark, self._model.here)

    def blocks(self, mark: Bookmark) -> list[tuple[str, float, int]]:
        out = [(mark.headline or mark.title, 1.05, 0), (mark.title + " · saved 2022-01-01 00:00", SMALL, 0)]
        if mark.archive != self._model.here:
            out.append((mark.archive, SMALL, 0))
        if mark.tags:
            out.append((" ".join(mark.tags), 1.0, 0))
        if mark.note:
            out.append((mark.note, 1.0, 3))
        if not mark.in_archive:
            out.append(("No longer in the archive", 1.0, 0))
        return out

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        mark: Bookmark = self.item(index)
        grey = muted(palette)
        when = mark.created[:16].replace("T", " ")
        meta = " · ".join(filter(None, (mark.title, mark.date, f"saved {when}")))
        parts = [f"<div style='font-weight:600'>★ {html.escape(mark.headline or LEAD)}</div>",
                 f"<div style='color:{grey}; font-size:small'>{html.escape(meta)}</div>"]
        if mark.archive != self._model.here:
            folder = Path(mark.archive).name or mark.archive
            parts.append(f"<div style='color:{grey}; font-size:small'>in archive "
                         f"<b>{html.escape(folder)}</b> ({html.escape(mark.archive)})</div>")
        if mark.tags:
            link = palette.color(QPalette.ColorRole.Link)
            tint = blend(palette.color(QPalette.ColorRole.Base), QColor(link.red(), link.green(),
                                                                         link.blue(), 40)).name()
            chips = " ".join(f"<span style='background-color:{tint}; color:{link.name()}'>"
                             f"&nbsp;{html.escape(t)}&nbsp;</span>" for t in mark.tags)
            parts.append(f"<div style='margin-top:2px'>{chips}</div>")
        if mark.note:
            parts.append(f"<div style='margin-top:3px'><i>{html.escape(mark.note)}</i></div>")
        if not mark.in_archive:
            parts.append("<div style='color:#c0392b; font-weight:600'>"
                         "No longer in the archive — a saved copy is kept</div>")
        return "".join(parts)
