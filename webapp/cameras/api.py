"""REST API: ``/api/v1/cameras/`` (staff write; ``test/``, ``probe/``, ``status/``,
``leases/``) and ``/api/v1/camera-incidents/``. Mirrors the pages."""
from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.accounts.selectors import request_user
from webapp.cameras import selectors, services
from webapp.cameras.models import Camera, CameraIncident, CameraProbe, CameraRuntime
from webapp.core.serializers import LinkField, ReadOnlyModelSerializer
from webapp.core.viewsets import UserSelectorsMixin
from webapp.models_registry.models import ModelVersion


class IsStaffOrReadOnly(permissions.BasePermission):
    """Reads for signed-in users (their cameras; staff: all), writes for staff only."""

    message = "only staff may add, change or test cameras"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated and (
            request.method in permissions.SAFE_METHODS or request.user.is_staff))


class RuntimeMetricsSerializer(ReadOnlyModelSerializer):
    """What the camera worker holding the lease last wrote (status and the ops view)."""

    # CameraRuntime's fields, their types the model's, read from the selectors' dicts
    # (camera_status, camera_leases): DRF reads a Mapping's keys as it reads attributes.
    class Meta:
        model = CameraRuntime
        fields: tuple[str, ...] = (
            "worker", "state", "state_reason", "fps_in", "fps_scored", "lag_sec",
            "windows_scored", "windows_dropped", "reconnects", "last_seen_at")


class CameraStatusSerializer(RuntimeMetricsSerializer):
    threshold = serializers.FloatField(read_only=True)
    scores = serializers.JSONField(read_only=True,
                                   help_text='{"labels": [...], "points": [[unix_sec, '
                                             '[score per label]], ...]}')

    class Meta(RuntimeMetricsSerializer.Meta):
        fields = (*RuntimeMetricsSerializer.Meta.fields, "state_since", "preview_at",
                  "threshold", "scores")


class CameraSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    url = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                max_length=1000,
                                help_text="Stream URL (write only; stored encrypted).")
    url_masked = serializers.CharField(read_only=True,
                                       help_text="The URL with its password masked.")
    model_version = serializers.PrimaryKeyRelatedField(queryset=ModelVersion.objects.all())
    model_version_name = serializers.CharField(source="model_version.name", read_only=True)
    watched_labels = serializers.ListField(child=serializers.CharField(max_length=200))
    threshold = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    label_thresholds = serializers.DictField(child=serializers.FloatField(min_value=0.0,
                                                                          max_value=1.0),
                                             required=False)
    schedule = serializers.ListField(child=serializers.DictField(), required=False,
                                     help_text='Empty: always; else [{"days": [0..6], '
                                               '"start": "HH:MM", "end": "HH:MM"}].')
    status = serializers.SerializerMethodField()
    page_url = LinkField("cameras:detail")
    preview_url = LinkField("cameras:preview")

    class Meta:
        model = Camera
        fields = ("id", "name", "owner", "url", "url_masked", "model_version",
                  "model_version_name", "watched_labels", "threshold", "label_thresholds",
                  "schedule", "source_tag", "retention_days", "enabled", "created_at",
                  "updated_at", "status", "page_url", "preview_url")
        read_only_fields = ("id", "owner", "url_masked", "created_at", "updated_at")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not attrs.get("url"):
            raise serializers.ValidationError({"url": ["A stream URL is required."]})
        return attrs

    @extend_schema_field(CameraStatusSerializer)
    def get_status(self, obj: Camera) -> dict[str, Any]:
        return CameraStatusSerializer(selectors.camera_status(obj)).data


class CameraIncidentSerializer(ReadOnlyModelSerializer):
    camera_name = serializers.CharField(source="camera.name", read_only=True)
    duration_sec = serializers.FloatField(read_only=True)
    clip_url = LinkField("cameras:incident_clip", present="clip")
    peak_jpeg_url = LinkField("cameras:incident_peak", present="peak_jpeg")

    class Meta:
        model = CameraIncident
        fields = ("id", "camera", "camera_name", "label", "onset_at", "end_at", "duration_sec",
                  "peak_score", "created_at", "clip_ready", "clip_error", "clip_url",
                  "peak_jpeg_url")


class CameraProbeSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = CameraProbe
        fields = ("id", "camera", "url_masked", "ok", "codec", "width", "height", "fps",
                  "error_code", "error", "duration_sec", "created_at")


class ProbeRequestSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=1000)


class CameraLeaseSerializer(RuntimeMetricsSerializer):
    camera = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(read_only=True)
    lease_held = serializers.BooleanField(read_only=True)

    class Meta(RuntimeMetricsSerializer.Meta):
        fields = (*RuntimeMetricsSerializer.Meta.fields, "camera", "name", "enabled",
                  "lease_expires_at", "lease_held")


class CameraViewSet(UserSelectorsMixin, viewsets.ModelViewSet):
    """Live cameras. Everyone signed in reads their own (staff: all); staff add, change,
    delete and test them."""

    serializer_class = CameraSerializer
    permission_classes = (IsStaffOrReadOnly,)
    list_selector = staticmethod(selectors.camera_list)

    def perform_create(self, serializer: serializers.BaseSerializer[Camera]) -> None:
        serializer.instance = services.camera_create(owner=request_user(self.request),
                                                     **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Camera]) -> None:
        camera = serializer.instance
        assert camera is not None
        services.camera_update(camera=camera, **serializer.validated_data)
        serializer.instance = selectors.camera_get(user=self.request.user, camera_id=camera.pk)

    def perform_destroy(self, instance: Camera) -> None:
        services.camera_delete(camera=instance)

    @extend_schema(request=None, responses={200: CameraProbeSerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: Any = None) -> Response:
        """Probe the camera's stream now (every attempt is recorded)."""
        probe = services.camera_probe(camera=self.get_object(), user=request_user(request))
        return Response(CameraProbeSerializer(probe).data)

    @extend_schema(request=ProbeRequestSerializer, responses={200: CameraProbeSerializer})
    @action(detail=False, methods=["post"])
    def probe(self, request: Request) -> Response:
        """Probe a stream URL before adding it as a camera (recorded too)."""
        body = ProbeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        probe = services.camera_probe(url=body.validated_data["url"],
                                      user=request_user(request))
        return Response(CameraProbeSerializer(probe).data)

    @extend_schema(responses={200: CameraStatusSerializer})
    @action(detail=True, methods=["get"])
    def status(self, request: Request, pk: Any = None) -> Response:
        """State, metrics and the recent score timeline."""
        return Response(CameraStatusSerializer(selectors.camera_status(self.get_object())).data)

    @extend_schema(responses={200: CameraLeaseSerializer(many=True)})
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAdminUser])
    def leases(self, request: Request) -> Response:
        """Which camera worker holds which camera, with its metrics (staff)."""
        return Response(CameraLeaseSerializer(selectors.camera_leases(), many=True).data,
                        status=status.HTTP_200_OK)


class CameraIncidentViewSet(UserSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Incidents of the cameras you may see; ``?camera=<id>`` filters."""

    serializer_class = CameraIncidentSerializer
    list_selector = staticmethod(selectors.incident_list)

    def get_queryset(self) -> QuerySet[CameraIncident]:
        camera = self.request.query_params.get("camera", "")
        return self.list_selector(user=self.request.user,
                                  camera_id=int(camera) if camera.isdigit() else None)
