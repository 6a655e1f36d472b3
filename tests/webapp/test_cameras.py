"""Cameras in the web process: staff-only CRUD (API and pages), URL masking and encryption at
rest, schedules, leases under concurrent claims, incidents into the existing alerts."""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from inference.live import redact_url
from tests.webapp.alert_receiver import Receiver
from webapp.alerts import services as alert_services
from webapp.alerts.models import Alert, Delivery
from webapp.cameras import selectors, services
from webapp.cameras.models import Camera, CameraIncident, CameraProbe, CameraRuntime
from webapp.cameras.secrets import UrlUndecryptable

SECRET_URL = "rtsp://admin:s3cr3t-Pa55@10.0.0.5:554/Streaming/101?token=abc123"


@pytest.fixture
def camera(staff_user, model_version) -> Camera:
    return services.camera_create(owner=staff_user, name="gate", url=SECRET_URL,
                                  model_version=model_version, watched_labels=["abseiling"],
                                  threshold=0.6, source_tag="gate")


def api_body(model_version, **fields) -> dict:
    return {"name": "yard", "url": SECRET_URL, "model_version": model_version.pk,
            "watched_labels": ["abseiling"], "threshold": 0.5, **fields}


# --- Masking and encryption at rest ---------------------------------------------------------

@pytest.mark.parametrize(("url", "masked"), [
    (SECRET_URL, "rtsp://admin:***@10.0.0.5:554/Streaming/101?token=***"),
    ("rtsp://10.0.0.5/live", "rtsp://10.0.0.5/live"),
    ("https://user@cam.example/hls/index.m3u8", "https://user@cam.example/hls/index.m3u8"),
    ("http://a:b:c@[fe80::1]:8080/mjpg", "http://a:***@[fe80::1]:8080/mjpg"),
])
def test_url_mask_hides_passwords_and_query_tokens(url, masked):
    assert redact_url(url) == masked


def test_stored_url_is_encrypted_and_never_shown_back(camera, staff_user, api_client, client,
                                                      password):
    with connection.cursor() as cursor:
        cursor.execute("SELECT url_encrypted, url_masked FROM cameras_camera WHERE id = %s",
                       [camera.pk])
        encrypted, masked = cursor.fetchone()
    assert "s3cr3t" not in encrypted and "10.0.0.5" not in encrypted and "abc123" not in encrypted
    assert masked == "rtsp://admin:***@10.0.0.5:554/Streaming/101?token=***"
    assert services.camera_url(camera=camera) == SECRET_URL
    api_client.force_authenticate(staff_user)
    for path in ("/api/v1/cameras/", f"/api/v1/cameras/{camera.pk}/"):
        text = api_client.get(path).content.decode()
        assert "admin:***@10.0.0.5" in text and "s3cr3t" not in text and "abc123" not in text
    client.login(username=staff_user.username, password=password)
    for path in ("/cameras/", f"/cameras/{camera.pk}/", f"/cameras/{camera.pk}/edit/"):
        page = client.get(path)
        assert page.status_code == 200 and "s3cr3t" not in page.content.decode()


def test_a_changed_key_makes_the_url_undecryptable_not_wrong(camera, settings):
    settings.VIGIL_CAMERA_KEY = "x" * 43 + "="
    with pytest.raises(UrlUndecryptable):
        services.camera_url(camera=Camera.objects.get(pk=camera.pk))


# --- CRUD and permissions ---------------------------------------------------------------------

