"""Writes for alerts: rules, evaluating a finished analysis, incidents, and their delivery.

Nothing here runs inside an analysis: :func:`alerts_evaluate_enqueue` is called on commit once
an analysis succeeded and only sends a task; evaluation (incidents, thumbnail, clip) and every
delivery run in Celery tasks, whose failures are logged and recorded, never raised into the
analysis.
"""
from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import socket
import ssl
import time
import uuid
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from inference.events import detect_events
from inference.types import EventRules, SegmentScore
from webapp.alerts import signing
from webapp.alerts.addresses import address_refused
from webapp.alerts.models import (
    Alert,
    AlertRule,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    WebhookEndpoint,
)
from webapp.core import storage as media
from webapp.core.jobs import task_send
from webapp.core.probing import probe_limits
from webapp.models_registry.models import ModelVersion
from webapp.videos.models import Analysis, AnalysisStatus, Segment
from webapp.videos.options import watched_labels_clean

logger = logging.getLogger(__name__)

EVALUATE_TASK = "alerts.evaluate_analysis"
WEBHOOK_TASK = "alerts.deliver_webhook"
EMAIL_TASK = "alerts.deliver_email"
ALERTS_QUEUE = "cpu"
RULE_FIELDS = ("name", "labels", "enter_threshold", "exit_threshold", "min_duration_sec",
               "merge_gap_sec", "source_tag", "model_version", "is_active", "is_global",
               "notify_email")


class DeliveryFailed(Exception):
    """One delivery attempt failed; the task retries while it may."""


# --- Rules ------------------------------------------------------------------------------------

def alert_rule_defaults(*, model_version: ModelVersion | None) -> dict:
    """Starting values for a new rule: the default analysis threshold, and every label of a
    model version with few labels (a fine-tuned binary model), else none (= watched labels)."""
    labels = list(model_version.labels) if model_version and len(model_version.labels) <= 5 \
        else []
    return {"labels": labels, "enter_threshold": settings.VIGIL_DEFAULT_THRESHOLD,
            "exit_threshold": None, "min_duration_sec": 0.0, "merge_gap_sec": 0.0}


def _rule_clean(*, user: AbstractBaseUser, data: dict) -> dict:
    errors: dict[str, str] = {}
    labels = watched_labels_clean(data.get("labels") or [], version=data.get("model_version"),
                                  errors=errors)
    enter = data.get("enter_threshold")
    exit_ = data.get("exit_threshold")
    if enter is not None and not 0.0 <= enter <= 1.0:
        errors["enter_threshold"] = "must be between 0 and 1"
    if exit_ is not None and not 0.0 <= exit_ <= 1.0:
        errors["exit_threshold"] = "must be between 0 and 1"
    if enter is not None and exit_ is not None and exit_ > enter:
        errors["exit_threshold"] = "must not be above the enter threshold"
    for field in ("min_duration_sec", "merge_gap_sec"):
        value = data.get(field)
        if value is not None and not 0.0 <= value <= 3600.0:
            errors[field] = "must be between 0 and 3600 seconds"
    if data.get("is_global") and not getattr(user, "is_staff", False):
        errors["is_global"] = "only staff may make global rules"
    if errors:
        raise ValidationError(errors)
    return {**data, "labels": labels}


def alert_rule_create(*, owner: AbstractBaseUser, **fields) -> AlertRule:
    """Create a rule; unknown fields are refused, missing ones take the version's defaults."""
    fields = {key: value for key, value in fields.items() if key in RULE_FIELDS}
    defaults = alert_rule_defaults(model_version=fields.get("model_version"))
    for key, value in defaults.items():
        if fields.get(key) in (None, []) and key != "exit_threshold":
            fields[key] = value
    cleaned = _rule_clean(user=owner, data=fields)
    return AlertRule.objects.create(owner=owner, **cleaned)


