from __future__ import annotations

from django.apps import AppConfig


class TrainingRunsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webapp.training_runs"
    verbose_name = "Training runs"

    def ready(self) -> None:
        from webapp.models_registry.services import PROMOTION_CHECKS  # noqa: PLC0415
        from webapp.training_runs.selectors import evaluation_promotion_check  # noqa: PLC0415

        if evaluation_promotion_check not in PROMOTION_CHECKS:
            PROMOTION_CHECKS.append(evaluation_promotion_check)
