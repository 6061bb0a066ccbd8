"""The one concurrent.futures internal: a process pool's worker processes (to end them when stopped)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def pool_processes(pool: ProcessPoolExecutor) -> list:
    """Return a process pool's worker processes (the executor keeps them in `_processes`)."""
    return list((getattr(pool, "_processes", None) or {}).values())
