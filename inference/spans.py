"""Do no work twice: overlapping windows share the model's computation.

Windows of 2 s every 1 s sample most frames twice, so scoring each window on its own runs the
expensive part of the model twice per frame. Two scorers share it; both take the batches of
:func:`inference.batches.iter_stream_batches` (``(B, T, H, W, C)`` uint8 clips, windows in
order) and hand back ``(window, probabilities)`` in window order, possibly a batch later.

- :class:`SpanScorer`, for 3D CNNs that are fully convolutional in time (a module with
  ``temporal_stride``, ``feature_maps`` and ``from_maps``: the I3D detectors), chosen where
  the module's ``span_pooling_ok`` says the deviation was measured to hold. The trunk runs
  once over a *span* of up to :data:`SPAN_WINDOWS` consecutive windows (their frames on one
  time grid, each frame once), with up to
  :data:`SPAN_MARGIN_FRAMES` frames of context either side; its ``(1, D, t, h, w)`` feature map
  is cropped to each window's ``clip_len / temporal_stride`` steps and pooled by the head.
  Inside a window's receptive field the span sees real frames where a lone window sees
  zero padding, so scores differ a little from per-window scoring; the difference is measured
  (``python -m bench.bench_span_pooling``; README "Shared computation"), and the pipeline
  pools spans only for a model measured within :data:`SPAN_MAX_DEVIATION` (the fight
  detector is not: up to 0.16). Windows off the grid (the last window, aligned to
  the video's end) are scored on their own.
- :class:`FrameFeatureScorer`, for frame-based models (TSN, CNN+RNN: a module with
  ``frame_features`` and ``from_frame_features``): each sampled frame's backbone features are
  computed once, kept in a small cache keyed by the frame's time while later windows can still
  use them, and every window's consensus / RNN reads them from there. Exact up to float
  rounding (batch composition).

:func:`scorer_for` picks one (or the plain per-window :class:`WindowScorer`).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Protocol, cast

import numpy as np
import torch

from inference.classify import Classifier, autocast_for
from inference.types import Window

#: Windows whose frames one trunk pass covers (memory: ``16 (SPAN_WINDOWS + 1) + 2 margins``
#: frames in one pass; 8 windows of the fight detector at 224x398 px: about 0.6 GB of
#: activations at the first layer).
SPAN_WINDOWS = 8
#: Frames of real context kept either side of a span (a multiple of the temporal stride), so
#: that a window at a span's edge sees what one in its middle sees.
SPAN_MARGIN_FRAMES = 16
#: Tolerance: the largest |probability difference| against per-window scoring for which a
#: model may say ``span_pooling_ok`` (a model states what it measured on real clips with
#: ``bench.bench_span_pooling`` as ``span_deviation_measured``; the tests hold both).
SPAN_MAX_DEVIATION = 0.05
#: Environment switch: ``0`` scores every window on its own (no sharing), ``span`` forces
#: span pooling on every module that can do it, anything else (``auto``) shares where exact
#: or measured to hold.
SHARED_SCORING_ENV = "VIGIL_SHARED_SCORING"
#: What a module offers for span pooling.
SPAN_METHODS = ("temporal_stride", "feature_maps", "from_maps")
#: Time-grid tolerance (s): sample times are rounded to microseconds.
_GRID_EPS_SEC = 1e-4

Scored = list[tuple[Window, np.ndarray]]


class SpanModule(Protocol):
    """A 3D CNN fully convolutional in time, split where span pooling cuts it."""

    temporal_stride: int

    def feature_maps(self, x: torch.Tensor) -> torch.Tensor: ...

    def from_maps(self, x: torch.Tensor, maps: torch.Tensor) -> torch.Tensor: ...


class FrameFeatureModule(Protocol):
    """A frame-based model split after its per-frame backbone."""

    def frame_features(self, frames: torch.Tensor) -> torch.Tensor: ...

    def from_frame_features(self, features: torch.Tensor) -> torch.Tensor: ...


class WindowScorer:
    """Every window on its own: ``feed`` returns the batch's probabilities at once."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    def feed(self, windows: Sequence[Window], clips: np.ndarray) -> Scored:
        """Probabilities of ``windows`` (``clips`` ``(B, T, H, W, C)`` uint8) that are ready."""
        return list(zip(windows, self.classifier.predict(clips), strict=True))

    def flush(self) -> Scored:
        """What is still held back once every batch has been fed."""
        return []


