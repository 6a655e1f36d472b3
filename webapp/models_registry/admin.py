from __future__ import annotations

from django.contrib import admin

from webapp.models_registry.models import ModelPromotion, ModelVersion


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "arch", "weights", "is_default", "is_active", "promoted_at",
                    "updated_at")
    list_filter = ("is_default", "is_active", "arch")
    search_fields = ("name", "arch", "description")


@admin.register(ModelPromotion)
class ModelPromotionAdmin(admin.ModelAdmin):
    list_display = ("version", "promoted_by", "created_at", "reverted_at")
