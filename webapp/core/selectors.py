"""Reads for the staff operations page: queue lengths, announced workers, and the sections
apps register (analyses in flight)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from webapp.core.workers import is_alive

logger = logging.getLogger(__name__)

QUEUES = ("cpu", "gpu")
#: kombu's Redis transport keeps messages of priority p > 0 under ``<queue>\x06\x16<p>``.
REDIS_PRIORITY_SEP = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)

_OPS_SECTIONS: dict[str, Callable[[], Any]] = {}


def ops_section_register(name: str, read: Callable[[], Any]) -> None:
    """Show ``read()`` (JSON-able) under ``name`` on the ops page (an app's ``ready``)."""
    _OPS_SECTIONS[name] = read


def queue_lengths(*, broker_url: str | None = None) -> dict[str, int | None]:
    """Messages waiting per queue (Redis ``LLEN``; other brokers: a passive declare).

    ``None`` for a queue whose length could not be read.
    """
    url = broker_url or settings.CELERY_BROKER_URL
    lengths: dict[str, int | None] = {}
    if url.startswith(("redis://", "rediss://")):
        import redis  # noqa: PLC0415

        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            for queue in QUEUES:
                keys = [queue if p == 0 else f"{queue}{REDIS_PRIORITY_SEP}{p}"
                        for p in REDIS_PRIORITY_STEPS]
                pipe = client.pipeline()
                for key in keys:
                    pipe.llen(key)
                lengths[queue] = int(sum(pipe.execute()))
        except redis.RedisError as exc:
            logger.warning("ops: could not read queue lengths: %s", exc)
            lengths = dict.fromkeys(QUEUES)
        finally:
            client.close()
        return lengths
    from kombu import Connection  # noqa: PLC0415

    try:
        with Connection(url, connect_timeout=2) as conn:
            channel = conn.default_channel
            for queue in QUEUES:
                try:
                    lengths[queue] = int(channel.queue_declare(queue, passive=True)
                                         .message_count)
                except Exception:  # noqa: BLE001  (a queue never declared: unknown)
                    lengths[queue] = None
    except Exception as exc:  # noqa: BLE001
        logger.warning("ops: could not read queue lengths: %s", exc)
        lengths = dict.fromkeys(QUEUES)
    return lengths


def workers_announced(*, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every worker that announced itself (``webapp.core.workers``), alive ones first.

    ``ok`` is False for a worker whose heartbeat is older than a few intervals (stopped or
    dead without a clean shutdown); ``active`` lists the tasks it runs now.
    """
    from webapp.core.models import WorkerHeartbeat  # noqa: PLC0415  (core's own model)

    now = now or timezone.now()
    workers = []
    for row in WorkerHeartbeat.objects.all():
        workers.append({
            "name": row.name, "ok": is_alive(row, now=now), "host": row.host, "pid": row.pid,
            "queues": list(row.queues), "devices": list(row.devices), "pool": row.pool,
            "concurrency": row.concurrency, "active": list(row.current_jobs),
            "tasks_done": row.tasks_done, "rss_bytes": row.rss_bytes,
            "uptime_sec": round((now - row.started_at).total_seconds()),
            "last_seen_at": row.last_seen_at.isoformat(),
            "seen_sec_ago": round((now - row.last_seen_at).total_seconds(), 1),
        })
    return sorted(workers, key=lambda worker: (not worker["ok"], worker["name"]))


def ops_overview() -> dict[str, Any]:
    """Everything the ops page shows, as one JSON-able document."""
    lengths = queue_lengths()
    return {
        "queues": [{"name": q, "waiting": lengths.get(q)} for q in QUEUES],
        "workers": workers_announced(),
        "heartbeat_sec": settings.VIGIL_HEARTBEAT_SEC,
        **{name: read() for name, read in _OPS_SECTIONS.items()},
    }
