"""Uploaded videos, their analyses, and what an analysis found (segments, events)."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from webapp.core.models import FINISHED_JOB_STATUSES, JobFields, JobStatus


class Video(models.Model):
    """An accepted upload, stored under a random name; ``original_name`` is display text only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="videos")
    original_name = models.CharField(max_length=255)
    file = models.CharField(max_length=255, help_text="Path relative to MEDIA_ROOT.")
    thumbnail = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField()
    container = models.CharField(max_length=32)
    codec = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    rotation = models.PositiveSmallIntegerField(default=0)
    fps = models.FloatField()
    frame_count = models.PositiveIntegerField()
    duration_sec = models.FloatField()
    has_audio = models.BooleanField(default=False)
    source_tag = models.CharField(max_length=100, blank=True, db_index=True,
                                  help_text="Where the video comes from (e.g. a camera name); "
                                            "alert rules can be limited to one tag.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = (models.Index(fields=["owner", "-created_at"]),)

    def __str__(self) -> str:
        return self.original_name


#: An analysis's statuses are the job statuses (:mod:`webapp.core.jobs` writes them).
AnalysisStatus = JobStatus
FINISHED_STATUSES = FINISHED_JOB_STATUSES


class Analysis(JobFields):
    """One run of a model version over a video, with its live progress and outcome (the job
    state fields come from :class:`~webapp.core.models.JobFields`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="analyses")
    model_version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.PROTECT,
                                      related_name="analyses")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    # Options
    device = models.CharField(max_length=32, default="cpu")
    queue = models.CharField(max_length=16, default="cpu")
    segment_sec = models.FloatField()
    stride_sec = models.FloatField()
    labels = models.JSONField(default=list, blank=True, help_text="Labels to watch.")
    threshold = models.FloatField()
    modalities = models.JSONField(default=list, blank=True,
                                  help_text="Streams fused (rgb, flow, rgbdiff); empty: the "
                                            "model's own.")
    fusion_weights = models.JSONField(default=dict, blank=True,
                                      help_text="Late-fusion weight per stream (others 1).")
    flow_method = models.CharField(max_length=16, default="dis")
    # State beyond JobFields' (their column types differ between job models)
    error_code = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    run_token = models.CharField(max_length=32, blank=True,
                                 help_text="Identifies the execution that owns the row.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Outputs (paths relative to MEDIA_ROOT)
    results_file = models.CharField(max_length=255, blank=True)
    annotated_file = models.CharField(max_length=255, blank=True)
    thumbs_file = models.CharField(max_length=255, blank=True,
                                   help_text="Thumbnail sprite sheet (inference.thumbsheet).")
    thumbs_index = models.JSONField(default=dict, blank=True,
                                    help_text="The sheet's vigil.thumbs/1 index.")
    model_weights = models.CharField(max_length=200, blank=True,
                                     help_text="What the results say the weights were.")
    untrained = models.BooleanField(default=False)
    watched_labels = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "analyses"
        indexes = (models.Index(fields=["status", "heartbeat_at"]),)

    def __str__(self) -> str:
        return f"{self.model_version_id}@{self.video_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def watched_or_asked_labels(self) -> list[str]:
        """The labels the results say were watched, else (before there are results) those
        asked for (empty when neither names any)."""
        return list(self.watched_labels or self.labels)


class Segment(models.Model):
    """Scores of one window: top-k labels and the watched labels' probabilities."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start_sec = models.FloatField()
    end_sec = models.FloatField()
    top = models.JSONField(default=list, help_text="[[label, probability], ...] best first.")
    scores = models.JSONField(default=dict, help_text="{label: probability} of watched labels.")
    label_scores = models.JSONField(default=dict,
                                    help_text="top and scores merged, for filtering by label.")
    top_label = models.CharField(max_length=200, blank=True)
    top_score = models.FloatField(default=0.0)
    max_score = models.FloatField(default=0.0, help_text="Best watched-label score.")

    class Meta:
        ordering = ("analysis", "index")
        constraints = (
            models.UniqueConstraint(fields=["analysis", "index"],
                                    name="segment_unique_analysis_index"),
        )

    def __str__(self) -> str:
        return f"#{self.index} {self.start_sec:.1f}-{self.end_sec:.1f}s"


class ScoredSpan(models.Model):
    """A span of a video where ``label`` scored high: times in seconds from the video's start,
    scores are probabilities (0-1); ``peak_sec`` is when ``peak_score`` was reached.

    Abstract: events (what an analysis found) and alerts (an event a rule raised) each have
    their own columns.
    """

    label = models.CharField(max_length=200)
    start_sec = models.FloatField()
    end_sec = models.FloatField()
    peak_score = models.FloatField()
    mean_score = models.FloatField()
    peak_sec = models.FloatField()

    class Meta:
        abstract = True


class Event(ScoredSpan):
    """A detected action: a run of segments whose score for ``label`` stayed high."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ("analysis", "start_sec")

    def __str__(self) -> str:
        return f"{self.label} {self.start_sec:.1f}-{self.end_sec:.1f}s"


class ResumableUpload(models.Model):
    """An upload sent in pieces (the tus protocol, :mod:`webapp.videos.services.resumable`).

    The bytes received so far are stored as parts under ``uploads/<id>/`` (one per PATCH, named
    by the offset it starts at); ``offset`` counts them. Once complete, the parts are assembled
    and handed to the normal upload service; ``video`` and ``analysis`` say what it made.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="resumable_uploads")
    length = models.BigIntegerField(help_text="The whole file's size in bytes.")
    offset = models.BigIntegerField(default=0, help_text="Bytes received and stored so far.")
    metadata = models.JSONField(default=dict, blank=True,
                                help_text="The upload's options (file name, analysis options).")
    video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    analysis = models.ForeignKey(Analysis, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.pk} ({self.offset}/{self.length})"

    @property
    def folder(self) -> str:
        """The stored prefix of this upload's parts."""
        return f"uploads/{self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.offset >= self.length
