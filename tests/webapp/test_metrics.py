"""``/metrics``: the families and their values from real rows (PostgreSQL in ``make test``) and
the real Redis broker, who may read them, and the collector hook the cameras app uses."""
from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from tests.webapp.conftest import _flush_broker
from webapp.core import metrics

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}
PUBLIC = {"REMOTE_ADDR": "203.0.113.9"}


def scrape(**meta: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(sample name, sorted labels): value}`` of one scrape (which must be allowed)."""
    response = Client().get("/metrics", **meta)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


def by_label(samples: dict, name: str, label: str) -> dict[str, float]:
    return {dict(labels)[label]: value for (sample, labels), value in samples.items()
            if sample == name}


@pytest.mark.django_db
def test_jobs_and_alerts_are_counted_by_status_from_the_database(owned, model_version):
    from webapp.alerts.models import Alert
    from webapp.training_runs.models import TrainingRun
    from webapp.videos.models import Analysis, AnalysisStatus

    video, succeeded = owned
    for status in ("queued", "queued", "running", "failed"):
        Analysis.objects.create(video=video, model_version=model_version, status=status,
                                segment_sec=2, stride_sec=2, threshold=0.5,
                                created_by=video.owner)
    TrainingRun.objects.create(status="running")
    TrainingRun.objects.create(status="cancelled")
    alert = {"owner": video.owner, "analysis": succeeded, "label": "abseiling", "end_sec": 2,
             "peak_score": 0.9, "mean_score": 0.8, "peak_sec": 1}
    Alert.objects.create(start_sec=0, **alert)
    Alert.objects.create(start_sec=1, **alert)
    Alert.objects.create(start_sec=2, acknowledged_at=timezone.now(), **alert)
    Alert.objects.create(start_sec=3, false_alarm=True, acknowledged_at=timezone.now(), **alert)
    assert Analysis.objects.filter(status=AnalysisStatus.SUCCEEDED).count() == 1

    samples = scrape(**LOOPBACK)
    assert by_label(samples, "vigil_analyses", "status") == {
        "queued": 2, "running": 1, "succeeded": 1, "failed": 1, "cancelled": 0}
    assert by_label(samples, "vigil_training_runs", "status") == {
        "queued": 0, "running": 1, "succeeded": 0, "failed": 0, "cancelled": 1}
    assert by_label(samples, "vigil_alerts", "state") == {
        "open": 2, "acknowledged": 1, "false_alarm": 1}
    assert set(by_label(samples, "vigil_collector_up", "collector").values()) == {1.0}

    Analysis.objects.filter(status="queued").update(status="running")
    assert by_label(scrape(**LOOPBACK), "vigil_analyses", "status")["running"] == 3


@pytest.mark.django_db
def test_http_requests_are_counted_and_timed_by_method_and_status():
    def count(samples: dict, method: str, status: str) -> float:
        key = ("vigil_http_requests_total", (("method", method), ("status", status)))
        return samples.get(key, 0.0)

    before = scrape(**LOOPBACK)
    client = Client()
    for _ in range(3):
        assert client.get("/no-such-page/").status_code == 404
    brewed = client.generic("BREW", "/healthz").status_code  # a method nobody lists
    after = scrape(**LOOPBACK)
    assert count(after, "GET", "404") - count(before, "GET", "404") == 3
    assert count(after, "other", str(brewed)) - count(before, "other", str(brewed)) == 1
    assert not any(dict(labels).get("method") == "BREW" for (_, labels) in after)
    # The first scrape itself was counted once it had answered.
    assert count(after, "GET", "200") - count(before, "GET", "200") >= 1
    hist = ("vigil_http_request_duration_seconds_count", (("method", "GET"),))
    assert after[hist] - before.get(hist, 0.0) >= 4


@pytest.mark.django_db
def test_queue_lengths_come_from_the_redis_broker(settings):
    from webapp.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("queue lengths are read from Redis")
    _flush_broker()
    try:
        for _ in range(3):
            app.send_task("videos.analyze", args=["not-a-real-id"], queue="gpu")
        app.send_task("videos.analyze", args=["not-a-real-id"], queue="gpu", priority=6)
        lengths = by_label(scrape(**LOOPBACK), "vigil_celery_queue_length", "queue")
    finally:
        _flush_broker()
    assert lengths == {"cpu": 0, "gpu": 4}


@pytest.mark.django_db
def test_queue_lengths_are_skipped_on_the_embedded_broker(settings):
    settings.CELERY_BROKER_URL = "sqla+sqlite:////nonexistent/celery-broker.sqlite3"
    samples = scrape(**LOOPBACK)
    assert not by_label(samples, "vigil_celery_queue_length", "queue")
    assert by_label(samples, "vigil_collector_up", "collector")["queues"] == 1


@pytest.mark.django_db
def test_refused_from_a_public_address_without_the_token(settings):
    settings.VIGIL_METRICS_TOKEN = "s3cret-token"
    refused = Client().get("/metrics", **PUBLIC)
    assert refused.status_code == 403 and b"vigil_" not in refused.content
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-tokeN", **PUBLIC)
    assert wrong.status_code == 403
    assert "vigil_analyses" in {key[0] for key in scrape(
        HTTP_AUTHORIZATION="Bearer s3cret-token", **PUBLIC)}
    settings.VIGIL_METRICS_TOKEN = ""  # no token set: a token-less header proves nothing
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ", **PUBLIC).status_code == 403
    for private in ("10.1.2.3", "192.168.0.7", "172.20.0.3", "::1"):
        scrape(REMOTE_ADDR=private)
    settings.VIGIL_METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert Client().get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


@pytest.mark.django_db
def test_behind_a_proxy_the_client_address_decides(settings):
    proxied = {"REMOTE_ADDR": "172.18.0.5"}  # nginx on the compose network
    settings.VIGIL_TRUSTED_PROXIES = []
    # An untrusted proxy relays: its private address says nothing about the client.
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="192.168.1.7",
                        **proxied).status_code == 403
    settings.VIGIL_TRUSTED_PROXIES = ["172.16.0.0/12"]
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9",
                        **proxied).status_code == 403
    # A client cannot hide behind a forged private entry: nginx appends the real one.
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9",
                        **proxied).status_code == 403
    scrape(HTTP_X_FORWARDED_FOR="192.168.1.7", **proxied)
    scrape(**proxied)  # Prometheus on the compose network, scraping directly


@pytest.mark.django_db
def test_answered_whatever_the_host_like_a_probe(settings):
    settings.ALLOWED_HOSTS = ["vigil.example.com"]
    response = Client().get("/metrics", HTTP_HOST="web:8000", **LOOPBACK)
    assert response.status_code == 200 and b"vigil_analyses" in response.content


@pytest.mark.django_db
def test_a_failing_collector_costs_only_its_own_families(monkeypatch):
    def broken() -> list:
        raise RuntimeError("the camera table is gone")

    monkeypatch.setitem(metrics._collectors, "broken", broken)
    samples = scrape(**LOOPBACK)
    up = by_label(samples, "vigil_collector_up", "collector")
    assert up["broken"] == 0 and up["analyses"] == 1
    assert by_label(samples, "vigil_analyses", "status")["queued"] == 0


@pytest.mark.django_db
def test_cameras_contribute_their_families_through_the_hook(monkeypatch):
    stats = [
        metrics.CameraStats(camera="gate", state="live", fps_in=15.0, fps_out=7.5,
                            lag_sec=0.4, reconnects=2, dropped_windows=5),
        metrics.CameraStats(camera="yard", state="reconnecting", fps_in=0.0, fps_out=0.0,
                            lag_sec=12.0, reconnects=7, dropped_windows=0),
    ]
    monkeypatch.setitem(metrics._collectors, "cameras", lambda: metrics.camera_families(stats))
    samples = scrape(**LOOPBACK)
    assert by_label(samples, "vigil_camera_fps_in", "camera") == {"gate": 15.0, "yard": 0.0}
    assert by_label(samples, "vigil_camera_fps_out", "camera") == {"gate": 7.5, "yard": 0.0}
    assert by_label(samples, "vigil_camera_lag_seconds", "camera") == {"gate": 0.4, "yard": 12.0}
    assert by_label(samples, "vigil_camera_reconnects_total", "camera") == {"gate": 2, "yard": 7}
    assert by_label(samples, "vigil_camera_dropped_windows_total", "camera") == {
        "gate": 5, "yard": 0}
    assert by_label(samples, "vigil_camera_up", "state") == {"live": 1, "reconnecting": 1}
    assert by_label(samples, "vigil_collector_up", "collector")["cameras"] == 1


@pytest.mark.django_db
def test_camera_families_come_from_what_the_camera_worker_wrote(staff_user, model_version):
    from webapp.cameras import services as camera_services
    from webapp.cameras.models import CameraRuntime

    camera = camera_services.camera_create(
        owner=staff_user, name="gate", url="rtsp://10.0.0.5:554/stream", source_tag="gate",
        model_version=model_version, watched_labels=["abseiling"], threshold=0.6)
    CameraRuntime.objects.filter(camera=camera).update(
        state="live", fps_in=15.0, fps_scored=0.5, lag_sec=1.5, reconnects=3, windows_dropped=4)

    samples = scrape(**LOOPBACK)
    assert by_label(samples, "vigil_camera_fps_in", "camera") == {"gate": 15.0}
    assert by_label(samples, "vigil_camera_fps_out", "camera") == {"gate": 0.5}
    assert by_label(samples, "vigil_camera_lag_seconds", "camera") == {"gate": 1.5}
    assert by_label(samples, "vigil_camera_reconnects_total", "camera") == {"gate": 3}
    assert by_label(samples, "vigil_camera_dropped_windows_total", "camera") == {"gate": 4}
    assert samples[("vigil_camera_up", (("camera", "gate"), ("state", "live")))] == 1
