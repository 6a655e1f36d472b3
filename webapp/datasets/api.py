"""REST API: ``/api/v1/datasets/``, ``dataset-clips/`` (staff only) and ``feedback/`` (users)."""
from __future__ import annotations

from typing import cast

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from webapp.accounts.selectors import request_user
from webapp.core.errors import object_or_404
from webapp.core.exception_handlers import ErrorSerializer
from webapp.core.serializers import upload_validated
from webapp.core.viewsets import StaffSelectorsMixin
from webapp.datasets import selectors, services
from webapp.datasets.exports import export_response
from webapp.datasets.filters import DatasetClipFilter, DatasetImportFilter, FeedbackFilter
from webapp.datasets.models import Dataset, DatasetClip, Feedback
from webapp.datasets.serializers import (
    AddedSerializer,
    AddFeedbackSerializer,
    ClipCreateSerializer,
    ClipUpdateSerializer,
    DatasetClipSerializer,
    DatasetDetailSerializer,
    DatasetImportSerializer,
    DatasetSerializer,
    FeedbackCreateSerializer,
    FeedbackSerializer,
    ImportSerializer,
    ResplitSerializer,
    TargetSerializer,
)
from webapp.videos import selectors as video_selectors
from webapp.videos.models import Analysis, Video

# --- Views -------------------------------------------------------------------------------------

def _fractions(data: dict) -> tuple[float, float, float]:
    return (data["train"], data["val"], data["test"])


