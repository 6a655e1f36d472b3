"""Sending a job's Celery task, once the transaction that created the job commits."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import current_app
from django.db import models, transaction
from django.utils import timezone

from webapp.core.jobs.lifecycle import FAILED, QUEUED, JobRow, has_field

logger = logging.getLogger(__name__)

#: ``on_failure(job pk, error message)``: what a job whose task could not be sent becomes.
OnFailure = Callable[[Any, str], None]


def task_send(task: str, *, args: list[Any], queue: str, task_id: str | None = None,
              ) -> Exception | None:
    """Send the Celery task named ``task``; the broker's error is logged and returned.

    The line logged on success ties the task id to the request (or task) that sent it.
    """
    try:
        result = current_app.send_task(task, args=args, task_id=task_id, queue=queue)
    except Exception as exc:
        logger.exception("could not queue %s%r", task, args)
        return exc
    logger.info("sent %s[%s] to %s", task, task_id or result.id, queue)
    return None


def enqueue_on_commit(job: JobRow, *, task: str, label: str, queue: str | None = None,
                      args: list[Any] | None = None, on_failure: OnFailure | None = None,
                      ) -> None:
    """Send ``task`` for ``job`` under its ``celery_task_id`` once the transaction commits.

    ``queue`` defaults to the job's; ``args`` to ``[str(pk)]``. When the broker refuses, the
    job, if still queued, fails with the reason (``error_code`` ``broker`` where the model
    has one); ``on_failure`` replaces that.
    """
    transaction.on_commit(partial(
        _send, type(job), job.pk, task=task, label=label, task_id=job.celery_task_id,
        queue=queue or job.queue, args=[str(job.pk)] if args is None else args,
        on_failure=on_failure))


def _send(model: type[models.Model], pk: Any, *, task: str, label: str, task_id: str,
          queue: str, args: list[Any], on_failure: OnFailure | None) -> None:
    error = task_send(task, args=args, queue=queue, task_id=task_id)
    if error is None:
        return
    message = f"could not queue the {label}: {error}"
    if on_failure is not None:
        on_failure(pk, message)
        return
    fields: dict[str, Any] = {"status": FAILED, "error": message, "finished_at": timezone.now()}
    if has_field(model, "error_code"):
        fields["error_code"] = "broker"
    model._default_manager.filter(pk=pk, status=QUEUED).update(**fields)
