"""The model side of a live stream: the same windows, model and segments as a file's.

A file plans its windows over its known duration (:func:`inference.sampling.windows`); a live
stream has no end, so :func:`live_windows` makes the same windows one after the other and
:func:`window_times` merges their sample times, ascending, for
:func:`inference.decode.sample_at`. Clips are then cut by :func:`inference.batches.assemble_clips`
and scored by the pipeline's :class:`~inference.classify.Classifier` into the pipeline's
segments (:func:`inference.segments.segment_score`): a file source and a live source differ
only in where frames come from.

Models are loaded through :func:`inference.pipeline.load` (its per-process model cache), and a
:class:`LiveScorer` is shared by every monitor of the same model: one forward pass at a time,
so several cameras take turns on the cores instead of thrashing them.
"""
from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator

import numpy as np

from inference.errors import ModelError
from inference.live.contract import LiveConfig
from inference.pipeline import Analysis, load, plan_streams
from inference.sampling import frame_times
from inference.segments import segment_score
from inference.types import EventRules, InputSpec, PipelineConfig, SegmentScore, Window


def live_windows(*, clip_len: int, window_sec: float, stride_sec: float) -> Iterator[Window]:
    """Windows ``k = 0, 1, ...`` of ``window_sec`` every ``stride_sec`` (no end), each with
    ``clip_len`` sample times, exactly as :func:`inference.sampling.windows` places them."""
    if window_sec <= 0 or stride_sec <= 0 or clip_len < 1:
        raise ValueError("window_sec and stride_sec must be positive, clip_len at least 1")
    index = 0
    while True:
        start = index * stride_sec
        yield Window(index, round(start, 6), round(start + window_sec, 6),
                     frame_times(start, window_sec, clip_len))
        index += 1


def window_times(plan: Iterator[Window]) -> Iterator[float]:
    """The distinct sample times of ``plan``'s windows (ordered by start), ascending: a
    window's times are merged in once the next time due could be one of them."""
    heap: list[float] = []
    upcoming = next(plan, None)
    last: float | None = None
    while heap or upcoming is not None:
        while upcoming is not None and (not heap or upcoming.start_sec <= heap[0]):
            for t in upcoming.sample_times_sec:
                heapq.heappush(heap, t)
            upcoming = next(plan, None)
        t = heapq.heappop(heap)
        if t != last:
            last = t
            yield t


class LiveScorer:
    """One loaded model (RGB, one stream) scoring live clips; shared by monitors."""

    def __init__(self, analysis: Analysis, config: PipelineConfig) -> None:
        self.analysis = analysis
        self.config = config
        self.classifier = next(iter(analysis.classifiers.values()))
        self.lock = threading.Lock()

    @property
    def spec(self) -> InputSpec:
        return self.analysis.info.input_spec

    @property
    def clip_len(self) -> int:
        return self.analysis.clip_len(self.config)

    @property
    def watched(self) -> tuple[str, ...]:
        return self.analysis.watched

    def score(self, window: Window, clip: np.ndarray) -> SegmentScore:
        """The segment of ``window`` from its ``(T, H, W, C)`` uint8 clip."""
        with self.lock:
            probs = self.classifier.predict(clip[None])[0]
        info = self.analysis.info
        return segment_score(window, probs, labels=info.labels, score_labels=self.watched,
                             k=self.config.top_k, primary=self.analysis.primary)


_SCORERS: dict[tuple[object, ...], LiveScorer] = {}
_SCORERS_LOCK = threading.Lock()


def pipeline_config(config: LiveConfig) -> PipelineConfig:
    """The :class:`PipelineConfig` a file analysis with the same model and windows would use."""
    return PipelineConfig(model=config.model_name, weights=config.weights or "default",
                          device=config.device, segment_sec=config.window_sec,
                          stride_sec=config.stride_sec, labels=config.watched_labels,
                          events=EventRules(enter_threshold=config.threshold,
                                            exit_threshold=max(0.0, config.threshold
                                                               - config.hysteresis)),
                          batch_size=1, num_threads=config.num_threads,
                          model_dir=config.model_dir, render=False)


def scorer_for(config: LiveConfig) -> LiveScorer:
    """The process's scorer for ``config``'s model, weights and labels (built once)."""
    pipeline = pipeline_config(config)
    key = (pipeline.model, pipeline.weights, pipeline.device, pipeline.model_dir,
           pipeline.labels, pipeline.num_threads)
    with _SCORERS_LOCK:
        if key not in _SCORERS:
            plans = plan_streams(pipeline)
            if any(plan.modality != "rgb" for plan in plans):
                raise ModelError(f"{config.model_name!r} reads "
                                 f"{', '.join(p.modality for p in plans)}; live streams are "
                                 "scored by RGB models only", code="live_unsupported")
            _SCORERS[key] = LiveScorer(load(plans, pipeline), pipeline)
        return _SCORERS[key]
