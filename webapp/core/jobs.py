"""Lifecycle shared by the queued worker jobs (analyses, training runs): cancelling."""
from __future__ import annotations

from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

#: Status values every job model uses (``TextChoices`` with these values).
QUEUED, RUNNING, CANCELLED = "queued", "running", "cancelled"

Job = TypeVar("Job", bound=models.Model)


def job_cancel(job: Job) -> Job:
    """Queued: cancelled now. Running: ``cancel_requested`` is set and the worker stops at its
    next check. Finished: unchanged. Returns the locked, current row."""
    with transaction.atomic():
        row = type(job).objects.select_for_update().get(pk=job.pk)
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
