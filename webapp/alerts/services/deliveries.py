"""What every delivery channel shares: task names, queueing an alert's deliveries, the JSON
payload, one attempt's outcome and the retry backoff."""
from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from webapp.alerts.models import (
    Alert,
    WebhookEndpoint,
)
from webapp.core.jobs import task_send

WEBHOOK_TASK = "alerts.deliver_webhook"
EMAIL_TASK = "alerts.deliver_email"
ALERTS_QUEUE = "cpu"


class DeliveryFailed(Exception):
    """One delivery attempt failed; the task retries while it may."""


@dataclasses.dataclass(frozen=True)
class Attempt:
    status: str
    status_code: int | None
    error: str


def alert_notify(*, alert: Alert) -> None:
    """Queue the alert's deliveries: each active webhook of the owner, and e-mail if asked."""
    for webhook_id in WebhookEndpoint.objects.filter(
            owner_id=alert.owner_id, is_active=True).values_list("pk", flat=True):
        delivery_send(WEBHOOK_TASK, webhook_id, str(alert.pk))
    if alert.rule is not None and alert.rule.notify_email:
        delivery_send(EMAIL_TASK, str(alert.pk))


def delivery_send(task: str, *args) -> None:
    task_send(task, args=list(args), queue=ALERTS_QUEUE)


def _link(name: str, *args) -> str:
    return settings.VIGIL_PUBLIC_URL + reverse(name, args=args)


def alert_payload(*, alert: Alert | None) -> dict[str, Any]:
    """The JSON body sent for an alert (or a test message when ``alert`` is ``None``)."""
    if alert is None:
        return {"type": "vigil.test", "sent_at": timezone.now().isoformat()}
    links: dict[str, str | None] = {
        "alert": _link("alerts:detail", alert.pk),
        "clip": _link("alerts:clip", alert.pk) if alert.clip else None,
        "thumbnail": _link("alerts:thumbnail", alert.pk) if alert.thumbnail else None,
        "api": _link("api:alert-detail", alert.pk),
    }
    body: dict[str, Any] = {
        "type": "vigil.alert",
        "alert": {
            "id": alert.pk, "rule": alert.rule_name, "label": alert.label,
            "start_sec": alert.start_sec, "end_sec": alert.end_sec,
            "peak_score": alert.peak_score, "mean_score": alert.mean_score,
            "peak_sec": alert.peak_sec, "created_at": alert.created_at.isoformat(),
        },
        "links": links,
    }
    camera, incident = alert.camera, alert.camera_incident
    if camera is not None:
        body["camera"] = {"id": camera.pk, "name": camera.name, "source_tag": camera.source_tag,
                          "model_version": camera.model_version.name}
        if incident is not None:
            body["incident"] = {"id": incident.pk, "onset_at": incident.onset_at.isoformat(),
                                "end_at": incident.end_at.isoformat()}
        else:
            body["type"] = "vigil.camera_offline"
        links["camera"] = _link("cameras:detail", camera.pk)
        return body
    analysis = alert.analysis
    assert analysis is not None  # an alert has an analysis or a camera incident
    body["analysis"] = {"id": str(analysis.pk), "model_version": analysis.model_version.name}
    body["video"] = {"id": str(analysis.video_id), "name": analysis.video.original_name,
                     "source_tag": analysis.video.source_tag}
    links["analysis"] = _link("videos:analysis_detail", analysis.pk)
    return body


def retry_countdown(retries: int) -> float:
    """Seconds before retry number ``retries + 1``: base * 2**retries."""
    return settings.VIGIL_WEBHOOK_RETRY_BASE_SEC * 2 ** retries
