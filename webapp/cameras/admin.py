from __future__ import annotations

from django.contrib import admin

from webapp.cameras.models import Camera, CameraIncident, CameraProbe, CameraRuntime
from webapp.core.admin import RestrictedAdmin


@admin.register(Camera)
class CameraAdmin(RestrictedAdmin):
    """Read and toggle cameras; URLs are entered on the camera pages (they get encrypted)."""

    list_display = ("name", "url_masked", "model_version", "source_tag", "enabled", "owner")
    list_filter = ("enabled",)
    search_fields = ("name", "source_tag")
    readonly_fields = ("url_masked", "created_at", "updated_at")
    exclude = ("url_encrypted",)
    can_add = False


@admin.register(CameraRuntime)
class CameraRuntimeAdmin(RestrictedAdmin):
    list_display = ("camera", "state", "worker", "lease_expires_at", "fps_in", "lag_sec",
                    "reconnects", "last_seen_at")
    exclude = ("preview_jpeg", "scores")
    can_add = can_change = False


@admin.register(CameraIncident)
class CameraIncidentAdmin(admin.ModelAdmin):
    list_display = ("camera", "label", "onset_at", "end_at", "peak_score")
    list_filter = ("label",)


@admin.register(CameraProbe)
class CameraProbeAdmin(admin.ModelAdmin):
    list_display = ("created_at", "url_masked", "ok", "error_code", "user", "camera")
    list_filter = ("ok",)
