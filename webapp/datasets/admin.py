from __future__ import annotations

from django.contrib import admin

from webapp.core.admin import RestrictedAdmin
from webapp.datasets import services
from webapp.datasets.models import Dataset, DatasetClip, Feedback


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at", "updated_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def delete_model(self, request, obj: Dataset) -> None:
        services.dataset_delete(dataset=obj)  # its clips' files too

    def delete_queryset(self, request, queryset) -> None:
        for dataset in queryset:
            services.dataset_delete(dataset=dataset)


@admin.register(DatasetClip)
class DatasetClipAdmin(RestrictedAdmin):
    """Read-only here: clips are added and deleted through the dataset pages (files too)."""

    list_display = ("id", "dataset", "label", "split", "group", "origin", "duration_sec",
                    "created_at")
    list_filter = ("split", "origin", "dataset")
    search_fields = ("label", "group", "original_name")
    readonly_fields = tuple(f.name for f in DatasetClip._meta.fields)
    can_add = can_delete = False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "analysis", "segment", "event", "verdict", "label", "clip",
                    "created_at")
    list_filter = ("verdict",)
    search_fields = ("label", "user__username")
    readonly_fields = ("analysis", "segment", "event", "user", "clip", "created_at",
                       "updated_at")
