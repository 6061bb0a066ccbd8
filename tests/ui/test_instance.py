"""Two windows on one data dir: the second one is refused; a killed window's lock is taken over."""

from __future__ import annotations

import signal
import subprocess
import sys

from reader.ui.app import instance_lock

HOLD = """
import sys, time
from pathlib import Path
from reader.ui.app import instance_lock
lock = instance_lock(Path(sys.argv[1]))
print("locked" if lock else "refused", flush=True)
time.sleep(60)
"""


def test_second_window_is_refused_and_stale_lock_is_taken_over(qapp, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert instance_lock(tmp_path) is None  # the first "window" holds it
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    lock = instance_lock(tmp_path)  # the killed one left its lock file behind
    assert lock is not None
    lock.unlock()
