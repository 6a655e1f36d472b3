"""Workers announce themselves: a :class:`~webapp.core.models.WorkerHeartbeat` row per worker.

``celery inspect`` needs a broadcast (fanout) exchange, which kombu's SQLAlchemy transport (the
embedded SQLite broker) does not have, so on the default setup no worker ever answers a ping.
Instead each worker writes its own row from a daemon thread in its main process: on
``worker_ready``, then every ``VIGIL_HEARTBEAT_SEC``, and deletes it on ``worker_shutdown``.
The row says who it is (node name, host, pid, pool, concurrency), what it serves (queues,
devices), what it is doing (the requests the worker has accepted and not finished: the same
``celery.worker.state`` that ``inspect active`` reads) and how big it is (RSS of the worker and
its pool children). Readers judge liveness from ``last_seen_at`` (:func:`is_alive`).

Writes go through :func:`worker_heartbeat_save`; the thread closes its database connection
after every beat, so an idle worker holds none.
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from webapp.core import logs

if TYPE_CHECKING:
    from webapp.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: A worker not seen for this many heartbeat intervals is reported as not alive.
STALE_AFTER_BEATS = 3
#: Rows of workers not seen for this long are removed when another worker starts.
FORGET_AFTER = timedelta(days=1)
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

_announcer: _Announcer | None = None


# --- process facts (Linux /proc; None elsewhere) -----------------------------------------------

def rss_bytes(pid: int) -> int | None:
    """Resident set size of process ``pid`` in bytes, or ``None`` if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    return int(fields[1]) * _PAGE_BYTES


def child_pids(pid: int) -> list[int]:
    """Direct children of process ``pid`` (e.g. a prefork pool's processes), whichever of its
    threads started them (billiard replaces pool children from a supervisor thread)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(part) for part in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(children)


def tree_rss_bytes(pid: int) -> int | None:
    """RSS of ``pid`` plus its direct children (bytes), ``None`` if ``pid`` cannot be read."""
    own = rss_bytes(pid)
    if own is None:
        return None
    return own + sum(rss_bytes(child) or 0 for child in child_pids(pid))


def detect_devices(*, timeout_sec: float = 120.0) -> list[str]:
    """``["cpu", <CUDA device names>...]`` as this worker's torch sees them.

    Asked in a child Python: initialising CUDA in a worker's main process would break the
    prefork pool's forked children (CUDA does not survive a fork).
    """
    code = ("import torch\n"
            "for i in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):\n"
            "    print(torch.cuda.get_device_name(i))\n")
    try:
        found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               timeout=timeout_sec, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("could not list CUDA devices: %s", exc)
        return ["cpu"]
    return ["cpu", *(f"cuda:{i} {name}" for i, name in
                     enumerate(line.strip() for line in found.stdout.splitlines()
                               if line.strip()))]


# --- writes -------------------------------------------------------------------------------------

def worker_heartbeat_save(*, name: str, host: str, pid: int, queues: list[str],
                          devices: list[str], pool: str, concurrency: int | None,
                          current_jobs: list[dict[str, Any]], tasks_done: int,
                          rss: int | None, started_at: datetime) -> WorkerHeartbeat:
    """Create or refresh worker ``name``'s row, ``last_seen_at`` = now."""
    from webapp.core.models import WorkerHeartbeat  # noqa: PLC0415  (imported by webapp.celery)

    row, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={
            "host": host, "pid": pid, "queues": sorted(queues), "devices": devices,
            "pool": pool, "concurrency": concurrency, "current_jobs": current_jobs,
            "tasks_done": tasks_done, "rss_bytes": rss, "started_at": started_at,
            "last_seen_at": timezone.now()})
    return row


def worker_heartbeat_delete(*, name: str) -> None:
    """Forget worker ``name`` (it shut down cleanly)."""
    from webapp.core.models import WorkerHeartbeat  # noqa: PLC0415

    WorkerHeartbeat.objects.filter(name=name).delete()


