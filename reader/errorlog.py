"""The error log in the data dir: tracebacks of the internal errors met while reading files."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from reader.text import one_line

FILE = "errors.log"
MAX_BYTES = 1 << 20  # then it is kept as errors.log.1 and a new one started
_LOGGER = logging.getLogger("reader")
_LOGGER.propagate = False  # (the tracebacks go to the log, not to the terminal)
_LOGGER.addHandler(logging.NullHandler())  # until a data dir's log is attached: nowhere


def attach(log_file: Path) -> None:
    """Write the tracebacks of this process to log_file (one log per process; the last attached)."""
    current = path()
    if current == log_file:
        return
    for handler in list(_LOGGER.handlers):
        _LOGGER.removeHandler(handler)
        handler.close()
    handler: logging.Handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=MAX_BYTES, backupCount=1, encoding="utf-8", errors="backslashreplace", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s pid %(process)d: %(message)s"))
    _LOGGER.addHandler(handler)


def path() -> Path | None:
    """Return the file this process logs to, if any."""
    for handler in _LOGGER.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def internal_error(where: str, reader: str, exc: BaseException) -> str:
    """Log the traceback of an unexpected error of one of our readers (call it in the except
    clause) and return what to tell the reader: "could not be read: internal error in the …"."""
    _LOGGER.error("internal error in the %s reading %s", reader, where, exc_info=exc)
    detail = one_line(str(exc))[:160]
    logged = f"; details in {path()}" if path() else ""
    return (f"could not be read: internal error in the {reader} ({type(exc).__name__}"
            f"{': ' + detail if detail else ''}){logged}")
