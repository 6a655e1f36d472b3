from __future__ import annotations

from django.contrib import admin

from webapp.videos.models import Analysis, Event, Segment, Video


class AnalysisInline(admin.TabularInline):
    model = Analysis
    extra = 0
    fields = ("model_version", "status", "stage", "percent", "created_at", "finished_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = ("original_name", "owner", "duration_sec", "width", "height", "created_at")
    search_fields = ("original_name", "owner__username", "sha256")
    readonly_fields = tuple(f.name for f in Video._meta.fields)
    inlines = (AnalysisInline,)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0


@admin.register(Analysis)
class AnalysisAdmin(admin.ModelAdmin):
    list_display = ("id", "video", "model_version", "status", "stage", "percent", "attempts",
                    "created_at", "heartbeat_at")
    list_filter = ("status", "queue", "model_version")
    search_fields = ("id", "video__original_name", "celery_task_id")
    readonly_fields = ("created_at", "started_at", "finished_at", "heartbeat_at", "run_token",
                       "celery_task_id", "worker")
    inlines = (EventInline,)


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("analysis", "index", "start_sec", "end_sec", "top_label", "top_score")
    list_select_related = ("analysis",)
