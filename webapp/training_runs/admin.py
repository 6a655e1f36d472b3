from __future__ import annotations

from django.contrib import admin

from webapp.training_runs.models import Evaluation, TrainingRun


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "dataset", "base_version", "status", "epoch", "result_version",
                    "created_at")
    list_filter = ("status",)
    readonly_fields = ("history", "best")


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("id", "version", "dataset", "split", "status", "created_at")
    list_filter = ("status", "split")