def worker_heartbeats_prune(*, now: datetime | None = None) -> int:
    """Delete rows of workers not seen for :data:`FORGET_AFTER`; returns how many."""
    from webapp.core.models import WorkerHeartbeat  # noqa: PLC0415

    cutoff = (now or timezone.now()) - FORGET_AFTER
    deleted, _ = WorkerHeartbeat.objects.filter(last_seen_at__lt=cutoff).delete()
    return deleted


def is_alive(row: WorkerHeartbeat, *, now: datetime | None = None) -> bool:
    """True when ``row`` was refreshed within :data:`STALE_AFTER_BEATS` heartbeats."""
    interval = timedelta(seconds=settings.VIGIL_HEARTBEAT_SEC)
    return (now or timezone.now()) - row.last_seen_at <= STALE_AFTER_BEATS * interval


# --- the announcer thread (worker side) ---------------------------------------------------------

def current_jobs() -> list[dict[str, Any]]:
    """The requests this worker has accepted and not finished (``inspect active``'s view)."""
    from celery.worker import state  # noqa: PLC0415  (worker processes only)

    jobs = []
    for request in list(state.active_requests):
        started = getattr(request, "time_start", None)
        jobs.append({
            "id": request.id, "name": request.name,
            "started_at": (datetime.fromtimestamp(started, tz=UTC).isoformat()
                           if started else None),
            **logs.task_ids(request.task, request.args, request.kwargs),
        })
    return sorted(jobs, key=lambda job: job["started_at"] or "")


def tasks_done() -> int:
    from celery.worker import state  # noqa: PLC0415

    return int(sum(state.total_count.values()))


class _Announcer(threading.Thread):
    """Beats for one worker until :meth:`stop`."""

    def __init__(self, *, name: str, queues: list[str], pool: str,
                 concurrency: int | None) -> None:
        super().__init__(name="vigil-worker-heartbeat", daemon=True)
        self.node = name
        self.queues = queues
        self.pool = pool
        self.concurrency = concurrency
        self.devices: list[str] = ["cpu"]
        self.started_at = timezone.now()
        self._stop_event = threading.Event()

    def run(self) -> None:
        self.beat()  # at once: the worker is listed while its devices are still being listed
        self.devices = detect_devices()
        try:
            worker_heartbeats_prune()
        except Exception:  # housekeeping only
            logger.warning("could not prune old worker heartbeats", exc_info=True)
        while True:
            self.beat()
            if self._stop_event.wait(settings.VIGIL_HEARTBEAT_SEC):
                return

    def beat(self) -> None:
        try:
            close_old_connections()
            worker_heartbeat_save(
                name=self.node, host=socket.gethostname(), pid=os.getpid(), queues=self.queues,
                devices=self.devices, pool=self.pool, concurrency=self.concurrency,
                current_jobs=current_jobs(), tasks_done=tasks_done(),
                rss=tree_rss_bytes(os.getpid()), started_at=self.started_at)
        except Exception:  # database away: try again next beat
            logger.warning("worker heartbeat failed", exc_info=True)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)
        try:
            worker_heartbeat_delete(name=self.node)
        except Exception:  # the row ages out instead
            logger.warning("could not remove this worker's heartbeat", exc_info=True)
        finally:
            connection.close()


def on_worker_ready(sender=None, **_) -> None:
    """Celery ``worker_ready`` (main process, consumer as sender): start announcing."""
    global _announcer  # noqa: PLW0603  (one announcer per worker process)
    controller = getattr(sender, "controller", None)
    queues = sorted(sender.app.amqp.queues.consume_from) if sender is not None else []
    pool_cls = getattr(controller, "pool_cls", None)
    _announcer = _Announcer(
        name=getattr(sender, "hostname", None) or socket.gethostname(), queues=queues,
        pool=getattr(pool_cls, "__module__", str(pool_cls or "")).rsplit(".", 1)[-1],
        concurrency=getattr(controller, "concurrency", None))
    _announcer.start()


def on_worker_shutdown(**_) -> None:
    """Celery ``worker_shutdown``: stop announcing and remove this worker's row."""
    global _announcer  # noqa: PLW0603
    if _announcer is not None:
        _announcer.stop()
        _announcer = None
