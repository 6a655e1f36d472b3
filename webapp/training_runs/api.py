"""REST API (staff only): ``/api/v1/training-runs/``, ``/api/v1/evaluations/``,
``/api/v1/rescore/`` and ``/api/v1/compare/``."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_dataclasses.serializers import DataclassSerializer

from webapp.accounts.selectors import request_user
from webapp.core.errors import object_or_404
from webapp.core.serializers import ReadOnlyModelSerializer
from webapp.core.viewsets import StaffSelectorsMixin
from webapp.datasets.models import Dataset
from webapp.models_registry.models import ModelVersion
from webapp.training_runs import selectors, services
from webapp.training_runs.models import Evaluation, TrainingRun
from webapp.training_runs.selectors import SegmentChange
from webapp.videos import selectors as video_selectors


class TrainingRunSerializer(ReadOnlyModelSerializer):
    created_by = serializers.CharField(source="created_by.get_username", read_only=True,
                                       allow_null=True, default=None)

    class Meta:
        model = TrainingRun
        fields = ("id", "dataset", "base_version", "settings", "status", "stage", "percent",
                  "epoch", "device", "queue", "history", "best", "labels", "error",
                  "cancel_requested", "attempts", "heartbeat_at", "result_version",
                  "created_by", "created_at", "started_at", "finished_at")


class TrainingRunStartSerializer(serializers.Serializer):
    dataset = serializers.PrimaryKeyRelatedField(queryset=Dataset.objects.all())
    base_version = serializers.PrimaryKeyRelatedField(queryset=ModelVersion.objects.all())
    settings = serializers.DictField(
        required=False, default=dict,
        help_text="FinetuneConfig fields: epochs, batch_size, lr, momentum, weight_decay, "
                  "dropout, train_blocks, optimizer, backbone_lr_mult, balanced, freeze_bn, "
                  "patience, segments, size, seed, positive_label, target_precision, "
                  "corner_crop, scale_jitter, color_jitter, flip. Missing: defaults.")
    device = serializers.CharField(required=False, allow_blank=True,
                                   help_text="cpu, cuda, cuda:N or auto (default: "
                                             "VIGIL_TRAINING_DEVICE)")


class TrainingRunViewSet(StaffSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Fine-tuning runs: start, follow (``history`` per epoch), cancel."""

    serializer_class = TrainingRunSerializer
    list_selector = staticmethod(selectors.training_run_list)

    @extend_schema(request=TrainingRunStartSerializer, responses={201: TrainingRunSerializer})
    def create(self, request: Request) -> Response:
        start = TrainingRunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        data = start.validated_data
        run = services.training_run_start(
            dataset=data["dataset"], base_version=data["base_version"],
            options=data.get("settings") or {}, created_by=request_user(request),
            device=data.get("device") or None)
        return Response(TrainingRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TrainingRunSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        run = services.training_run_cancel(run=self.get_object())
        return Response(TrainingRunSerializer(run).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def defaults(self, request: Request) -> Response:
        """The default settings of a new run."""
        return Response(services.training_defaults())


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ("id", "version", "dataset", "split", "status", "device", "queue", "metrics",
                  "error", "created_at", "finished_at")
        read_only_fields = ("id", "status", "queue", "metrics", "error", "created_at",
                            "finished_at")


class EvaluationViewSet(StaffSelectorsMixin, mixins.CreateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    """Evaluate a model version (with its own weights file) on a dataset split."""

    serializer_class = EvaluationSerializer
    list_selector = staticmethod(selectors.evaluation_list)

    def perform_create(self, serializer: serializers.BaseSerializer[Evaluation]) -> None:
        data = serializer.validated_data
        serializer.instance = services.evaluation_start(
            version=data["version"], dataset=data["dataset"], split=data.get("split", "val"),
            created_by=request_user(self.request), device=data.get("device") or None)


class RescoreSerializer(serializers.Serializer):
    version = serializers.PrimaryKeyRelatedField(
        queryset=ModelVersion.objects.filter(is_active=True))
    analyses = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=200)


class RescoreResultSerializer(serializers.Serializer):
    analyses = serializers.ListField(child=serializers.UUIDField(),
                                     help_text="The new analyses, in the order asked.")


class RescoreView(APIView):
    """Re-score earlier analyses' videos with another version (new analyses)."""

    permission_classes = (IsAdminUser,)

    @extend_schema(request=RescoreSerializer, responses={201: RescoreResultSerializer})
    def post(self, request: Request) -> Response:
        body = RescoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data["analyses"]
        found = video_selectors.analysis_list(user=request_user(request)).select_related(
            "video").in_bulk(wanted)
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            raise ValidationError({"analyses": f"unknown analyses: {', '.join(missing)}"})
        new = services.analyses_rescore(analyses=[found[pk] for pk in wanted],
                                        version=body.validated_data["version"],
                                        created_by=request_user(request))
        return Response({"analyses": [str(a.pk) for a in new]}, status=status.HTTP_201_CREATED)


class SegmentChangeSerializer(DataclassSerializer[SegmentChange]):
    # The fields and their types are SegmentChange's.
    class Meta:
        dataclass = SegmentChange


class CompareView(APIView):
    """Per-segment top-label changes between two analyses of the same video."""

    permission_classes = (IsAdminUser,)

    @extend_schema(parameters=[OpenApiParameter("a", OpenApiTypes.UUID, required=True),
                               OpenApiParameter("b", OpenApiTypes.UUID, required=True)],
                   responses=SegmentChangeSerializer(many=True))
    def get(self, request: Request) -> Response:
        a = object_or_404(video_selectors.analysis_get, user=request_user(request),
                          pk=request.query_params.get("a"))
        b = object_or_404(video_selectors.analysis_get, user=request_user(request),
                          pk=request.query_params.get("b"))
        try:
            changes = selectors.analyses_compare(a=a, b=b)
        except ValueError as exc:  # not the same video
            raise ValidationError(str(exc)) from None
        return Response(SegmentChangeSerializer(changes, many=True).data)
