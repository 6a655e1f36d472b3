"""Writes for alert rules: defaults, cleaning, create, update, delete."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from webapp.alerts.models import AlertRule
from webapp.core.services import model_update
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import model_version_labels
from webapp.videos.options import unknown_labels_message, watched_labels_clean

RULE_FIELDS = ("name", "labels", "enter_threshold", "exit_threshold", "min_duration_sec",
               "merge_gap_sec", "source_tag", "model_version", "is_active", "is_global",
               "notify_email", "camera_offline_min")


def alert_rule_defaults(*, model_version: ModelVersion | None) -> dict:
    """Starting values for a new rule: the default analysis threshold, and every label of a
    model version with few labels (a fine-tuned binary model), else none (= watched labels)."""
    labels = list(model_version.labels) if model_version and len(model_version.labels) <= 5 \
        else []
    return {"labels": labels, "enter_threshold": settings.VIGIL_DEFAULT_THRESHOLD,
            "exit_threshold": None, "min_duration_sec": 0.0, "merge_gap_sec": 0.0}


def _labels_clean(labels: list[str], *, version: ModelVersion | None,
                  errors: dict[str, str]) -> list[str]:
    """A rule's labels: the version's (``watched_labels_clean``), or without a version, labels
    of some version an analysis may use; an unknown one is refused with its close matches (a
    rule on a typo could never fire). Any label goes while no version has a label list."""
    cleaned = watched_labels_clean(labels, version=version, errors=errors)
    if version is None and cleaned and "labels" not in errors:
        known = model_version_labels()
        if unknown := [label for label in cleaned if known and label not in known]:
            errors["labels"] = unknown_labels_message(unknown, known=known,
                                                      of="any active model version")
    return cleaned


def _rule_clean(*, user: User, data: dict) -> dict:
    errors: dict[str, str] = {}
    labels = _labels_clean(data.get("labels") or [], version=data.get("model_version"),
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


def alert_rule_create(*, owner: User, **fields) -> AlertRule:
    """Create a rule; unknown fields are refused, missing ones take the version's defaults."""
    fields = {key: value for key, value in fields.items() if key in RULE_FIELDS}
    defaults = alert_rule_defaults(model_version=fields.get("model_version"))
    for key, value in defaults.items():
        if fields.get(key) in (None, []) and key != "exit_threshold":
            fields[key] = value
    cleaned = _rule_clean(user=owner, data=fields)
    return AlertRule.objects.create(owner=owner, **cleaned)


def alert_rule_update(*, rule: AlertRule, user: User, **fields) -> AlertRule:
    fields = {key: value for key, value in fields.items() if key in RULE_FIELDS}
    merged = {field: getattr(rule, field) for field in RULE_FIELDS} | fields
    cleaned = _rule_clean(user=user, data=merged)
    return model_update(instance=rule, fields=fields, data=cleaned)


def alert_rule_delete(*, rule: AlertRule) -> None:
    rule.delete()
