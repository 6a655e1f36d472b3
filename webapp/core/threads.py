"""Background threads of the workers that write to the database on a timer (heartbeats,
lease renewals)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection


def repeat_every(interval_sec: float, work: Callable[[], object], *, stop: threading.Event,
                 failure: str, logger: logging.Logger) -> None:
    """Call ``work()`` every ``interval_sec`` seconds (the first time after one interval) until
    ``stop`` is set; the loop of a thread of its own.

    A failing call is logged as a warning (``failure``, with the traceback) and the thread's
    broken database connections are dropped, so the next call opens a fresh one; the thread's
    connection is closed when the loop ends.
    """
    try:
        while not stop.wait(interval_sec):
            try:
                work()
            except Exception:
                logger.warning(failure, exc_info=True)
                close_old_connections()
    finally:
        connection.close()
