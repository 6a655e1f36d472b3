"""Celery tasks for model versions."""
from __future__ import annotations

from celery import shared_task

from webapp.models_registry import services


@shared_task(name="models_registry.sync")
def sync_models() -> int:
    return len(services.model_versions_sync())
