"""REST API for model versions (read-only)."""
from __future__ import annotations

from rest_framework import mixins, serializers, viewsets

from webapp.models_registry.models import ModelVersion
from webapp.models_registry.selectors import model_version_list


class ModelVersionSerializer(serializers.ModelSerializer):
    untrained = serializers.BooleanField(read_only=True)
    label_count = serializers.SerializerMethodField()

    class Meta:
        model = ModelVersion
        fields = ("id", "name", "arch", "weights", "untrained", "description", "is_default",
                  "is_active", "label_count", "labels", "input_spec")
        read_only_fields = fields

    def get_label_count(self, obj: ModelVersion) -> int:
        return len(obj.labels)


class ModelVersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """Model versions an analysis can use."""

    serializer_class = ModelVersionSerializer
    queryset = ModelVersion.objects.none()

    def get_queryset(self):
        return model_version_list(user=self.request.user)
