"""Celery tasks: load by id, call one service; deliveries retry with exponential backoff."""
from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from webapp.alerts import services

logger = logging.getLogger(__name__)


@shared_task(name=services.EVALUATE_TASK)
def evaluate_analysis(analysis_id: str) -> int:
    """Incidents of a succeeded analysis; errors are logged (the analysis is long done)."""
    try:
        return len(services.alerts_evaluate(analysis_id=analysis_id))
    except Exception:
        logger.exception("alert evaluation of analysis %s failed", analysis_id)
        return 0


@shared_task(name=services.EVALUATE_CAMERA_TASK)
def evaluate_camera_incident(incident_id: int) -> int:
    """Alerts of a live camera's incident; errors are logged."""
    try:
        return len(services.alerts_evaluate_camera_incident(incident_id=incident_id))
    except Exception:
        logger.exception("alert evaluation of camera incident %s failed", incident_id)
        return 0


@shared_task(name=services.OFFLINE_TASK)
def check_cameras_offline() -> int:
    """Alerts of camera-offline rules (beat, every minute)."""
    return len(services.alerts_check_cameras_offline())


@shared_task(name=services.WEBHOOK_TASK, bind=True, max_retries=None)
def deliver_webhook(self, webhook_id: int, alert_id: int | None) -> str:
    retries, limit = self.request.retries, settings.VIGIL_WEBHOOK_MAX_RETRIES
    try:
        attempt = services.webhook_deliver(webhook_id=webhook_id, alert_id=alert_id,
                                           attempt=retries + 1, final=retries >= limit)
    except services.DeliveryFailed:
        raise self.retry(countdown=services.retry_countdown(retries)) from None
    return attempt.status if attempt else "gone"


@shared_task(name=services.EMAIL_TASK, bind=True, max_retries=None)
def deliver_email(self, alert_id: int) -> str:
    retries, limit = self.request.retries, settings.VIGIL_WEBHOOK_MAX_RETRIES
    try:
        attempt = services.email_deliver(alert_id=alert_id, attempt=retries + 1,
                                         final=retries >= limit)
    except services.DeliveryFailed:
        raise self.retry(countdown=services.retry_countdown(retries)) from None
    return attempt.status if attempt else "gone"
