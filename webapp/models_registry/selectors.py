"""Reads for model versions (shared by all users; inactive ones only for staff)."""
from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from webapp.models_registry.models import ModelVersion


def model_version_list(*, user: AbstractBaseUser) -> QuerySet[ModelVersion]:
    versions = ModelVersion.objects.all()
    if not getattr(user, "is_staff", False):
        versions = versions.filter(is_active=True)
    return versions.order_by("-is_default", "name")


def model_version_get(*, user: AbstractBaseUser, pk: int) -> ModelVersion:
    """Raises ``ModelVersion.DoesNotExist`` when unknown or inactive (for non-staff)."""
    return model_version_list(user=user).get(pk=pk)


def model_version_default() -> ModelVersion | None:
    return (ModelVersion.objects.filter(is_default=True, is_active=True).first()
            or ModelVersion.objects.filter(is_active=True).order_by("name").first())
