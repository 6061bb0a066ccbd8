"""Without a display, or without the system libraries Qt needs, the window says so in one line."""

from __future__ import annotations

import os
import subprocess
import sys

from reader.ui.display import display_problem


def test_no_display_is_named():
    assert "DISPLAY is not set" in display_problem({}, {})
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None  # Qt's business
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, {}) is None


def test_missing_libraries_are_named_with_their_packages():
    problem = display_problem({"DISPLAY": ":0"}, {"libc.so.6": "libc6",
                                                   "libdoes-not-exist.so.7": "libdoes-not-exist7"})
    assert problem.endswith("sudo apt install libdoes-not-exist7")
    assert display_problem({"DISPLAY": ":0"}, {"libc.so.6": "libc6"}) is None


def test_the_window_command_says_it_in_one_line_and_exits(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "reader", "--data-dir", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("liveblog-reader: no display") and proc.stderr.count("\n") == 1
