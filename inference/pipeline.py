"""plan -> load -> score -> events -> render: one video in, ``results.json`` (+ annotated.mp4).

1. **plan**: probe the video; name each stream's registry model and weights
   (:func:`plan_streams`, nothing loaded).
2. **load**: build the streams' models (cached per process) and classifiers (:func:`load`).
3. **score**: slide windows over the video; one batch source
   (:func:`inference.batches.iter_stream_batches`) decodes every stream's input in one pass, in
   a background thread; each batch is classified, the streams fused late (:func:`score`); a
   one-stream analysis shares work between overlapping windows (:mod:`inference.spans`).
4. **events**: segments and hysteresis events over the watched labels (:func:`find_events`).
5. **render**: the annotated H.264 (optional), then the results document.

Memory is flat in video length: frames stream from the decoder, each sampled frame is scaled
by FFmpeg straight to the model's size, and only the crops still needed by pending windows are
kept.

Several modalities (``config.modalities``: ``rgb``, ``flow``, ``rgbdiff``) run as streams, one
model each (the registry entry of the same ``base_model`` that reads the modality), over one
decode pass: flow is computed in the decoding thread on just the frames it needs (cached on
disk when a flow cache directory is set), and the streams' probabilities are fused late
(:mod:`inference.fuse`).
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference import models, spans
from inference.backends.select import BackendClassifier, make_classifier
from inference.batches import (
    center_crop,
    crop_size_for,
    flow_pairs_needed,
    iter_clips,
    iter_stream_batches,
    stream_times,
)
from inference.classify import Classifier, fold_batchnorm
from inference.errors import Cancelled, ModelError
from inference.events import detect_events
from inference.fuse import fuse_scores, fusion_weights_for
from inference.models.weights_spec import WeightsSpec
from inference.probe import probe
from inference.results import to_document, write_document
from inference.sampling import windows
from inference.segments import (
    check_labels,
    default_watched_labels,
    most_probable_labels,
    segment_score,
)
from inference.types import (
    MODALITIES,
    Event,
    ModelInfo,
    PipelineConfig,
    ProgressCallback,
    Results,
    SegmentScore,
    VideoMeta,
    Window,
)

__all__ = [  # the batch helpers moved to inference.batches; importers of them here still work
    "ANNOTATED_NAME", "RESULTS_NAME", "Analysis", "Scores", "StreamPlan", "center_crop",
    "crop_size_for", "find_events", "flow_pairs_needed", "iter_clips", "iter_stream_batches",
    "load", "load_model", "load_streams", "plan_streams", "run", "score", "segment_score",
    "stream_model_name", "stream_times",
]

RESULTS_NAME = "results.json"
ANNOTATED_NAME = "annotated.mp4"
#: Models with at most this many labels report every label's score per segment.
ALL_SCORES_MAX_LABELS = 10


def run(
    path: str,
    *,
    config: PipelineConfig,
    out_dir: str,
    on_progress: ProgressCallback | None = None,
    on_segment: Callable[[SegmentScore], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> Results:
    """Analyse one video; write ``results.json`` (and ``annotated.mp4`` if ``config.render``).

    ``on_progress(stage, fraction)`` reports stages ``probe``, ``load_model``, ``analyze``,
    ``events``, ``render``, ``done``. ``on_segment`` receives each window's scores as soon as it
    is classified. ``should_cancel`` is polled between batches; when it returns True the run
    raises :class:`Cancelled`.
    """
    progress = on_progress or (lambda stage, fraction: None)
    cancelled = should_cancel or (lambda: False)
    timings: dict[str, float] = {}
    os.makedirs(out_dir, exist_ok=True)

    started = time.perf_counter()
    progress("probe", 0.0)
    meta = probe(path, limits=config.limits)
    timings["probe"] = time.perf_counter() - started

    mark = time.perf_counter()
    progress("load_model", 0.0)
    analysis = load(plan_streams(config), config)
    timings["load_model"] = time.perf_counter() - mark

    mark = time.perf_counter()
    plan = windows(duration_sec=meta.duration_sec, clip_len=analysis.clip_len(config),
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    scores = score(meta, plan, analysis, config, progress=progress, cancelled=cancelled,
                   on_segment=on_segment, timings=timings)
    timings["analyze"] = time.perf_counter() - mark

    progress("events", 0.0)
    segments, events, event_labels = find_events(plan, scores, analysis, config)

    if config.render:
        mark = time.perf_counter()
        _render(meta, out_dir, segments=segments, events=events, watched_labels=event_labels,
                config=config, progress=progress)
        timings["render"] = time.perf_counter() - mark
        if cancelled():
            raise Cancelled("the analysis was cancelled")

    timings["total"] = time.perf_counter() - started
    results = Results(video=meta, model=analysis.model_info(config), config=config,
                      segments=segments, events=events, watched_labels=event_labels,
                      timings_sec=timings)
    write_document(to_document(results), Path(out_dir) / RESULTS_NAME)
    progress("done", 1.0)
    return results


@dataclass(frozen=True)
class StreamPlan:
    """One stream of an analysis: the registry model that reads ``modality``, its weights."""

    modality: str
    model: str
    weights: WeightsSpec


def plan_streams(config: PipelineConfig) -> tuple[StreamPlan, ...]:
    """The streams ``config`` asks for, nothing loaded: one per ``config.modalities`` (the
    model's own modality when none given); a weights path's ``{modality}`` is filled in."""
    weights = WeightsSpec.parse(config.weights)
    if not config.modalities:
        return (StreamPlan(models.get(config.model).modality, config.model, weights),)
    plans = []
    for modality in dict.fromkeys(config.modalities):
        if modality not in MODALITIES:
            raise ModelError(f"unknown modality {modality!r}; known: {', '.join(MODALITIES)}")
        plans.append(StreamPlan(modality, stream_model_name(config.model, modality),
                                weights.for_modality(modality)))
    return tuple(plans)


@dataclass(frozen=True)
class Analysis:
    """The loaded side of a run: one model and classifier per stream (the first is the one
    whose labels and geometry every stream shares), how their scores fuse, what is watched."""

    streams: dict[str, models.LoadedModel]
    classifiers: dict[str, Classifier | BackendClassifier]
    fusion: dict[str, float]
    watched: tuple[str, ...]
    """Labels asked for, else the model's default ones (a detector's positive label)."""
    also_score: tuple[str, ...] = ()
    """``config.also_score`` that the model has (:attr:`SegmentScore.also`)."""

    @property
    def info(self) -> ModelInfo:
        return next(iter(self.streams.values())).info

    @property
    def fused(self) -> bool:
        """Whether several streams' scores are fused."""
        return len(self.streams) > 1

    @property
    def primary(self) -> int:
        """Labels of the primary head (all of them for a one-head model)."""
        return self.info.head_sizes[0] if self.info.head_sizes else len(self.info.labels)

    def clip_len(self, config: PipelineConfig) -> int:
        """Time steps per window: the config's, else the (trained) model's."""
        return config.clip_len or self.info.input_spec.clip_len

    def model_info(self, config: PipelineConfig) -> ModelInfo:
        """What the results say about the model: fused streams under the config's name."""
        if not self.fused:
            return self.info
        return dataclasses.replace(self.info, name=config.model, modalities=tuple(self.streams),
                                   fusion_weights=self.fusion)


