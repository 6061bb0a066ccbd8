"""Item delegates that paint documents, hits and entry cards as rich text (always escaped)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from reader import wording
from reader.library import DocumentInfo
from reader.model import LEAD, Bookmark, Entry, Hit
from reader.ui.models import BookmarkedRole, ItemRole, MarkedRole

MARGIN = 6
PAD = 12
STAR = 22
LARGE = 1.2  # font-size:large in Qt's rich text, relative to the default size
SMALL = 0.84  # font-size:small


def mark_html(text: str, spans: Iterable[tuple[int, int]], color: str) -> str:
    """Return text escaped for HTML, with the spans wrapped in a highlight."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f'<span style="background-color:{color}; color:#000">'
                   f"{html.escape(text[start:end])}</span>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def is_dark(palette: QPalette) -> bool:
    """Return True when the palette is a dark one."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def highlight_color(palette: QPalette) -> str:
    return "#e6b800" if is_dark(palette) else "#ffe066"


class OfflineDocument(QTextDocument):
    """A text document that never loads a resource (image, stylesheet, link target)."""

    requested: list[str] = []  # every resource anything asked for: stays empty

    def loadResource(self, kind: int, url) -> None:
        OfflineDocument.requested.append(url.toString())
        return None


class RichDelegate(QStyledItemDelegate):
    """Paint each row as a laid-out QTextDocument, cached per row and width.

    Laying out rich text costs about a millisecond a row, and a list view asks every row for
    its size. Rows that have not been painted get a size estimated from their text (microseconds);
    a painted row is laid out exactly, and if that changes its height the view is told.
    """

    def __init__(self, view: QListView):
        super().__init__(view)
        self.point_size = 10.0
        self._viewport = view.viewport()
        self._model = None
        self._cache: dict[tuple, QTextDocument] = {}
        self._estimates: dict[tuple, int] = {}
        self._metrics: dict[float, tuple[float, float]] = {}

    def clear_cache(self) -> None:
        """Forget laid-out rows (after a zoom, a palette or a query change)."""
        self._cache.clear()
        self._estimates.clear()

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        raise NotImplementedError

    def blocks(self, item) -> list[tuple[str, float, int]]:
        """Return a row's text as (text, font scale, space below in px) blocks, for estimates."""
        raise NotImplementedError

    def cache_key(self, item) -> object:
        """Return what a row's look depends on, besides width and zoom."""
        return item

    def item(self, index: QModelIndex):
        """Return a row's dataclass straight from the model (no data() round trip through Qt).

        Each call into Qt gives up the GIL and must get it back: with other threads busy in
        Python, that wait is what makes a long list slow to lay out.
        """
        if self._model is None:
            self._model = index.model()
        return self._model.items[index.row()]

    def _key(self, index: QModelIndex, width: int) -> tuple:
        return (self.cache_key(self.item(index)), width, self.point_size)

    def _document(self, index: QModelIndex, option: QStyleOptionViewItem, width: int) -> QTextDocument:
        key = self._key(index, width)
        doc = self._cache.get(key)
        if doc is None:
            if len(self._cache) > 4000:
                self._cache.clear()
            doc = OfflineDocument()
            doc.setUndoRedoEnabled(False)
            font = QFont(option.font)
            font.setPointSizeF(self.point_size)
            doc.setDefaultFont(font)
            doc.setDocumentMargin(0)
            doc.setHtml(self.html(index, option.palette))
            doc.setTextWidth(max(50, width))
            self._cache[key] = doc
            estimate = self._estimates.pop(key, None)
            if estimate is not None and estimate != int(doc.size().height()):
                self.sizeHintChanged.emit(index)
        return doc

    def _estimate(self, index: QModelIndex, font: QFont, width: int) -> int:
        metrics = self._metrics.get(self.point_size)
        if metrics is None:
            sized = QFont(font)
            sized.setPointSizeF(self.point_size)
            fm = QFontMetricsF(sized)
            metrics = self._metrics[self.point_size] = (fm.averageCharWidth() * 1.08, fm.lineSpacing())
        char, line = metrics
        height = 0.0
        for text, scale, below in self.blocks(self.item(index)):
            per_line = max(1, int(width / (char * scale)))
            lines = sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")) if text else 0
            height += lines * line * scale + below
        return int(height)

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        return self._viewport.width() - 2 * (MARGIN + PAD) - self.right_margin()

    def right_margin(self) -> int:
        return 0

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        width = self._text_width(option)
        key = self._key(index, width)
        doc = self._cache.get(key)
        if doc is not None:
            height = int(doc.size().height())
        else:
            height = self._estimates.get(key)
            if height is None:
                if len(self._estimates) > 50_000:
                    self._estimates.clear()
                height = self._estimates[key] = self._estimate(index, option.font, max(50, width))
        return QSize(width, height + 2 * (MARGIN + PAD) - 6)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        base = palette.color(QPalette.ColorRole.Base)
        fill = base.lighter(115) if is_dark(palette) else QColor("#ffffff")
        if selected:
            tint = palette.color(QPalette.ColorRole.Highlight)
            tint.setAlpha(40)
            fill = _blend(fill, tint)
        border = palette.color(QPalette.ColorRole.Mid)
        if option.state & QStyle.StateFlag.State_HasFocus:
            border = palette.color(QPalette.ColorRole.Highlight)
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(card, 6, 6)
        doc = self._document(index, option, self._text_width(option))
        painter.setClipRect(card)
        painter.translate(card.left() + PAD, card.top() + PAD - 3)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
        self.paint_extra(painter, card.toRect(), index, palette)

    def paint_extra(self, painter: QPainter, card: QRect, index: QModelIndex,
                    palette: QPalette) -> None:
        pass


