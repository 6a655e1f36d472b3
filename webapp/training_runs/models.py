"""Fine-tuning runs (a dataset + a base model version + settings) and evaluations."""
from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.db import models

from webapp.core.models import FINISHED_JOB_STATUSES, JobFields, JobStatus, QueuedJobFields

#: A run's and an evaluation's statuses are the job statuses (``core.models.JobStatus``).
RunStatus = JobStatus
FINISHED_RUN_STATUSES = FINISHED_JOB_STATUSES


class TrainingRun(JobFields):
    """One fine-tuning job; its files live in ``VIGIL_MODEL_DIR/runs/<id>/`` (resumable)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey("datasets.Dataset", on_delete=models.SET_NULL, null=True,
                                related_name="training_runs")
    base_version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.SET_NULL,
                                     null=True, related_name="derived_runs")
    settings = models.JSONField(default=dict, help_text="training.finetune.FinetuneConfig fields.")
    device = models.CharField(max_length=32, default="cpu")
    queue = models.CharField(max_length=16, default="cpu")
    run_token = models.CharField(max_length=64, blank=True)
    epoch = models.PositiveIntegerField(default=0, help_text="Last finished epoch.")
    history = models.JSONField(
        default=list, blank=True,
        help_text="One row per finished epoch: epoch, train_loss, train_acc, val_loss, val_acc, "
                  "lr, sec.")
    best = models.JSONField(
        default=dict, blank=True,
        help_text="Best epoch: accuracy, loss, macro F1, per-class P/R/F1, confusion matrix, "
                  "threshold at the target precision.")
    labels = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    result_version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"run {self.pk} ({self.status})"


class Evaluation(QueuedJobFields):
    """Metrics of one model version on one split of a dataset (a job started and ended without
    a claim: the state fields come from :class:`~webapp.core.models.QueuedJobFields`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.CASCADE,
                                related_name="evaluations")
    dataset = models.ForeignKey("datasets.Dataset", on_delete=models.CASCADE,
                                related_name="evaluations")
    split = models.CharField(max_length=8, default="val")
    device = models.CharField(max_length=32, default="cpu")
    queue = models.CharField(max_length=16, default="cpu")
    metrics = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.version} on {self.dataset} {self.split} ({self.status})"