def load(plans: Sequence[StreamPlan], config: PipelineConfig) -> Analysis:
    """Build every planned stream (see :func:`load_streams`) and its classifier."""
    streams = _load_planned(plans, config)
    info = next(iter(streams.values())).info
    watched = check_labels(config.labels, info.labels) or default_watched_labels(info)
    classifiers = {m: _classifier(s, config) for m, s in streams.items()}
    known = set(info.labels)
    return Analysis(streams=streams, classifiers=classifiers, watched=watched,
                    fusion=fusion_weights_for(tuple(streams), config.fusion_weights),
                    also_score=tuple(dict.fromkeys(label for label in config.also_score
                                                   if label in known)))


def _classifier(loaded: models.LoadedModel, config: PipelineConfig,
                ) -> Classifier | BackendClassifier:
    """A stream's classifier on the worker's inference backend (:mod:`inference.backends`:
    torch, or a converted OpenVINO / ONNX Runtime model; ``load_model`` folded BatchNorm)."""
    return make_classifier(loaded, backend=config.backend, device=config.device,
                           num_threads=config.num_threads, model_dir=config.model_dir,
                           fold_bn=False)


@dataclass(frozen=True)
class Scores:
    """Window probabilities: ``probabilities`` ``(windows, labels)`` (fused when several
    streams), ``per_stream`` each fused stream's own (empty for one stream), and
    ``streaming_labels``, the labels whose scores segments carried while scoring."""

    probabilities: np.ndarray
    per_stream: dict[str, np.ndarray]
    streaming_labels: tuple[str, ...]

    def segment(self, window: Window, *, labels: Sequence[str], score_labels: Sequence[str],
                k: int, primary: int, also: Sequence[str] = ()) -> SegmentScore:
        """The segment of ``window`` from what has been scored so far."""
        return segment_score(window, self.probabilities[window.index], labels=labels,
                             score_labels=score_labels, k=k, primary=primary, also=also,
                             streams={m: p[window.index] for m, p in self.per_stream.items()})


