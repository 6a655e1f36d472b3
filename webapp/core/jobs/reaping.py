"""The stale-job reaper: running jobs whose heartbeat stopped are re-queued or ended."""
from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from webapp.core.jobs.lifecycle import (
    CANCELLED,
    FAILED,
    QUEUED,
    RUNNING,
    JobRow,
    format_moment,
    job_finish,
    stale_cutoff,
)
from webapp.core.jobs.queueing import enqueue_on_commit

logger = logging.getLogger(__name__)

Job = TypeVar("Job", bound=models.Model)


@dataclasses.dataclass(frozen=True)
class ReapedJob:
    job_id: Any
    action: str
    """``failed``, ``requeued`` or ``cancelled``."""
    message: str


def jobs_reap_stale(
    queryset: QuerySet[Job], *, label: str, task: str, requeue: bool = True,
    reset: Mapping[str, Any] | None = None,
    give_up: Callable[[Job, str], None] | None = None,
    stale_after_sec: float | None = None, now: datetime | None = None,
) -> list[ReapedJob]:
    """Running jobs of ``queryset`` whose heartbeat is stale: re-queue or end them.

    Nothing stays ``running`` forever: a worker killed without a trace (OOM, SIGKILL, lost
    machine) is noticed here. A job with a cancel request ends cancelled. With ``requeue`` a
    job that has had fewer than ``VIGIL_MAX_ATTEMPTS`` runs is queued again (``task``) under a
    new task id, so a late re-delivery of the old message steps aside, with ``reset`` fields
    written; otherwise ``give_up(job, reason)`` (default: it fails with the reason).
    """
    now = now or timezone.now()
    cutoff = stale_cutoff(now, stale_after_sec)
    stale = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff) \
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    running = queryset.filter(status=RUNNING).filter(stale)
    reaped: list[ReapedJob] = []
    for pk in list(running.values_list("pk", flat=True)):
        with transaction.atomic():
            job: JobRow = running.select_for_update(skip_locked=True).filter(pk=pk).first()
            if job is None:
                continue
            since = job.heartbeat_at or job.started_at or job.created_at
            reason = f"worker stopped responding (heartbeat stale since {format_moment(since)})"
            if job.cancel_requested:
                job_finish(job, CANCELLED, error=f"cancelled; {reason}")
                action = "cancelled"
            elif requeue and job.attempts < settings.VIGIL_MAX_ATTEMPTS:
                job.status = QUEUED
                job.run_token = ""
                job.celery_task_id = uuid.uuid4().hex
                for name, value in (reset or {}).items():
                    setattr(job, name, value)
                job.save(update_fields=["status", "run_token", "celery_task_id", *(reset or {})])
                enqueue_on_commit(job, task=task, label=label)
                action = "requeued"
            elif give_up is not None:
                give_up(job, reason)
                action = "failed"
            else:
                job_finish(job, FAILED, error=reason)
                action = "failed"
            logger.warning("watchdog: %s %s %s: %s", label, job.pk, action, reason)
            reaped.append(ReapedJob(job.pk, action, reason))
    return reaped
