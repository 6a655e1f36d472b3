"""Celery tasks: load by id, call one service; deliveries retry with exponential backoff."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from webapp.alerts import services

logger = logging.getLogger(__name__)


def _alerts_raised(evaluate: Callable[..., list[Any]], subject: str, **kwargs: Any) -> int:
    """How many alerts ``evaluate(**kwargs)`` raised for ``subject``; an error is logged, not
    raised (what was evaluated is long done)."""
    try:
        return len(evaluate(**kwargs))
    except Exception:
        logger.exception("alert evaluation of %s failed", subject)
        return 0


@shared_task(name=services.EVALUATE_TASK)
def evaluate_analysis(analysis_id: str) -> int:
    """Incidents of a succeeded analysis; errors are logged (the analysis is long done)."""
    return _alerts_raised(services.alerts_evaluate, f"analysis {analysis_id}",
                          analysis_id=analysis_id)


@shared_task(name=services.EVALUATE_CAMERA_TASK)
def evaluate_camera_incident(incident_id: int) -> int:
    """Alerts of a live camera's incident; errors are logged."""
    return _alerts_raised(services.alerts_evaluate_camera_incident,
                          f"camera incident {incident_id}", incident_id=incident_id)


@shared_task(name=services.OFFLINE_TASK)
def check_cameras_offline() -> int:
    """Alerts of camera-offline rules (beat, every minute)."""
    return len(services.alerts_check_cameras_offline())


def _delivered(task: Task, deliver: Callable[..., services.Attempt | None], **kwargs: Any) -> str:
    """One attempt of ``deliver(**kwargs)``, the final one after VIGIL_WEBHOOK_MAX_RETRIES
    retries; a failed one retries ``task`` after an exponential backoff. Returns the attempt's
    status, or ``gone`` (the webhook or alert was deleted meanwhile)."""
    retries, limit = task.request.retries, settings.VIGIL_WEBHOOK_MAX_RETRIES
    try:
        attempt = deliver(attempt=retries + 1, final=retries >= limit, **kwargs)
    except services.DeliveryFailed:
        raise task.retry(countdown=services.retry_countdown(retries)) from None
    return attempt.status if attempt else "gone"


@shared_task(name=services.WEBHOOK_TASK, bind=True, max_retries=None)
def deliver_webhook(self: Task, webhook_id: int, alert_id: int | None) -> str:
    return _delivered(self, services.webhook_deliver, webhook_id=webhook_id, alert_id=alert_id)


@shared_task(name=services.EMAIL_TASK, bind=True, max_retries=None)
def deliver_email(self: Task, alert_id: int) -> str:
    return _delivered(self, services.email_deliver, alert_id=alert_id)
