"""The composition root of the desktop app: paths, settings, the Library, the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile, QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from reader import defaults
from reader.library import Library
from reader.ui.control.bookmarking import Bookmarks
from reader.ui.control.catching_up import CatchingUp
from reader.ui.control.controller import Controller
from reader.ui.control.tasks import TaskRunner
from reader.ui.display import display_problem
from reader.ui.window.main_window import MainWindow
from reader.ui.window.theme import apply_theme


def make_library(archive_dir: Path, data_dir: Path) -> Library:
    """Return the Library of an archive folder, with the shipped and the user's name variants."""
    return Library(archive_dir, data_dir, defaults.variant_files(data_dir))


def settings_for(data_dir: Path) -> QSettings:
    """Return the settings file in the data dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)


def build_window(archive_dir: Path | None, data_dir: Path) -> MainWindow:
    """Create the window for an archive (None: the last one used, else the bundled one).

    The GUI thread needs the GIL back after every call into Qt; searches and parses on other
    threads hand it over every millisecond instead of every five.
    """
    sys.setswitchinterval(0.001)
    settings = settings_for(data_dir)
    if archive_dir is None:
        last = settings.value("archive")
        archive_dir = Path(last) if last and Path(str(last)).is_dir() else defaults.BUNDLED_ARCHIVE
    library = make_library(archive_dir, data_dir)
    tasks = TaskRunner()
    controller = Controller(library, tasks, lambda folder: make_library(folder, data_dir))
    bookmarks = Bookmarks(library, tasks)
    catching = CatchingUp(library, tasks)
    window = MainWindow(controller, bookmarks, catching, tasks, settings, defaults.RESOURCES / "icons")
    for child in (tasks, controller, bookmarks, catching):
        child.setParent(window)
    window.setWindowIcon(window.window_icon())
    return window


def instance_lock(data_dir: Path) -> QLockFile | None:
    """Take the one-window-per-data-dir lock; None if another window holds it.

    A lock left behind by a killed process is recognised (by its pid) and taken over.
    """
    lock = QLockFile(str(data_dir / "window.lock"))
    lock.setStaleLockTime(0)
    return lock if lock.tryLock(200) else None


def main(argv: list[str] | None = None) -> int:
    """Open the window; return the exit status."""
    parser = argparse.ArgumentParser(prog="liveblog-reader-gui")
    parser.add_argument("--archive", metavar="DIR")
    parser.add_argument("--data-dir", metavar="DIR")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    problem = None if QApplication.instance() else display_problem()
    if problem:
        print(f"liveblog-reader: {problem}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Liveblog Reader")
    app.setDesktopFileName("liveblog-reader")
    app.setWindowIcon(QIcon(str(defaults.RESOURCES / "icons" / "app.svg")))
    archive_dir = Path(args.archive).expanduser() if args.archive else None
    if archive_dir is not None and not archive_dir.is_dir():
        print(f"liveblog-reader: archive folder not found: {archive_dir}", file=sys.stderr)
        return 2
    data = defaults.data_dir(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    apply_theme(app, str(settings_for(data).value("view/theme", "system")))
    lock = instance_lock(data)
    if lock is None:
        QMessageBox.information(None, "Liveblog Reader",
                                "Liveblog Reader is already open with this data folder.\n"
                                f"({data})")
        return 0
    window = build_window(archive_dir, data)
    window.show()
    window.start()
    code = app.exec()
    window.controller.shutdown()  # unfinished builds (of every archive opened) resume next time
    lock.unlock()
    return code
