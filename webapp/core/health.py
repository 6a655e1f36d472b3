"""Readiness checks behind ``/healthz``: database, broker and media storage."""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from webapp.core.selectors import workers_announced
from webapp.core.storage import media_storage

logger = logging.getLogger(__name__)

#: Seconds a broker check may take (connect + ping).
BROKER_TIMEOUT_SEC = 2.0
PROBE_BYTES = b"vigil health probe\n"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("SELECT 1 returned something else")


def check_broker(*, url: str | None = None, timeout_sec: float = BROKER_TIMEOUT_SEC) -> None:
    """Redis: ``PING``; any other kombu transport: open (and close) a connection."""
    url = url or settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis  # noqa: PLC0415

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout_sec,
                                      socket_timeout=timeout_sec, retry_on_timeout=False)
        try:
            if not client.ping():
                raise RuntimeError("PING was not answered")
        finally:
            client.close()
        return
    from kombu import Connection  # noqa: PLC0415

    with Connection(url, connect_timeout=timeout_sec) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                               timeout=timeout_sec)


def check_storage() -> None:
    """Write, read back and delete a tiny probe file through the default storage."""
    storage = media_storage()
    name = storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(PROBE_BYTES))
    try:
        with storage.open(name, "rb") as fh:
            if fh.read() != PROBE_BYTES:
                raise RuntimeError("probe file read back different bytes")
    finally:
        storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


def health_report() -> tuple[bool, dict]:
    """``(all_ok, document)``; the document names each part and, failing, the error's type.

    Error details go to the log only (the endpoint is public).
    """
    checks: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc, exc_info=True)
            checks[name] = {"status": "error", "error": type(exc).__name__}
        else:
            checks[name] = {"status": "ok"}
        checks[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    failing = [name for name, result in checks.items() if result["status"] != "ok"]
    return not failing, {"status": "ok" if not failing else "error", "failing": failing,
                         "checks": checks, "workers": workers_summary()}


def workers_summary() -> dict:
    """Workers alive by their heartbeat, and the queues they serve (informational: the web
    process is healthy without workers, so this never fails the check). Counts only: the
    endpoint is public, names and hosts are for ``/ops/``."""
    try:
        alive = [w for w in workers_announced() if w["ok"]]
    except Exception as exc:  # noqa: BLE001  (the database check reports the cause)
        logger.warning("health: could not read worker heartbeats: %s", exc)
        return {"alive": None, "queues": []}
    return {"alive": len(alive), "queues": sorted({q for w in alive for q in w["queues"]})}