def _blend(a: QColor, b: QColor) -> QColor:
    t = b.alphaF()
    return QColor(int(a.red() * (1 - t) + b.red() * t), int(a.green() * (1 - t) + b.green() * t),
                  int(a.blue() * (1 - t) + b.blue() * t))


def _muted(palette: QPalette) -> str:
    return palette.color(QPalette.ColorRole.PlaceholderText).name()


class DocumentDelegate(RichDelegate):
    """A document card, every one the same height: its title (two lines at most, elided), then
    kind, date, entries, closed, bookmarks. The view lays out thousands of them in one step."""

    TITLE_LINES = 2

    def blocks(self, doc: DocumentInfo) -> list[tuple[str, float, int]]:
        return [("x" * 400, 1.0, 0)] * self.TITLE_LINES + [("x", SMALL, 0)]

    def cache_key(self, doc: DocumentInfo) -> object:
        return (doc, self._model.bookmark_counts.get(doc.path, 0))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        font = QFont(option.font)
        font.setPointSizeF(self.point_size)
        fm = QFontMetricsF(font)
        small = fm.lineSpacing() * SMALL
        height = self.TITLE_LINES * fm.lineSpacing() + small + 2 * (MARGIN + PAD) - 2
        return QSize(self._text_width(option), int(height))

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        doc: DocumentInfo = self.item(index)
        kind = "● Liveblog" if doc.kind == "liveblog" else "▤ Article"
        bits = [kind, doc.date or "no date", wording.entries(doc.entries)]
        if doc.closed:
            bits.append("closed")
        marks = self._model.bookmark_counts.get(doc.path, 0)
        if marks:
            bits.append(f"★ {marks}")
        meta = " · ".join(html.escape(b) for b in bits)
        return (f"<div style='font-weight:600'>{html.escape(self._elided(doc.title))}</div>"
                f"<div style='color:{_muted(palette)}; font-size:small'>{meta}</div>")

    def _elided(self, title: str) -> str:
        font = QFont()
        font.setPointSizeF(self.point_size)
        font.setWeight(QFont.Weight.DemiBold)
        room = self.TITLE_LINES * self._text_width(None) * 0.9  # word wrap leaves gaps at line ends
        return QFontMetricsF(font).elidedText(title, Qt.TextElideMode.ElideRight, room)


class HitDelegate(RichDelegate):
    """A search hit: headline, document and date, snippet with the matches highlighted."""

    def blocks(self, hit: Hit) -> list[tuple[str, float, int]]:
        snippet = hit.snippet if hit.snippet_ready else "x" * 200  # about what it will take
        return [(hit.headline or "", 1.05, 0), (f"{hit.title} · {hit.date}", SMALL, 0),
                (snippet, 1.0, 3)]

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        hit: Hit = self.item(index)
        color = highlight_color(palette)
        head = mark_html(hit.headline, hit.headline_spans, color) if hit.headline else LEAD
        meta = html.escape(f"{hit.title} · {hit.date or 'no date'}")
        body = mark_html(hit.snippet, hit.spans, color) if hit.snippet_ready else "…"
        return (f"<div style='font-weight:600'>{head}</div>"
                f"<div style='color:{_muted(palette)}; font-size:small'>{meta}</div>"
                f"<div style='margin-top:3px'>{body}</div>")


class EntryDelegate(RichDelegate):
    """An entry card: headline, paragraphs, captions set apart, a bookmark star."""

    star_clicked = Signal(object)  # Entry

    def __init__(self, view: QListView):
        super().__init__(view)
        self.spans_for: Callable[[str], list[tuple[int, int]]] = lambda text: []
        self.terms_version = 0

    def right_margin(self) -> int:
        return STAR

    def cache_key(self, entry: Entry) -> object:
        return (entry, self.terms_version)

    def blocks(self, entry: Entry) -> list[tuple[str, float, int]]:
        out = [(entry.headline, LARGE, 6)] if entry.headline else []
        out += [(p, 1.0, 8) for p in entry.paragraphs]
        out += [(f"{c.label}  {c.text}", SMALL, 6) for c in entry.captions]
        return out

    def html(self, index: QModelIndex, palette: QPalette) -> str:
        entry: Entry = index.data(ItemRole)
        color = highlight_color(palette)

        def fmt(text: str) -> str:
            return mark_html(text, self.spans_for(text), color)

        parts = []
        if entry.headline:
            parts.append(f"<p style='font-weight:700; font-size:large; margin:0 0 6px 0'>"
                         f"{fmt(entry.headline)}</p>")
        parts.extend(f"<p style='margin:0 0 8px 0'>{fmt(p)}</p>" for p in entry.paragraphs)
        muted = _muted(palette)
        for c in entry.captions:
            label = c.label
            parts.append(f"<p style='margin:2px 0 4px 12px; font-size:small; color:{muted}'>"
                         f"<span style='font-style:normal; font-weight:600'>▣ {html.escape(label)}"
                         f"</span>&nbsp; <i>{fmt(c.text)}</i></p>")
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
        muted = _muted(palette)
        when = mark.created[:16].replace("T", " ")
        meta = " · ".join(filter(None, (mark.title, mark.date, f"saved {when}")))
        parts = [f"<div style='font-weight:600'>★ {html.escape(mark.headline or LEAD)}</div>",
                 f"<div style='color:{muted}; font-size:small'>{html.escape(meta)}</div>"]
        if mark.archive != self._model.here:
            folder = Path(mark.archive).name or mark.archive
            parts.append(f"<div style='color:{muted}; font-size:small'>in archive "
                         f"<b>{html.escape(folder)}</b> ({html.escape(mark.archive)})</div>")
        if mark.tags:
            link = palette.color(QPalette.ColorRole.Link)
            tint = _blend(palette.color(QPalette.ColorRole.Base), QColor(link.red(), link.green(),
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
