"""REST API for videos and analyses (``/api/v1/videos/``, ``/api/v1/analyses/``)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from inference.types import FLOW_METHODS, MODALITIES
from webapp.accounts.selectors import request_user
from webapp.core.errors import ServiceError
from webapp.core.exception_handlers import ErrorSerializer
from webapp.core.forms import comma_separated
from webapp.core.serializers import LinkField, ReadOnlyModelSerializer, upload_validated
from webapp.core.viewsets import UserSelectorsMixin
from webapp.models_registry.selectors import model_version_analysable
from webapp.videos import selectors, services
from webapp.videos.filters import (
    AnalysisFilter,
    ProgressQuerySerializer,
    SegmentQuerySerializer,
    VideoFilter,
)
from webapp.videos.models import Analysis, Event, Segment, Video
from webapp.videos.options import AnalysisOptions, analysis_options_clean

MAX_PROGRESS_SEGMENTS = 500


class AnalysisNotReady(ServiceError):
    """Results asked of an analysis that has not succeeded (409)."""

    code = "not_ready"
    http_status = 409


def split_labels(values: list[str]) -> list[str]:
    """Labels from repeated fields and/or comma-separated values."""
    return [label for value in values for label in comma_separated(value)]


# --- Serializers -------------------------------------------------------------------------------

class EventSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Event
        fields = ("label", "start_sec", "end_sec", "peak_score", "mean_score", "peak_sec")


class SegmentSerializer(ReadOnlyModelSerializer):
    top = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(), min_length=2, max_length=2),
        help_text="[[label, probability], ...], best first.")
    scores = serializers.DictField(child=serializers.FloatField(),
                                   help_text="Probabilities of the watched labels.")

    class Meta:
        model = Segment
        fields = ("index", "start_sec", "end_sec", "top", "scores")


@extend_schema_field(OpenApiTypes.INT)
class AnalysableVersionField(serializers.PrimaryKeyRelatedField):
    """A model version an analysis may use, looked up per request (settings may change)."""

    def get_queryset(self):
        return model_version_analysable()


class AnalysisOptionsSerializer(serializers.Serializer):
    model_version = AnalysableVersionField(
        required=False, allow_null=True,
        help_text="Model version id; the default version when left out.")
    segment_sec = serializers.FloatField(required=False, min_value=0.1, max_value=60)
    stride_sec = serializers.FloatField(required=False, min_value=0.1, max_value=60)
    labels = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                   help_text="Labels to watch (repeat the field, or "
                                             "comma-separate them).")
    threshold = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    device = serializers.CharField(required=False, max_length=32, trim_whitespace=False,
                                   help_text="cpu, cuda[:N] or auto (CUDA when the worker has "
                                             "it); cuda only where GPU workers exist")
    modalities = serializers.ListField(
        child=serializers.ChoiceField(choices=list(MODALITIES)), required=False,
        help_text="Streams to fuse, e.g. [\"rgb\", \"flow\"]; the model's own when left out.")
    fusion_weights = serializers.DictField(
        child=serializers.FloatField(min_value=0.0), required=False,
        help_text="Late-fusion weight per stream, e.g. {\"rgb\": 1, \"flow\": 1.5}.")
    flow_method = serializers.ChoiceField(choices=list(FLOW_METHODS), required=False,
                                          help_text="Optical flow for flow streams.")

    def options_wanted(self, attrs: dict) -> bool:
        """Whether these options will start an analysis (and so must be checked)."""
        return True

    def validate(self, attrs: dict) -> dict:
        """Every option checked together, once, by the one cleaner (a Django
        ``ValidationError`` keyed by field: the exception handler answers 400)."""
        if self.options_wanted(attrs):
            attrs["options"] = analysis_options_clean(
                model_version=attrs.get("model_version"),
                segment_sec=attrs.get("segment_sec"), stride_sec=attrs.get("stride_sec"),
                labels=split_labels(attrs.get("labels") or []),
                threshold=attrs.get("threshold"), device=attrs.get("device"),
                modalities=attrs.get("modalities") or [],
                fusion_weights=attrs.get("fusion_weights") or {},
                flow_method=attrs.get("flow_method"))
        return attrs

    @property
    def analysis_options(self) -> AnalysisOptions:
        """The cleaned options, for ``services.analysis_start(options=...)``."""
        return self.validated_data["options"]


class AnalysisCreateSerializer(AnalysisOptionsSerializer):
    video = serializers.UUIDField()


class VideoCreateSerializer(AnalysisOptionsSerializer):
    file = serializers.FileField(
        allow_empty_file=True,  # so an empty file gets the probe's own reason
        help_text="The video file (its content is checked, not its name).")
    analyze = serializers.BooleanField(default=True,
                                       help_text="Start an analysis right away.")
    source_tag = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                       default="",
                                       help_text="Where the video comes from (alert rules "
                                                 "can be limited to one tag).")

    def options_wanted(self, attrs: dict) -> bool:
        return bool(attrs.get("analyze", True))


class AnalysisFileLinks(ReadOnlyModelSerializer):
    # (No docstring: drf-spectacular would give it to the subclasses' schemas.) The links to
    # an analysis's annotated video and thumbnail sheet, null until they are made: the API's
    # analyses and the live page's progress.
    annotated_url = LinkField("videos:analysis_annotated", present="annotated_file")
    thumbs_url = LinkField("videos:analysis_thumbs", present="thumbs_file")


class AnalysisSerializer(AnalysisFileLinks):
    model_version_name = serializers.CharField(source="model_version.name", read_only=True)
    events = EventSerializer(many=True, read_only=True)
    page_url = LinkField("videos:analysis_detail")
    results_url = LinkField("videos:analysis_results", present="results_file")
    segments_csv_url = LinkField("videos:analysis_segments_csv")

    class Meta:
        model = Analysis
        fields = ("id", "video", "model_version", "model_version_name", "device", "queue",
                  "segment_sec", "stride_sec", "labels", "threshold", "modalities",
                  "fusion_weights", "flow_method", "status", "cancel_requested", "stage",
                  "percent", "error", "error_code", "attempts",
                  "created_at", "started_at", "finished_at", "heartbeat_at", "untrained",
                  "model_weights", "watched_labels", "events", "page_url", "results_url",
                  "annotated_url", "thumbs_url", "thumbs_index", "segments_csv_url")


class VideoSerializer(ReadOnlyModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    page_url = LinkField("videos:detail")
    thumbnail_url = LinkField("videos:thumbnail", present="thumbnail")
    source_url = LinkField("videos:source")
    duplicate_of = serializers.SerializerMethodField(
        help_text="The owner's first upload of the same content (sha256) when this video is "
                  "a later copy; null otherwise.")

    class Meta:
        model = Video
        fields = ("id", "owner", "original_name", "size_bytes", "sha256", "container", "codec",
                  "width", "height", "rotation", "fps", "frame_count", "duration_sec",
                  "has_audio", "source_tag", "created_at", "page_url", "thumbnail_url",
                  "source_url", "duplicate_of")

    @extend_schema_field(serializers.UUIDField(allow_null=True))  # null: not a re-upload
    def get_duplicate_of(self, obj: Video) -> str | None:
        """From the selectors' ``duplicate_of_id`` (None for a video just created)."""
        duplicate = getattr(obj, "duplicate_of_id", None)
        return str(duplicate) if duplicate is not None else None


