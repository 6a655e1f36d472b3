"""Celery tasks: load by id, call one service."""
from __future__ import annotations

from celery import shared_task

from webapp.core.jobs import JobBusy
from webapp.videos import services
from webapp.videos.services import chunked


@shared_task(name=services.ANALYZE_TASK, bind=True, acks_late=True,
             reject_on_worker_lost=True)
def analyze_video(self, analysis_id: str) -> str:
    try:
        return services.analysis_run(analysis_id=analysis_id, task_id=self.request.id or "")
    except JobBusy as busy:  # owner alive, or dead but not yet stale
        raise self.retry(countdown=busy.retry_in_sec, max_retries=None) from None


# A chunk's result is what the chord's merge reads: these two keep their results.
@shared_task(name=chunked.CHUNK_TASK, acks_late=True, reject_on_worker_lost=True,
             ignore_result=False)
def analyze_chunk(*, analysis_id: str, token: str, index: int, start_sec: float,
                  end_sec: float, total_windows: int) -> str:
    return chunked.analysis_chunk_run(analysis_id=analysis_id, token=token, index=index,
                                      start_sec=start_sec, end_sec=end_sec,
                                      total_windows=total_windows)


@shared_task(name=chunked.MERGE_TASK, acks_late=True, reject_on_worker_lost=True,
             ignore_result=False)
def merge_chunks(outcomes: list[str], *, analysis_id: str, token: str, chunk_count: int,
                 ) -> str:
    return chunked.analysis_chunks_merge(outcomes=outcomes, analysis_id=analysis_id,
                                         token=token, chunk_count=chunk_count)


@shared_task(name="videos.watchdog")
def watchdog() -> int:
    """Reap stale analyses (how many: the result) and expire abandoned resumable uploads."""
    services.resumable_uploads_expire()
    return len(services.analyses_reap_stale())
