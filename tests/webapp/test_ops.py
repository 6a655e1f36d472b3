"""The staff operations page and API: real Redis queue lengths, real Celery workers (by their
heartbeat rows; the SQLite-broker case is ``test_worker_presence.py``)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.webapp.conftest import SHORT_CLIP, wait_for


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_only_staff_see_the_page_and_the_api(user, staff_user, api_client):
    assert logged_in(user).get("/ops/").status_code == 404
    anonymous = Client().get("/ops/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert logged_in(user).get("/api/v1/ops/").status_code == 403
    assert api_client.get("/api/v1/ops/").status_code in (401, 403)
    assert b">Ops<" not in logged_in(user).get("/videos/").content
    assert b">Ops<" in logged_in(staff_user).get("/videos/").content


@pytest.mark.slow
def test_queue_lengths_workers_and_analyses(start_worker, user, staff_user, model_version,
                                            worker_logs, settings):
    from webapp.videos import services
    from webapp.videos.models import Analysis

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("queue lengths are read from Redis")
    staff = logged_in(staff_user)
    _, analysis = services.video_upload(
        owner=user, upload=SimpleUploadedFile("clip.mp4", SHORT_CLIP.read_bytes()),
        analysis_options={"segment_sec": 2.0, "stride_sec": 2.0})
    doc = staff.get("/api/v1/ops/").json()
    assert {q["name"]: q["waiting"] for q in doc["queues"]} == {"cpu": 1, "gpu": 0}
    assert doc["workers"] == []  # none started yet: nobody has announced itself
    assert doc["analyses"]["queued_count"] == 1
    assert doc["analyses"]["queued"][0]["id"] == str(analysis.pk)
    assert doc["analyses"]["queued"][0]["owner"] == user.username

    worker = start_worker()
    worker_logs.append(worker)
    worker.wait_ready()
    wait_for(lambda: Analysis.objects.get(pk=analysis.pk).is_finished, timeout=240,
             message="the analysis to finish")

    def idle_after_a_task() -> dict | None:
        doc = staff.get("/api/v1/ops/").json()
        workers = doc["workers"]
        return doc if workers and workers[0]["tasks_done"] >= 1 and not workers[0]["active"] \
            else None

    doc = wait_for(idle_after_a_task, timeout=30, interval=0.5, message="the next heartbeat")
    assert {q["name"]: q["waiting"] for q in doc["queues"]} == {"cpu": 0, "gpu": 0}
    assert len(doc["workers"]) == 1
    found = doc["workers"][0]
    assert found["name"].startswith("test-") and found["ok"]
    assert found["queues"] == ["cpu", "gpu"]
    assert found["tasks_done"] >= 1 and found["pool"]
    assert doc["analyses"]["queued_count"] == doc["analyses"]["running_count"] == 0
    page = staff.get("/ops/")
    assert page.status_code == 200
    assert found["name"].encode() in page.content
    assert b'data-queue="cpu"' in page.content and b"Nothing queued." in page.content
