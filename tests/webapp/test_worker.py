"""End to end with a real Celery worker subprocess, the real broker and the test database."""
from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inference.results import validate_document
from tests.webapp.conftest import LONGER_CLIP, SHORT_CLIP, wait_for
from webapp.celery import app
from webapp.videos import services
from webapp.videos.models import Analysis, AnalysisStatus, Event, Segment
from webapp.videos.selectors import stored_names

pytestmark = pytest.mark.slow

FINISHED = {AnalysisStatus.SUCCEEDED, AnalysisStatus.FAILED, AnalysisStatus.CANCELLED}


def upload(api_client, clip, **options):
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile(clip.name, clip.read_bytes()), **options},
        format="multipart")
    assert response.status_code == 201, response.content
    return Analysis.objects.get(pk=response.json()["analysis"]["id"])


def status_of(analysis: Analysis) -> str:
    return Analysis.objects.values_list("status", flat=True).get(pk=analysis.pk)


def wait_finished(analysis: Analysis, *, timeout: float) -> Analysis:
    wait_for(lambda: status_of(analysis) in FINISHED, timeout=timeout, interval=0.25,
             message=f"analysis {analysis.pk} to finish")
    analysis.refresh_from_db()
    return analysis


def test_uploaded_video_is_analysed_by_a_real_worker(start_worker, worker_logs, api_client,
                                                     user, model_version, settings):
    worker = start_worker()
    worker_logs.append(worker)
    api_client.force_authenticate(user)
    analysis = upload(api_client, SHORT_CLIP, segment_sec="2", stride_sec="2",
                      threshold="0.001", labels=["abseiling", "archery"])
    assert analysis.status == AnalysisStatus.QUEUED

    # Live progress: segments appear while it runs, then it finishes.
    analysis = wait_finished(analysis, timeout=180)
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    assert (analysis.stage, analysis.percent) == ("done", 100.0)
    assert analysis.attempts == 1
    assert analysis.started_at <= analysis.heartbeat_at <= analysis.finished_at
    assert analysis.untrained is True and analysis.model_weights == "random"

    results_path = settings.MEDIA_ROOT / analysis.results_file
    document = json.loads(results_path.read_text())
    validate_document(document)
    assert document["model"]["weights"] == "random"
    assert document["config"]["watched_labels"] == ["abseiling", "archery"]
    segments = list(Segment.objects.filter(analysis=analysis).order_by("index"))
    assert [s.index for s in segments] == [s["index"] for s in document["segments"]]
    assert len(segments) == 3  # 5.3 s in 2 s windows every 2 s, the last one end-aligned
    assert set(segments[0].scores) == {"abseiling", "archery"}
    assert Event.objects.filter(analysis=analysis).count() == len(document["events"]) >= 1

    annotated = settings.MEDIA_ROOT / analysis.annotated_file
    assert annotated.read_bytes()[4:8] == b"ftyp"
    assert api_client.get(f"/api/v1/analyses/{analysis.pk}/results/").json() == document
    progress = api_client.get(f"/api/v1/analyses/{analysis.pk}/progress/").json()
    assert progress["finished"] and len(progress["segments"]) == 3

    # The render pass left a thumbnail sheet (a tile a second) beside the annotated video.
    assert analysis.thumbs_file == f"analyses/{analysis.pk}/thumbs.jpg"
    assert analysis.thumbs_index["count"] == 6 and analysis.thumbs_index["interval_sec"] == 1.0
    assert (settings.MEDIA_ROOT / analysis.thumbs_file).read_bytes()[:3] == b"\xff\xd8\xff"
    assert progress["thumbs_url"] == f"/analyses/{analysis.pk}/thumbs.jpg"
    assert progress["thumbs_index"] == analysis.thumbs_index
    assert f"analyses/{analysis.pk}/thumbs.json" in set(stored_names())


def test_cancel_stops_a_running_analysis(start_worker, worker_logs, api_client, user,
                                         model_version):
    worker = start_worker()
    worker_logs.append(worker)
    api_client.force_authenticate(user)
    analysis = upload(api_client, LONGER_CLIP, segment_sec="1", stride_sec="0.25")
    wait_for(lambda: status_of(analysis) == AnalysisStatus.RUNNING, timeout=120,
             message="the analysis to start")
    response = api_client.post(f"/api/v1/analyses/{analysis.pk}/cancel/")
    assert response.status_code == 200
    analysis = wait_finished(analysis, timeout=60)
    assert analysis.status == AnalysisStatus.CANCELLED
    assert analysis.finished_at is not None
    assert not analysis.annotated_file


def test_killed_worker_never_leaves_an_analysis_running(start_worker, worker_logs, api_client,
                                                        user, model_version):
    """SIGKILL the worker mid-analysis: the message is re-delivered (acks_late +
    reject_on_worker_lost + a short visibility timeout) and a new worker takes over; the
    watchdog is the fallback (what beat runs every minute). Either way: a final state."""
    env = {"VIGIL_BROKER_VISIBILITY_TIMEOUT": "8", "VIGIL_STALE_AFTER_SEC": "4",
           "VIGIL_BROKER_RESTORE_INTERVAL_SEC": "2", "VIGIL_BROKER_RESTORE_THROTTLE": "1"}
    first = start_worker(**env)
    worker_logs.append(first)
    api_client.force_authenticate(user)
    analysis = upload(api_client, LONGER_CLIP, segment_sec="2", stride_sec="1")
    wait_for(lambda: Segment.objects.filter(analysis=analysis).exists(), timeout=120,
             interval=0.05, message="the first segment")
    assert status_of(analysis) == AnalysisStatus.RUNNING
    first.kill()
    killed_at = time.monotonic()
    partial = Segment.objects.filter(analysis=analysis).count()
    assert status_of(analysis) == AnalysisStatus.RUNNING  # nobody has noticed yet

    second = start_worker(**env)
    worker_logs.append(second)
    second.wait_ready()
    reaped = []

    def settled() -> bool:
        if status_of(analysis) in FINISHED:
            return True
        if time.monotonic() - killed_at > 45 and not reaped:
            # Re-delivery did not happen (e.g. a broker without visibility timeouts).
            reaped.extend(services.analyses_reap_stale(stale_after_sec=4))
        return False

    wait_for(settled, timeout=150, interval=0.25, message="the analysis to settle")
    analysis.refresh_from_db()
    assert analysis.status in (AnalysisStatus.SUCCEEDED, AnalysisStatus.FAILED)
    if analysis.status == AnalysisStatus.FAILED:
        assert "worker stopped responding" in analysis.error
    else:
        assert analysis.attempts == 2  # the second run started cleanly
        indices = list(Segment.objects.filter(analysis=analysis)
                       .order_by("index").values_list("index", flat=True))
        assert indices == list(range(len(indices)))
        assert len(indices) >= partial
        assert analysis.heartbeat_at <= timezone.now()
    if str(app.conf.broker_url).startswith("redis"):
        assert reaped == []  # Redis re-delivered the unacknowledged message by itself
    print(f"kill test: {analysis.status} after {analysis.attempts} attempts; "
          f"watchdog actions: {[r.action for r in reaped]}")