def score(meta: VideoMeta, plan: Sequence[Window], analysis: Analysis, config: PipelineConfig,
          *, progress: ProgressCallback, cancelled: Callable[[], bool],
          on_segment: Callable[[SegmentScore], None] | None = None,
          timings: dict[str, float] | None = None) -> Scores:
    """Classify every window of ``plan``, batch by batch from one decode pass; reports stage
    ``analyze`` and each window's segment (``on_segment``) as soon as it is scored."""
    labels = analysis.info.labels
    probabilities = np.zeros((len(plan), len(labels)), dtype=np.float32)
    per_stream = ({m: np.zeros_like(probabilities) for m in analysis.streams}
                  if analysis.fused else {})
    streaming = analysis.watched or (labels if len(labels) <= ALL_SCORES_MAX_LABELS else ())
    scores = Scores(probabilities=probabilities, per_stream=per_stream,
                    streaming_labels=tuple(streaming))
    progress("analyze", 0.0)
    batches = iter_stream_batches(
        meta, plan, streams={m: s.info.input_spec for m, s in analysis.streams.items()},
        batch_size=config.batch_size, should_cancel=cancelled, flow_method=config.flow_method,
        flow_cache=config.flow_cache_dir, clip_len=config.clip_len, device=config.device,
        model_dir=config.model_dir, timings=timings)
    done = 0

    def deliver(ready: Sequence[tuple[Window, np.ndarray]]) -> None:
        nonlocal done
        for window, probs in ready:
            probabilities[window.index] = probs
            if on_segment is not None:
                on_segment(scores.segment(window, labels=labels, k=config.top_k,
                                          score_labels=scores.streaming_labels,
                                          primary=analysis.primary,
                                          also=analysis.also_score))
        done += len(ready)
        progress("analyze", done / len(plan))

    # One torch stream: windows share work (a converted backend graph scores whole windows).
    first = next(iter(analysis.classifiers.values()))
    shared = None if analysis.fused or not isinstance(first, Classifier) else spans.scorer_for(
        first, times_of=lambda w: stream_times(w, analysis.info.input_spec,
                                               clip_len=config.clip_len, fps=meta.fps))
    for batch_windows, clips in batches:
        if shared is not None:
            deliver(shared.feed(batch_windows, next(iter(clips.values()))))
        else:
            stream_probs = {m: c.predict(clips[m]) for m, c in analysis.classifiers.items()}
            if analysis.fused:
                for m, probs in stream_probs.items():
                    per_stream[m][[w.index for w in batch_windows]] = probs
                batch_probs = fuse_scores(stream_probs, analysis.fusion)
            else:  # one stream scored by a converted backend
                batch_probs = next(iter(stream_probs.values()))
            deliver(list(zip(batch_windows, batch_probs, strict=True)))
        if cancelled():
            raise Cancelled("the analysis was cancelled")
    if shared is not None:
        deliver(shared.flush())
    return scores