class VideoCreatedSerializer(serializers.Serializer):
    video = VideoSerializer()
    analysis = AnalysisSerializer(allow_null=True)


class ProgressSerializer(AnalysisFileLinks):
    """The live page's poll of an analysis: its state, the next segments (those after
    ``after``, a bounded batch) and, once it has finished, its events."""

    # context["after"]: the last segment index seen. Without a request in the context, the
    # links are paths (as the live page has always had them).
    finished = serializers.BooleanField(source="is_finished", read_only=True)
    watched_labels = serializers.SerializerMethodField()
    segments = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    thumbs_index = serializers.JSONField(
        read_only=True,
        help_text="Grid of the thumbnail sheet (vigil.thumbs/1); {} until there is one.")

    class Meta:
        model = Analysis
        fields = ("id", "status", "stage", "percent", "error", "error_code", "cancel_requested",
                  "finished", "watched_labels", "segments", "events", "annotated_url",
                  "thumbs_url", "thumbs_index")

    def get_watched_labels(self, obj: Analysis) -> list[str]:
        return obj.watched_or_asked_labels

    @extend_schema_field(SegmentSerializer(many=True))
    def get_segments(self, obj: Analysis) -> list[dict[str, Any]]:
        segments = selectors.segment_list(analysis=obj, after_index=self.context["after"])
        return list(SegmentSerializer(segments[:MAX_PROGRESS_SEGMENTS], many=True).data)

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Analysis) -> list[dict[str, Any]]:
        if not obj.is_finished:
            return []
        return list(EventSerializer(selectors.event_list(analysis=obj), many=True).data)


