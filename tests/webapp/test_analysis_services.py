"""Analysis services without a worker: claiming (re-delivery rules), watchdog, upserts."""
from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from inference.types import SegmentScore
from webapp.core.jobs import JobBusy
from webapp.videos import services
from webapp.videos.models import Analysis, AnalysisStatus, Segment

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(owned):
    _, analysis = owned
    Analysis.objects.filter(pk=analysis.pk).update(
        status=AnalysisStatus.QUEUED, celery_task_id="task-1", attempts=0, results_file="",
        annotated_file="", finished_at=None)
    analysis.refresh_from_db()
    return analysis


def make_running(analysis: Analysis, *, heartbeat_age_sec: float, attempts: int = 1) -> None:
    beat = timezone.now() - timedelta(seconds=heartbeat_age_sec)
    Analysis.objects.filter(pk=analysis.pk).update(
        status=AnalysisStatus.RUNNING, heartbeat_at=beat, started_at=beat, attempts=attempts,
        run_token="old-token")


def test_superseded_or_finished_messages_are_skipped(analysis):
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-0") == "skipped"
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.QUEUED
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.SUCCEEDED)
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1") == "skipped"
    missing = "00000000-0000-0000-0000-000000000000"
    assert services.analysis_run(analysis_id=missing, task_id="x") == "skipped"


def test_cancel_requested_before_start_ends_cancelled(analysis):
    Analysis.objects.filter(pk=analysis.pk).update(cancel_requested=True)
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1") == "skipped"
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.CANCELLED


def test_a_live_owner_is_left_alone_and_checked_again_once_it_could_be_stale(analysis,
                                                                           settings):
    settings.VIGIL_STALE_AFTER_SEC = 60
    make_running(analysis, heartbeat_age_sec=5)
    with pytest.raises(JobBusy) as busy:
        services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1")
    assert 55 <= busy.value.retry_in_sec <= 57
    analysis.refresh_from_db()
    assert analysis.run_token == "old-token"
    assert analysis.attempts == 1


def test_redelivery_after_a_dead_worker_takes_over_cleanly(analysis, settings):
    settings.VIGIL_STALE_AFTER_SEC = 60
    settings.VIGIL_MAX_ATTEMPTS = 2
    make_running(analysis, heartbeat_age_sec=120, attempts=1)
    services.segments_upsert(analysis_id=analysis.pk, segments=[
        SegmentScore(index=0, start_sec=0, end_sec=2, top=(("abseiling", 0.4),),
                     scores={"abseiling": 0.4})])
    claim = services.worker._analysis_claim(analysis_id=str(analysis.pk), task_id="task-1")
    assert claim is not None
    claimed, token = claim
    assert token != "old-token"
    assert claimed.status == AnalysisStatus.RUNNING
    assert claimed.attempts == 2
    assert not Segment.objects.filter(analysis=analysis).exists()  # partial rows gone


def test_too_many_attempts_fail_with_a_reason(analysis, settings):
    settings.VIGIL_STALE_AFTER_SEC = 60
    settings.VIGIL_MAX_ATTEMPTS = 2
    make_running(analysis, heartbeat_age_sec=120, attempts=2)
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1") == "skipped"
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.FAILED
    assert "worker stopped responding" in analysis.error
    assert "gave up after 2 attempts" in analysis.error


def test_segment_upsert_is_idempotent(analysis):
    first = SegmentScore(index=3, start_sec=3, end_sec=5, top=(("archery", 0.2),),
                         scores={"abseiling": 0.1})
    again = SegmentScore(index=3, start_sec=3, end_sec=5, top=(("archery", 0.6),),
                         scores={"abseiling": 0.7})
    services.segments_upsert(analysis_id=analysis.pk, segments=[first])
    services.segments_upsert(analysis_id=analysis.pk, segments=[again])
    rows = Segment.objects.filter(analysis=analysis, index=3)
    assert rows.count() == 1
    row = rows.get()
    assert row.scores == {"abseiling": 0.7}
    assert row.max_score == pytest.approx(0.7)
    assert row.label_scores == {"archery": 0.6, "abseiling": 0.7}


def test_watchdog_fails_a_stale_analysis_with_the_heartbeat_time(analysis, settings):
    settings.VIGIL_MAX_ATTEMPTS = 1
    make_running(analysis, heartbeat_age_sec=300, attempts=1)
    reaped = services.analyses_reap_stale(stale_after_sec=120)
    assert [(r.job_id, r.action) for r in reaped] == [(analysis.pk, "failed")]
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.FAILED
    assert analysis.error_code == "worker_lost"
    assert analysis.error.startswith("worker stopped responding (heartbeat stale since ")
    assert analysis.finished_at is not None


def test_watchdog_requeues_once_under_a_new_task_id(analysis, settings,
                                                    django_capture_on_commit_callbacks):
    settings.VIGIL_MAX_ATTEMPTS = 2
    make_running(analysis, heartbeat_age_sec=300, attempts=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reaped = services.analyses_reap_stale(stale_after_sec=120)
    assert [r.action for r in reaped] == ["requeued"]
    assert len(callbacks) == 1
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.QUEUED
    assert analysis.celery_task_id != "task-1"
    # The old message, if the broker re-delivers it, now steps aside.
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1") == "skipped"


def test_watchdog_leaves_fresh_and_finished_analyses_alone(analysis):
    make_running(analysis, heartbeat_age_sec=5)
    assert services.analyses_reap_stale(stale_after_sec=120) == []
    Analysis.objects.filter(pk=analysis.pk).update(
        status=AnalysisStatus.SUCCEEDED, heartbeat_at=timezone.now() - timedelta(days=1))
    assert services.analyses_reap_stale(stale_after_sec=120) == []


def test_watchdog_cancels_a_stale_analysis_that_was_being_cancelled(analysis):
    make_running(analysis, heartbeat_age_sec=300)
    Analysis.objects.filter(pk=analysis.pk).update(cancel_requested=True)
    assert [r.action for r in services.analyses_reap_stale(stale_after_sec=120)] == [
        "cancelled"]


def test_watchdog_command_and_task_call_the_service(analysis, settings):
    settings.VIGIL_MAX_ATTEMPTS = 1
    make_running(analysis, heartbeat_age_sec=600)
    out = StringIO()
    call_command("vigil_watchdog", "--stale-after", "60", stdout=out)
    assert f"{analysis.pk}: failed" in out.getvalue()
    from webapp.videos.tasks import watchdog

    make_running(analysis, heartbeat_age_sec=settings.VIGIL_STALE_AFTER_SEC + 60)
    assert watchdog.apply().get() == 1


def test_missing_default_weights_fail_with_the_library_message(analysis, settings, tmp_path):
    """Pretrained weights cannot be downloaded here: the run fails, saying where to put them."""
    version = analysis.model_version
    version.arch, version.weights = "r3d_18", "default"
    version.save()
    settings.VIGIL_MODEL_DIR = str(tmp_path / "models")
    assert services.analysis_run(analysis_id=str(analysis.pk), task_id="task-1") == "failed"
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.FAILED
    assert analysis.error_code == "model"
    assert "r3d_18" in analysis.error
    assert str(tmp_path / "models") in analysis.error
    assert analysis.finished_at is not None
