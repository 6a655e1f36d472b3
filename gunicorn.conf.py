"""gunicorn settings, read from ``./gunicorn.conf.py`` by every ``gunicorn`` started in the
repository root (docker compose, the Dockerfile, the Procfile): the worker processes share
their Prometheus counters (``webapp.core.metrics``), so ``/metrics`` gives the same HTTP
totals whichever worker answers a scrape.

``PROMETHEUS_MULTIPROC_DIR`` is emptied at start (counts of a previous run would add up with
this one's); unset, a fresh temporary folder is made. It must be set before the workers import
the app, which is why it is done here, in the master, and not in Django's settings.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def on_starting(server: object) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="vigil-metrics-")
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()


def child_exit(server: object, worker: Any) -> None:
    """A dead worker's live gauges go (its counters stay in the totals).

    Imported here, never at the top: ``prometheus_client`` picks its value store when first
    imported, and workers forked from a master that had imported it would keep the
    single-process one.
    """
    from prometheus_client import multiprocess  # noqa: PLC0415

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
