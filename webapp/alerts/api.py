"""REST API: ``/api/v1/alert-rules/``, ``alerts/``, ``webhooks/``, ``deliveries/``."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from webapp.accounts.selectors import request_user
from webapp.alerts import selectors, services
from webapp.alerts.filters import AlertFilter, DeliveryFilter
from webapp.alerts.forms import BULK_ACTION_CHOICES, MAX_BULK_ALERTS
from webapp.alerts.models import Alert, AlertRule, Delivery, WebhookEndpoint
from webapp.core.filters import MAX_ID
from webapp.core.serializers import LinkField, ReadOnlyModelSerializer
from webapp.core.viewsets import UserSelectorsMixin
from webapp.models_registry.models import ModelVersion

# --- Serializers -------------------------------------------------------------------------------

class AlertRuleSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    model_version = serializers.PrimaryKeyRelatedField(
        queryset=ModelVersion.objects.all(), required=False, allow_null=True,
        help_text="Only analyses of this model version (null: any).")
    labels = serializers.ListField(child=serializers.CharField(max_length=200), required=False,
                                   help_text="Labels to watch; empty: the analysis' watched "
                                             "labels (a fine-tuned model's few labels by "
                                             "default).")
    enter_threshold = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    exit_threshold = serializers.FloatField(required=False, allow_null=True, min_value=0.0,
                                            max_value=1.0)
    min_duration_sec = serializers.FloatField(required=False, min_value=0.0, max_value=3600.0)
    merge_gap_sec = serializers.FloatField(required=False, min_value=0.0, max_value=3600.0)

    class Meta:
        model = AlertRule
        fields = ("id", "owner", "name", "is_global", "is_active", "model_version", "labels",
                  "enter_threshold", "exit_threshold", "min_duration_sec", "merge_gap_sec",
                  "source_tag", "notify_email", "camera_offline_min", "created_at", "updated_at")
        read_only_fields = ("id", "owner", "created_at", "updated_at")


class AlertSerializer(ReadOnlyModelSerializer):
    video = serializers.UUIDField(source="analysis.video_id", read_only=True)
    video_name = serializers.CharField(source="analysis.video.original_name", read_only=True)
    camera_name = serializers.CharField(source="camera.name", read_only=True,
                                        allow_null=True, default=None)
    acknowledged = serializers.BooleanField(read_only=True)
    acknowledged_by = serializers.CharField(source="acknowledged_by.get_username",
                                            read_only=True, allow_null=True, default=None)
    false_alarm_by = serializers.CharField(source="false_alarm_by.get_username",
                                           read_only=True, allow_null=True, default=None)
    page_url = LinkField("alerts:detail")
    clip_url = LinkField("alerts:clip", present="clip")
    thumbnail_url = LinkField("alerts:thumbnail", present="thumbnail")

    class Meta:
        model = Alert
        fields = ("id", "rule", "rule_name", "analysis", "video", "video_name",
                  "camera_incident", "camera", "camera_name", "label",
                  "start_sec", "end_sec", "peak_score", "mean_score", "peak_sec", "created_at",
                  "acknowledged", "acknowledged_at", "acknowledged_by", "false_alarm",
                  "false_alarm_at", "false_alarm_by", "page_url", "clip_url", "thumbnail_url")


class WebhookSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    secret = serializers.SerializerMethodField(
        help_text="HMAC-SHA256 key of the X-Vigil-Signature header (shown to the owner only).")

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "owner", "name", "url", "secret", "is_active", "created_at")
        read_only_fields = ("id", "owner", "secret", "created_at")

    @extend_schema_field(OpenApiTypes.STR)
    def get_secret(self, obj: WebhookEndpoint) -> str | None:
        request = self.context.get("request")
        return obj.secret if request and request.user.pk == obj.owner_id else None


class DeliverySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Delivery
        fields = ("id", "channel", "webhook", "alert", "attempt", "status", "status_code",
                  "error", "target", "started_at", "finished_at")


class AlertBulkSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BULK_ACTION_CHOICES,
                                     help_text="acknowledge, or false_alarm (also acknowledges).")
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1,
        max_length=MAX_BULK_ALERTS,
        help_text="Alert ids; ids of alerts you do not see are ignored.")


class AlertBulkResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many alerts the action changed.")


class QueuedSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Views -------------------------------------------------------------------------------------

class AlertRuleViewSet(UserSelectorsMixin, viewsets.ModelViewSet):
    """Your alert rules and the global ones (only staff edit global rules)."""

    serializer_class = AlertRuleSerializer
    list_selector = staticmethod(selectors.alert_rule_list)

    def get_object(self) -> AlertRule:
        rule = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS") and \
                not selectors.alert_rule_can_edit(user=self.request.user, rule=rule):
            raise PermissionDenied("only staff may change a global rule")
        return rule

    def perform_create(self, serializer: BaseSerializer[AlertRule]) -> None:
        serializer.instance = services.alert_rule_create(owner=request_user(self.request),
                                                         **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[AlertRule]) -> None:
        rule = serializer.instance
        assert rule is not None  # an update's serializer carries the rule (get_object)
        serializer.instance = services.alert_rule_update(
            rule=rule, user=request_user(self.request), **serializer.validated_data)

    def perform_destroy(self, instance: AlertRule) -> None:
        services.alert_rule_delete(rule=instance)


class AlertViewSet(UserSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """Your incidents: filter, acknowledge, mark as false alarm."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    list_selector = staticmethod(selectors.alert_list)

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk=None) -> Response:
        alert = services.alert_acknowledge(alert=self.get_object(), user=request_user(request))
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: AlertSerializer})
    @action(detail=True, methods=["post"], url_path="false-alarm", url_name="false-alarm")
    def false_alarm(self, request: Request, pk=None) -> Response:
        alert = services.alert_mark_false_alarm(alert=self.get_object(),
                                                user=request_user(request))
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)


    @extend_schema(request=AlertBulkSerializer, responses={200: AlertBulkResultSerializer})
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        """Acknowledge, or mark as false alarms, many alerts at once."""
        given = AlertBulkSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        updated = services.alerts_bulk_apply(user=request_user(request),
                                             action=given.validated_data["action"],
                                             alert_ids=given.validated_data["ids"])
        return Response({"updated": updated})


class WebhookViewSet(UserSelectorsMixin, viewsets.ModelViewSet):
    """Your webhook endpoints (http/https to public addresses); ``test/`` sends a test message."""

    serializer_class = WebhookSerializer
    list_selector = staticmethod(selectors.webhook_list)

    def perform_create(self, serializer: BaseSerializer[WebhookEndpoint]) -> None:
        serializer.instance = services.webhook_create(owner=request_user(self.request),
                                                      **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[WebhookEndpoint]) -> None:
        webhook = serializer.instance
        assert webhook is not None  # an update's serializer carries the webhook (get_object)
        serializer.instance = services.webhook_update(webhook=webhook,
                                                      **serializer.validated_data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_delete(webhook=instance)

    @extend_schema(request=None, responses={202: QueuedSerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk=None) -> Response:
        services.webhook_test(webhook=self.get_object())
        return Response({"detail": "a test delivery was queued"},
                        status=status.HTTP_202_ACCEPTED)


class DeliveryViewSet(UserSelectorsMixin, viewsets.ReadOnlyModelViewSet):
    """The delivery log: one row per attempt."""

    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    list_selector = staticmethod(selectors.delivery_list)

