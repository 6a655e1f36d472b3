"""Reads for alerts, always filtered by the requesting user (staff see all)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from webapp.alerts.models import Alert, AlertRule, Delivery, WebhookEndpoint
from webapp.videos.models import Analysis


def alert_list(*, user: User | AnonymousUser, label: str = "", acknowledged: bool | None = None,
               false_alarm: bool | None = None, since: datetime | None = None,
               until: datetime | None = None, analysis: Analysis | None = None,
               source: str = "") -> QuerySet[Alert]:
    """The user's alerts, newest first, optionally filtered (``source``: the source tag of
    the alert's video or camera)."""
    if not isinstance(user, User):  # anonymous
        return Alert.objects.none()
    alerts = Alert.objects.all() if user.is_staff else Alert.objects.filter(owner=user)
    if label:
        alerts = alerts.filter(label=label)
    if source:
        alerts = alerts.filter(source_tag_filter(source))
    if acknowledged is not None:
        alerts = alerts.filter(acknowledged_at__isnull=not acknowledged)
    if false_alarm is not None:
        alerts = alerts.filter(false_alarm=false_alarm)
    if since is not None:
        alerts = alerts.filter(created_at__gte=since)
    if until is not None:
        alerts = alerts.filter(created_at__lt=until)
    if analysis is not None:
        alerts = alerts.filter(analysis=analysis)
    return alerts.select_related("analysis__video", "camera", "camera_incident",
                                 "acknowledged_by", "false_alarm_by") \
        .order_by("-created_at", "start_sec")


def source_tag_filter(source: str) -> Q:
    """Alerts of a video or a camera with the source tag ``source``."""
    return Q(analysis__video__source_tag=source) | Q(camera__source_tag=source)


def alert_get(*, user: User | AnonymousUser, pk) -> Alert:
    """Raises ``Alert.DoesNotExist`` for an unknown alert or another user's (→ 404)."""
    return alert_list(user=user).get(pk=pk)


def alert_labels(*, user: User | AnonymousUser) -> list[str]:
    return sorted(set(alert_list(user=user).values_list("label", flat=True)))


def alert_source_tags(*, user: User | AnonymousUser) -> list[str]:
    """The source tags of the user's alerts' videos and cameras (the inbox's filter)."""
    alerts = alert_list(user=user).order_by()
    tags = {*alerts.values_list("analysis__video__source_tag", flat=True).distinct(),
            *alerts.values_list("camera__source_tag", flat=True).distinct()}
    return sorted(tag for tag in tags if tag)


def alert_unread_count(*, user: User | AnonymousUser) -> int:
    """The user's unacknowledged alerts (every user's for staff, as their inbox lists);
    one COUNT over the partial index of unread alerts."""
    if not isinstance(user, User):  # anonymous
        return 0
    unread = Alert.objects.filter(acknowledged_at__isnull=True)
    return (unread if user.is_staff else unread.filter(owner=user)).count()


def alert_rule_list(*, user: User | AnonymousUser) -> QuerySet[AlertRule]:
    """The user's rules and the global ones (staff: all)."""
    if not isinstance(user, User):  # anonymous
        return AlertRule.objects.none()
    rules = AlertRule.objects.all() if user.is_staff else AlertRule.objects.filter(
        Q(owner=user) | Q(is_global=True))
    return rules.select_related("owner", "model_version").order_by("name", "id")


def alert_rule_get(*, user: User | AnonymousUser, pk) -> AlertRule:
    return alert_rule_list(user=user).get(pk=pk)


def alert_rule_can_edit(*, user: User | AnonymousUser, rule: AlertRule) -> bool:
    return bool(user.is_staff or rule.owner_id == user.pk)


def webhook_list(*, user: User | AnonymousUser) -> QuerySet[WebhookEndpoint]:
    if not isinstance(user, User):  # anonymous
        return WebhookEndpoint.objects.none()
    webhooks = WebhookEndpoint.objects.all() if user.is_staff else \
        WebhookEndpoint.objects.filter(owner=user)
    return webhooks.order_by("-created_at")


def webhook_get(*, user: User | AnonymousUser, pk) -> WebhookEndpoint:
    return webhook_list(user=user).get(pk=pk)


def delivery_list(*, user: User | AnonymousUser, webhook_id: int | None = None,
                  alert_id: int | None = None) -> QuerySet[Delivery]:
    if not isinstance(user, User):  # anonymous
        return Delivery.objects.none()
    deliveries = Delivery.objects.all() if user.is_staff else Delivery.objects.filter(owner=user)
    if webhook_id is not None:
        deliveries = deliveries.filter(webhook_id=webhook_id)
    if alert_id is not None:
        deliveries = deliveries.filter(alert_id=alert_id)
    return deliveries.select_related("webhook").order_by("-started_at", "-id")


def stored_names() -> Iterator[str]:
    """Every stored name an alert row refers to (retention keeps them); every user's."""
    for names in Alert.objects.values_list("thumbnail", "clip"):
        yield from names


#: An alert's state for the metrics: a false alarm, else acknowledged, else open.
ALERT_STATES = ("open", "acknowledged", "false_alarm")


def alert_counts_by_state() -> dict[str, int]:
    """Every user's alerts by :data:`ALERT_STATES` (operators' numbers, for ``/metrics``)."""
    counts = Alert.objects.aggregate(
        n_false_alarm=Count("pk", filter=Q(false_alarm=True)),
        n_acknowledged=Count("pk", filter=Q(false_alarm=False, acknowledged_at__isnull=False)),
        n_open=Count("pk", filter=Q(false_alarm=False, acknowledged_at__isnull=True)))
    return {state: int(counts[f"n_{state}"]) for state in ALERT_STATES}