def alert_rule_update(*, rule: AlertRule, user: AbstractBaseUser, **fields) -> AlertRule:
    fields = {key: value for key, value in fields.items() if key in RULE_FIELDS}
    merged = {field: getattr(rule, field) for field in RULE_FIELDS} | fields
    cleaned = _rule_clean(user=user, data=merged)
    for key in fields:
        setattr(rule, key, cleaned[key])
    rule.save()
    return rule


def alert_rule_delete(*, rule: AlertRule) -> None:
    rule.delete()


# --- Evaluating an analysis -------------------------------------------------------------------

def alerts_evaluate_enqueue(analysis_id: object) -> None:
    """Send the evaluation task (called on commit when an analysis succeeded); never raises."""
    task_send(EVALUATE_TASK, args=[str(analysis_id)], queue=ALERTS_QUEUE)


def on_analysis_succeeded(sender: object, *, analysis_id: object, **kwargs: object) -> None:
    """Receiver of ``videos.signals.analysis_succeeded`` (connected in ``AlertsConfig``)."""
    alerts_evaluate_enqueue(analysis_id)


def rules_for_analysis(*, analysis: Analysis) -> list[AlertRule]:
    """Active rules of the video's owner plus global ones that apply to this analysis."""
    video = analysis.video
    rules = AlertRule.objects.filter(Q(owner_id=video.owner_id) | Q(is_global=True),
                                     is_active=True)
    rules = rules.filter(Q(model_version__isnull=True) | Q(model_version=analysis.model_version_id))
    rules = rules.filter(Q(source_tag="") | Q(source_tag=video.source_tag))
    return list(rules.order_by("id"))


def _stored_segments(analysis: Analysis) -> list[SegmentScore]:
    """The analysis' segments as scored: watched labels' scores plus the top-k of each window
    (a label neither watched nor in a window's top-k counts as scoring 0 there)."""
    return [
        SegmentScore(index=row.index, start_sec=row.start_sec, end_sec=row.end_sec,
                     top=tuple((label, float(score)) for label, score in row.top),
                     scores={label: float(score) for label, score in row.label_scores.items()})
        for row in Segment.objects.filter(analysis=analysis).order_by("index")
    ]


def alerts_evaluate(*, analysis_id) -> list[Alert]:
    """Raise incidents for a succeeded analysis and send their deliveries; returns new alerts.

    Idempotent: an incident already recorded (same rule, label and start) is not raised again.
    """
    analysis = (Analysis.objects.select_related("video", "model_version")
                .filter(pk=analysis_id, status=AnalysisStatus.SUCCEEDED).first())
    if analysis is None:
        return []
    rules = rules_for_analysis(analysis=analysis)
    if not rules:
        return []
    segments = _stored_segments(analysis)
    created: list[Alert] = []
    for rule in rules:
        labels = list(rule.labels) or list(analysis.watched_labels or analysis.labels)
        events = detect_events(segments, labels=labels, rules=EventRules(
            enter_threshold=rule.enter_threshold, exit_threshold=rule.exit_threshold,
            min_duration_sec=rule.min_duration_sec, merge_gap_sec=rule.merge_gap_sec))
        for event in events:
            alert, was_created = Alert.objects.get_or_create(
                rule=rule, analysis=analysis, label=event.label, start_sec=event.start_sec,
                defaults={"owner_id": analysis.video.owner_id, "rule_name": rule.name,
                          "end_sec": event.end_sec, "peak_score": event.peak_score,
                          "mean_score": event.mean_score, "peak_sec": event.peak_sec})
            if was_created:
                created.append(alert)
    for alert in created:
        try:
            alert_media_create(alert=alert)
        except Exception:
            logger.exception("alert %s: no thumbnail/clip", alert.pk)
        alert_notify(alert=alert)
    return created


