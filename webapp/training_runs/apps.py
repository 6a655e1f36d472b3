from __future__ import annotations

from django.apps import AppConfig


class TrainingRunsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webapp.training_runs"
    verbose_name = "Training runs"
