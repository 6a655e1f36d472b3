"""Rows that belong to no single app: the workers' own announcements."""
from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One Celery worker, as it last announced itself (``webapp.core.workers``).

    Written by the worker every ``VIGIL_HEARTBEAT_SEC`` and deleted when it shuts down
    cleanly; a worker that died leaves its row, which then ages (``last_seen_at``). Works on
    every broker: ``celery inspect`` needs a fanout exchange, which the embedded SQLite
    broker (kombu's SQLAlchemy transport) does not have.
    """

    name = models.CharField(max_length=255, unique=True, help_text="Celery node name.")
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.JSONField(default=list)
    devices = models.JSONField(default=list, help_text='"cpu" and the CUDA device names.')
    pool = models.CharField(max_length=64, blank=True)
    concurrency = models.PositiveIntegerField(null=True)
    current_jobs = models.JSONField(
        default=list, help_text="Tasks executing now: id, name, started_at and their ids "
                                "(analysis_id, training_run_id, ...).")
    tasks_done = models.PositiveIntegerField(default=0)
    rss_bytes = models.PositiveBigIntegerField(null=True, help_text="Worker and children.")
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
