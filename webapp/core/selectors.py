"""Reads for the staff operations page: queue lengths, Celery workers, analyses in flight."""
from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

QUEUES = ("cpu", "gpu")
#: kombu's Redis transport keeps messages of priority p > 0 under ``<queue>\x06\x16<p>``.
REDIS_PRIORITY_SEP = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)
INSPECT_TIMEOUT_SEC = 1.0
MAX_ANALYSES = 50


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


def celery_workers(*, timeout_sec: float = INSPECT_TIMEOUT_SEC) -> list[dict[str, Any]]:
    """Workers answering ``celery inspect ping`` within ``timeout_sec``, with their queues,
    active tasks and pool/process stats."""
    from webapp.celery import app  # noqa: PLC0415

    try:
        pings = app.control.inspect(timeout=timeout_sec).ping() or {}
        if not pings:
            return []
        # Known workers now: each call returns as soon as all of them answered.
        inspect = app.control.inspect(timeout=timeout_sec, destination=list(pings),
                                      limit=len(pings))
        active = inspect.active() or {}
        stats = inspect.stats() or {}
        queues = inspect.active_queues() or {}
    except Exception as exc:  # noqa: BLE001  (broker down: the page still renders)
        logger.warning("ops: celery inspect failed: %s", exc)
        return []
    workers = []
    for name in sorted(pings):
        worker_stats = stats.get(name) or {}
        pool = worker_stats.get("pool") or {}
        workers.append({
            "name": name,
            "ok": (pings.get(name) or {}).get("ok") == "pong",
            "queues": sorted(q.get("name", "") for q in queues.get(name) or []),
            "active": [{"id": t.get("id"), "name": t.get("name"), "args": t.get("args"),
                        "started": t.get("time_start")} for t in active.get(name) or []],
            "concurrency": pool.get("max-concurrency"),
            "pool": pool.get("implementation", ""),
            "pid": worker_stats.get("pid"),
            "uptime_sec": worker_stats.get("uptime"),
            "tasks_done": sum((worker_stats.get("total") or {}).values()),
        })
    return workers


def analyses_in_flight(*, limit: int = MAX_ANALYSES) -> dict[str, Any]:
    """Counts of queued and running analyses and the oldest ``limit`` of each."""
    from webapp.videos.models import Analysis, AnalysisStatus  # noqa: PLC0415

    result: dict[str, Any] = {}
    for status in (AnalysisStatus.RUNNING, AnalysisStatus.QUEUED):
        rows = (Analysis.objects.filter(status=status).select_related("video__owner")
                .order_by("created_at"))
        result[f"{status}_count"] = rows.count()
        result[str(status)] = [
            {"id": str(a.pk), "video": a.video.original_name,
             "owner": a.video.owner.get_username(), "queue": a.queue, "device": a.device,
             "stage": a.stage, "percent": a.percent, "worker": a.worker,
             "attempts": a.attempts, "created_at": a.created_at.isoformat(),
             "heartbeat_at": a.heartbeat_at.isoformat() if a.heartbeat_at else None}
            for a in rows[:limit]]
    return result


def ops_overview(*, inspect_timeout_sec: float = INSPECT_TIMEOUT_SEC) -> dict[str, Any]:
    """Everything the ops page shows, as one JSON-able document."""
    lengths = queue_lengths()
    return {
        "queues": [{"name": q, "waiting": lengths.get(q)} for q in QUEUES],
        "workers": celery_workers(timeout_sec=inspect_timeout_sec),
        "analyses": analyses_in_flight(),
    }
