"""A job's life on its row: claimed by one execution (a run token), finished, cancelled.

A *job* is a row of any model with the common job fields: ``status`` (the values below),
``celery_task_id``, ``cancel_requested``, ``run_token``, ``attempts``, ``worker``, ``stage``,
``error``, ``started_at``, ``heartbeat_at`` and ``finished_at`` (``error_code`` where the model
has one). Lighter jobs with no run token (evaluations, dataset imports) start with
:func:`job_start`. Times are ``datetime``s in UTC; durations are in seconds (``_sec``).
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Status values every job model uses (``TextChoices`` with these values).
QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued", "running", "succeeded", "failed", "cancelled")
FINISHED = (SUCCEEDED, FAILED, CANCELLED)

Job = TypeVar("Job", bound=models.Model)
#: A job row as this module reads it: a model instance with the job fields (module docstring).
#: Each model declares them itself, so they are not visible on ``models.Model``.
JobRow = Any


class JobBusy(Exception):
    """Another execution owns the job and its heartbeat is fresh: look again later.

    A message re-delivered soon after its worker died arrives before the dead worker's
    heartbeat goes stale; retrying after ``retry_in_sec`` tells a dead owner from a live one.
    """

    def __init__(self, retry_in_sec: float) -> None:
        super().__init__(f"job busy; retry in {retry_in_sec:.1f} s")
        self.retry_in_sec = retry_in_sec


def stale_cutoff(now: datetime, stale_after_sec: float | None = None) -> datetime:
    """Heartbeats older than this are stale (``VIGIL_STALE_AFTER_SEC`` by default)."""
    return now - timedelta(seconds=stale_after_sec or settings.VIGIL_STALE_AFTER_SEC)


def worker_name() -> str:
    """This worker process as shown on jobs: host and pid."""
    return f"{socket.gethostname()} pid {os.getpid()}"[:255]


def format_moment(moment: datetime | None) -> str:
    """A heartbeat or start time for an error message, in the server's time zone."""
    if moment is None:
        return "unknown"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


def has_field(model: type[models.Model], name: str) -> bool:
    """Whether ``model`` has the field ``name`` (optional job fields such as ``error_code``)."""
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def job_finish(job: JobRow, status: str, *, error: str = "", code: str = "") -> None:
    """Give ``job`` a finished ``status`` now and save it (``code``: its ``error_code``)."""
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    if has_field(type(job), "error_code"):
        job.error_code = code
        fields.append("error_code")
    job.save(update_fields=fields)


def _fail(job: JobRow, reason: str) -> None:
    job_finish(job, FAILED, error=reason)


def job_claim(
    queryset: QuerySet[Job], *, pk: object, task_id: str, label: str, stage: str,
    keep_started_at: bool = False, reset: Mapping[str, Any] | None = None,
    refuse: Callable[[Job], str] | None = None,
    give_up: Callable[[Job, str], None] | None = None,
    on_claimed: Callable[[Job], None] | None = None,
) -> tuple[Job, str] | None:
    """Make this execution the owner of job ``pk`` under a new run token, or say why not.

    ``None`` for a deleted or finished job, a superseded message (``task_id`` is not the job's
    ``celery_task_id``), a cancel request (the job ends cancelled), a reason from ``refuse``
    (it fails with it) or a dead owner with no attempts left (``give_up(job, reason)``;
    default: it fails). Raises :class:`JobBusy` while another execution's heartbeat is fresh.
    The claim writes ``stage``, ``reset`` and a new ``started_at`` (kept with
    ``keep_started_at``); ``on_claimed`` runs in the same transaction (clear partial rows).
    """
    now = timezone.now()
    with transaction.atomic():
        job: JobRow = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if job is None:
            logger.info("%s %s no longer exists; message dropped", label, pk)
            return None
        if job.status in FINISHED:
            return None
        if task_id and job.celery_task_id and task_id != job.celery_task_id:
            logger.info("%s %s: message %s was superseded", label, pk, task_id)
            return None
        if job.cancel_requested:
            job_finish(job, CANCELLED, error="cancelled")
            return None
        reason = refuse(job) if refuse is not None else ""
        if reason:
            _fail(job, reason)
            return None
        if job.status == RUNNING:
            since = job.heartbeat_at or job.started_at
            if since is not None and since > stale_cutoff(now):
                retry_in = (since - stale_cutoff(now)).total_seconds() + 1.0
                logger.info("%s %s is running elsewhere (fresh heartbeat); checking again in "
                            "%.1f s", label, pk, retry_in)
                raise JobBusy(retry_in)
            if job.attempts >= settings.VIGIL_MAX_ATTEMPTS:
                (give_up or _fail)(job, f"worker stopped responding (heartbeat stale since "
                                        f"{format_moment(since)}); gave up after "
                                        f"{job.attempts} attempts")
                return None
            logger.warning("%s %s: taking over from a dead worker (%s)", label, pk, job.worker)
        token = uuid.uuid4().hex
        job.status = RUNNING
        job.run_token = token
        job.attempts += 1
        job.stage = stage
        job.error = ""
        job.started_at = (job.started_at or now) if keep_started_at else now
        job.heartbeat_at = now
        job.finished_at = None
        job.worker = worker_name()
        for name, value in (reset or {}).items():
            setattr(job, name, value)
        job.save()
        if on_claimed is not None:
            on_claimed(job)
    return job, token


def job_start(model: type[models.Model], *, pk: object, **fields: Any) -> bool:
    """Mark a job with no run token running (and write ``fields``) unless it has finished;
    whether it was started. A re-delivered message of a finished job starts nothing."""
    return bool(model._default_manager.filter(pk=pk).exclude(status__in=FINISHED)
                .update(status=RUNNING, **fields))


def job_cancel(job: Job) -> Job:
    """Queued: cancelled now. Running: ``cancel_requested`` is set and the worker stops at its
    next check. Finished: unchanged. Returns the locked, current row."""
    with transaction.atomic():
        row: JobRow = type(job)._default_manager.select_for_update().get(pk=job.pk)
        if row.status == QUEUED:
            row.status = CANCELLED
            row.cancel_requested = True
            row.finished_at = timezone.now()
            row.error = "cancelled before it started"
            row.save(update_fields=["status", "cancel_requested", "finished_at", "error"])
        elif row.status == RUNNING:
            row.cancel_requested = True
            row.save(update_fields=["cancel_requested"])
    return row


def job_end(model: type[models.Model], *, pk: object, token: str | None, status: str,
            error: str = "", code: str = "", error_max_chars: int = 4000,
            **fields: Any) -> bool:
    """Write an execution's outcome (``status``, ``error``, ``code`` as ``error_code`` where the
    model has one, ``fields``) if its run ``token`` still owns the job (``None``: a job with no
    token); whether it did."""
    values: dict[str, Any] = {"status": status, "error": error[:error_max_chars],
                              "finished_at": timezone.now(), **fields}
    if has_field(model, "error_code"):
        values["error_code"] = code[:64]
    rows = model._default_manager.filter(pk=pk)
    return bool((rows if token is None else rows.filter(run_token=token)).update(**values))
