"""Writes for alerts, one module per concern (HackSoft's "Modules" advice):

- :mod:`.rules`: alert rules (defaults, cleaning, CRUD);
- :mod:`.incidents`: evaluating a succeeded analysis into alerts, their media, acknowledging;
- :mod:`.cameras`: live camera incidents into alerts, cameras offline;
- :mod:`.deliveries`: what the channels share (task names, queueing, payload, retry backoff);
- :mod:`.webhooks`: webhook endpoints and one signed delivery attempt;
- :mod:`.email`: one e-mail delivery attempt.

The public names are re-exported here, so ``from webapp.alerts import services`` keeps working.
"""
from __future__ import annotations

from webapp.alerts.services.cameras import (
    EVALUATE_CAMERA_TASK,
    OFFLINE_LABEL,
    OFFLINE_TASK,
    alerts_check_cameras_offline,
    alerts_evaluate_camera_incident,
    on_camera_incident_recorded,
    rules_for_camera_incident,
)
from webapp.alerts.services.deliveries import (
    ALERTS_QUEUE,
    EMAIL_TASK,
    WEBHOOK_TASK,
    Attempt,
    DeliveryFailed,
    alert_notify,
    alert_payload,
    retry_countdown,
)
from webapp.alerts.services.email import email_deliver
from webapp.alerts.services.incidents import (
    BULK_ACTIONS,
    EVALUATE_TASK,
    alert_acknowledge,
    alert_mark_false_alarm,
    alert_media_create,
    alert_media_remove,
    alerts_acknowledge,
    alerts_bulk_apply,
    alerts_evaluate,
    alerts_evaluate_enqueue,
    alerts_mark_false_alarm,
    on_alert_deleted,
    on_analysis_labels_wanted,
    on_analysis_succeeded,
    rules_for_analysis,
)
from webapp.alerts.services.rules import (
    RULE_FIELDS,
    alert_rule_create,
    alert_rule_defaults,
    alert_rule_delete,
    alert_rule_update,
)
from webapp.alerts.services.webhooks import (
    WebhookHostUnresolved,
    WebhookTarget,
    WebhookTargetRefused,
    webhook_create,
    webhook_delete,
    webhook_deliver,
    webhook_message_id,
    webhook_target_resolve,
    webhook_test,
    webhook_update,
    webhook_url_validate,
)

__all__ = [
    "ALERTS_QUEUE",
    "BULK_ACTIONS",
    "EMAIL_TASK",
    "EVALUATE_CAMERA_TASK",
    "EVALUATE_TASK",
    "OFFLINE_LABEL",
    "OFFLINE_TASK",
    "RULE_FIELDS",
    "WEBHOOK_TASK",
    "Attempt",
    "DeliveryFailed",
    "WebhookHostUnresolved",
    "WebhookTarget",
    "WebhookTargetRefused",
    "alert_acknowledge",
    "alert_mark_false_alarm",
    "alert_media_create",
    "alert_media_remove",
    "alert_notify",
    "alert_payload",
    "alert_rule_create",
    "alert_rule_defaults",
    "alert_rule_delete",
    "alert_rule_update",
    "alerts_acknowledge",
    "alerts_bulk_apply",
    "alerts_check_cameras_offline",
    "alerts_evaluate",
    "alerts_evaluate_camera_incident",
    "alerts_evaluate_enqueue",
    "alerts_mark_false_alarm",
    "email_deliver",
    "on_alert_deleted",
    "on_analysis_labels_wanted",
    "on_analysis_succeeded",
    "on_camera_incident_recorded",
    "retry_countdown",
    "rules_for_analysis",
    "rules_for_camera_incident",
    "webhook_create",
    "webhook_delete",
    "webhook_deliver",
    "webhook_message_id",
    "webhook_target_resolve",
    "webhook_test",
    "webhook_update",
    "webhook_url_validate",
]
