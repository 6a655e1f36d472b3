"""Alerts end to end: a real worker analyses a real clip, raises an incident and delivers it to
local webhook receivers (one fine, one failing twice, one unreachable) and by e-mail."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.webapp.alert_receiver import Receiver
from tests.webapp.conftest import SHORT_CLIP, wait_for
from webapp.alerts import services
from webapp.alerts.models import Alert, Delivery
from webapp.alerts.signing import secret_key
from webapp.videos.models import Analysis, AnalysisStatus

pytestmark = pytest.mark.slow

MAX_RETRIES = 2


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def attempts(webhook) -> list[tuple[int, str]]:
    return list(Delivery.objects.filter(webhook=webhook).order_by("attempt")
                .values_list("attempt", "status"))


def test_incident_reaches_webhooks_with_retries_and_email(start_worker, worker_logs, api_client,
                                                          user, model_version, settings,
                                                          tmp_path):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    mail_dir = tmp_path / "mail"
    worker = start_worker(VIGIL_WEBHOOK_ALLOW_PRIVATE="true", VIGIL_WEBHOOK_RETRY_BASE_SEC="0.2",
                          VIGIL_WEBHOOK_MAX_RETRIES=str(MAX_RETRIES),
                          VIGIL_WEBHOOK_TIMEOUT_SEC="3",
                          EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                          EMAIL_FILE_PATH=str(mail_dir))
    worker_logs.append(worker)
    good, flaky = Receiver(), Receiver(statuses=[500, 500, 200])
    try:
        user.email = "alice@example.com"
        user.save()
        good_hook = services.webhook_create(owner=user, url=good.url)
        flaky_hook = services.webhook_create(owner=user, url=flaky.url)
        dead_hook = services.webhook_create(owner=user, url=f"http://127.0.0.1:{closed_port()}/")
        # Random weights score every label about 1/400: this threshold must fire.
        services.alert_rule_create(owner=user, name="abseiling", labels=["abseiling"],
                                   enter_threshold=0.0001, notify_email=True)

        api_client.force_authenticate(user)
        response = api_client.post("/api/v1/videos/", {
            "file": SimpleUploadedFile(SHORT_CLIP.name, SHORT_CLIP.read_bytes()),
            "segment_sec": "2", "stride_sec": "2", "labels": ["abseiling"],
            "source_tag": "cam0"}, format="multipart")
        assert response.status_code == 201, response.content
        analysis = Analysis.objects.get(pk=response.json()["analysis"]["id"])

        wait_for(lambda: Analysis.objects.get(pk=analysis.pk).is_finished, timeout=120,
                 interval=0.25, message="the analysis to finish")
        analysis.refresh_from_db()
        assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
        wait_for(lambda: attempts(good_hook) and attempts(flaky_hook)[-1:] == [
            (3, "succeeded")] and attempts(dead_hook)[-1:] == [(MAX_RETRIES + 1, "failed")],
            timeout=60, interval=0.25, message="the deliveries to finish")
        (alert,) = Alert.objects.filter(analysis=analysis)
        assert alert.label == "abseiling" and alert.clip and alert.thumbnail

        # Exactly one signed webhook at the good receiver.
        assert attempts(good_hook) == [(1, "succeeded")]
        (request,) = good.requests
        assert "X-Vigil-Signature" not in request.headers  # body-only: replayable, dropped
        message_id, timestamp = request.headers["webhook-id"], request.headers["webhook-timestamp"]
        signed = f"{message_id}.{timestamp}.".encode() + request.body
        expected = hmac.new(secret_key(good_hook.secret), signed, hashlib.sha256).digest()
        assert hmac.compare_digest(request.headers["webhook-signature"],
                                   "v1," + base64.b64encode(expected).decode())
        body = json.loads(request.body)
        assert body["alert"]["id"] == alert.pk and body["video"]["source_tag"] == "cam0"
        assert body["analysis"]["id"] == str(analysis.pk)

        # Failing twice, then fine: three attempts, one success.
        assert attempts(flaky_hook) == [(1, "retrying"), (2, "retrying"), (3, "succeeded")]
        assert len(flaky.requests) == 3
        # Retries are the same message (one id, so a receiver can dedupe), signed anew.
        assert len({r.headers["webhook-id"] for r in flaky.requests}) == 1
        assert [d.status_code for d in Delivery.objects.filter(webhook=flaky_hook)
                .order_by("attempt")] == [500, 500, 200]
        # Unreachable: failed after the configured retries.
        assert attempts(dead_hook) == [(1, "retrying"), (2, "retrying"), (3, "failed")]

        # E-mail through the worker's (file) backend.
        wait_for(lambda: list(mail_dir.glob("*.log")), timeout=30, message="the e-mail")
        (message,) = mail_dir.glob("*.log")
        assert "alice@example.com" in message.read_text()
        assert Delivery.objects.get(alert=alert, channel="email").status == "succeeded"

        # The API's test delivery: one more signed request, logged without an alert.
        assert api_client.post(f"/api/v1/webhooks/{good_hook.pk}/test/").status_code == 202
        wait_for(lambda: Delivery.objects.filter(webhook=good_hook, alert=None).exists(),
                 timeout=30, message="the test delivery")
        assert len(good.requests) == 2
        assert json.loads(good.requests[1].body)["type"] == "vigil.test"
        logged = api_client.get("/api/v1/deliveries/", {"webhook": good_hook.pk}).json()
        assert {(row["alert"], row["status"]) for row in logged["results"]} == {
            (alert.pk, "succeeded"), (None, "succeeded")}
    finally:
        good.close()
        flaky.close()


def test_a_rule_fires_on_a_label_neither_watched_nor_in_the_top_k(start_worker, worker_logs,
                                                                    api_client, user,
                                                                    model_version):
    """Default upload settings (nothing watched): the rule's label is scored anyway."""
    worker = start_worker()
    worker_logs.append(worker)
    label = "zumba"
    # Random weights score every label about 1/400: this threshold must fire.
    rule = services.alert_rule_create(owner=user, name="zumba", labels=[label],
                                      enter_threshold=0.0001)
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/videos/", {
        "file": SimpleUploadedFile(SHORT_CLIP.name, SHORT_CLIP.read_bytes())},
        format="multipart")
    assert response.status_code == 201, response.content
    analysis = Analysis.objects.get(pk=response.json()["analysis"]["id"])
    wait_for(lambda: Analysis.objects.get(pk=analysis.pk).is_finished, timeout=180,
             interval=0.25, message="the analysis to finish")
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUCCEEDED, analysis.error
    assert analysis.labels == [] and label not in analysis.watched_labels
    segments = list(analysis.segments.order_by("index"))
    assert segments
    for segment in segments:
        assert label not in dict(segment.top) and label not in segment.scores
        assert 0.0 < segment.label_scores[label] < 1.0
    wait_for(lambda: Alert.objects.filter(analysis=analysis).exists(), timeout=60,
             interval=0.25, message="the rule's alert")
    (alert,) = Alert.objects.filter(analysis=analysis)
    assert (alert.rule_id, alert.label) == (rule.pk, label)
    assert alert.peak_score == pytest.approx(max(s.label_scores[label] for s in segments),
                                             abs=1e-6)  # stored rounded
