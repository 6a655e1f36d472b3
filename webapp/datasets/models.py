"""Curated training data: datasets of labelled clips, and users' verdicts on results."""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from webapp.core.models import NamedEditedModel, QueuedJobFields

if TYPE_CHECKING:
    from webapp.videos.models import Event, Segment


class Split(models.TextChoices):
    TRAIN = "train"
    VAL = "val", "Validation"
    TEST = "test"


class ClipOrigin(models.TextChoices):
    UPLOAD = "upload", "Uploaded video"
    FOLDER = "folder", "Folder-per-class import"
    MANIFEST = "manifest", "CSV manifest import"
    AVA = "ava", "AVA-style rows"
    FEEDBACK = "feedback", "Result feedback"


class Dataset(NamedEditedModel):
    """A named set of labelled clips; ``labels`` is the label set (list of str)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    labels = models.JSONField(default=list, blank=True, help_text="Label names (list of str).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")


class DatasetClip(models.Model):
    """One labelled clip: its own video file under MEDIA_ROOT, with a split and a source group."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="clips")
    label = models.CharField(max_length=100)
    split = models.CharField(max_length=8, choices=Split.choices, db_index=True)
    file = models.CharField(max_length=500,
                            help_text="Path relative to MEDIA_ROOT, e.g. datasets/<id>/<uuid>.mp4.")
    source_video = models.ForeignKey("videos.Video", on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="dataset_clips")
    start_sec = models.FloatField(null=True, blank=True,
                                  help_text="Start in the source video (s), if cut from one.")
    end_sec = models.FloatField(null=True, blank=True,
                                help_text="End in the source video (s), if cut from one.")
    group = models.CharField(max_length=200, blank=True,
                             help_text="Source-video key: grouped splits keep a group together.")
    origin = models.CharField(max_length=16, choices=ClipOrigin.choices)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    duration_sec = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("dataset", "label", "id")
        indexes = (models.Index(fields=["dataset", "split", "label"]),)

    def __str__(self) -> str:
        return f"{self.label} ({self.split}) {self.original_name or self.file}"


class Verdict(models.TextChoices):
    CORRECT = "correct"
    WRONG = "wrong"


class Feedback(models.Model):
    """A user's verdict on one segment or one event of an analysis ("correct" / "wrong, it is X").

    ``label`` is the label the user says is right (for ``wrong``); ``clip`` is the dataset clip
    staff made from it, if any. One per user per segment or event (updated in place).
    """

    analysis = models.ForeignKey("videos.Analysis", on_delete=models.CASCADE,
                                 related_name="feedback")
    segment = models.ForeignKey("videos.Segment", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="feedback")
    event = models.ForeignKey("videos.Event", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="feedback")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    label = models.CharField(max_length=200, blank=True,
                             help_text="The right label when the verdict is wrong.")
    clip = models.ForeignKey(DatasetClip, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="feedback")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name_plural = "feedback"
        constraints = (
            models.UniqueConstraint(fields=["user", "segment"], condition=models.Q(
                segment__isnull=False), name="feedback_unique_user_segment"),
            models.UniqueConstraint(fields=["user", "event"], condition=models.Q(
                event__isnull=False), name="feedback_unique_user_event"),
            models.CheckConstraint(
                condition=models.Q(segment__isnull=False, event__isnull=True)
                | models.Q(segment__isnull=True, event__isnull=False),
                name="feedback_segment_xor_event"),
        )

    def __str__(self) -> str:
        return f"{self.verdict} {self.label}".strip()

    @property
    def target(self) -> Segment | Event:
        """The segment or the event judged (the check constraint sets exactly one)."""
        target = self.event if self.event_id is not None else self.segment
        if target is None:
            raise ValueError(f"feedback #{self.pk} judges neither a segment nor an event")
        return target

    @property
    def model_label(self) -> str:
        """The label the model gave what was judged: an event's label, a segment's top one."""
        if self.event is not None:  # no query when there is no event
            return self.event.label
        if self.segment is not None:
            return self.segment.top_label
        raise ValueError(f"feedback #{self.pk} judges neither a segment nor an event")


class DatasetImport(QueuedJobFields):
    """An uploaded import (folder zip, manifest zip, AVA rows) run by a worker, with progress.

    ``upload`` is the staged upload's stored name (deleted when the import ends); ``problems``
    lists ``[line, reason]`` of every bad row when it failed validation (nothing imported).
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16)
    original_name = models.CharField(max_length=255, blank=True)
    upload = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict, blank=True)
    imported = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status})"
