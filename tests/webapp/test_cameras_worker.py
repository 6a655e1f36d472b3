"""Cameras end to end with real processes: a loopback RTSP camera serving a fight clip, real
``manage.py vigil_cameras`` workers, a real Celery worker delivering to a local webhook
receiver. A fight produces an incident with a pre-roll clip and a signed webhook; two camera
workers never both hold the camera, and a killed one's camera is taken over within the lease.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import av
import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.live_servers import RtspServer
from tests.webapp.alert_receiver import Receiver
from tests.webapp.conftest import CAMERA_LEASE_SEC, CAMERA_TICK_SEC, wait_for
from webapp.alerts import services as alert_services
from webapp.alerts.models import Alert, Delivery
from webapp.alerts.signing import secret_key
from webapp.cameras import services
from webapp.cameras.models import CameraIncident, CameraRuntime
from webapp.models_registry.models import ModelVersion

pytestmark = pytest.mark.slow


def holder(camera_id: int) -> str:
    return CameraRuntime.objects.get(camera_id=camera_id).worker


def test_a_fight_on_a_live_camera_raises_an_incident_clip_and_signed_webhook(
        camera_workers, start_worker, worker_logs, staff_user, fight_stream, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    celery = start_worker(VIGIL_WEBHOOK_ALLOW_PRIVATE="true", VIGIL_WEBHOOK_TIMEOUT_SEC="5")
    worker_logs.append(celery)
    version = ModelVersion.objects.create(name="fight_detector", arch="fight_detector",
                                          weights="default", labels=["fight", "no_fight"])
    receiver = Receiver()
    with RtspServer(fight_stream) as rtsp:
        try:
            webhook = alert_services.webhook_create(owner=staff_user, url=receiver.url)
            alert_services.alert_rule_create(owner=staff_user, name="fights", labels=["fight"],
                                             enter_threshold=0.5, source_tag="yard")
            camera = services.camera_create(
                owner=staff_user, name="yard", url=rtsp.url.replace("rtsp://",
                                                                    "rtsp://cam:pw@"),
                model_version=version, watched_labels=["fight"], threshold=0.5,
                source_tag="yard")
            worker = camera_workers("a")
            worker.wait_ready()
            wait_for(lambda: CameraRuntime.objects.get(camera=camera).state == "live",
                     timeout=120, message="the camera to go live")
            wait_for(lambda: CameraIncident.objects.filter(camera=camera).exists(),
                     timeout=240, interval=0.5, message="an incident")
            wait_for(lambda: receiver.requests, timeout=60, interval=0.2,
                     message="the webhook delivery")
            incident = CameraIncident.objects.filter(camera=camera).first()
            assert incident is not None
            webhook_after_incident_sec = (timezone.now() - incident.created_at).total_seconds()
            assert incident is not None and incident.label == "fight"
            assert incident.peak_score >= 0.5
            request = receiver.requests[0]
            assert request.signed_with(secret_key(webhook.secret))
            body = json.loads(request.body)
            assert body["camera"]["name"] == "yard" and body["alert"]["label"] == "fight"
            assert body["links"]["clip"]
            alert = Alert.objects.get(camera_incident=incident)
            wait_for(lambda: Delivery.objects.filter(alert=alert, status="succeeded").exists(),
                     timeout=30, message="the delivery row (written after the response)")
            # The clip: H.264, stored once the event ended, starting before onset (pre-roll).
            wait_for(lambda: CameraIncident.objects.get(pk=incident.pk).clip_ready,
                     timeout=240, interval=0.5, message="the incident's clip")
            incident.refresh_from_db()
            with av.open(str(Path(django_settings.MEDIA_ROOT) / incident.clip)) as clip:
                stream = clip.streams.video[0]
                assert stream.codec_context.name == "h264"
                duration_sec = float(clip.duration or 0) / av.time_base
            assert incident.clip_start_at is not None and duration_sec >= 1.0
            preroll_sec = (incident.onset_at - incident.clip_start_at).total_seconds()
            assert preroll_sec > 0, preroll_sec
            runtime = CameraRuntime.objects.get(camera=camera)
            assert runtime.fps_in > 0 and runtime.windows_scored > 0
            assert runtime.preview_jpeg and bytes(runtime.preview_jpeg)[:2] == b"\xff\xd8"
            assert runtime.scores["labels"] == ["fight"] and runtime.scores["points"]
            assert worker.terminate() == 0
            assert CameraRuntime.objects.get(camera=camera).worker == ""  # released on SIGTERM
            sys.stderr.write(f"webhook received {webhook_after_incident_sec:.1f} s after the "
                             f"incident row was written; clip {duration_sec:.1f} s, pre-roll "
                             f"{preroll_sec:.1f} s; lag {runtime.lag_sec:.1f} s, "
                             f"{runtime.windows_dropped} windows dropped\n")
        finally:
            receiver.close()


def test_two_camera_workers_never_share_a_camera_and_a_killed_ones_is_taken_over(
        camera_workers, staff_user, fight_stream):
    version = ModelVersion.objects.create(name="fight_detector", arch="fight_detector",
                                          weights="default", labels=["fight", "no_fight"])
    with RtspServer(fight_stream) as rtsp:
        camera = services.camera_create(owner=staff_user, name="door", url=rtsp.url,
                                        model_version=version, watched_labels=["fight"])
        workers = {name: camera_workers(name) for name in ("a", "b")}
        for worker in workers.values():
            worker.wait_ready()
        wait_for(lambda: holder(camera.pk), timeout=30, message="a worker to claim the camera")
        first = holder(camera.pk)
        other = "b" if first == "a" else "a"
        # Both run for a few leases: the holder keeps it, the other never claims it.
        deadline = time.monotonic() + 3 * CAMERA_LEASE_SEC
        while time.monotonic() < deadline:
            assert holder(camera.pk) == first
            time.sleep(0.5)
        assert "lease claimed" in workers[first].log()
        assert "lease claimed" not in workers[other].log()
        killed_at = time.monotonic()
        workers[first].kill()
        wait_for(lambda: holder(camera.pk) == other,
                 timeout=CAMERA_LEASE_SEC + 4 * CAMERA_TICK_SEC + 10, interval=0.2,
                 message="the other worker to take the camera over")
        takeover_sec = time.monotonic() - killed_at
        assert takeover_sec <= CAMERA_LEASE_SEC + 2 * CAMERA_TICK_SEC + 2.0, takeover_sec
        wait_for(lambda: CameraRuntime.objects.get(camera=camera).state in ("connecting", "live"),
                 timeout=60, message="the new holder to run the camera")
        assert workers[other].alive
        sys.stderr.write(f"takeover {takeover_sec:.1f} s after SIGKILL "
                         f"(lease {CAMERA_LEASE_SEC} s)\n")
