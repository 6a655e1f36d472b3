"""Live cameras raise alerts: the same rules, inbox, webhooks and e-mail as files.

``cameras`` announces each recorded incident (``camera_incident_recorded``, after commit);
the receiver here only sends a task, and the task matches the camera owner's active rules and
the global ones (model version, source tag, labels, enter threshold against the incident's
peak) and notifies. The alert shares the incident's still and clip (stored by cameras).

Rules with ``camera_offline_min`` are camera-offline rules: a beat task
(:func:`alerts_check_cameras_offline`) raises one alert per outage of a matching camera that
has not been live for that long.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from webapp.alerts.models import Alert, AlertRule
from webapp.alerts.services.deliveries import ALERTS_QUEUE, alert_notify
from webapp.cameras.models import Camera, CameraIncident
from webapp.cameras.selectors import cameras_offline, incident_for_alert
from webapp.core.jobs import task_send

logger = logging.getLogger(__name__)

EVALUATE_CAMERA_TASK = "alerts.evaluate_camera_incident"
OFFLINE_TASK = "alerts.check_cameras_offline"


def on_camera_incident_recorded(sender: object, *, incident_id: object,
                                **kwargs: object) -> None:
    """Receiver of ``cameras.signals.camera_incident_recorded`` (``AlertsConfig``)."""
    task_send(EVALUATE_CAMERA_TASK, args=[incident_id], queue=ALERTS_QUEUE)


def rules_for_camera_incident(*, incident: CameraIncident) -> list[AlertRule]:
    """Active rules of the camera's owner plus global ones whose model version, source tag,
    labels (empty: the camera's watched labels) and enter threshold the incident meets."""
    camera = incident.camera
    rules = _camera_rules(camera).filter(camera_offline_min__isnull=True,
                                         enter_threshold__lte=incident.peak_score)
    return [rule for rule in rules if incident.label in (rule.labels or camera.watched_labels)]


def _camera_rules(camera: Camera) -> QuerySet[AlertRule]:
    """Active rules of the camera's owner and global ones, for its model version and tag."""
    rules = AlertRule.objects.filter(Q(owner_id=camera.owner_id) | Q(is_global=True),
                                     is_active=True)
    rules = rules.filter(Q(model_version__isnull=True) | Q(model_version=camera.model_version_id))
    return rules.filter(Q(source_tag="") | Q(source_tag=camera.source_tag)).order_by("id")


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
                      "camera": incident.camera,
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


OFFLINE_LABEL = "camera offline"


def alerts_check_cameras_offline(*, now: datetime | None = None) -> list[Alert]:
    """One alert per camera-offline rule and outage: a matching camera not live for the
    rule's minutes, unless this rule already raised one since the camera went down."""
    now = now or timezone.now()
    created: list[Alert] = []
    rules = list(AlertRule.objects.filter(is_active=True, camera_offline_min__isnull=False))
    if not rules:
        return []
    shortest = min(rule.camera_offline_min or 0 for rule in rules)
    for camera, gone_at in cameras_offline(since=now - timedelta(minutes=shortest), now=now):
        matching = {rule.pk for rule in _camera_rules(camera)}
        for rule in rules:
            if rule.pk not in matching or gone_at >= now - timedelta(
                    minutes=rule.camera_offline_min or 0):
                continue
            if Alert.objects.filter(rule=rule, camera=camera, label=OFFLINE_LABEL,
                                    created_at__gte=gone_at).exists():
                continue
            created.append(Alert.objects.create(
                owner_id=camera.owner_id, rule=rule, rule_name=rule.name, camera=camera,
                label=OFFLINE_LABEL, start_sec=0.0, end_sec=(now - gone_at).total_seconds(),
                peak_score=0.0, mean_score=0.0, peak_sec=0.0))
    for alert in created:
        alert_notify(alert=alert)
    if created:
        logger.warning("cameras offline: %d alert(s)", len(created))
    return created
