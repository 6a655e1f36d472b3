"""Frozen dataclasses passed between the stages of the inference core.

Units are in the names: ``_sec`` seconds, ``_fps`` frames per second. Times always come from
presentation timestamps, never from frame index / nominal frame rate.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

#: Input streams a model version may fuse, and the optical-flow methods (``inference.flow``).
MODALITIES = ("rgb", "flow", "rgbdiff")
FLOW_METHODS = ("dis", "dis_ultrafast", "dis_fast", "dis_medium", "farneback", "tvl1", "raft")

#: ``on_progress(stage, fraction)``: stage name and 0..1 progress within that stage.
ProgressCallback = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class ProbeLimits:
    """Upper bounds a video must respect to be accepted."""

    max_width: int = 3840
    max_height: int = 2160
    max_pixels: int = 3840 * 2160
    max_duration_sec: float = 3 * 3600.0
    max_fps: float = 240.0
    max_size_bytes: int = 4 * 1024**3
    timeout_sec: float = 20.0
    max_frame_gap_sec: float = 60.0
    """Longest time between two consecutive frames: a gap costs analysis work (one window per
    stride) but holds no picture, so a tiny file could otherwise ask for hours of scoring."""


@dataclass(frozen=True, slots=True)
class VideoMeta:
    """What ``probe`` learned about a file's container and the video stream it chose.

    Decoding, rendering, thumbnails and flow read stream ``stream_index`` only, and hold every
    decoded frame to ``limits`` (the limits the probe enforced)."""

    path: str
    container: str
    codec: str
    width: int
    """Coded frame width in pixels (before rotation)."""
    height: int
    rotation: int
    """Clockwise degrees (0, 90, 180, 270) to apply for display (after ``mirrored``)."""
    fps: float
    """Average frame rate; informative only (timestamps drive all timing)."""
    frame_count: int
    duration_sec: float
    start_sec: float
    """Presentation time of the first frame; subtracted so the video starts at 0."""
    size_bytes: int
    has_audio: bool = False
    mirrored: bool = False
    """Mirror left-right before rotating (the display matrix flips the picture)."""
    stream_index: int = 0
    """Index (among all the file's streams) of the video stream analysed."""
    video_streams: int = 1
    """How many video streams the file has (cover pictures excluded)."""
    limits: ProbeLimits = field(default_factory=ProbeLimits)

    @property
    def display_width(self) -> int:
        return self.height if self.rotation in (90, 270) else self.width

    @property
    def display_height(self) -> int:
        return self.width if self.rotation in (90, 270) else self.height


@dataclass(frozen=True, slots=True)
class InputSpec:
    """How a model wants its input: ``(B, C, T, H, W)`` float tensors, normalised.

    Frames are resized so the short side is ``resize_short`` px, centre-cropped to
    ``crop_size``, scaled to 0..1, then ``(x - mean) / std`` per channel (RGB order).
    """

    clip_len: int
    crop_size: int
    resize_short: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    modalities: tuple[str, ...] = ("rgb",)
    snippet_len: int = 1
    """Frames stacked in channels per time step: flow ``2·L`` channels from L pairs (L+1
    frames), RGB-difference ``3·L`` from L+1 frames; 1 for plain RGB / single-pair flow."""


@dataclass(frozen=True, slots=True)
class Window:
    """One segment of the video: ``clip_len`` frame times spread over ``[start_sec, end_sec)``."""

    index: int
    start_sec: float
    end_sec: float
    sample_times_sec: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SegmentScore:
    """Classifier output for one window.

    ``top`` holds the k best ``(label, probability)`` pairs; ``scores`` the probabilities of
    the watched labels (or of every label when the model has few).
    """

    index: int
    start_sec: float
    end_sec: float
    top: tuple[tuple[str, float], ...]
    scores: dict[str, float]
    streams: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per-modality scores of the same labels when several streams were fused (else empty)."""
    also: dict[str, float] = field(default_factory=dict)
    """Scores of further labels asked for (``PipelineConfig.also_score``, not in ``scores``):
    kept for whoever filters segments by label (alert rules), never charted or evented."""


@dataclass(frozen=True, slots=True)
class Event:
    """A detected action: a run of windows whose score for ``label`` stayed high."""

    label: str
    start_sec: float
    end_sec: float
    peak_score: float
    mean_score: float
    peak_sec: float


@dataclass(frozen=True, slots=True)
class EventRules:
    """Hysteresis thresholds and timing rules turning window scores into events."""

    enter_threshold: float = 0.5
    exit_threshold: float | None = None
    """Score below which an open event closes; defaults to ``enter_threshold - 0.1``."""
    min_duration_sec: float = 0.0
    merge_gap_sec: float = 0.0

    @property
    def resolved_exit_threshold(self) -> float:
        if self.exit_threshold is None:
            return max(0.0, self.enter_threshold - 0.1)
        return self.exit_threshold


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything ``pipeline.run`` needs besides the video path."""

    model: str = "r2plus1d_18"
    weights: str = "default"
    """``default`` (the registry's pretrained source), a file path, or ``none`` (random, tests)."""
    device: str = "cpu"
    segment_sec: float = 2.0
    stride_sec: float = 1.0
    clip_len: int | None = None
    """Frames per window; ``None`` takes the model's own."""
    labels: tuple[str, ...] = ()
    """Labels to watch for events and the chart; empty means the top-1 label."""
    events: EventRules = field(default_factory=EventRules)
    batch_size: int = 2
    num_threads: int | None = None
    top_k: int = 5
    render: bool = True
    render_max_height: int = 360
    model_dir: str | None = None
    limits: ProbeLimits = field(default_factory=ProbeLimits)
    seed: int = 0
    """Seed for random initialisation when ``weights == 'none'``."""
    modalities: tuple[str, ...] = ()
    """Streams to run and fuse (``rgb``, ``flow``, ``rgbdiff``); empty means the model's own.
    A stream other than the model's is the registry entry ``<model>.<modality>`` (``rgb`` is
    ``<model>`` itself); a weights path may contain ``{modality}`` to name one file per stream."""
    fusion_weights: dict[str, float] = field(default_factory=dict)
    """Late-fusion weight per modality (missing ones count 1.0): fused probabilities are the
    weighted average of the streams' softmax scores."""
    also_score: tuple[str, ...] = ()
    """Labels whose scores every segment also carries (``SegmentScore.also``), beside the
    watched ones: one read of the softmax each (alert rules' labels). Labels the model lacks
    are skipped; events and the chart do not change."""
    flow_method: str = "dis"
    """``dis`` (DIS ultrafast), ``dis_fast``, ``dis_medium``, ``farneback``, ``tvl1``, ``raft``."""
    flow_cache_dir: str | None = None
    """Where computed flow is cached per video; ``None`` uses ``$VIGIL_FLOW_CACHE_DIR`` or none."""
    backend: str = ""
    """Who runs the model (:mod:`inference.backends`): ``auto``, ``torch``, ``openvino``,
    ``onnx``; empty reads ``$VIGIL_INFERENCE_BACKEND`` (else ``auto``)."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the results document says about the model that produced it."""

    name: str
    labels: tuple[str, ...]
    modalities: tuple[str, ...]
    weights: str
    """``torchvision:<name>``, ``file:<sha256>``, or ``random`` (untrained, tests only)."""
    input_spec: InputSpec
    fusion_weights: dict[str, float] = field(default_factory=dict)
    """Late-fusion weight per modality when several streams were fused (else empty)."""
    head_sizes: tuple[int, ...] = ()
    """Several heads over one backbone pass: ``labels`` is their concatenation, each block of
    this many labels its own softmax, the first the primary (its top-k is ``top``)."""


@dataclass(frozen=True, slots=True)
class Results:
    """The outcome of one analysis; ``results.to_document`` turns it into JSON."""

    video: VideoMeta
    model: ModelInfo
    config: PipelineConfig
    segments: tuple[SegmentScore, ...]
    events: tuple[Event, ...]
    watched_labels: tuple[str, ...]
    timings_sec: dict[str, float] = field(default_factory=dict)
