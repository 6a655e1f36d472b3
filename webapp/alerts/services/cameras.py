"""Live camera incidents become alerts: the same rules, inbox, webhooks and e-mail as files.

``cameras`` announces each recorded incident (``camera_incident_recorded``, after commit);
the receiver here only sends a task, and the task matches the camera owner's active rules and
the global ones (model version, source tag, labels, enter threshold against the incident's
peak) and notifies. The alert shares the incident's still and clip (stored by cameras).
"""
from __future__ import annotations

import logging

from django.db.models import Q

from webapp.alerts.models import Alert, AlertRule
from webapp.alerts.services.deliveries import ALERTS_QUEUE, alert_notify
from webapp.cameras.models import CameraIncident
from webapp.cameras.selectors import incident_for_alert
from webapp.core.jobs import task_send

logger = logging.getLogger(__name__)

EVALUATE_CAMERA_TASK = "alerts.evaluate_camera_incident"


def on_camera_incident_recorded(sender: object, *, incident_id: object,
                                **kwargs: object) -> None:
    """Receiver of ``cameras.signals.camera_incident_recorded`` (``AlertsConfig``)."""
    task_send(EVALUATE_CAMERA_TASK, args=[incident_id], queue=ALERTS_QUEUE)


def rules_for_camera_incident(*, incident: CameraIncident) -> list[AlertRule]:
    """Active rules of the camera's owner plus global ones whose model version, source tag,
    labels (empty: the camera's watched labels) and enter threshold the incident meets."""
    camera = incident.camera
    rules = AlertRule.objects.filter(Q(owner_id=camera.owner_id) | Q(is_global=True),
                                     is_active=True, enter_threshold__lte=incident.peak_score)
    rules = rules.filter(Q(model_version__isnull=True) | Q(model_version=camera.model_version_id))
    rules = rules.filter(Q(source_tag="") | Q(source_tag=camera.source_tag))
    return [rule for rule in rules.order_by("id")
            if incident.label in (rule.labels or camera.watched_labels)]


def alerts_evaluate_camera_incident(*, incident_id: int | str) -> list[Alert]:
    """Raise an alert per matching rule and queue its deliveries; returns the new alerts.
    Idempotent (one alert per rule and incident)."""
    incident = incident_for_alert(incident_id=incident_id)
    if incident is None:
        return []
    created: list[Alert] = []
    for rule in rules_for_camera_incident(incident=incident):
        alert, was_created = Alert.objects.get_or_create(
            rule=rule, camera_incident=incident,
            defaults={"owner_id": incident.camera.owner_id, "rule_name": rule.name,
                      "label": incident.label, "start_sec": 0.0,
                      "end_sec": incident.duration_sec, "peak_score": incident.peak_score,
                      "mean_score": incident.peak_score, "peak_sec": 0.0,
                      "thumbnail": incident.peak_jpeg, "clip": incident.clip})
        if was_created:
            created.append(alert)
    for alert in created:
        alert_notify(alert=alert)
    logger.info("camera incident %s: %d alert(s)", incident.pk, len(created))
    return created
