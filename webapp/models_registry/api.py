"""REST API for model versions: read for everyone; promote, roll back, (de)activate and
import weights for staff."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.core.filters import BooleanFilter
from webapp.core.serializers import ReadOnlyModelSerializer
from webapp.core.viewsets import UserSelectorsMixin
from webapp.models_registry import services
from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import (
    model_version_analysable,
    model_version_list,
    model_version_title,
)


class ModelVersionFilter(django_filters.FilterSet):
    analysable = BooleanFilter(
        method="filter_analysable",
        help_text="true: only the versions an analysis may use (active trained classifiers, "
                  "the default first); false: only the others (staff see inactive ones).")

    def filter_analysable(self, queryset: QuerySet[ModelVersion], name: str,
                          value: bool | None) -> QuerySet[ModelVersion]:
        if value is None:
            return queryset
        analysable = model_version_analysable().values("pk")
        return (queryset.filter(pk__in=analysable) if value
                else queryset.exclude(pk__in=analysable))


class ModelVersionSerializer(ReadOnlyModelSerializer):
    untrained = serializers.BooleanField(read_only=True)
    label_count = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField(
        help_text="What it detects, how well, and its name: the label pickers show.")

    class Meta:
        model = ModelVersion
        fields = ("id", "name", "title", "arch", "weights", "untrained", "description",
                  "is_default", "is_active", "label_count", "labels", "input_spec", "metrics",
                  "weights_sha256", "training_run", "dataset", "promoted_at", "created_at")

    def get_label_count(self, obj: ModelVersion) -> int:
        return len(obj.labels)

    def get_title(self, obj: ModelVersion) -> str:
        return model_version_title(obj)


class ModelVersionImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A state dict or checkpoint (read with "
                                           "weights_only=True; other objects are refused).")
    arch = serializers.CharField(required=False, allow_blank=True,
                                 help_text="Registry architecture (default: the file's).")
    labels = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                   help_text="Class names (default: the file's or the "
                                             "architecture's bundled set).")
    name = serializers.CharField(required=False, allow_blank=True, max_length=110)
    description = serializers.CharField(required=False, allow_blank=True)


class ModelVersionViewSet(UserSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Model versions an analysis can use."""

    serializer_class = ModelVersionSerializer
    filterset_class = ModelVersionFilter
    list_selector = staticmethod(model_version_list)

    def get_permissions(self):
        if self.action in ("promote", "rollback", "activate", "deactivate", "import_weights"):
            return [IsAdminUser()]
        return super().get_permissions()

    def _call(self, fn, **kwargs) -> Response:
        return Response(ModelVersionSerializer(fn(**kwargs)).data)

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=True, methods=["post"])
    def promote(self, request: Request, pk=None) -> Response:
        """Make this version the default of new analyses. Refused (400, with the reasons) when
        it is untrained, not a classifier, or evaluated worse than the current default on the
        same data; ``?force=1`` promotes anyway (not an untrained one in production)."""
        body = request.data if isinstance(request.data, dict) else {}
        force = str(request.query_params.get("force", body.get("force", ""))).lower()
        return self._call(services.model_version_set_default, version=self.get_object(),
                          by=request.user, force=force in ("1", "true", "yes"))

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=False, methods=["post"])
    def rollback(self, request: Request) -> Response:
        """Make the previously promoted version the default again."""
        return self._call(services.model_version_rollback)

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk=None) -> Response:
        return self._call(services.model_version_set_active, version=self.get_object(),
                          active=True)

    @extend_schema(request=None, responses=ModelVersionSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk=None) -> Response:
        return self._call(services.model_version_set_active, version=self.get_object(),
                          active=False)

    @extend_schema(request={"multipart/form-data": ModelVersionImportSerializer},
                   responses={201: ModelVersionSerializer})
    @action(detail=False, methods=["post"], url_path="import",
            parser_classes=(parsers.MultiPartParser, parsers.FormParser))
    def import_weights(self, request: Request) -> Response:
        """Import a weights file as a new version (shape-checked against the architecture)."""
        body = ModelVersionImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        response = self._call(services.model_version_import, upload=data["file"],
                              arch=data.get("arch") or "", labels=data.get("labels") or (),
                              name=data.get("name") or "",
                              description=data.get("description") or "",
                              created_by=request.user)
        response.status_code = 201
        return response
