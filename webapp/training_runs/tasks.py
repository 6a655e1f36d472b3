"""Celery tasks: load by id, call one service."""
from __future__ import annotations

from celery import shared_task

from webapp.core.jobs import JobBusy
from webapp.training_runs import services


@shared_task(name=services.TRAIN_TASK, bind=True, acks_late=True, reject_on_worker_lost=True)
def train(self, training_run_id: str) -> str:
    try:
        return services.training_run_execute(run_id=training_run_id,
                                             task_id=self.request.id or "")
    except JobBusy as busy:  # owner alive, or dead but not yet stale
        raise self.retry(countdown=busy.retry_in_sec, max_retries=None) from None


@shared_task(name=services.EVALUATE_TASK, acks_late=True, reject_on_worker_lost=True)
def evaluate(evaluation_id: str) -> str:
    return services.evaluation_execute(evaluation_id=evaluation_id)


@shared_task(name="training_runs.watchdog")
def watchdog() -> int:
    return len(services.training_runs_reap_stale())
