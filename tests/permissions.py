"""Run code as a user whom file permissions apply to, also when the tests run as root (as CI does)."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_override() -> None:
    """(in the child, before exec) Give up root's power to read and write past file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's file-permission override")


def run_bound_by_permissions(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run python code in a subprocess that file permissions bind, even when we are root."""
    preexec = _drop_override if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, preexec_fn=preexec, timeout=120)