def test_staff_add_change_and_delete_cameras_through_the_api(staff_user, model_version,
                                                              api_client):
    api_client.force_authenticate(staff_user)
    created = api_client.post("/api/v1/cameras/", api_body(model_version), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["url_masked"] == redact_url(SECRET_URL) and "url" not in body
    assert body["status"]["state"] == "stopped"
    assert body["page_url"] == f"http://testserver/cameras/{body['id']}/"
    assert body["preview_url"].startswith(f"http://testserver/cameras/{body['id']}/")
    camera = Camera.objects.get(pk=body["id"])
    assert CameraRuntime.objects.filter(camera=camera).exists()
    changed = api_client.patch(f"/api/v1/cameras/{camera.pk}/",
                               {"threshold": 0.8, "schedule": [
                                   {"days": [0, 1], "start": "18:00", "end": "07:00"}]},
                               format="json")
    assert changed.status_code == 200, changed.content
    camera.refresh_from_db()
    assert camera.threshold == 0.8 and camera.schedule[0]["end"] == "07:00"
    assert services.camera_url(camera=camera) == SECRET_URL  # kept when not sent
    assert api_client.delete(f"/api/v1/cameras/{camera.pk}/").status_code == 204
    assert not Camera.objects.filter(pk=camera.pk).exists()


@pytest.mark.parametrize(("fields", "field"), [
    ({"url": "file:///etc/passwd"}, "url"),
    ({"url": "ftp://10.0.0.5/x"}, "url"),
    ({"url": "rtsp:///nohost"}, "url"),
    ({"url": "rtsp://10.0.0.5/live\x0bx"}, "url"),  # a control character
    ({"url": "rtsp://10.0.0.5:99999/live"}, "url"),  # no such port
    ({"watched_labels": ["not a kinetics label"]}, "watched_labels"),
    ({"schedule": [{"days": [9], "start": "08:00", "end": "09:00"}]}, "schedule"),
])
def test_bad_camera_input_answers_400_with_the_field(staff_user, model_version, api_client,
                                                     fields, field):
    api_client.force_authenticate(staff_user)
    response = api_client.post("/api/v1/cameras/", api_body(model_version, **fields),
                               format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    assert not Camera.objects.exists()


def test_non_staff_cannot_add_change_test_or_delete_cameras(user, camera, model_version,
                                                            api_client, client, password):
    api_client.force_authenticate(user)
    assert api_client.post("/api/v1/cameras/", api_body(model_version),
                           format="json").status_code == 403
    assert api_client.post("/api/v1/cameras/probe/", {"url": SECRET_URL},
                           format="json").status_code == 403
    # Not the owner: the camera does not exist for them.
    assert api_client.get(f"/api/v1/cameras/{camera.pk}/").status_code == 404
    assert api_client.get("/api/v1/cameras/").json()["count"] == 0
    assert api_client.get("/api/v1/cameras/leases/").status_code == 403
    client.login(username=user.username, password=password)
    assert client.get("/cameras/add/").status_code == 404
    assert client.post("/cameras/add/", {"name": "x", "url": SECRET_URL}).status_code == 404
    assert client.post(f"/cameras/{camera.pk}/delete/").status_code == 404
    assert client.post(f"/cameras/{camera.pk}/test/").status_code == 404
    assert Camera.objects.count() == 1 and not camera.probes.exists()


def test_an_owner_reads_their_camera_but_cannot_change_it(user, staff_user, model_version,
                                                          api_client):
    mine = services.camera_create(owner=user, name="shop", url="rtsp://10.0.0.9/live",
                                  model_version=model_version, watched_labels=["abseiling"])
    api_client.force_authenticate(user)
    assert api_client.get(f"/api/v1/cameras/{mine.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/cameras/{mine.pk}/status/").json()["state"] == "stopped"
    assert api_client.patch(f"/api/v1/cameras/{mine.pk}/", {"enabled": False},
                            format="json").status_code == 403
    assert Camera.objects.get(pk=mine.pk).enabled


def test_staff_pages_add_edit_and_delete(staff_user, model_version, client, password):
    client.login(username=staff_user.username, password=password)
    form = {"name": "door", "url": "rtsp://u:pw@192.168.1.20/s1",
            "model_version": model_version.pk, "watched_labels": "abseiling",
            "threshold": "0.5", "retention_days": "7", "enabled": "on"}
    refused = client.post("/cameras/add/", {**form, "url": "gopher://x"})
    assert refused.status_code == 400 and "Streams are read over" in refused.content.decode()
    response = client.post("/cameras/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    camera = Camera.objects.get(name="door")
    assert camera.url_masked == "rtsp://u:***@192.168.1.20/s1"
    edit_page = client.get(f"/cameras/{camera.pk}/edit/")
    assert edit_page.status_code == 200 and 'value="door"' in edit_page.content.decode()
    edited = client.post(f"/cameras/{camera.pk}/edit/", {**form, "url": "", "threshold": "0.9"})
    assert edited.status_code == 302
    camera.refresh_from_db()
    assert camera.threshold == 0.9
    assert services.camera_url(camera=camera) == "rtsp://u:pw@192.168.1.20/s1"
    page = client.get("/cameras/").content.decode()
    assert "door" in page and "pw@" not in page
    assert client.post(f"/cameras/{camera.pk}/delete/").status_code == 302
    assert not Camera.objects.exists()


# --- Schedules --------------------------------------------------------------------------------

@pytest.mark.parametrize(("when", "active"), [
    (datetime(2026, 12, 7, 19, 0, tzinfo=UTC), True),   # Monday evening
    (datetime(2026, 12, 8, 6, 59, tzinfo=UTC), True),   # Tuesday morning, past midnight
    (datetime(2026, 12, 8, 7, 0, tzinfo=UTC), False),   # the window ended
    (datetime(2026, 12, 7, 12, 0, tzinfo=UTC), False),  # Monday noon
    (datetime(2026, 12, 6, 23, 0, tzinfo=UTC), False),  # Sunday: not a listed day
])
def test_schedule_windows_run_past_midnight(when, active, settings):
    settings.TIME_ZONE = "UTC"
    schedule = services.schedule_clean([{"days": [0], "start": "18:00", "end": "07:00"}])
    assert selectors.schedule_active(schedule, now=when) is active
    assert selectors.schedule_active([], now=when)


# --- Leases -----------------------------------------------------------------------------------

def test_an_expired_lease_is_taken_over_and_the_old_holder_learns_it(camera):
    now = timezone.now()
    assert services.lease_claim(camera_id=camera.pk, worker="a", lease_sec=10, now=now)
    assert not services.lease_claim(camera_id=camera.pk, worker="b", lease_sec=10,
                                    now=now + timedelta(seconds=9))
    assert services.leases_renew(camera_ids=[camera.pk], worker="a", lease_sec=10,
                                 now=now + timedelta(seconds=5)) == {camera.pk}
    # a stops renewing: 10 s after its last renewal the lease is free.
    later = now + timedelta(seconds=16)
    assert services.lease_claim(camera_id=camera.pk, worker="b", lease_sec=10, now=later)
    assert services.leases_renew(camera_ids=[camera.pk], worker="a", lease_sec=10,
                                 now=later) == set()
    assert services.runtime_write(camera_id=camera.pk, worker="a", state="live") is False
    assert CameraRuntime.objects.get(camera=camera).worker == "b"


def test_a_released_lease_is_free_at_once_and_disabled_cameras_are_not_claimed(camera):
    assert services.lease_claim(camera_id=camera.pk, worker="a")
    assert services.lease_release(camera_id=camera.pk, worker="a")
    assert services.lease_claim(camera_id=camera.pk, worker="b")
    services.lease_release(camera_id=camera.pk, worker="b")
    services.camera_update(camera=camera, enabled=False)
    assert not services.lease_claim(camera_id=camera.pk, worker="a")


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_both_hold_a_camera_under_concurrent_claims(staff_user,
                                                                      model_version):
    """Eight threads (eight database connections) claim the same free camera at the same
    moment, 20 rounds: exactly one wins each round."""
    camera = services.camera_create(owner=staff_user, name="race", url="rtsp://10.0.0.1/x",
                                    model_version=model_version, watched_labels=["abseiling"])
    for round_ in range(20):
        barrier = threading.Barrier(8)
        wins: list[str] = []

        def claim(name: str, barrier: threading.Barrier = barrier,
                  wins: list[str] = wins) -> None:
            try:
                barrier.wait()
                if services.lease_claim(camera_id=camera.pk, worker=name, lease_sec=30):
                    wins.append(name)
            finally:
                connection.close()

        threads = [threading.Thread(target=claim, args=(f"w{round_}-{i}",)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == 1, wins
        assert CameraRuntime.objects.get(camera=camera).worker == wins[0]
        CameraRuntime.objects.filter(camera=camera).update(worker="", lease_expires_at=None)


# --- Incidents into alerts --------------------------------------------------------------------

@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_an_incident_becomes_an_alert_with_a_signed_webhook(camera, staff_user, receiver,
                                                             settings, tmp_path):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    webhook = alert_services.webhook_create(owner=staff_user, url=receiver.url)
    alert_services.alert_rule_create(owner=staff_user, name="gate fights", labels=[],
                                     enter_threshold=0.5, source_tag="gate")
    alert_services.alert_rule_create(owner=staff_user, name="other tag", labels=[],
                                     enter_threshold=0.5, source_tag="lobby")
    alert_services.alert_rule_create(owner=staff_user, name="too high", labels=[],
                                     enter_threshold=0.99)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypisom")
    onset = timezone.now() - timedelta(seconds=6)
    incident = services.incident_open(
        camera_id=camera.pk, key="k1", label="abseiling", onset_at=onset,
        end_at=onset + timedelta(seconds=2), peak_score=0.93, peak_jpeg=b"\xff\xd8jpeg")
    assert services.incident_open(camera_id=camera.pk, key="k1", label="abseiling",
                                  onset_at=onset, end_at=onset, peak_score=0.5,
                                  peak_jpeg=None).pk == incident.pk  # idempotent
    assert incident.clip and incident.peak_jpeg and not incident.clip_ready
    assert not (settings.MEDIA_ROOT / incident.clip).exists()
    # The alert goes out at onset, linking to where the clip will be.
    (alert,) = alert_services.alerts_evaluate_camera_incident(incident_id=incident.pk)
    assert alert_services.alerts_evaluate_camera_incident(incident_id=incident.pk) == []
    assert (alert.rule_name, alert.camera_incident_id, alert.analysis_id) == (
        "gate fights", incident.pk, None)
    assert alert.clip == incident.clip
    ended = services.incident_clip_ready(
        camera_id=camera.pk, key="k1", end_at=onset + timedelta(seconds=4), peak_score=0.97,
        peak_jpeg=b"\xff\xd8peak", clip_path=clip)
    assert ended is not None and ended.clip_ready and ended.peak_score == 0.97
    assert ended.duration_sec == pytest.approx(4.0)
    assert (settings.MEDIA_ROOT / incident.clip).read_bytes() == clip.read_bytes()
    result = alert_services.webhook_deliver(webhook_id=webhook.pk, alert_id=alert.pk,
                                            attempt=1, final=False)
    assert result.status == "succeeded"
    body = json.loads(receiver.requests[0].body)
    assert body["camera"]["name"] == "gate" and body["incident"]["id"] == incident.pk
    assert body["links"]["camera"].endswith(f"/cameras/{camera.pk}/")
    assert "analysis" not in body and Delivery.objects.filter(alert=alert).count() == 1


def test_incident_files_are_permission_checked(camera, staff_user, user, client, password,
                                               tmp_path):
    clip = tmp_path / "c.mp4"
    clip.write_bytes(b"clip-bytes")
    incident = services.incident_open(
        camera_id=camera.pk, key="k2", label="abseiling", onset_at=timezone.now(),
        end_at=timezone.now(), peak_score=0.9, peak_jpeg=b"\xff\xd8still")
    client.login(username=staff_user.username, password=password)
    assert client.get(f"/cameras/incidents/{incident.pk}/clip.mp4").status_code == 404
    links = client.get(f"/api/v1/camera-incidents/{incident.pk}/").json()
    assert links["peak_jpeg_url"].endswith(f"/cameras/incidents/{incident.pk}/peak.jpg")
    services.incident_clip_ready(camera_id=camera.pk, key="k2", end_at=timezone.now(),
                                 peak_score=0.9, peak_jpeg=None, clip_path=clip)
    client.login(username=user.username, password=password)
    assert client.get(f"/cameras/incidents/{incident.pk}/clip.mp4").status_code == 404
    client.login(username=staff_user.username, password=password)
    response = client.get(f"/cameras/incidents/{incident.pk}/clip.mp4")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"clip-bytes"
    assert client.get(f"/api/v1/camera-incidents/{incident.pk}/").json()["clip_url"].endswith(
        f"/cameras/incidents/{incident.pk}/clip.mp4")
    assert client.get(f"/cameras/incidents/{incident.pk}/peak.jpg").status_code == 200


def test_the_inbox_lists_camera_alerts(camera, staff_user, client, password):
    alert_services.alert_rule_create(owner=staff_user, name="any", labels=[],
                                     enter_threshold=0.5)
    incident = CameraIncident.objects.create(camera=camera, key="k3", label="abseiling",
                                             onset_at=timezone.now(), end_at=timezone.now(),
                                             peak_score=0.8)
    alert_services.alerts_evaluate_camera_incident(incident_id=incident.pk)
    client.login(username=staff_user.username, password=password)
    page = client.get("/alerts/?state=all").content.decode()
    assert "camera gate" in page and f"/cameras/{camera.pk}/" in page
    assert Alert.objects.get().owner == staff_user


def test_a_camera_offline_rule_fires_once_per_outage(camera, staff_user, settings):
    rule = alert_services.alert_rule_create(owner=staff_user, name="gate down", labels=[],
                                            camera_offline_min=5, source_tag="gate")
    alert_services.alert_rule_create(owner=staff_user, name="fights", labels=[])
    now = timezone.now()
    runtime = CameraRuntime.objects.get(camera=camera)
    runtime.state, runtime.state_since = "reconnecting", now - timedelta(minutes=3)
    runtime.save()
    assert alert_services.alerts_check_cameras_offline(now=now) == []  # 3 of 5 minutes
    (alert,) = alert_services.alerts_check_cameras_offline(now=now + timedelta(minutes=3))
    assert (alert.rule, alert.camera, alert.label) == (rule, camera, "camera offline")
    assert alert.end_sec == pytest.approx(360)
    assert alert_services.alerts_check_cameras_offline(now=now + timedelta(minutes=9)) == []
    # Live again, then a dead worker: still "live" but not written to for 6 minutes.
    runtime.state, runtime.state_since = "live", now + timedelta(minutes=10)
    runtime.last_seen_at = now + timedelta(minutes=10)
    runtime.save()
    Alert.objects.update(created_at=now)  # raised before this second outage began
    (second,) = alert_services.alerts_check_cameras_offline(now=now + timedelta(minutes=16))
    assert second.camera == camera
    assert json.loads(json.dumps(alert_services.alert_payload(alert=second)))["type"] == \
        "vigil.camera_offline"


def test_test_connection_probes_a_real_rtsp_camera_and_records_every_attempt(
        staff_user, model_version, api_client, client, password, tmp_path):
    from tests.live_servers import RtspServer, free_port, looped_h264
    from tests.webapp.conftest import REPO_ROOT

    clip = looped_h264(REPO_ROOT.parent / "shared" / "clips" / "samples" / "fight_0002.mpeg",
                       tmp_path / "fight.mp4", end_sec=8.0)
    api_client.force_authenticate(staff_user)
    with RtspServer(clip) as rtsp:
        camera = services.camera_create(owner=staff_user, name="probe",
                                        url=rtsp.url.replace("rtsp://", "rtsp://u:pw@"),
                                        model_version=model_version,
                                        watched_labels=["abseiling"])
        ok = api_client.post(f"/api/v1/cameras/{camera.pk}/test/").json()
        assert (ok["ok"], ok["codec"], ok["width"], ok["height"]) == (True, "h264", 384, 216)
        assert ok["url_masked"] == redact_url(rtsp.url.replace("rtsp://", "rtsp://u:pw@"))
    dead = api_client.post("/api/v1/cameras/probe/",
                           {"url": f"rtsp://u:pw@127.0.0.1:{free_port()}/cam"},
                           format="json").json()
    assert dead["ok"] is False and dead["error_code"] == "unreachable"
    assert dead["url_masked"].startswith("rtsp://u:***@")
    refused = api_client.post("/api/v1/cameras/probe/", {"url": "file:///etc/passwd"},
                              format="json")
    assert refused.status_code == 400 and "url" in refused.json()["fields"]
    client.login(username=staff_user.username, password=password)
    page = client.get(f"/cameras/{camera.pk}/").content.decode()
    assert "h264 384x216" in page
    assert [probe.ok for probe in camera.probes.order_by("created_at")] == [True]
    assert CameraProbe.objects.count() == 2  # the refused URL never reached a probe


def test_status_preview_and_ops_show_what_the_lease_holder_wrote(camera, staff_user, user,
                                                                  client, api_client, password):
    assert services.lease_claim(camera_id=camera.pk, worker="host pid 7")
    assert services.runtime_write(
        camera_id=camera.pk, worker="host pid 7", state="live", fps_in=14.9, fps_scored=1.0,
        lag_sec=0.4, windows_dropped=3, reconnects=2, preview_jpeg=b"\xff\xd8preview",
        preview_at=timezone.now(),
        scores={"labels": ["abseiling"], "points": [[1765000000.0, [0.12]]]})
    assert not services.runtime_write(camera_id=camera.pk, worker="someone else", state="error")
    client.login(username=staff_user.username, password=password)
    status = client.get(f"/cameras/{camera.pk}/status.json").json()
    assert (status["state"], status["fps_in"], status["windows_dropped"]) == ("live", 14.9, 3)
    assert status["scores"]["points"] == [[1765000000.0, [0.12]]]
    preview = client.get(f"/cameras/{camera.pk}/preview.jpg")
    assert preview["Content-Type"] == "image/jpeg" and preview.content == b"\xff\xd8preview"
    ops = client.get("/cameras/ops/").content.decode()
    assert "host pid 7" in ops and "gate" in ops
    api_client.force_authenticate(staff_user)
    (lease,) = api_client.get("/api/v1/cameras/leases/").json()
    assert (lease["worker"], lease["lease_held"], lease["reconnects"]) == ("host pid 7", True, 2)
    (stats,) = selectors.camera_stats()
    assert stats == {"camera": "gate", "state": "live", "fps_in": 14.9, "fps_out": 1.0,
                     "lag_sec": 0.4, "reconnects": 2, "dropped_windows": 3}
    client.login(username=user.username, password=password)
    assert client.get(f"/cameras/{camera.pk}/preview.jpg").status_code == 404
    assert client.get("/cameras/ops/").status_code == 404
