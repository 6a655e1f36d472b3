"""The shared job lifecycle (``webapp.core.jobs``) as the apps use it: enqueue on commit and
the announcement of a succeeded analysis."""
from __future__ import annotations

import pytest
from celery import current_app

from webapp.alerts.services import EVALUATE_TASK
from webapp.core import jobs
from webapp.videos import services
from webapp.videos.models import Analysis, AnalysisStatus
from webapp.videos.signals import analysis_succeeded

pytestmark = pytest.mark.django_db


def _refuse(*args, **kwargs):
    raise ConnectionError("broker down")


def test_a_job_whose_task_cannot_be_sent_fails_with_the_reason(
        owned, user, monkeypatch, django_capture_on_commit_callbacks) -> None:
    video, _ = owned
    monkeypatch.setattr(current_app, "send_task", _refuse)
    with django_capture_on_commit_callbacks(execute=True):
        analysis = services.analysis_start(video=video, created_by=user)
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.FAILED and analysis.error_code == "broker"
    assert analysis.error == "could not queue the analysis: broker down"
    assert analysis.finished_at is not None


def test_job_end_writes_only_for_the_owning_token(owned) -> None:
    _, analysis = owned
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.RUNNING,
                                                   run_token="mine")
    assert not jobs.job_end(Analysis, pk=analysis.pk, token="theirs", status="failed")
    assert jobs.job_end(Analysis, pk=analysis.pk, token="mine", status="failed",
                        error="x" * 5000, code="oops")
    analysis.refresh_from_db()
    assert (analysis.status, len(analysis.error), analysis.error_code) == ("failed", 4000, "oops")


def test_a_succeeded_analysis_is_announced_and_alerts_queue_its_evaluation(
        owned, monkeypatch, django_capture_on_commit_callbacks) -> None:
    _, analysis = owned
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, **kw: sent.append((name, kw)))
    assert analysis_succeeded.has_listeners(sender=Analysis)
    with django_capture_on_commit_callbacks(execute=True):
        services.worker._announce_succeeded(analysis.pk)
    assert sent == [(EVALUATE_TASK, {"args": [str(analysis.pk)], "task_id": None,
                                     "queue": "cpu"})]
