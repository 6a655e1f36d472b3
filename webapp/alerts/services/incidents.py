"""Evaluating a succeeded analysis into incidents (alerts), their media, and acknowledging them.

Nothing here runs inside an analysis: :func:`alerts_evaluate_enqueue` is called on commit once
an analysis succeeded and only sends a task; evaluation (incidents, thumbnail, clip) and every
delivery run in Celery tasks, whose failures are logged and recorded, never raised into the
analysis.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from inference.events import detect_events
from inference.types import EventRules, SegmentScore
from webapp.alerts.models import (
    Alert,
    AlertRule,
)
from webapp.alerts.selectors import alert_list
from webapp.alerts.services.deliveries import ALERTS_QUEUE, alert_notify
from webapp.core import storage as media
from webapp.core.jobs import task_send
from webapp.core.probing import probe_limits
from webapp.videos.models import Analysis, AnalysisStatus, Segment

logger = logging.getLogger(__name__)

EVALUATE_TASK = "alerts.evaluate_analysis"


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
                                     is_active=True, camera_offline_min__isnull=True)
    rules = rules.filter(Q(model_version__isnull=True) | Q(model_version=analysis.model_version_id))
    rules = rules.filter(Q(source_tag="") | Q(source_tag=video.source_tag))
    return list(rules.order_by("id"))


def on_analysis_labels_wanted(sender: object, *, analysis: Analysis,
                              **kwargs: object) -> list[str]:
    """Receiver of ``videos.signals.analysis_labels_wanted``: the labels of every rule that
    applies to the analysis, so each segment stores their scores and a rule fires whether or
    not its label was watched or in a window's top-k."""
    return sorted({label for rule in rules_for_analysis(analysis=analysis)
                   for label in rule.labels})


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
        labels = list(rule.labels) or analysis.watched_or_asked_labels
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

    assert alert.analysis is not None  # camera alerts share their incident's files
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


def alerts_acknowledge(*, alerts: QuerySet[Alert], user: User) -> int:
    """Record who acknowledged each of ``alerts`` (already filtered for the user) and when;
    the first acknowledgement stays. Returns how many were unread. One UPDATE."""
    return Alert.objects.filter(pk__in=alerts.values("pk"), acknowledged_at__isnull=True) \
        .update(acknowledged_at=timezone.now(), acknowledged_by=user)


def alerts_mark_false_alarm(*, alerts: QuerySet[Alert], user: User) -> int:
    """Mark each of ``alerts`` as a false alarm, which also acknowledges it; returns how many
    were not marked yet."""
    with transaction.atomic():
        marked = Alert.objects.filter(pk__in=alerts.values("pk"), false_alarm=False).update(
            false_alarm=True, false_alarm_at=timezone.now(), false_alarm_by=user)
        alerts_acknowledge(alerts=alerts, user=user)
    return marked


#: The bulk actions on alerts, by name (inbox form and API).
BULK_ACTIONS = {"acknowledge": alerts_acknowledge, "false_alarm": alerts_mark_false_alarm}


def alerts_bulk_apply(*, user: User, action: str, alert_ids: Iterable[int]) -> int:
    """Apply the bulk ``action`` to those of ``alert_ids`` the user sees (others' ids are
    ignored, as if they did not exist); returns how many alerts it changed."""
    alerts = alert_list(user=user).filter(pk__in=list(alert_ids))
    return BULK_ACTIONS[action](alerts=alerts, user=user)


def alert_acknowledge(*, alert: Alert, user: User) -> Alert:
    """:func:`alerts_acknowledge` for one alert, returned fresh."""
    alerts_acknowledge(alerts=Alert.objects.filter(pk=alert.pk), user=user)
    alert.refresh_from_db()
    return alert


def alert_mark_false_alarm(*, alert: Alert, user: User) -> Alert:
    """:func:`alerts_mark_false_alarm` for one alert, returned fresh."""
    alerts_mark_false_alarm(alerts=Alert.objects.filter(pk=alert.pk), user=user)
    alert.refresh_from_db()
    return alert
