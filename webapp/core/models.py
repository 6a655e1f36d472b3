"""Rows that belong to no single app (the workers' own announcements), the fields and
statuses every queued job model shares (:mod:`webapp.core.jobs` reads and writes them), and
the fields of a row people name and edit."""
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


class NamedEditedModel(models.Model):
    """A row people name and edit: listed by ``name``, shown as its ``name``, stamped when
    created and when last saved (UTC ``datetime``s).

    Abstract: each model declares its own ``name`` (lengths and uniqueness differ) and keeps
    its own columns; the fields here are those every such model had, so no schema changes.
    """

    name: str
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class JobStatus(models.TextChoices):
    """The statuses of a job (the values :mod:`webapp.core.jobs` writes)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED_JOB_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class QueuedJobFields(models.Model):
    """The state of a job a worker runs from a queue: status, progress and outcome.

    Abstract. Enough for a job started and ended without a claim (``jobs.job_start`` and
    ``jobs.job_end`` with no run token: evaluations, dataset imports) that reports its
    progress through a ``jobs.JobReporter``. Times are UTC ``datetime``s; ``percent`` runs
    0 to 100.
    """

    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED,
                              db_index=True)
    stage = models.CharField(max_length=32, blank=True)
    percent = models.FloatField(default=0.0)
    error = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_JOB_STATUSES


class JobFields(QueuedJobFields):
    """The state of a claimed worker job: :class:`QueuedJobFields` plus what ``jobs.job_claim``,
    ``jobs.job_cancel``, the heartbeat and the stale-job reaper read and write.

    Abstract: each job model gets its own columns. ``run_token`` and ``attempts`` stay with
    each model (their column types differ between apps, and a shared field must not change a
    schema).
    """

    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
