"""Alerts in the web process: rules, evaluation, incident media, isolation, delivery attempts."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
from pathlib import Path

import av
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from inference.mp4 import top_level_boxes
from tests.webapp.alert_receiver import Receiver
from webapp.alerts import services, signing
from webapp.alerts.models import Alert, AlertRule, Delivery, DeliveryStatus, WebhookEndpoint


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def rule_for(owner, **fields) -> AlertRule:
    fields = {"name": "watch", "labels": ["abseiling"], "enter_threshold": 0.5, **fields}
    return services.alert_rule_create(owner=owner, **fields)


def evaluated(analysis) -> list[Alert]:
    return services.alerts_evaluate(analysis_id=analysis.pk)


# --- Webhook target validation ---------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://169.254.169.254/latest",
    "http://[::1]:9000/hook", "https://localhost/hook", "http://0.0.0.0/", "http://224.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
])
def test_private_targets_are_refused_unless_allowed(url, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError) as refused:
        services.webhook_url_validate(url)
    assert "url" in refused.value.message_dict
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    services.webhook_url_validate(url)  # no error


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://a/",
                                 "http:///nohost", "javascript:alert(1)"])
def test_non_http_targets_are_refused_even_when_private_is_allowed(url, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    with pytest.raises(ValidationError):
        services.webhook_url_validate(url)


def test_public_address_is_accepted(settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    services.webhook_url_validate("https://93.184.216.34/hook")


def test_webhook_api_create_validates_and_generates_a_secret(api_client, user, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    api_client.force_authenticate(user)
    refused = api_client.post("/api/v1/webhooks/", {"url": "http://127.0.0.1:1/x"},
                              format="json")
    assert refused.status_code == 400 and "url" in refused.json()["fields"]
    assert api_client.post("/api/v1/webhooks/", {"url": "ftp://93.184.216.34/x"},
                           format="json").status_code == 400
    created = api_client.post("/api/v1/webhooks/", {"url": "https://93.184.216.34/x",
                                                    "name": "ops"}, format="json")
    assert created.status_code == 201, created.content
    assert len(created.json()["secret"]) >= 32
    webhook_id = created.json()["id"]
    patched = api_client.patch(f"/api/v1/webhooks/{webhook_id}/", {"url": "http://10.0.0.1/"},
                               format="json")
    assert patched.status_code == 400
    assert WebhookEndpoint.objects.get(pk=webhook_id).url == "https://93.184.216.34/x"


# --- Evaluation and incident media -------------------------------------------------------------

def test_evaluation_raises_one_incident_with_thumbnail_and_clip(owned, user, settings):
    _, analysis = owned
    rule = rule_for(user)
    alerts = evaluated(analysis)
    assert [(a.rule_id, a.label, a.start_sec, a.end_sec) for a in alerts] == [
        (rule.pk, "abseiling", 0.0, 2.0)]
    alert = alerts[0]
    assert alert.owner == user and alert.peak_score == pytest.approx(0.9)
    thumbnail = Path(settings.MEDIA_ROOT) / alert.thumbnail
    assert thumbnail.read_bytes()[:3] == b"\xff\xd8\xff"
    clip = Path(settings.MEDIA_ROOT) / alert.clip
    boxes = [kind for kind, _ in top_level_boxes(clip)]
    assert boxes.index("moov") < boxes.index("mdat")
    with av.open(str(clip)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert container.duration / 1e6 == pytest.approx(alert.end_sec - alert.start_sec,
                                                         abs=0.1)
    # Idempotent: a second evaluation raises nothing new.
    assert evaluated(analysis) == []
    assert Alert.objects.filter(analysis=analysis).count() == 1


def test_rules_apply_by_owner_global_threshold_and_source_tag(owned, user, other_user,
                                                              staff_user):
    _, analysis = owned
    rule_for(other_user, name="bob's")                      # not alice's video
    rule_for(user, name="too high", enter_threshold=0.95)   # never reached
    rule_for(user, name="camera 2", source_tag="cam2")      # another source
    global_rule = rule_for(staff_user, name="global", is_global=True)
    alerts = evaluated(analysis)
    assert [a.rule_id for a in alerts] == [global_rule.pk]
    assert alerts[0].owner == user  # the video's owner gets the incident
    with pytest.raises(ValidationError):
        rule_for(user, is_global=True)  # only staff make global rules
    with pytest.raises(ValidationError):
        rule_for(user, labels=["no such label"], model_version=analysis.model_version)


def test_rule_defaults_come_from_the_model_version(user, model_version, settings):
    model_version.labels = ["fight", "no_fight"]
    model_version.save()
    rule = services.alert_rule_create(owner=user, name="fights", model_version=model_version)
    assert rule.labels == ["fight", "no_fight"]
    assert rule.enter_threshold == settings.VIGIL_DEFAULT_THRESHOLD


def test_alert_rules_api_crud_and_global_rules_are_read_only(api_client, user, other_user,
                                                             staff_user):
    api_client.force_authenticate(staff_user)
    global_id = api_client.post("/api/v1/alert-rules/", {
        "name": "everyone", "labels": ["archery"], "is_global": True}, format="json").json()["id"]
    api_client.force_authenticate(user)
    created = api_client.post("/api/v1/alert-rules/", {
        "name": "mine", "labels": ["abseiling"], "enter_threshold": 0.3,
        "min_duration_sec": 1.5}, format="json")
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert api_client.post("/api/v1/alert-rules/", {"name": "x", "is_global": True},
                           format="json").status_code == 400
    assert api_client.post("/api/v1/alert-rules/", {
        "name": "x", "enter_threshold": 0.3, "exit_threshold": 0.5},
        format="json").status_code == 400
    names = {rule["name"] for rule in api_client.get("/api/v1/alert-rules/").json()["results"]}
    assert names == {"mine", "everyone"}
    assert api_client.patch(f"/api/v1/alert-rules/{global_id}/", {"name": "mine now"},
                            format="json").status_code == 403
    assert api_client.patch(f"/api/v1/alert-rules/{rule_id}/", {"enter_threshold": 0.7},
                            format="json").json()["enter_threshold"] == 0.7
    api_client.force_authenticate(other_user)
    assert api_client.get(f"/api/v1/alert-rules/{rule_id}/").status_code == 404
    assert api_client.delete(f"/api/v1/alert-rules/{rule_id}/").status_code == 404
    api_client.force_authenticate(user)
    assert api_client.delete(f"/api/v1/alert-rules/{rule_id}/").status_code == 204
    assert not AlertRule.objects.filter(pk=rule_id).exists()


# --- Isolation: pages and API ------------------------------------------------------------------

def test_users_see_and_acknowledge_only_their_own_alerts(owned, user, other_user, api_client,
                                                         client, password):
    _, analysis = owned
    rule_for(user)
    alert = evaluated(analysis)[0]

    api_client.force_authenticate(other_user)
    assert api_client.get("/api/v1/alerts/").json()["results"] == []
    assert api_client.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert api_client.post(f"/api/v1/alerts/{alert.pk}/false-alarm/").status_code == 404
    client.login(username=other_user.username, password=password)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.get(f"/alerts/{alert.pk}/clip.mp4").status_code == 404
    assert client.post(f"/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert alert.pk not in [a.pk for a in client.get("/alerts/?state=all").context["page"]]
    alert.refresh_from_db()
    assert alert.acknowledged_at is None

    api_client.force_authenticate(user)
    listed = api_client.get("/api/v1/alerts/", {"acknowledged": "false", "label": "abseiling"})
    assert [a["id"] for a in listed.json()["results"]] == [alert.pk]
    assert api_client.get("/api/v1/alerts/", {"label": "archery"}).json()["results"] == []
    acked = api_client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").json()
    assert acked["acknowledged"] is True and acked["acknowledged_by"] == user.username
    assert api_client.get("/api/v1/alerts/", {"acknowledged": "false"}).json()["results"] == []

    client.login(username=user.username, password=password)
    page = client.get("/alerts/?state=acknowledged")
    assert [a.pk for a in page.context["page"]] == [alert.pk]
    assert client.get(f"/alerts/{alert.pk}/clip.mp4").status_code == 200
    assert client.post(f"/alerts/{alert.pk}/false-alarm/").status_code == 302
    alert.refresh_from_db()
    assert alert.false_alarm and alert.false_alarm_by == user and alert.false_alarm_at
    detail = client.get(f"/videos/{analysis.video_id}/")
    assert f"/alerts/{alert.pk}/" in detail.content.decode()


# --- Delivery attempts (in process; the retry chain runs in the worker test) --------------------

def test_webhook_attempt_is_signed_and_logged(owned, user, receiver, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    server = receiver()
    webhook = services.webhook_create(owner=user, url=server.url)
    rule_for(user)
    alert = evaluated(analysis=owned[1])[0]
    result = services.webhook_deliver(webhook_id=webhook.pk, alert_id=alert.pk, attempt=1,
                                      final=False)
    assert result.status == DeliveryStatus.SUCCEEDED and result.status_code == 200
    (request,) = server.requests
    signed = (f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}."
              .encode() + request.body)
    expected = hmac.new(signing.secret_key(webhook.secret), signed, hashlib.sha256).digest()
    assert request.headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()
    body = json.loads(request.body)
    assert body["alert"]["id"] == alert.pk and body["alert"]["label"] == "abseiling"
    assert body["links"]["clip"].endswith(f"/alerts/{alert.pk}/clip.mp4")
    (delivery,) = Delivery.objects.filter(webhook=webhook)
    assert (delivery.attempt, delivery.status, delivery.status_code) == (1, "succeeded", 200)


def test_redirects_are_not_followed_and_targets_are_checked_at_send_time(user, receiver,
                                                                         settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    elsewhere = receiver()
    redirecting = receiver(statuses=[302], location=elsewhere.url)
    webhook = services.webhook_create(owner=user, url=redirecting.url)
    with pytest.raises(services.DeliveryFailed):
        services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=1, final=False)
    assert len(redirecting.requests) == 1 and elsewhere.requests == []
    assert Delivery.objects.get(webhook=webhook).status_code == 302

    # The setting changed (or DNS now points inside): refused before anything is sent.
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    result = services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=2,
                                      final=False)
    assert result.status == DeliveryStatus.FAILED and "loopback" in result.error
    assert len(redirecting.requests) == 1


def test_final_failed_attempt_to_a_closed_port(user, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    settings.VIGIL_WEBHOOK_TIMEOUT_SEC = 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = services.webhook_create(owner=user, url=f"http://127.0.0.1:{port}/")
    result = services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=3,
                                      final=True)
    assert result.status == DeliveryStatus.FAILED and result.status_code is None
    assert "refused" in result.error.lower()


def test_email_goes_to_the_owner_through_the_email_backend(owned, user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user.email = "alice@example.com"
    user.save()
    rule_for(user, notify_email=True)
    alert = evaluated(owned[1])[0]
    result = services.email_deliver(alert_id=alert.pk, attempt=1, final=False)
    assert result.status == DeliveryStatus.SUCCEEDED
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"] and "abseiling" in message.subject
    assert f"/alerts/{alert.pk}/" in message.body
    assert Delivery.objects.get(alert=alert, channel="email").status == "succeeded"


def test_delivery_log_api_is_per_user(user, other_user, api_client, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    webhook = services.webhook_create(owner=user, url="http://127.0.0.1:9/")
    settings.VIGIL_WEBHOOK_TIMEOUT_SEC = 1
    services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=1, final=True)
    api_client.force_authenticate(user)
    rows = api_client.get("/api/v1/deliveries/", {"webhook": webhook.pk}).json()["results"]
    assert [(r["webhook"], r["attempt"], r["status"]) for r in rows] == [
        (webhook.pk, 1, "failed")]
    api_client.force_authenticate(other_user)
    assert api_client.get("/api/v1/deliveries/").json()["results"] == []
    assert api_client.get(f"/api/v1/webhooks/{webhook.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/webhooks/{webhook.pk}/test/").status_code == 404


# --- Pages -------------------------------------------------------------------------------------

def test_rule_and_webhook_pages_create_list_and_refuse(client, user, other_user, password,
                                                       settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = False
    client.login(username=user.username, password=password)
    made = client.post("/alerts/rules/", {"name": "fights", "labels": "abseiling, archery",
                                          "enter_threshold": "0.4"})
    assert made.status_code == 302
    rule = AlertRule.objects.get(owner=user)
    assert rule.labels == ["abseiling", "archery"] and rule.enter_threshold == 0.4
    assert "fights" in client.get("/alerts/rules/").content.decode()
    refused = client.post("/alerts/webhooks/", {"url": "http://10.0.0.8/hook"})
    assert refused.status_code == 400 and not WebhookEndpoint.objects.exists()
    assert client.post("/alerts/webhooks/", {"url": "https://93.184.216.34/h"}).status_code == 302
    webhook = WebhookEndpoint.objects.get(owner=user)
    assert webhook.secret in client.get("/alerts/webhooks/").content.decode()
    assert client.get("/alerts/deliveries/").status_code == 200

    client.login(username=other_user.username, password=password)
    assert webhook.secret not in client.get("/alerts/webhooks/").content.decode()
    assert client.post(f"/alerts/webhooks/{webhook.pk}/delete/").status_code == 404
    assert client.post(f"/alerts/rules/{rule.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=webhook.pk).exists()


def test_inbox_filters_by_state_label_and_day(owned, user, client, password):
    _, analysis = owned
    rule_for(user)
    alert = evaluated(analysis)[0]
    client.login(username=user.username, password=password)
    today = alert.created_at.date().isoformat()

    def listed(**query) -> list[int]:
        return [a.pk for a in client.get("/alerts/", query).context["page"]]

    assert listed() == [alert.pk]  # unread by default
    assert listed(label="archery", state="all") == []
    assert listed(since=today, until=today, state="all") == [alert.pk]
    assert listed(since="2000-01-01", until="2000-01-02", state="all") == []
    services.alert_acknowledge(alert=alert, user=user)
    assert listed() == []
    assert listed(state="acknowledged") == [alert.pk]


def test_missing_media_still_records_the_incident_without_a_clip(owned, user, settings):
    video, analysis = owned
    (Path(settings.MEDIA_ROOT) / video.file).unlink()  # the source is gone: no clip possible
    rule_for(user)
    (alert,) = evaluated(analysis)
    alert.refresh_from_db()
    assert (alert.clip, alert.thumbnail) == ("", "")
    assert Alert.objects.filter(analysis=analysis).count() == 1


def test_evaluation_ignores_analyses_that_did_not_succeed(owned, user):
    _, analysis = owned
    analysis.status = "failed"
    analysis.save()
    rule_for(user)
    assert evaluated(analysis) == []
    assert not Alert.objects.exists()


def test_a_host_that_stopped_resolving_is_retried_and_addresses_are_pinned(user, settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    target = services.webhook_target_resolve("http://localhost:8123/a/b?c=1")
    assert target.path == "/a/b?c=1" and target.port == 8123
    assert set(target.addresses) <= {"127.0.0.1", "::1"} and target.addresses
    with pytest.raises(ValidationError):  # refused when saved ...
        services.webhook_create(owner=user, url="http://no-such-host.invalid/")
    # ... but an endpoint whose host stops resolving later is retried, not dropped.
    webhook = WebhookEndpoint.objects.create(owner=user, url="http://no-such-host.invalid/")
    with pytest.raises(services.DeliveryFailed):
        services.webhook_deliver(webhook_id=webhook.pk, alert_id=None, attempt=1, final=False)
    assert Delivery.objects.get(webhook=webhook).status == DeliveryStatus.RETRYING


def test_staff_see_other_users_webhooks_but_not_their_secrets(user, staff_user, api_client,
                                                              settings):
    settings.VIGIL_WEBHOOK_ALLOW_PRIVATE = True
    webhook = services.webhook_create(owner=user, url="http://127.0.0.1:9/")
    api_client.force_authenticate(staff_user)
    seen = api_client.get(f"/api/v1/webhooks/{webhook.pk}/").json()
    assert seen["owner"] == user.username and seen["secret"] is None
    api_client.force_authenticate(user)
    assert api_client.get(f"/api/v1/webhooks/{webhook.pk}/").json()["secret"] == webhook.secret


def test_alert_detail_page_api_time_filter_and_cleanup(owned, user, client, password,
                                                       api_client, settings,
                                                       django_capture_on_commit_callbacks):
    from webapp.videos import services as video_services

    video, analysis = owned
    rule_for(user)
    alert = evaluated(analysis)[0]
    client.login(username=user.username, password=password)
    page = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert f"/alerts/{alert.pk}/clip.mp4" in page and f"/alerts/{alert.pk}/acknowledge/" in page

    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/alerts/", {
        "until": "2000-01-01T00:00:00Z"}).json()["results"] == []
    assert [a["id"] for a in api_client.get(
        "/api/v1/alerts/", {"since": "2000-01-01T00:00:00Z"}).json()["results"]] == [alert.pk]
    assert api_client.get("/api/v1/alerts/", {
        "since": "2999-01-01T00:00:00Z"}).json()["results"] == []
    assert api_client.get("/api/v1/alerts/", {"since": "yesterday"}).status_code == 400

    folder = Path(settings.MEDIA_ROOT) / "alerts" / str(alert.pk)
    assert folder.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        video_services.video_delete(video=video)
    assert not folder.exists() and not Alert.objects.exists()
