"""Reads for model versions (shared by all users; inactive ones only for staff)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet

from webapp.models_registry.models import ModelKind, ModelVersion


def _without_untrained(versions: QuerySet[ModelVersion]) -> QuerySet[ModelVersion]:
    """Random-weight versions are hidden unless ``VIGIL_SHOW_UNTRAINED`` (development, tests)."""
    return versions if settings.VIGIL_SHOW_UNTRAINED else versions.exclude(weights="none")


def model_version_list(*, user: User) -> QuerySet[ModelVersion]:
    versions = _without_untrained(ModelVersion.objects.all())
    if not getattr(user, "is_staff", False):
        versions = versions.filter(is_active=True)
    return versions.order_by("-is_default", "name")


def model_version_analysable() -> QuerySet[ModelVersion]:
    """Versions an analysis may use: active classifiers with trained weights (no ImageNet
    backbones, no stand-alone flow streams, no random weights)."""
    return _without_untrained(ModelVersion.objects.filter(
        is_active=True, kind=ModelKind.CLASSIFIER)).order_by("-is_default", "name")


def model_version_labels() -> set[str]:
    """Every label of the versions an analysis may use (:func:`model_version_analysable`)."""
    return {label for labels in model_version_analysable().values_list("labels", flat=True)
            for label in labels or ()}


def model_version_get(*, user: User, pk: int) -> ModelVersion:
    """Raises ``ModelVersion.DoesNotExist`` when unknown or inactive (for non-staff)."""
    return model_version_list(user=user).get(pk=pk)


def model_version_default() -> ModelVersion | None:
    """The promoted default, else the first analysable version."""
    analysable = model_version_analysable()
    return (analysable.filter(is_default=True).first()
            or analysable.order_by("name").first())
