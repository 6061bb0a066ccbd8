"""Painting list rows as laid-out rich text, always escaped: the base delegate and its helpers."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QPointF, QRect, QRectF, QSize
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

from reader.library import mark

MARGIN = 6
PAD = 12
STAR = 22
LARGE = 1.2  # font-size:large in Qt's rich text, relative to the default size
SMALL = 0.84  # font-size:small


def mark_html(text: str, spans: Iterable[tuple[int, int]], color: str) -> str:
    """Return text escaped for HTML, with the spans wrapped in a highlight."""
    return mark(text, spans, f'<span style="background-color:{color}; color:#000">', "</span>", html.escape)


def is_dark(palette: QPalette) -> bool:
    """Return True when the palette is a dark one."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def highlight_color(palette: QPalette) -> str:
    return "#e6b800" if is_dark(palette) else "#ffe066"


class OfflineDocument(QTextDocument):
    """A text document that never loads a resource (image, stylesheet, link target)."""

    def loadResource(self, kind: int, url) -> None:
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
            fill = blend(fill, tint)
        border = palette.color(QPalette.ColorRole.Mid)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        if focused:
            border = palette.color(QPalette.ColorRole.Highlight)
        doc = self._document(index, option, self._text_width(option))
        top = card.top() + PAD - 3
        if self.framed(index) or selected or focused:
            painter.setPen(border)
            painter.setBrush(fill)
            painter.drawRoundedRect(card, 6, 6)
        if not self.framed(index):  # a heading: its text on a rule at the bottom of the row
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawLine(card.bottomLeft() + QPointF(PAD, -1), card.bottomRight() + QPointF(-PAD, -1))
            top = max(top, card.bottom() - doc.size().height() - PAD / 2)
        painter.setClipRect(card)
        painter.translate(card.left() + PAD, top)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()
        self.paint_extra(painter, card.toRect(), index, palette)

    def paint_extra(self, painter: QPainter, card: QRect, index: QModelIndex,
                    palette: QPalette) -> None:
        pass

    def anchor_at(self, option: QStyleOptionViewItem, index: QModelIndex, pos: QPointF) -> str:
        """Return the link (its href) under a point of a painted card, or ""."""
        doc = self._cache.get(self._key(index, self._text_width(option)))
        if doc is None or not self.framed(index):
            return ""
        card = QRectF(option.rect.adjusted(MARGIN, MARGIN // 2, -MARGIN, -MARGIN // 2))
        return doc.documentLayout().anchorAt(QPointF(pos) - QPointF(card.left() + PAD, card.top() + PAD - 3))

    def framed(self, index: QModelIndex) -> bool:
        """Return False for a row painted as a heading (no card around it)."""
        return True


def blend(a: QColor, b: QColor) -> QColor:
    t = b.alphaF()
    return QColor(int(a.red() * (1 - t) + b.red() * t), int(a.green() * (1 - t) + b.green() * t),
                  int(a.blue() * (1 - t) + b.blue() * t))


def muted(palette: QPalette) -> str:
    return palette.color(QPalette.ColorRole.PlaceholderText).name()


