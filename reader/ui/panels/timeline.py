"""A compact histogram of hits (or documents) over time: hover for counts, click or drag to pick a range."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import QToolTip, QWidget

from reader import timelines, wording
from reader.model import Timeline

BAR_AREA = 0.72  # of the height: bars below, key-event marks above
MARK = "#c0392b"


class TimelineStrip(QWidget):
    """Bars per day, week or month; the undated counted at the right.

    Emits range_chosen(first day, last day) ("YYYY-MM-DD") when a bar is clicked or bars are
    dragged across.
    """

    range_chosen = Signal(str, str)

    def __init__(self, noun: str = "hit", parent: QWidget | None = None):
        super().__init__(parent)
        self.noun = noun
        self.timeline: Timeline | None = None
        self.selected: tuple[int, int] | None = None  # bar indexes, first and last
        self._drag: int | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(44)
        self.setMaximumHeight(56)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setVisible(False)  # until there is a timeline to show

    def sizeHint(self) -> QSize:
        return QSize(300, 50)

    def set_timeline(self, timeline: Timeline | None, selected: tuple[str, str] | None = None) -> None:
        """Show a timeline (None: nothing), with the bars of a chosen range marked."""
        self.timeline = timeline
        self.selected = None
        if timeline is not None and selected is not None:
            inside = [n for n, b in enumerate(timeline.buckets)
                      if selected[0] <= b.start <= selected[1]]
            self.selected = (inside[0], inside[-1]) if inside else None
        self.setVisible(bool(timeline and timeline.buckets))
        self.update()

    # -- geometry ---------------------------------------------------------------------

    def _undated_width(self) -> int:
        if not self.timeline or not self.timeline.undated:
            return 0
        return self.fontMetrics().horizontalAdvance(f"+{self.timeline.undated:,} undated") + 10

    def _bar_rect(self, n: int) -> QRectF:
        count = len(self.timeline.buckets)
        width = (self.width() - 4 - self._undated_width()) / max(count, 1)
        top = self.height() * (1 - BAR_AREA)
        peak = max((b.count for b in self.timeline.buckets), default=0) or 1
        height = (self.height() - top - 2) * self.timeline.buckets[n].count / peak
        return QRectF(2 + n * width, self.height() - 2 - height, max(1.0, width - 1), height)

    def bar_at(self, x: float) -> int | None:
        """Return the index of the bar under x, or None."""
        if not self.timeline or not self.timeline.buckets:
            return None
        count = len(self.timeline.buckets)
        width = (self.width() - 4 - self._undated_width()) / max(count, 1)
        n = int((x - 2) // width)
        return n if 0 <= n < count else None

    # -- painting ------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        if not self.timeline or not self.timeline.buckets:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        bar = palette.color(QPalette.ColorRole.Highlight)
        chosen = QColor(bar).darker(130)
        faded = QColor(bar)
        faded.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        for n, bucket in enumerate(self.timeline.buckets):
            rect = self._bar_rect(n)
            inside = self.selected is not None and self.selected[0] <= n <= self.selected[1]
            painter.setBrush(chosen if inside else faded if self.selected else bar)
            if bucket.count:
                painter.drawRect(rect)
            if bucket.key_events:
                x, y = rect.center().x(), self.height() * (1 - BAR_AREA) - 5
                painter.setBrush(QColor(MARK))
                painter.drawPolygon(QPolygonF([QPointF(x, y - 4), QPointF(x + 4, y), QPointF(x, y + 4),
                                               QPointF(x - 4, y)]))
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawLine(2, self.height() - 1, self.width() - 2 - self._undated_width(), self.height() - 1)
        if self.timeline.undated:
            painter.drawText(QRectF(self.width() - self._undated_width(), 0, self._undated_width(),
                                    self.height()), Qt.AlignmentFlag.AlignCenter,
                             f"+{self.timeline.undated:,} undated")
        first, last = self.timeline.buckets[0], self.timeline.buckets[-1]
        small = painter.font()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        painter.setFont(small)
        painter.drawText(QRectF(4, 0, self.width() / 2, 14), Qt.AlignmentFlag.AlignLeft,
                         timelines.label(first, self.timeline.unit))
        if last is not first:
            painter.drawText(QRectF(self.width() / 2, 0, self.width() / 2 - 4 - self._undated_width(), 14),
                             Qt.AlignmentFlag.AlignRight, timelines.label(last, self.timeline.unit))
        painter.end()

    # -- the mouse -----------------------------------------------------------------------

    def describe(self, n: int) -> str:
        """Return what a bar stands for: its day, week or month and its count."""
        bucket = self.timeline.buckets[n]
        text = f"{timelines.label(bucket, self.timeline.unit)}: {wording.count(bucket.count, self.noun)}"
        if bucket.key_events:
            text += f" ({wording.count(bucket.key_events, 'key event')})"
        return text

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        n = self.bar_at(event.position().x())
        if n is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(n), self)
            if self._drag is not None:
                self.selected = (min(self._drag, n), max(self._drag, n))
                self.update()
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        n = self.bar_at(event.position().x())
        if event.button() == Qt.MouseButton.LeftButton and n is not None:
            self._drag = n
            self.selected = (n, n)
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or self.selected is None:
            return
        self._drag = None
        first, last = self.selected
        unit = self.timeline.unit
        self.range_chosen.emit(self.timeline.buckets[first].start,
                               timelines.end_of(self.timeline.buckets[last], unit))
