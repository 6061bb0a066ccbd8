"""Shared layout of the side panels: a row of controls above a list of cards."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QVBoxLayout,
    QWidget,
)

from reader.ui.views.models import ItemRole


def card_list(name: str) -> QListView:
    """Return a list view set up for variable-height cards painted by these delegates."""
    view = QListView()
    view.setObjectName(name)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setUniformItemSizes(False)
    view.setWordWrap(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


def lay_out_panel(parent: QWidget, row: list[tuple[QWidget | None, int]], *below: QWidget) -> None:
    """Lay out a side panel: a row of controls ((widget, stretch); None is empty space) over
    widgets, the last of which (the list) takes the remaining height."""
    line = QHBoxLayout()
    for widget, stretch in row:
        if widget is None:
            line.addStretch(stretch)
        else:
            line.addWidget(widget, stretch)
    col = QVBoxLayout(parent)
    col.setContentsMargins(4, 6, 4, 4)
    col.addLayout(line)
    for widget in below:
        col.addWidget(widget, 1 if widget is below[-1] else 0)


class _Presses(QObject):
    """Tells whether a mouse button is down on a list (a click is under way)."""

    def __init__(self, view: QListView):
        super().__init__(view)
        self.down = False
        view.viewport().installEventFilter(self)

    def eventFilter(self, _obj, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self.down = True
        elif event.type() == QEvent.Type.MouseButtonRelease:
            self.down = False
        return False


def wire_choosing(view: QListView, chosen, opened) -> None:
    """Make a list's items behave alike everywhere: one is `chosen` (shown) when it becomes
    current by the keyboard or is clicked (the current one too), and `opened` (shown and read:
    the keyboard moves to it) on Enter or a double click. Each signal gets the item."""
    presses = _Presses(view)

    def current_changed(current: QModelIndex, _previous: QModelIndex) -> None:
        if presses.down:
            return  # a click: shown when the button is let go over it (clicked)
        item = current.data(ItemRole) if current.isValid() else None
        if item is not None:
            chosen.emit(item)

    def clicked(index: QModelIndex) -> None:
        item = index.data(ItemRole)
        if item is not None:
            chosen.emit(item)

    def activated(index: QModelIndex) -> None:
        item = index.data(ItemRole)
        if item is not None:
            opened.emit(item)

    view.selectionModel().currentChanged.connect(current_changed)
    view.clicked.connect(clicked)
    view.activated.connect(activated)