def alert_media_create(*, alert: Alert) -> Alert:
    """Thumbnail JPEG at the peak and an H.264 clip of the incident, cut from the source."""
    from inference.clip import cut_clip, still_jpeg  # noqa: PLC0415  (PyAV: workers only)
    from inference.probe import probe  # noqa: PLC0415

    video = alert.analysis.video
    folder = f"alerts/{alert.pk}"
    thumbnail, clip = f"{folder}/thumbnail.jpg", f"{folder}/clip.mp4"
    pad = settings.VIGIL_ALERT_CLIP_PAD_SEC
    start = max(0.0, alert.start_sec - pad)
    end = min(alert.end_sec + pad, start + settings.VIGIL_ALERT_CLIP_MAX_SEC)
    max_height = settings.VIGIL_ALERT_CLIP_MAX_HEIGHT
    with media.local_copy(video.file) as source:
        meta = probe(str(source), limits=probe_limits())
        with media.local_output(thumbnail) as dest:
            still_jpeg(meta, str(dest), at_sec=alert.peak_sec, max_height=max_height)
        alert.thumbnail = thumbnail
        alert.save(update_fields=["thumbnail"])
        with media.local_output(clip) as dest:
            cut_clip(meta, str(dest), start_sec=start, end_sec=end, max_height=max_height)
    alert.clip = clip
    alert.save(update_fields=["clip"])
    return alert


def alert_media_remove(*, alert_ids: Iterable) -> None:
    for alert_id in alert_ids:
        media.delete_tree(f"alerts/{alert_id}")


def on_alert_deleted(sender: object, *, instance: Alert, **kwargs: object) -> None:
    """``post_delete`` receiver: an alert's files go once the deletion commits (a video
    deleted with its analyses takes its alerts' thumbnails and clips along)."""
    transaction.on_commit(partial(alert_media_remove, alert_ids=[instance.pk]))


def alert_notify(*, alert: Alert) -> None:
    """Queue the alert's deliveries: each active webhook of the owner, and e-mail if asked."""
    for webhook_id in WebhookEndpoint.objects.filter(
            owner_id=alert.owner_id, is_active=True).values_list("pk", flat=True):
        _send(WEBHOOK_TASK, webhook_id, str(alert.pk))
    if alert.rule is not None and alert.rule.notify_email:
        _send(EMAIL_TASK, str(alert.pk))


def _send(task: str, *args) -> None:
    task_send(task, args=list(args), queue=ALERTS_QUEUE)


# --- Acknowledging ----------------------------------------------------------------------------

def alert_acknowledge(*, alert: Alert, user: AbstractBaseUser) -> Alert:
    """Record who acknowledged the alert and when (the first acknowledgement stays)."""
    Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=user)
    alert.refresh_from_db()
    return alert


def alert_mark_false_alarm(*, alert: Alert, user: AbstractBaseUser) -> Alert:
    """Mark as a false alarm (also acknowledges it)."""
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk, false_alarm=False).update(
        false_alarm=True, false_alarm_at=now, false_alarm_by=user)
    return alert_acknowledge(alert=alert, user=user)


# --- Webhook endpoints ------------------------------------------------------------------------

class WebhookTargetRefused(ValidationError):
    """The URL is not http(s), or its host resolves to an address webhooks may not target."""


class WebhookHostUnresolved(ValidationError):
    """The host does not resolve (now): refused on save, retried at send time."""


@dataclasses.dataclass(frozen=True)
class WebhookTarget:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]
    """Resolved and checked addresses; the request connects to the first one (pinned)."""


