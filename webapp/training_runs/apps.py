from __future__ import annotations

from django.apps import AppConfig


class TrainingRunsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webapp.training_runs"
    verbose_name = "Training runs"

    def ready(self) -> None:
        """Add the evaluation check to promotions; count runs by status for ``/metrics``."""
        from webapp.core.metrics import register_job_counts  # noqa: PLC0415
        from webapp.models_registry.services import PROMOTION_CHECKS  # noqa: PLC0415
        from webapp.training_runs.models import TrainingRun  # noqa: PLC0415
        from webapp.training_runs.selectors import evaluation_promotion_check  # noqa: PLC0415

        if evaluation_promotion_check not in PROMOTION_CHECKS:
            PROMOTION_CHECKS.append(evaluation_promotion_check)
        register_job_counts("vigil_training_runs", TrainingRun,
                            documentation="Training runs by status.")