def find_events(plan: Sequence[Window], scores: Scores, analysis: Analysis,
                config: PipelineConfig,
                ) -> tuple[tuple[SegmentScore, ...], tuple[Event, ...], tuple[str, ...]]:
    """``(segments, events, event labels)``: every window's segment, scored on the watched
    labels (else the streamed ones, else the most probable one), and the events over them."""
    labels = analysis.info.labels
    score_labels = scores.streaming_labels or most_probable_labels(scores.probabilities,
                                                                    labels)
    segments = tuple(scores.segment(window, labels=labels, score_labels=score_labels,
                                    k=config.top_k, primary=analysis.primary,
                                    also=analysis.also_score)
                     for window in plan)
    event_labels = tuple(analysis.watched or score_labels)
    events = tuple(detect_events(segments, labels=event_labels, rules=config.events))
    return segments, events, event_labels


def _render(meta: VideoMeta, out_dir: str, *, segments: Sequence[SegmentScore],
            events: Sequence[Event], watched_labels: Sequence[str], config: PipelineConfig,
            progress: ProgressCallback) -> None:
    from inference.render import render_annotated  # noqa: PLC0415 - heavy, optional stage

    progress("render", 0.0)
    render_annotated(meta, str(Path(out_dir) / ANNOTATED_NAME), segments=segments,
                     events=events, watched_labels=watched_labels,
                     max_height=config.render_max_height,
                     on_progress=lambda fraction: progress("render", fraction),
                     thumbnails_dir=str(out_dir))


_MODEL_CACHE: dict[tuple[str, ...], models.LoadedModel] = {}
_MODEL_CACHE_LOCK = threading.Lock()


def load_model(config: PipelineConfig) -> models.LoadedModel:
    """Build (or reuse, within this process) the model a config names."""
    weights_key = config.weights
    if config.weights not in ("default", "none") and os.path.exists(config.weights):
        weights_key = f"{os.path.abspath(config.weights)}@{os.path.getmtime(config.weights)}"
    key = (config.model, weights_key, config.device, str(config.model_dir), str(config.seed))
    with _MODEL_CACHE_LOCK:
        if key not in _MODEL_CACHE:
            if len(_MODEL_CACHE) >= 3:  # three streams of one fused analysis
                _MODEL_CACHE.pop(next(iter(_MODEL_CACHE)))
            loaded = models.build(config.model, weights=config.weights,
                                  model_dir=config.model_dir, device="cpu", seed=config.seed)
            # Inference only: keep the BatchNorm-folded module, not both copies.
            _MODEL_CACHE[key] = dataclasses.replace(loaded, module=fold_batchnorm(loaded.module))
        return _MODEL_CACHE[key]


def stream_model_name(model: str, modality: str) -> str:
    """Registry name of ``model``'s stream for ``modality`` (the entry of the same
    ``base_model`` that reads it: ``tsn_resnet18.flow`` for ``tsn_resnet18`` and ``flow``)."""
    return models.stream_of(model, modality).name


def load_streams(config: PipelineConfig) -> dict[str, models.LoadedModel]:
    """One loaded model per modality of ``config`` (the model's own modality when none given).

    Every stream must share the label set and frame geometry of the first (fusion needs it).
    """
    return _load_planned(plan_streams(config), config)


def _load_planned(plans: Sequence[StreamPlan], config: PipelineConfig,
                  ) -> dict[str, models.LoadedModel]:
    streams = {p.modality: load_model(dataclasses.replace(config, model=p.model,
                                                          weights=str(p.weights)))
               for p in plans}
    first = next(iter(streams.values())).info
    for modality, loaded in streams.items():
        spec = loaded.info.input_spec
        if loaded.info.labels != first.labels:
            raise ModelError(f"the {modality} stream {loaded.info.name!r} has other labels than "
                             f"{first.name!r}: streams must share labels to be fused")
        if (spec.crop_size, spec.resize_short) != (first.input_spec.crop_size,
                                                   first.input_spec.resize_short):
            raise ModelError(f"the {modality} stream {loaded.info.name!r} wants another frame "
                             f"size than {first.name!r}")
    return streams
