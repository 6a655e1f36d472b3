"""Serializers of the datasets API (``webapp.datasets.api``): request bodies and responses of
datasets, clips, imports and feedback. Errors use ``webapp.core.exception_handlers``."""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.core.exception_handlers import ProblemSerializer
from webapp.core.serializers import ReadOnlyModelSerializer
from webapp.datasets import selectors, services
from webapp.datasets.models import (
    Dataset,
    DatasetClip,
    DatasetImport,
    Feedback,
    Split,
    Verdict,
)


class LabelCountsSerializer(serializers.Serializer):
    # A field named label shadows Field.label (a str) in the DRF stubs.
    label = serializers.CharField()  # type: ignore[assignment]
    train = serializers.IntegerField()
    val = serializers.IntegerField()
    test = serializers.IntegerField()
    total = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    labels = LabelCountsSerializer(many=True)
    totals = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="Clips per split.")
    total = serializers.IntegerField()
    largest = serializers.CharField(help_text="Label with the most clips.")
    smallest = serializers.CharField(help_text="Label with the fewest clips.")
    imbalance = serializers.FloatField(allow_null=True,
                                       help_text="Largest / smallest class (clips).")
    leaking_groups = serializers.ListField(
        child=serializers.CharField(),
        help_text="Source groups found in more than one split (re-split to fix).")


class DatasetSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.get_username", read_only=True,
                                       allow_null=True, default=None)
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    clip_count = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    export_url = serializers.SerializerMethodField()

    class Meta:
        model = Dataset
        fields: tuple[str, ...] = ("id", "name", "description", "labels", "clip_count",
                                   "created_by", "created_at", "updated_at", "page_url",
                                   "export_url")
        read_only_fields: tuple[str, ...] = ("id", "clip_count", "created_by", "created_at",
                                             "updated_at", "page_url", "export_url")

    def get_clip_count(self, obj: Dataset) -> int:
        count = getattr(obj, "clip_count", None)
        return count if count is not None else obj.clips.count()

    def get_page_url(self, obj: Dataset) -> str:
        return reverse("datasets:detail", args=[obj.pk])

    def get_export_url(self, obj: Dataset) -> str:
        return reverse("api:dataset-export", args=[obj.pk])


class DatasetDetailSerializer(DatasetSerializer):
    stats = serializers.SerializerMethodField()

    class Meta(DatasetSerializer.Meta):
        fields = (*DatasetSerializer.Meta.fields, "stats")
        read_only_fields = (*DatasetSerializer.Meta.read_only_fields, "stats")

    @extend_schema_field(StatsSerializer)
    def get_stats(self, obj: Dataset) -> dict:
        return selectors.dataset_stats(dataset=obj).as_dict()


class DatasetClipSerializer(ReadOnlyModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = DatasetClip
        fields = ("id", "dataset", "label", "split", "group", "origin", "original_name",
                  "source_video", "start_sec", "end_sec", "duration_sec", "sha256",
                  "created_at", "file_url")

    def get_file_url(self, obj: DatasetClip) -> str:
        return reverse("datasets:clip_file", args=[obj.dataset_id, obj.pk])


class ClipUpdateSerializer(serializers.Serializer):
    # A field named label shadows Field.label (a str) in the DRF stubs.
    label = serializers.CharField(max_length=100, required=False)  # type: ignore[assignment]
    split = serializers.ChoiceField(choices=Split.choices, required=False,
                                    help_text="The clip's whole source group moves with it.")


class ClipCreateSerializer(serializers.Serializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=Dataset.objects.all())
    video = serializers.UUIDField(help_text="One of your uploaded videos.")
    start_sec = serializers.FloatField(min_value=0)
    end_sec = serializers.FloatField(min_value=0)
    # A field named label shadows Field.label (a str) in the DRF stubs.
    label = serializers.CharField(max_length=100)  # type: ignore[assignment]
    split = serializers.ChoiceField(choices=[("", "grouped"), *Split.choices], required=False,
                                    default="", allow_blank=True)


class ImportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=services.IMPORT_KINDS,
        help_text="folder: a zip of <label>/<clip> folders; manifest: a zip with manifest.csv "
                  "and the clips; ava: a CSV of video,timestamp_sec,label[,split] rows.")
    file = serializers.FileField()
    train = serializers.FloatField(required=False, default=0.7, min_value=0)
    val = serializers.FloatField(required=False, default=0.15, min_value=0)
    test = serializers.FloatField(required=False, default=0.15, min_value=0)
    seed = serializers.IntegerField(required=False, default=0)
    half_window_sec = serializers.FloatField(
        required=False, default=services.AVA_HALF_WINDOW_SEC, min_value=0.05, max_value=30,
        help_text="AVA rows: seconds taken either side of the timestamp.")


class DatasetImportSerializer(ReadOnlyModelSerializer):
    problems = serializers.SerializerMethodField()
    finished = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = DatasetImport
        fields = ("id", "dataset", "kind", "original_name", "status", "stage", "percent",
                  "imported", "error", "problems", "finished", "options", "created_at",
                  "finished_at", "url")

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, obj: DatasetImport) -> list[dict]:
        return [{"line": line, "reason": reason} for line, reason in obj.problems]

    def get_url(self, obj: DatasetImport) -> str:
        return reverse("api:dataset-import-job-detail", args=[obj.pk])


class ResplitSerializer(serializers.Serializer):
    train = serializers.FloatField(required=False, default=0.7, min_value=0)
    val = serializers.FloatField(required=False, default=0.15, min_value=0)
    test = serializers.FloatField(required=False, default=0.15, min_value=0)
    seed = serializers.IntegerField(required=False, default=0)


class AddFeedbackSerializer(serializers.Serializer):
    feedback = serializers.PrimaryKeyRelatedField(queryset=Feedback.objects.all(), many=True,
                                                  help_text="Feedback ids to turn into clips.")
    split = serializers.ChoiceField(choices=[("", "grouped"), *Split.choices], required=False,
                                    default="", allow_blank=True)


class AddedSerializer(serializers.Serializer):
    clips = DatasetClipSerializer(many=True)


class FeedbackSerializer(ReadOnlyModelSerializer):
    user = serializers.CharField(source="user.get_username", read_only=True)
    start_sec = serializers.FloatField(source="target.start_sec", read_only=True)
    end_sec = serializers.FloatField(source="target.end_sec", read_only=True)
    model_label = serializers.CharField(read_only=True)
    clip_label = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = ("id", "analysis", "segment", "event", "user", "verdict", "label",
                  "model_label", "clip_label", "start_sec", "end_sec", "clip", "created_at",
                  "updated_at")

    def get_clip_label(self, obj: Feedback) -> str:
        return services.feedback_clip_label(obj)


class FeedbackCreateSerializer(serializers.Serializer):
    analysis = serializers.UUIDField()
    segment_index = serializers.IntegerField(required=False, min_value=0,
                                             help_text="The segment's index in the analysis.")
    event = serializers.IntegerField(required=False, help_text="An event id (see targets/).")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    # A field named label shadows Field.label (a str) in the DRF stubs.
    label = serializers.CharField(  # type: ignore[assignment]
        max_length=100, required=False, allow_blank=True, default="",
        help_text="The right label (needed when wrong).")


class TargetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["segment", "event"])
    id = serializers.IntegerField()
    index = serializers.IntegerField(allow_null=True)
    # A field named label shadows Field.label (a str) in the DRF stubs.
    label = serializers.CharField(help_text="What the model said.")  # type: ignore[assignment]
    start_sec = serializers.FloatField()
    end_sec = serializers.FloatField()