def scorer_for(classifier: Classifier, *, times_of: Callable[[Window], Sequence[tuple[float, ...]]],
               span_windows: int = SPAN_WINDOWS, margin_frames: int = SPAN_MARGIN_FRAMES,
               ) -> WindowScorer:
    """The scorer that shares most of ``classifier``'s work between overlapping windows.

    ``times_of(window)`` gives the frame times of each of a window's steps (the clips' time
    axis). Span pooling is chosen only for a module whose ``span_pooling_ok`` says it was
    measured to hold, or when ``$VIGIL_SHARED_SCORING`` is ``span`` (benchmarks);
    ``span_windows`` 1 or less turns it off; ``$VIGIL_SHARED_SCORING=0`` turns all sharing
    off (each window on its own, as benchmarks compare).
    """
    mode = os.environ.get(SHARED_SCORING_ENV, "auto")
    if mode == "0":
        return WindowScorer(classifier)
    module = classifier.module
    span_capable = all(hasattr(module, name) for name in SPAN_METHODS)
    if span_capable and span_windows > 1 and (getattr(module, "span_pooling_ok", False)
                                              or mode == "span"):
        return SpanScorer(classifier, span_windows=span_windows, margin_frames=margin_frames)
    if hasattr(module, "frame_features") and hasattr(module, "from_frame_features"):
        return FrameFeatureScorer(classifier, times_of=times_of)
    return WindowScorer(classifier)


class FrameFeatureScorer(WindowScorer):
    """Per-frame backbone features computed once and shared by the windows that sample the
    frame (see the module doc). Holds the features of frames at or after the last fed
    window's start (later windows start there or later)."""

    def __init__(self, classifier: Classifier, *,
                 times_of: Callable[[Window], Sequence[tuple[float, ...]]]) -> None:
        super().__init__(classifier)
        self.times_of = times_of
        self.cache: dict[tuple[float, ...], torch.Tensor] = {}
        self.computed = 0
        """Frames (steps) whose features were computed: the work actually done."""

    @torch.inference_mode()
    def feed(self, windows: Sequence[Window], clips: np.ndarray) -> Scored:
        module = cast("FrameFeatureModule", self.classifier.module)
        x = self.classifier.to_input(clips)  # (B, C, T, H, W)
        keys = [tuple(self.times_of(window)) for window in windows]
        missing: dict[tuple[float, ...], tuple[int, int]] = {}
        for b, steps in enumerate(keys):
            for t, key in enumerate(steps):
                if key not in self.cache and key not in missing:
                    missing[key] = (b, t)
        with autocast_for(self.classifier.device, self.classifier.amp_dtype):
            if missing:
                frames = torch.stack([x[b, :, t] for b, t in missing.values()])  # (N, C, H, W)
                for key, features in zip(missing, module.frame_features(frames), strict=True):
                    self.cache[key] = features
                self.computed += len(missing)
            features = torch.stack([torch.stack([self.cache[k] for k in steps])
                                    for steps in keys])  # (B, T, ...)
            logits = module.from_frame_features(features)
        first_needed = windows[-1].start_sec - _GRID_EPS_SEC
        for key in [k for k in self.cache if k[0] < first_needed]:
            del self.cache[key]
        return list(zip(windows, self.classifier.probabilities(logits), strict=True))