def webhook_target_resolve(url: str) -> WebhookTarget:
    """Parse, resolve and check a webhook URL.

    Only http and https; every address the host resolves to must be public (not private,
    loopback, link-local, multicast, reserved or unspecified, nor carry such an IPv4 address:
    :mod:`webapp.alerts.addresses`) unless ``VIGIL_WEBHOOK_ALLOW_PRIVATE``. Raises
    :class:`WebhookTargetRefused` or :class:`WebhookHostUnresolved` (both ``ValidationError``
    keyed ``url``).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookTargetRefused({"url": "not a valid URL"}) from None
    if parts.scheme not in ("http", "https"):
        raise WebhookTargetRefused({"url": "only http and https URLs are allowed"})
    host = parts.hostname
    if not host:
        raise WebhookTargetRefused({"url": "the URL has no host"})
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise WebhookHostUnresolved({"url": f"the host {host!r} cannot be resolved"}) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not settings.VIGIL_WEBHOOK_ALLOW_PRIVATE:
        for address in addresses:
            reason = address_refused(address)
            if reason:
                raise WebhookTargetRefused(
                    {"url": f"the host {host!r} resolves to a {reason} address ({address}), "
                            "which webhooks may not target"})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return WebhookTarget(parts.scheme, host, port, path, addresses)


def webhook_url_validate(url: str) -> None:
    """Raise ``ValidationError`` (keyed ``url``) unless ``url`` is an allowed webhook target."""
    webhook_target_resolve(url)


def webhook_create(*, owner: AbstractBaseUser, url: str, name: str = "",
                   is_active: bool = True) -> WebhookEndpoint:
    webhook_url_validate(url)
    return WebhookEndpoint.objects.create(owner=owner, url=url, name=name, is_active=is_active)


def webhook_update(*, webhook: WebhookEndpoint, **fields) -> WebhookEndpoint:
    if "url" in fields:
        webhook_url_validate(fields["url"])
    for key in ("url", "name", "is_active"):
        if key in fields:
            setattr(webhook, key, fields[key])
    webhook.save()
    return webhook


def webhook_delete(*, webhook: WebhookEndpoint) -> None:
    webhook.delete()


def webhook_test(*, webhook: WebhookEndpoint) -> None:
    """Queue a test delivery (no alert) to the endpoint."""
    transaction.on_commit(partial(_send, WEBHOOK_TASK, webhook.pk, None))


def webhook_message_id(*, webhook_id: int, alert_id: int | None) -> str:
    """``webhook-id``: one per (alert, endpoint), so every retry of it carries the same id; a
    test message is a new message each time."""
    if alert_id is None:
        return f"msg_test_{uuid.uuid4().hex}"
    return f"msg_alert{alert_id}_hook{webhook_id}"


def _link(name: str, *args) -> str:
    return settings.VIGIL_PUBLIC_URL + reverse(name, args=args)


def alert_payload(*, alert: Alert | None) -> dict:
    """The JSON body sent for an alert (or a test message when ``alert`` is ``None``)."""
    if alert is None:
        return {"type": "vigil.test", "sent_at": timezone.now().isoformat()}
    analysis = alert.analysis
    return {
        "type": "vigil.alert",
        "alert": {
            "id": alert.pk, "rule": alert.rule_name, "label": alert.label,
            "start_sec": alert.start_sec, "end_sec": alert.end_sec,
            "peak_score": alert.peak_score, "mean_score": alert.mean_score,
            "peak_sec": alert.peak_sec, "created_at": alert.created_at.isoformat(),
        },
        "analysis": {"id": str(analysis.pk), "model_version": analysis.model_version.name},
        "video": {"id": str(analysis.video_id), "name": analysis.video.original_name,
                  "source_tag": analysis.video.source_tag},
        "links": {
            "alert": _link("alerts:detail", alert.pk),
            "analysis": _link("videos:analysis_detail", analysis.pk),
            "clip": _link("alerts:clip", alert.pk) if alert.clip else None,
            "thumbnail": _link("alerts:thumbnail", alert.pk) if alert.thumbnail else None,
            "api": _link("api:alert-detail", alert.pk),
        },
    }


@dataclasses.dataclass(frozen=True)
class Attempt:
    status: str
    status_code: int | None
    error: str


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand (no second DNS lookup to rebind)."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.pinned_address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to a checked address; SNI and the certificate check use the URL's host name."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        self.tls_context = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls_context)
        self.pinned_address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls_context.wrap_socket(sock, server_hostname=self.host)


def _post(target: WebhookTarget, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST to the pinned address; redirects are answers like any other (never followed)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" \
        else _PinnedHTTPConnection
    connection = connection_class(target.host, target.port, address=target.addresses[0],
                                  timeout=settings.VIGIL_WEBHOOK_TIMEOUT_SEC)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"HTTP {response.status} {response.reason}"


def webhook_deliver(*, webhook_id: int, alert_id: int | None, attempt: int,
                    final: bool) -> Attempt | None:
    """One attempt: validate the target again, POST the signed body, log a Delivery row.

    Returns ``None`` when the webhook or alert is gone. Raises :class:`DeliveryFailed` when
    the attempt failed and is not ``final`` (the task then retries).
    """
    webhook = WebhookEndpoint.objects.filter(pk=webhook_id).first()
    alert = (Alert.objects.select_related("analysis__video", "analysis__model_version")
             .filter(pk=alert_id).first() if alert_id is not None else None)
    if webhook is None or (alert_id is not None and alert is None):
        return None
    started = timezone.now()
    try:
        target = webhook_target_resolve(webhook.url)  # again at send time: DNS may change
    except ValidationError as exc:
        code, error = None, "; ".join(exc.message_dict.get("url", exc.messages))
        retryable = isinstance(exc, WebhookHostUnresolved)
    else:
        body = json.dumps(alert_payload(alert=alert), separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "Vigil-Webhook/1",
                   **signing.signed_headers(
                       secret=webhook.secret, body=body, timestamp_sec=int(time.time()),
                       message_id=webhook_message_id(webhook_id=webhook.pk,
                                                     alert_id=alert_id))}
        code, error = _post(target, body, headers)
        retryable = True
    ok = code is not None and 200 <= code < 300
    status = DeliveryStatus.SUCCEEDED if ok else (
        DeliveryStatus.FAILED if final or not retryable else DeliveryStatus.RETRYING)
    Delivery.objects.create(
        owner_id=webhook.owner_id, channel=DeliveryChannel.WEBHOOK, webhook=webhook,
        alert=alert, attempt=attempt, status=status, status_code=code, error=error[:2000],
        target=webhook.url[:500], started_at=started, finished_at=timezone.now())
    if status == DeliveryStatus.RETRYING:
        raise DeliveryFailed(error or f"HTTP {code}")
    return Attempt(status, code, error)


def email_deliver(*, alert_id: int, attempt: int, final: bool) -> Attempt | None:
    """E-mail the alert to its owner through Django's e-mail backend; log a Delivery row."""
    alert = (Alert.objects.select_related("owner", "analysis__video", "analysis__model_version")
             .filter(pk=alert_id).first())
    if alert is None:
        return None
    address = alert.owner.email
    started = timezone.now()
    error = ""
    if not address:
        error = "the owner has no e-mail address"
    else:
        payload = alert_payload(alert=alert)
        subject = (f"[Vigil] {alert.label} in {alert.analysis.video.original_name} "
                   f"({alert.start_sec:.1f}-{alert.end_sec:.1f} s)")
        body = (f"Rule: {alert.rule_name}\nLabel: {alert.label}\n"
                f"Time: {alert.start_sec:.1f}-{alert.end_sec:.1f} s, peak "
                f"{alert.peak_score:.3f} at {alert.peak_sec:.1f} s\n\n"
                f"Alert: {payload['links']['alert']}\n"
                f"Analysis: {payload['links']['analysis']}\n")
        try:
            send_mail(subject.replace("\n", " ")[:200], body, None, [address])
        except Exception as exc:  # noqa: BLE001 - any backend failure is logged
            error = f"{type(exc).__name__}: {exc}"
    status = DeliveryStatus.SUCCEEDED if not error else (
        DeliveryStatus.FAILED if final or not address else DeliveryStatus.RETRYING)
    Delivery.objects.create(
        owner_id=alert.owner_id, channel=DeliveryChannel.EMAIL, alert=alert, attempt=attempt,
        status=status, error=error[:2000], target=address[:500], started_at=started,
        finished_at=timezone.now())
    if status == DeliveryStatus.RETRYING:
        raise DeliveryFailed(error)
    return Attempt(status, None, error)


def retry_countdown(retries: int) -> float:
    """Seconds before retry number ``retries + 1``: base * 2**retries."""
    return settings.VIGIL_WEBHOOK_RETRY_BASE_SEC * 2 ** retries