def video_upload_validated(serializer: VideoCreateSerializer, *, owner: User,
                           ) -> tuple[Video, Analysis | None]:
    """Accept a validated upload request (multipart, or an assembled resumable upload) with
    the one upload service: probe, quotas, storage, and the analysis unless ``analyze`` is
    false."""
    data = serializer.validated_data
    return services.video_upload(
        owner=owner, upload=data["file"],
        analysis_options=serializer.analysis_options if data["analyze"] else None,
        source_tag=data["source_tag"])


def video_created_body(video: Video, analysis: Analysis | None, *,
                       context: Mapping[str, Any]) -> dict:
    """The body answering an accepted upload (:class:`VideoCreatedSerializer`'s shape); the
    video read again through the selector, so ``duplicate_of`` says if it is a re-upload."""
    video = selectors.video_get(user=video.owner, pk=video.pk)
    return {"video": VideoSerializer(video, context=context).data,
            "analysis": AnalysisSerializer(analysis, context=context).data
            if analysis else None}


# --- Views -------------------------------------------------------------------------------------

class VideoViewSet(UserSelectorsMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your videos. Upload with multipart ``file``; an analysis starts unless ``analyze=false``."""

    serializer_class = VideoSerializer
    parser_classes = (parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser)
    start_work_actions = ("create",)  # the "uploads" throttle (webapp.core.throttling)

    filterset_class = VideoFilter
    list_selector = staticmethod(selectors.video_list)

    # A file upload is multipart only: a generated client must not offer JSON or form bodies.
    @extend_schema(request={"multipart/form-data": VideoCreateSerializer},
                   responses={201: VideoCreatedSerializer, 400: ErrorSerializer,
                              413: ErrorSerializer, 422: ErrorSerializer,
                              429: ErrorSerializer})
    def create(self, request: Request) -> Response:
        serializer = upload_validated(request, VideoCreateSerializer)
        video, analysis = video_upload_validated(serializer, owner=request_user(request))
        body = video_created_body(video, analysis, context=self.get_serializer_context())
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Video) -> None:
        services.video_delete(video=instance)


class AnalysisViewSet(UserSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Analyses of your videos: start one (or a re-run), follow it, cancel it, read results."""

    serializer_class = AnalysisSerializer
    start_work_actions = ("create",)

    filterset_class = AnalysisFilter
    list_selector = staticmethod(selectors.analysis_list)

    def get_queryset(self) -> QuerySet[Analysis]:
        return super().get_queryset().prefetch_related("events")

    @extend_schema(request=AnalysisCreateSerializer,
                   responses={202: AnalysisSerializer, 400: ErrorSerializer,
                              429: ErrorSerializer})
    def create(self, request: Request) -> Response:
        serializer = AnalysisCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            video = selectors.video_get(user=request.user,
                                        pk=serializer.validated_data["video"])
        except Video.DoesNotExist:
            raise ValidationError({"video": "no such video"}) from None
        analysis = services.analysis_start(video=video, created_by=request_user(request),
                                           options=serializer.analysis_options)
        data = AnalysisSerializer(analysis, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: AnalysisSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        analysis = services.analysis_cancel(analysis=self.get_object())
        return Response(AnalysisSerializer(analysis, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: ErrorSerializer},
                   description="The vigil.results/1 document of a finished analysis.")
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk=None) -> Response:
        analysis = self.get_object()
        document = selectors.analysis_results_document(analysis=analysis)
        if document is None:
            raise AnalysisNotReady(f"the analysis is {analysis.status}")
        return Response(document)

    @extend_schema(parameters=[SegmentQuerySerializer],
                   responses={200: SegmentSerializer(many=True)})
    @action(detail=True, methods=["get"], serializer_class=SegmentSerializer,
            filterset_class=None)
    def segments(self, request: Request, pk=None) -> Response:
        analysis = self.get_object()
        query = SegmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        segments = selectors.segment_list(analysis=analysis,
                                          label=query.validated_data.get("label", ""),
                                          min_score=query.validated_data.get("min_score"))
        page = self.paginate_queryset(segments)
        return self.get_paginated_response(SegmentSerializer(page, many=True).data)

    @extend_schema(parameters=[ProgressQuerySerializer], responses={200: ProgressSerializer})
    @action(detail=True, methods=["get"], serializer_class=ProgressSerializer,
            pagination_class=None, filterset_class=None)
    def progress(self, request: Request, pk=None) -> Response:
        """Small, frequent poll for the live page: state plus the segments not seen yet."""
        analysis = self.get_object()
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(ProgressSerializer(analysis, context={
            "after": query.validated_data["after"]}).data)

