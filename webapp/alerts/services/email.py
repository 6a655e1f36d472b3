"""E-mail delivery of an alert to its owner, through Django's e-mail backend."""
from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone

from webapp.alerts.models import (
    Alert,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
)
from webapp.alerts.services.deliveries import Attempt, DeliveryFailed, alert_payload


def email_deliver(*, alert_id: int, attempt: int, final: bool) -> Attempt | None:
    """E-mail the alert to its owner through Django's e-mail backend; log a Delivery row."""
    alert = (Alert.objects.select_related("owner", "analysis__video", "analysis__model_version",
                                         "camera")
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
        subject = (f"[Vigil] {alert.label} in {alert.source_name} "
                   f"({alert.start_sec:.1f}-{alert.end_sec:.1f} s)")
        body = (f"Rule: {alert.rule_name}\nLabel: {alert.label}\n"
                f"Time: {alert.start_sec:.1f}-{alert.end_sec:.1f} s, peak "
                f"{alert.peak_score:.3f} at {alert.peak_sec:.1f} s\n\n"
                f"Alert: {payload['links']['alert']}\n"
                + (f"Analysis: {payload['links']['analysis']}\n" if alert.analysis_id is not None
                   else f"Camera: {payload['links']['camera']}\n"))
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