class DatasetViewSet(StaffSelectorsMixin, viewsets.ModelViewSet):
    """Datasets of labelled clips (staff only): create, import, export, re-split."""

    serializer_class = DatasetSerializer
    parser_classes = (parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser)
    http_method_names = ("get", "post", "patch", "delete", "head", "options")
    list_selector = staticmethod(selectors.dataset_list)

    def get_serializer_class(self):
        return DatasetDetailSerializer if self.action == "retrieve" else DatasetSerializer

    def perform_create(self, serializer: BaseSerializer[Dataset]) -> None:
        data = serializer.validated_data
        serializer.instance = services.dataset_create(
            name=data["name"], description=data.get("description", ""),
            labels=data.get("labels", ()), created_by=request_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Dataset]) -> None:
        data = serializer.validated_data
        serializer.instance = services.dataset_update(
            # UpdateModelMixin.update always passes the instance it got.
            dataset=cast(Dataset, serializer.instance), name=data.get("name"),
            description=data.get("description"))

    def perform_destroy(self, instance: Dataset) -> None:
        services.dataset_delete(dataset=instance)

    @extend_schema(request={"multipart/form-data": ImportSerializer},
                   responses={202: DatasetImportSerializer, 400: ErrorSerializer,
                              413: ErrorSerializer})
    @action(detail=True, methods=["post"], url_path="import", url_name="import")
    def import_clips(self, request: Request, pk=None) -> Response:
        """Queue an import; follow it at ``url`` (``dataset-imports/{id}/``). A worker checks
        every row first: if any is bad, the import fails with ``problems`` listing every bad
        row and nothing is imported."""
        dataset = self.get_object()
        data = upload_validated(request, ImportSerializer).validated_data
        job = services.dataset_import_start(
            dataset=dataset, user=request_user(request), kind=data["kind"], upload=data["file"],
            fractions=_fractions(data), seed=data["seed"],
            half_window_sec=data["half_window_sec"])
        return Response(DatasetImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
                   parameters=[OpenApiParameter("split", str, many=True,
                                                description="Only these splits.")])
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk=None) -> FileResponse:
        """A zip of ``manifest.csv`` + ``clips/`` (the format the manifest import reads)."""
        return export_response(dataset=self.get_object(),
                               splits=request.query_params.getlist("split") or None)

    @extend_schema(request=ResplitSerializer, responses={200: DatasetDetailSerializer})
    @action(detail=True, methods=["post"])
    def resplit(self, request: Request, pk=None) -> Response:
        """Re-assign train/val/test by source video (no video spans two splits)."""
        dataset = self.get_object()
        serializer = ResplitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.dataset_resplit(dataset=dataset, fractions=_fractions(serializer.validated_data),
                                 seed=serializer.validated_data["seed"])
        return Response(DatasetDetailSerializer(dataset,
                                                context=self.get_serializer_context()).data)

    @extend_schema(request=AddFeedbackSerializer,
                   responses={201: AddedSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"], url_path="add-feedback", url_name="add-feedback")
    def add_feedback(self, request: Request, pk=None) -> Response:
        """Cut the selected feedback items' segments/events into clips of this dataset."""
        dataset = self.get_object()
        serializer = AddFeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = selectors.feedback_list().filter(
            pk__in=[f.pk for f in serializer.validated_data["feedback"]])
        clips = services.feedback_add_to_dataset(
            dataset=dataset, feedback=items, split=serializer.validated_data["split"])
        data = DatasetClipSerializer(clips, many=True).data
        return Response({"clips": data}, status=status.HTTP_201_CREATED)


class DatasetImportViewSet(StaffSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Imports and their progress (staff only); start one with ``datasets/{id}/import/``."""

    serializer_class = DatasetImportSerializer
    filterset_class = DatasetImportFilter
    list_selector = staticmethod(selectors.import_list)


class DatasetClipViewSet(StaffSelectorsMixin, mixins.DestroyModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """Clips of datasets (staff only): list, add a range of an uploaded video, relabel or move,
    delete."""

    serializer_class = DatasetClipSerializer
    filterset_class = DatasetClipFilter
    list_selector = staticmethod(selectors.clip_list)

    @extend_schema(request=ClipCreateSerializer,
                   responses={201: DatasetClipSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        """Cut ``start_sec``-``end_sec`` of one of your uploaded videos into a clip."""
        serializer = ClipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            video = video_selectors.video_get_uploaded(owner=request_user(request),
                                                       pk=data["video"])
        except Video.DoesNotExist:
            raise ValidationError({"video": "no uploaded video of yours with this id"}) from None
        clip = services.dataset_clip_add_from_video(
            dataset=data["dataset"], video=video, start_sec=data["start_sec"],
            end_sec=data["end_sec"], label=data["label"], split=data["split"])
        return Response(DatasetClipSerializer(clip).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClipUpdateSerializer, responses={200: DatasetClipSerializer})
    def partial_update(self, request: Request, pk=None) -> Response:
        serializer = ClipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clip = services.dataset_clip_update(clip=self.get_object(), **serializer.validated_data)
        return Response(DatasetClipSerializer(clip).data)

    def perform_destroy(self, instance: DatasetClip) -> None:
        services.dataset_clip_delete(clip=instance)


class FeedbackViewSet(mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your verdicts on results ("correct" / "wrong, it is X"); staff see everyone's."""

    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter

    def get_queryset(self):
        """Staff read everyone's feedback; everyone deletes only their own."""
        user = self.request.user
        everyone = user.is_staff and self.action != "destroy"
        return selectors.feedback_list(user=None if everyone else user)

    def _analysis(self, pk) -> Analysis:
        return object_or_404(video_selectors.analysis_get, user=self.request.user, pk=pk)

    @extend_schema(request=FeedbackCreateSerializer, responses={200: FeedbackSerializer})
    def create(self, request: Request) -> Response:
        """Mark a segment (by index) or an event (by id) of one of your analyses; a second
        mark of the same target replaces the first."""
        serializer = FeedbackCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        analysis = self._analysis(data["analysis"])
        segment = event = None
        if "segment_index" in data:
            segment = video_selectors.segment_list(analysis=analysis).filter(
                index=data["segment_index"]).first()
            if segment is None:
                raise ValidationError({"segment_index": "no such segment"})
        if "event" in data:
            event = video_selectors.event_list(analysis=analysis).filter(
                pk=data["event"]).first()
            if event is None:
                raise ValidationError({"event": "no such event in this analysis"})
        feedback = services.feedback_set(user=request_user(request), analysis=analysis,
                                         segment=segment, event=event,
                                         verdict=data["verdict"], label=data["label"])
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(parameters=[OpenApiParameter("analysis", OpenApiTypes.UUID, required=True)],
                   responses={200: TargetSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None,
            serializer_class=TargetSerializer)
    def targets(self, request: Request) -> Response:
        """What can be marked in an analysis: its events and segments, with their ids."""
        analysis = self._analysis(request.query_params.get("analysis"))
        return Response(TargetSerializer(selectors.feedback_targets(analysis=analysis),
                                         many=True).data)

    def perform_destroy(self, instance: Feedback) -> None:
        services.feedback_delete(feedback=instance)
