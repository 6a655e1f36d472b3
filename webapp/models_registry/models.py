"""Model versions users pick for an analysis: a registry architecture plus its weights."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ModelKind(models.TextChoices):
    CLASSIFIER = "classifier", "classifier (offered for analyses)"
    BACKBONE = "backbone", "backbone (a fine-tuning start; its labels are ImageNet's)"
    STREAM = "stream", "stream (fused into another model's analysis)"


class ModelVersion(models.Model):
    name = models.SlugField(max_length=120, unique=True,
                            help_text="Shown to users, e.g. r2plus1d_18 or r2plus1d_18.untrained.")
    arch = models.CharField(max_length=100, help_text="Registry name in inference.models.")
    weights = models.CharField(
        max_length=500, default="default",
        help_text="'default' (the registry's pretrained file in VIGIL_MODEL_DIR), a file path, "
                  "or 'none' (random initialisation: development and tests only).")
    labels = models.JSONField(default=list, blank=True)
    input_spec = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=ModelKind.choices,
                            default=ModelKind.CLASSIFIER,
                            help_text="Only classifiers are offered for analyses.")
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    metrics = models.JSONField(default=dict, blank=True,
                               help_text="Validation metrics (best epoch, or the import's).")
    weights_sha256 = models.CharField(max_length=64, blank=True)
    training_run = models.ForeignKey("training_runs.TrainingRun", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    dataset = models.ForeignKey("datasets.Dataset", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="model_versions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    promoted_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When it last became the default.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-is_default", "name")
        constraints = (
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="model_version_single_default"),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def untrained(self) -> bool:
        return self.weights == "none"


class ModelPromotion(models.Model):
    """One "make this the default" step; a roll-back reverts the newest one still standing."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE,
                                related_name="promotions")
    promoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.version} at {self.created_at:%Y-%m-%d %H:%M}"
