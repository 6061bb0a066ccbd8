"""Shared layout of the side panels: a row of controls above a list of cards."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QListView, QVBoxLayout, QWidget


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
