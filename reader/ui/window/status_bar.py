"""The status bar's content: a message line and the index build's progress."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from reader import wording
from reader.library import IndexReport, Progress
from reader.ui.views import plain_text


class IndexStatus:
    """Puts messages and index progress into a window's status bar."""

    def __init__(self, bar: QStatusBar):
        self.label = plain_text.label(QLabel(objectName="status"))  # (it names files and documents)
        self.progress = QProgressBar(maximumWidth=220, visible=False)
        bar.addWidget(self.label, 1)
        bar.addPermanentWidget(self.progress)
        self.running = False

    def text(self) -> str:
        return self.label.text()

    @Slot(str)
    def show(self, text: str) -> None:
        self.label.setText(text)

    @Slot(bool)
    def indexing(self, running: bool) -> None:
        self.running = running
        self.progress.setRange(0, 0)
        self.progress.setVisible(running)

    @Slot(object)
    def index_progress(self, p: Progress) -> None:
        self.progress.setRange(0, 1000)
        self.progress.setValue(round(1000 * p.done))
        note = " — search works on what is indexed so far" if p.searchable else ""
        self.show(f"Indexing: {p.files_done:,} of {p.files_total:,} files, {p.entries_done:,} entries{note}")

    @Slot(object)
    def index_done(self, report: IndexReport) -> None:
        text = (f"{wording.count(report.documents, 'document')}, "
                f"{wording.entries(report.entries)} indexed")
        if report.rebuilt:
            text = f"{wording.rebuilt(report.rebuilt)} {text}"
        caveats = [wording.skipped(len(report.problems))] if report.problems else []
        if report.partial:
            caveats.append(wording.read_in_part(len(report.partial)))
        if caveats:
            text += f" — {', '.join(caveats)} (File → Archive Problems)"
        self.show(text)
        self.label.setToolTip(plain_text.tooltip("\n".join(str(p) for p in report.problems + report.partial)))
