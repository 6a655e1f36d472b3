"""Celery tasks: load by id, call one service."""
from __future__ import annotations

from celery import shared_task

from webapp.datasets import services


@shared_task(name=services.IMPORT_TASK, acks_late=True, reject_on_worker_lost=True)
def import_clips(job_id: int) -> str:
    return services.dataset_import_run(job_id=job_id)
