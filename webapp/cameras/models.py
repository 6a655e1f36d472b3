"""Live cameras: their configuration, the worker's lease and live state, incidents, probes.

A :class:`Camera` is what staff edit; its :class:`CameraRuntime` is what the camera worker
writes (lease, state, metrics, preview, recent scores), so an edit never overwrites a worker's
write and the reverse. Times are UTC ``datetime``s; durations in seconds (``_sec``).
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from webapp.core.models import NamedEditedModel

#: Ten years: the longest a camera's incidents are kept. An explicit bound also keeps the API
#: schema the same on every database (PostgreSQL's integer range is not SQLite's).
RETENTION_MAX_DAYS = 3650


class CameraState(models.TextChoices):
    """States of a camera's stream, as ``inference.live.LiveMonitor`` reports them."""

    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"
    ERROR = "error"


class Camera(NamedEditedModel):
    """A stream to watch, with the model, labels and rule that turn it into incidents.

    The stream URL is stored encrypted (``url_encrypted``, Fernet, see
    :mod:`webapp.cameras.secrets`); pages show ``url_masked`` (the password replaced).
    ``schedule``: ``[]`` means always, else a list of ``{"days": [0..6] (Monday 0),
    "start": "HH:MM", "end": "HH:MM"}`` windows in the server's time zone.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="cameras", help_text="Who receives its alerts.")
    name = models.CharField(max_length=100, unique=True)
    url_encrypted = models.TextField(editable=False)
    url_masked = models.CharField(max_length=1000, editable=False)
    model_version = models.ForeignKey("models_registry.ModelVersion", on_delete=models.PROTECT,
                                      related_name="cameras")
    watched_labels = models.JSONField(default=list)
    threshold = models.FloatField(default=0.5)
    label_thresholds = models.JSONField(default=dict, blank=True,
                                        help_text="Per-label thresholds overriding threshold.")
    schedule = models.JSONField(default=list, blank=True)
    source_tag = models.CharField(max_length=100, blank=True,
                                  help_text="Alert rules with this source tag match it.")
    retention_days = models.PositiveIntegerField(
        default=30, validators=[MaxValueValidator(RETENTION_MAX_DAYS)],
        help_text="Incident clips and stills are deleted after this many days.")
    enabled = models.BooleanField(default=True)


class CameraRuntime(models.Model):
    """What the camera worker holding the lease writes: lease, state, metrics, preview.

    The lease (``worker``, ``lease_expires_at``) is claimed with one conditional UPDATE (see
    :mod:`webapp.cameras.services.leases`): two workers never hold it at once, and a dead
    worker's lease runs out so another takes the camera. ``scores`` holds the recent score
    timeline compactly: ``{"labels": [...], "points": [[unix_sec, [score per label]], ...]}``.
    """

    camera = models.OneToOneField(Camera, on_delete=models.CASCADE, primary_key=True,
                                  related_name="runtime")
    worker = models.CharField(max_length=255, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    state = models.CharField(max_length=16, choices=CameraState.choices,
                             default=CameraState.STOPPED)
    state_reason = models.CharField(max_length=500, blank=True)
    state_since = models.DateTimeField(null=True, blank=True)
    fps_in = models.FloatField(default=0.0)
    fps_scored = models.FloatField(default=0.0)
    lag_sec = models.FloatField(default=0.0)
    windows_scored = models.PositiveBigIntegerField(default=0)
    windows_dropped = models.PositiveBigIntegerField(default=0)
    reconnects = models.PositiveIntegerField(default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    preview_jpeg = models.BinaryField(null=True, blank=True, editable=False)
    preview_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.state}"


class CameraIncident(models.Model):
    """A watched action seen live: onset to end, its peak still and a pre-roll clip.

    Recorded in two steps, so people hear of it within seconds: when the window that opens
    it is scored (``end_at`` and ``peak_score`` provisional, ``clip`` already named but not
    yet stored), then when the event ended and its clip was written (``clip_ready``, or
    ``clip_error``). ``key`` is the monitor's incident id. ``peak_jpeg`` and ``clip`` are
    stored names (private media, served by permission-checked views).
    """

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="incidents")
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    onset_at = models.DateTimeField()
    end_at = models.DateTimeField()
    peak_score = models.FloatField()
    peak_jpeg = models.CharField(max_length=255, blank=True)
    clip = models.CharField(max_length=255, blank=True)
    clip_ready = models.BooleanField(default=False)
    clip_error = models.CharField(max_length=500, blank=True)
    clip_start_at = models.DateTimeField(null=True, blank=True,
                                         help_text="Wall time of the clip's first frame.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-onset_at", "-id")
        indexes = (models.Index(fields=["camera", "-onset_at"]),)
        constraints = (models.UniqueConstraint(fields=["camera", "key"],
                                               name="camera_incident_unique_key"),)

    def __str__(self) -> str:
        return f"{self.camera_id} {self.label} at {self.onset_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration_sec(self) -> float:
        return (self.end_at - self.onset_at).total_seconds()


class CameraProbe(models.Model):
    """One "test connection" attempt (every attempt is kept: cameras live on private LANs)."""

    camera = models.ForeignKey(Camera, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="probes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+")
    url_masked = models.CharField(max_length=1000)
    ok = models.BooleanField()
    codec = models.CharField(max_length=50, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    duration_sec = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.url_masked} {'ok' if self.ok else self.error_code}"
