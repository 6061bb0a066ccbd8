"""Whether Qt can open a window here, asked before Qt tries (it aborts the process when it cannot)."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping

# What Qt 6's X11 platform plugin (libQt6XcbQpa) loads, and the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1", "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
}


def missing_libraries(libraries: Mapping[str, str] = XCB_LIBRARIES) -> list[str]:
    """Return the packages of the libraries that cannot be loaded."""
    missing = []
    for soname, package in libraries.items():
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(package)
    return missing


def display_problem(env: Mapping[str, str] | None = None,
                    libraries: Mapping[str, str] = XCB_LIBRARIES) -> str | None:
    """Return one line saying why no window can be opened here, or None if Qt can try."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or (platform and not platform.startswith("xcb")):
        return None  # offscreen, wayland, another system: Qt's own business
    if not env.get("DISPLAY"):
        if env.get("WAYLAND_DISPLAY") and not platform:
            return None
        return ("no display to open the window on (DISPLAY is not set); start it from a desktop "
                "session, or use the command line: liveblog-reader search …")
    missing = missing_libraries(libraries)
    if missing:
        return ("the window needs system libraries that are missing; on Debian or Ubuntu: "
                f"sudo apt install {' '.join(missing)}")
    return None
