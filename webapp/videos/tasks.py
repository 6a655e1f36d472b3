"""Celery tasks: load by id, call one service."""
from __future__ import annotations

from celery import shared_task

from webapp.core.jobs import JobBusy
from webapp.videos import services


@shared_task(name=services.ANALYZE_TASK, bind=True, acks_late=True,
             reject_on_worker_lost=True)
def analyze_video(self, analysis_id: str) -> str:
    try:
        return services.analysis_run(analysis_id=analysis_id, task_id=self.request.id or "")
    except JobBusy as busy:  # owner alive, or dead but not yet stale
        raise self.retry(countdown=busy.retry_in_sec, max_retries=None) from None


@shared_task(name="videos.watchdog")
def watchdog() -> int:
    return len(services.analyses_reap_stale())
