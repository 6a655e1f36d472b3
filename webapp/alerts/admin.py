from __future__ import annotations

from django.contrib import admin

from webapp.alerts.models import Alert, AlertRule, Delivery, WebhookEndpoint


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "is_global", "is_active", "enter_threshold",
                    "min_duration_sec", "source_tag", "model_version")
    list_filter = ("is_global", "is_active")
    search_fields = ("name", "owner__username")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("id", "label", "owner", "rule_name", "start_sec", "end_sec", "peak_score",
                    "created_at", "acknowledged_at", "false_alarm")
    list_filter = ("false_alarm", "label")
    search_fields = ("label", "owner__username", "rule_name")
    readonly_fields = ("analysis", "rule", "thumbnail", "clip", "created_at")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "owner", "is_active", "created_at")
    search_fields = ("url", "owner__username")
    readonly_fields = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("started_at", "channel", "target", "alert", "attempt", "status",
                    "status_code")
    list_filter = ("channel", "status")
    readonly_fields = tuple(f.name for f in Delivery._meta.fields)
