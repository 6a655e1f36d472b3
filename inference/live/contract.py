"""The data a live monitor takes and gives: what ``webapp.cameras`` codes against.

Units are in the names (``_sec`` seconds, ``_fps`` frames per second); wall-clock times are
timezone-aware UTC ``datetime``s.

Incidents come in two steps, so that one reaches people within seconds while its clip still
needs the post-roll: ``on_incident`` fires as soon as the window that opens an event is scored
(``clip_ready`` false, ``end_wall`` provisional: that window's end, ``clip_path`` where the
clip will be written), then ``on_clip_ready`` fires with the same ``incident_id`` once the
event has ended and ``clip_path`` holds the finished H.264 MP4 (``clip_ready`` true, final
``end_wall`` and peak). A clip that could not be written comes with ``clip_ready`` false and
``clip_error`` set.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from inference.types import EventRules

#: Monitor states, in the order a healthy stream goes through them.
STATES = ("connecting", "live", "reconnecting", "stopped", "error")


@dataclass(frozen=True)
class StreamInfo:
    """What probing a stream found: its video codec, frame size and nominal rate."""

    codec: str
    width: int
    height: int
    fps: float
    url_redacted: str
    """The URL with its password (and query values) masked: safe to log and show."""


@dataclass(frozen=True)
class LiveConfig:
    """How one camera is watched: the model (as :mod:`inference.pipeline` names it), the
    labels and thresholds that open incidents, the windows, the clip and the stream options."""

    model_name: str
    weights: str | None = None
    """``None`` (the registry's default weights), a file path, or ``none`` (random, tests)."""
    watched_labels: tuple[str, ...] = ()
    """Labels that open incidents; empty means the model's default (a detector's positive)."""
    threshold: float = 0.5
    thresholds: dict[str, float] = field(default_factory=dict)
    """Per-label enter thresholds overriding ``threshold``."""
    hysteresis: float = 0.1
    """An open event closes when its score drops below its threshold minus this."""
    window_sec: float = 2.0
    stride_sec: float = 1.0
    preroll_sec: float = 5.0
    postroll_sec: float = 3.0
    max_lag_sec: float = 4.0
    """A window that waited longer than this for the model is dropped (``windows_dropped``)."""
    max_clip_sec: float = 120.0
    """An event that lasts longer has its clip cut here (the incident stays one)."""
    clip_max_height: int = 360
    """Pre-roll frames and clips are kept at most this tall (less memory, smaller files)."""
    device: str = "cpu"
    num_threads: int | None = None
    model_dir: str | None = None
    connect_timeout_sec: float = 10.0
    read_timeout_sec: float = 10.0
    rtsp_transport: str = "tcp"
    """``tcp`` (default: works through NAT and loses no packets) or ``udp``."""
    backoff_min_sec: float = 1.0
    backoff_max_sec: float = 30.0

    def event_rules(self, label: str) -> EventRules:
        """The hysteresis rules of ``label`` (the same rules a file's events use)."""
        enter = self.thresholds.get(label, self.threshold)
        return EventRules(enter_threshold=enter, exit_threshold=max(0.0, enter - self.hysteresis))


@dataclass(frozen=True)
class LiveIncident:
    """A watched action seen on a stream (see the module docstring for the two steps)."""

    label: str
    onset_wall: datetime
    """Start of the window that opened the event."""
    end_wall: datetime
    peak_score: float
    peak_jpeg: bytes
    clip_path: Path
    """H.264 MP4 from ``preroll_sec`` before onset to ``postroll_sec`` after the end."""
    incident_id: str = ""
    clip_ready: bool = False
    clip_error: str = ""
    clip_start_wall: datetime | None = None
    """Wall time of the clip's first frame (known once the clip is ready)."""
    scored_monotonic: float = 0.0
    """``time.monotonic()`` when the opening window's scores came out of the model (latency)."""


@dataclass
class LiveMetrics:
    """A snapshot of one monitor's health, for the ops page and Prometheus."""

    state: str
    state_reason: str
    fps_in: float
    """Frames decoded per second (over the last few seconds)."""
    fps_scored: float
    """Windows scored per second (over the last few seconds)."""
    lag_sec: float
    """How long the last scored window waited between its last frame and its scores."""
    windows_scored: int
    windows_dropped: int
    reconnects: int
    incidents: int = 0
    frames_in: int = 0
    queue_len: int = 0
