"""Alert rules, the incidents (alerts) they raise, and their delivery to people."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from webapp.alerts import signing
from webapp.videos.models import ScoredSpan

#: A week: the longest "camera offline" a rule waits for. An explicit bound also keeps the
#: API schema the same on every database (PostgreSQL's integer range is not SQLite's).
CAMERA_OFFLINE_MAX_MIN = 7 * 24 * 60


class AlertRule(models.Model):
    """Which labels to watch and how scores become an incident (hysteresis, timing rules).

    Empty ``labels`` means the analysis' watched labels. A global rule (staff only) applies to
    every user's analyses; its incidents belong to the video's owner.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="alert_rules")
    name = models.CharField(max_length=100)
    is_global = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    model_version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.CASCADE,
                                      null=True, blank=True, related_name="alert_rules",
                                      help_text="Only analyses of this model version.")
    labels = models.JSONField(default=list, blank=True)
    enter_threshold = models.FloatField(default=0.5)
    exit_threshold = models.FloatField(null=True, blank=True,
                                       help_text="Default: enter threshold - 0.1.")
    min_duration_sec = models.FloatField(default=0.0)
    merge_gap_sec = models.FloatField(default=0.0)
    source_tag = models.CharField(max_length=100, blank=True,
                                  help_text="Only videos with this source tag (blank: any).")
    notify_email = models.BooleanField(default=False,
                                       help_text="Also e-mail the video's owner.")
    camera_offline_min = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(CAMERA_OFFLINE_MAX_MIN)],
        help_text="Set: a camera rule that fires when a camera it matches (source tag, model "
                  "version) has not been live for this many minutes; labels are not used.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name


class Alert(ScoredSpan):
    """An incident: a span of an analysis where a rule's label scored high, or a live camera's
    (``camera``): its incident (``camera_incident``; times count from onset) or its being
    offline (label ``camera offline``; ``end_sec``: how long, when raised)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="alerts", help_text="The video's owner.")
    rule = models.ForeignKey(AlertRule, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="alerts")
    rule_name = models.CharField(max_length=100, blank=True)
    analysis = models.ForeignKey("videos.Analysis", on_delete=models.CASCADE,
                                 related_name="alerts", null=True, blank=True)
    camera_incident = models.ForeignKey("cameras.CameraIncident", on_delete=models.CASCADE,
                                        related_name="alerts", null=True, blank=True)
    camera = models.ForeignKey("cameras.Camera", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="alerts",
                               help_text="A live camera's alert (an incident, or offline).")
    thumbnail = models.CharField(max_length=255, blank=True)
    clip = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="+")
    false_alarm = models.BooleanField(default=False)
    false_alarm_at = models.DateTimeField(null=True, blank=True)
    false_alarm_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")

    class Meta:
        ordering = ("-created_at", "start_sec")
        indexes = (models.Index(fields=["owner", "-created_at"]),
                   models.Index(fields=["owner"], condition=models.Q(acknowledged_at__isnull=True),
                                name="alert_unread_by_owner"))
        constraints = (
            models.UniqueConstraint(fields=["rule", "analysis", "label", "start_sec"],
                                    name="alert_unique_rule_analysis_label_start"),
            models.UniqueConstraint(fields=["rule", "camera_incident"],
                                    condition=models.Q(camera_incident__isnull=False),
                                    name="alert_unique_rule_camera_incident"),
        )

    def __str__(self) -> str:
        return f"{self.label} {self.start_sec:.1f}-{self.end_sec:.1f}s"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def source_name(self) -> str:
        """Where it happened: the video's name, or the camera's."""
        if self.camera is not None:
            return f"camera {self.camera.name}"
        return self.analysis.video.original_name if self.analysis else ""


def _new_secret() -> str:
    return signing.new_secret()


class WebhookEndpoint(models.Model):
    """An HTTP(S) receiver of the owner's alerts, signed with ``secret`` (``alerts.signing``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="webhooks")
    name = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, default=_new_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name or self.url


class DeliveryChannel(models.TextChoices):
    WEBHOOK = "webhook"
    EMAIL = "email", "E-mail"


class DeliveryStatus(models.TextChoices):
    SUCCEEDED = "succeeded"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed"


class Delivery(models.Model):
    """One attempt to deliver an alert (or a test message) to a webhook or by e-mail."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="deliveries")
    channel = models.CharField(max_length=16, choices=DeliveryChannel.choices)
    webhook = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, null=True,
                                blank=True, related_name="deliveries")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="deliveries", help_text="Empty for a test message.")
    attempt = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    target = models.CharField(max_length=500, blank=True, help_text="URL or address.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ("-started_at", "-id")
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} #{self.attempt} {self.status}"