class SpanScorer(WindowScorer):
    """One trunk pass per span of windows, its feature map cropped per window (module doc).

    Frames are kept by their index on the time grid of the first window (its sample step);
    a window is *on the grid* when its samples are consecutive grid frames starting at a
    multiple of the module's ``temporal_stride``, so its crop of the span's feature map is
    aligned as its own pass would be.
    """

    def __init__(self, classifier: Classifier, *, span_windows: int = SPAN_WINDOWS,
                 margin_frames: int = SPAN_MARGIN_FRAMES) -> None:
        super().__init__(classifier)
        module = classifier.module
        self.stride: int = int(getattr(module, "temporal_stride", 1))
        self.span_windows = span_windows
        self.margin = margin_frames // self.stride * self.stride
        self.origin_sec: float | None = None
        self.step_sec = 0.0
        self.frames: dict[int, np.ndarray] = {}
        """Grid index -> ``(H, W, C)`` uint8 frame, for pending windows and their margins."""
        self.pending: list[tuple[Window, int | None, np.ndarray | None]] = []
        """Windows fed, not yet scored: ``(window, first grid index, None)`` on the grid,
        ``(window, None, clip)`` off it."""
        self.frames_scored = 0
        """Frames that went through the trunk: the work actually done."""

    def feed(self, windows: Sequence[Window], clips: np.ndarray) -> Scored:
        for window, clip in zip(windows, clips, strict=True):
            first = self._grid_start(window, len(clip))
            if first is None:
                self.pending.append((window, None, clip))
                continue
            for offset, frame in enumerate(clip):
                self.frames[first + offset] = frame
            self.pending.append((window, first, None))
        return self._drain(final=False)

    def flush(self) -> Scored:
        return self._drain(final=True)

    def _grid_start(self, window: Window, length: int) -> int | None:
        times = window.sample_times_sec
        if len(times) != length or length % self.stride or length < 2:
            return None
        if self.origin_sec is None:
            self.origin_sec, self.step_sec = times[0], times[1] - times[0]
        position = (times[0] - self.origin_sec) / self.step_sec
        first = round(position)
        on_grid = all(abs(self.origin_sec + (first + i) * self.step_sec - t) < _GRID_EPS_SEC
                      for i, t in enumerate(times))
        return first if on_grid and first % self.stride == 0 else None

    def _drain(self, *, final: bool) -> Scored:
        out: Scored = []
        while self.pending:
            window, first, clip = self.pending[0]
            if first is None:
                assert clip is not None
                out.append((window, self.classifier.predict(clip[None])[0]))
                self.pending.pop(0)
                continue
            run = self._leading_run()
            if not final and len(self.pending) <= len(run):
                break  # wait for a full span and the window after it (the right margin)
            out.extend(self._score_span(run))
            del self.pending[:len(run)]
            self._forget_before(run)
        return out

    def _leading_run(self) -> list[tuple[Window, int]]:
        """The first pending windows on the grid whose frames join up, at most a span."""
        run: list[tuple[Window, int]] = []
        end = None
        for window, first, _ in self.pending[:self.span_windows]:
            if first is None or (end is not None and first > end):
                break
            run.append((window, first))
            end = first + len(window.sample_times_sec)
        return run

    def _forget_before(self, run: list[tuple[Window, int]]) -> None:
        following = [first for _, first, _ in self.pending if first is not None]
        keep_from = following[0] - self.margin if following else None
        for index in [i for i in self.frames if keep_from is None or i < keep_from]:
            del self.frames[index]

    def _reach(self, start: int, direction: int) -> int:
        """Margin frames present next to ``start`` (going ``direction``), whole strides."""
        count = 0
        while count < self.margin and start + direction * (count + 1) in self.frames:
            count += 1
        return count // self.stride * self.stride

    @torch.inference_mode()
    def _score_span(self, run: list[tuple[Window, int]]) -> Scored:
        module = cast("SpanModule", self.classifier.module)
        length = len(run[0][0].sample_times_sec)
        start, end = run[0][1], run[-1][1] + length
        low = start - self._reach(start, -1)
        high = end + self._reach(end - 1, +1)
        frames = np.stack([self.frames[i] for i in range(low, high)])  # (N, H, W, C)
        x = self.classifier.to_input(frames[None])  # (1, C, N, H, W)
        with autocast_for(self.classifier.device, self.classifier.amp_dtype):
            maps = module.feature_maps(x)  # (1, D, N / stride, h, w)
            steps = length // self.stride
            offsets = [first - low for _, first in run]
            window_maps = torch.cat([maps[:, :, o // self.stride:o // self.stride + steps]
                                     for o in offsets])
            window_x = torch.cat([x[:, :, o:o + length] for o in offsets])
            logits = module.from_maps(window_x, window_maps)
        self.frames_scored += high - low
        return list(zip([w for w, _ in run], self.classifier.probabilities(logits),
                        strict=True))
