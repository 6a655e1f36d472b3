"""probe -> decode -> sample windows -> classify -> events -> results.json + annotated.mp4.

Memory is flat in video length: frames stream from the decoder, each sampled frame is scaled
by FFmpeg straight to the model's size, and only the crops still needed by pending windows are
kept. Decoding runs in a background thread (``inference.background.prefetch``), so the model
never waits for frames.

Several modalities (``config.modalities``: ``rgb``, ``flow``, ``rgbdiff``) run as streams, one
model each (``<model>`` for RGB, ``<model>.<modality>`` otherwise), over one decode pass: each
window decodes the union of the frame times its streams need, flow is computed in the decoding
thread on just those frames (cached on disk when a flow cache directory is set), and the
streams' probabilities are fused late (:mod:`inference.fuse`). The RGB-only path is unchanged.
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import numpy as np

from inference import flow, models
from inference.background import prefetch
from inference.classify import Classifier, fold_batchnorm, top_k
from inference.decode import FrameScaler, iter_frames, sample_at, scaled_size
from inference.errors import Cancelled, ModelError
from inference.events import detect_events
from inference.fuse import fuse_scores, fusion_weights_for
from inference.models.weights import sha256_file
from inference.models.weights_spec import WeightsSpec
from inference.probe import probe
from inference.results import to_document, write_document
from inference.sampling import frame_times, tsn_snippet_times, windows
from inference.types import (
    MODALITIES,
    InputSpec,
    ModelInfo,
    PipelineConfig,
    ProgressCallback,
    Results,
    SegmentScore,
    VideoMeta,
    Window,
)

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
    streams = load_streams(config)
    loaded = next(iter(streams.values()))
    spec = loaded.info.input_spec
    labels = loaded.info.labels
    heads = loaded.info.head_sizes
    watched = _check_labels(config.labels, labels) or default_watched_labels(loaded.info)
    primary = heads[0] if heads else len(labels)
    clip_len = config.clip_len or spec.clip_len
    classifiers = {m: Classifier(s.module, spec=s.info.input_spec, device=config.device,
                                 fold_bn=False, num_threads=config.num_threads,
                                 head_sizes=s.info.head_sizes) for m, s in streams.items()}
    classifier = next(iter(classifiers.values()))
    fusion = fusion_weights_for(tuple(streams), config.fusion_weights)
    timings["load_model"] = time.perf_counter() - mark

    mark = time.perf_counter()
    plan = windows(duration_sec=meta.duration_sec, clip_len=clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    probabilities = np.zeros((len(plan), len(labels)), dtype=np.float32)
    stream_probs = {m: np.zeros_like(probabilities) for m in streams} if len(streams) > 1 else {}
    streaming_labels = watched or (labels if len(labels) <= ALL_SCORES_MAX_LABELS else ())
    progress("analyze", 0.0)
    done = 0
    stacked = set(streams) != {"rgb"}  # flow / RGB-diff inputs, or several streams
    if stacked:
        batches: Iterator[tuple[list[Window], Any]] = iter_stream_batches(
            meta, plan, streams={m: s.info.input_spec for m, s in streams.items()},
            batch_size=config.batch_size, should_cancel=cancelled,
            flow_method=config.flow_method, flow_cache=config.flow_cache_dir,
            clip_len=config.clip_len, device=config.device, model_dir=config.model_dir,
            timings=timings)
    else:
        batches = iter_clip_batches(meta, plan, spec=spec, batch_size=config.batch_size,
                                    should_cancel=cancelled)
    for batch_windows, clips in batches:
        if stream_probs:
            per_stream = {m: classifiers[m].predict(clips[m]) for m in classifiers}
            batch_probs = fuse_scores(per_stream, fusion)
            for m, probs in per_stream.items():
                for window, p in zip(batch_windows, probs, strict=True):
                    stream_probs[m][window.index] = p
        elif stacked:
            batch_probs = classifier.predict(clips[next(iter(streams))])
        else:
            batch_probs = classifier.predict(clips)
        for window, probs in zip(batch_windows, batch_probs, strict=True):
            probabilities[window.index] = probs
            if on_segment is not None:
                on_segment(_segment(window, probs, labels=labels, score_labels=streaming_labels,
                                    k=config.top_k, primary=primary,
                                    streams={m: p[window.index] for m, p in stream_probs.items()}))
        done += len(batch_windows)
        progress("analyze", done / len(plan))
        if cancelled():
            raise Cancelled("the analysis was cancelled")
    timings["analyze"] = time.perf_counter() - mark

    progress("events", 0.0)
    score_labels = streaming_labels or _most_probable_labels(probabilities, labels)
    segments = tuple(
        _segment(window, probabilities[window.index], labels=labels, score_labels=score_labels,
                 k=config.top_k, primary=primary,
                 streams={m: p[window.index] for m, p in stream_probs.items()})
        for window in plan
    )
    event_labels = watched or score_labels
    events = tuple(detect_events(segments, labels=event_labels, rules=config.events))

    if config.render:
        from inference.render import render_annotated  # noqa: PLC0415 - heavy, optional stage

        mark = time.perf_counter()
        progress("render", 0.0)
        render_annotated(meta, str(Path(out_dir) / ANNOTATED_NAME), segments=segments,
                         events=events, watched_labels=event_labels,
                         max_height=config.render_max_height,
                         on_progress=lambda fraction: progress("render", fraction))
        timings["render"] = time.perf_counter() - mark
        if cancelled():
            raise Cancelled("the analysis was cancelled")

    timings["total"] = time.perf_counter() - started
    info = loaded.info
    if stream_probs:
        info = dataclasses.replace(info, name=config.model, modalities=tuple(streams),
                                   fusion_weights=fusion)
    results = Results(video=meta, model=info, config=config, segments=segments,
                      events=events, watched_labels=tuple(event_labels), timings_sec=timings)
    write_document(to_document(results), Path(out_dir) / RESULTS_NAME)
    progress("done", 1.0)
    return results


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
    if not config.modalities:
        loaded = load_model(config)
        return {loaded.info.modalities[0]: loaded}
    streams: dict[str, models.LoadedModel] = {}
    for modality in dict.fromkeys(config.modalities):
        if modality not in MODALITIES:
            raise ModelError(f"unknown modality {modality!r}; known: {', '.join(MODALITIES)}")
        name = stream_model_name(config.model, modality)
        weights = WeightsSpec.parse(config.weights).for_modality(modality)
        stream_config = dataclasses.replace(config, model=name, weights=str(weights))
        streams[modality] = load_model(stream_config)
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


def stream_times(window: Window, spec: InputSpec, *, clip_len: int | None,
                 fps: float) -> tuple[tuple[float, ...], ...]:
    """Frame times one stream needs for ``window``: one tuple per time step.

    RGB: one frame per step (the window's own sample times). Flow / RGB-diff: TSN snippets of
    ``snippet_len + 1`` consecutive frames (one nominal frame apart), centred in each of the
    ``clip_len`` parts of the window.
    """
    modality = spec.modalities[0]
    steps = clip_len or spec.clip_len
    if modality == "rgb":
        if len(window.sample_times_sec) != steps:
            return tuple((t,) for t in frame_times(window.start_sec,
                                                    window.end_sec - window.start_sec, steps))
        return tuple((t,) for t in window.sample_times_sec)
    return tsn_snippet_times(window, num_snippets=steps, snippet_len=spec.snippet_len + 1,
                             frame_interval_sec=1.0 / fps if fps > 0 else 1.0 / 30)


def flow_pairs_needed(meta: VideoMeta, config: PipelineConfig, spec: InputSpec) -> int:
    """Distinct flow pairs an analysis of ``meta`` computes for a flow stream of ``spec``."""
    plan = windows(duration_sec=meta.duration_sec, clip_len=config.clip_len or spec.clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    pairs = {(step[i], step[i + 1]) for window in plan
             for step in stream_times(window, spec, clip_len=config.clip_len, fps=meta.fps)
             for i in range(len(step) - 1)}
    return len(pairs)


def iter_stream_batches(meta: VideoMeta, plan: Sequence[Window], *, streams: dict[str, InputSpec],
                        batch_size: int, flow_method: str = flow.DEFAULT_METHOD,
                        flow_cache: str | None = None, clip_len: int | None = None,
                        device: str = "cpu", model_dir: str | None = None,
                        should_cancel: Callable[[], bool] = lambda: False,
                        timings: dict[str, float] | None = None,
                        ) -> Iterator[tuple[list[Window], dict[str, np.ndarray]]]:
    """Batches ``(windows, {modality: (B, T, H, W, C) uint8})`` for several streams, one decode.

    ``rgb``: C = 3; ``flow``: C = 2L quantised flow of L consecutive pairs per step (grayscale
    at the model's crop size); ``rgbdiff``: C = 3(L+1) raw frames per step (the classifier
    takes the differences). Flow pairs shared by overlapping windows are computed once; with
    ``flow_cache`` (or ``$VIGIL_FLOW_CACHE_DIR``) they are also kept on disk per video.
    ``timings['flow']`` accumulates the seconds spent on flow.
    """
    first = next(iter(streams.values()))
    needs = {w.index: {m: stream_times(w, spec, clip_len=clip_len, fps=meta.fps)
                       for m, spec in streams.items()} for w in plan}
    combined = [dataclasses.replace(w, sample_times_sec=tuple(sorted(
        {t for steps in needs[w.index].values() for step in steps for t in step})))
        for w in plan]
    originals = {w.index: w for w in plan}
    flow_fn = flow.flow_function(flow_method, device=device, model_dir=model_dir) \
        if "flow" in streams else None
    flow_cache = flow_cache or os.environ.get(flow.CACHE_ENV) or None
    spent = timings if timings is not None else {}

    def prepare(cache: flow.FlowCache | None, window: Window, frames: np.ndarray,
                ) -> dict[str, np.ndarray]:
        position = {t: i for i, t in enumerate(window.sample_times_sec)}
        out: dict[str, np.ndarray] = {}
        for modality, steps in needs[window.index].items():
            if modality == "rgb":
                out[modality] = frames[[position[step[0]] for step in steps]]
            elif modality == "rgbdiff":
                out[modality] = np.stack([
                    np.concatenate([frames[position[t]] for t in step], axis=2) for step in steps])
            else:
                started = time.perf_counter()
                stacks = []
                assert cache is not None and flow_fn is not None
                cache.forget_before(window.start_sec)
                for step in steps:
                    gray = flow.to_gray(frames[[position[t] for t in step]])
                    stack = flow.cached_flow_stack(gray, step, cache=cache, fn=flow_fn)
                    stacks.append(stack.transpose(1, 2, 0))
                out[modality] = np.stack(stacks)
                spent["flow"] = spent.get("flow", 0.0) + time.perf_counter() - started
        return out

    def batches() -> Iterator[tuple[list[Window], dict[str, np.ndarray]]]:
        with ExitStack() as stack:
            cache = None
            if "flow" in streams:
                if device == "cpu":
                    stack.enter_context(flow.opencv_threads(1))
                cache = stack.enter_context(flow.FlowCache(
                    flow_cache or None, method=flow_method,
                    video_sha256=sha256_file(meta.path) if flow_cache else "",
                    size=(first.crop_size, first.crop_size)))
            batch: list[tuple[Window, dict[str, np.ndarray]]] = []
            for window, frames in iter_clips(meta, combined, spec=first):
                batch.append((originals[window.index], prepare(cache, window, frames)))
                if len(batch) == batch_size:
                    yield _stack_streams(batch)
                    batch = []
            if batch:
                yield _stack_streams(batch)

    with closing(prefetch(batches, depth=2, name="vigil-decode")) as produced:
        for item in produced:
            if should_cancel():
                raise Cancelled("the analysis was cancelled")
            yield item


def _stack_streams(batch: list[tuple[Window, dict[str, np.ndarray]]],
                   ) -> tuple[list[Window], dict[str, np.ndarray]]:
    return [w for w, _ in batch], {m: np.stack([inputs[m] for _, inputs in batch])
                                   for m in batch[0][1]}


def _check_labels(requested: Sequence[str], labels: Sequence[str]) -> tuple[str, ...]:
    known = set(labels)
    unknown = [label for label in requested if label not in known]
    if unknown:
        sample = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
        raise ModelError(f"unknown label(s) {', '.join(map(repr, unknown))} for this model "
                         f"(its labels: {sample})", code="unknown_label")
    return tuple(dict.fromkeys(requested))


def _most_probable_labels(probabilities: np.ndarray, labels: Sequence[str]) -> tuple[str, ...]:
    if probabilities.size == 0:
        return ()
    return (labels[int(probabilities.mean(axis=0).argmax())],)


def default_watched_labels(info: ModelInfo) -> tuple[str, ...]:
    """What an analysis watches when asked for nothing: a detector its positive label
    (``fight``, not ``no_fight``), a several-head model each detector head's; else nothing
    (the most probable label is chosen later)."""
    if info.head_sizes:
        return detector_labels(info.head_sizes, info.labels)
    if info.name in models.DETECTOR_NAMES:
        return info.labels[:1]
    return ()


def detector_labels(head_sizes: Sequence[int], labels: Sequence[str]) -> tuple[str, ...]:
    """The positive label (the first) of every head after the primary one: what a
    several-head model watches by default (``fight``, ``fall``)."""
    starts = np.cumsum([0, *head_sizes])[1:-1]
    return tuple(labels[int(start)] for start in starts)


def _segment(window: Window, probs: np.ndarray, *, labels: Sequence[str],
             score_labels: Sequence[str], k: int, primary: int | None = None,
             streams: dict[str, np.ndarray] | None = None) -> SegmentScore:
    """``top``: the k best labels of the primary head (all labels for a one-head model)."""
    primary = primary or len(labels)
    top = top_k(probs[:primary], labels[:primary], k=k)
    index = {label: i for i, label in enumerate(labels)}
    if score_labels:
        scores = {label: float(probs[index[label]]) for label in score_labels}
    else:
        scores = dict(top)
    per_stream = {m: {label: float(p[index[label]]) for label in scores}
                  for m, p in (streams or {}).items()}
    return SegmentScore(index=window.index, start_sec=window.start_sec, end_sec=window.end_sec,
                        top=top, scores=scores, streams=per_stream)


def crop_size_for(meta: VideoMeta, spec: InputSpec) -> tuple[int, int]:
    """Display size a frame is scaled to before the centre crop (short side = resize_short)."""
    return scaled_size(meta, short_side=spec.resize_short)


def center_crop(image: np.ndarray, *, size: int) -> np.ndarray:
    """Centre ``size x size`` crop of an ``(H, W, C)`` image (padded by edge if smaller);
    ``size`` 0 keeps the whole frame (fully convolutional models see all of it)."""
    if size <= 0:
        return image
    height, width = image.shape[:2]
    if height < size or width < size:
        pad_h, pad_w = max(0, size - height), max(0, size - width)
        image = np.pad(image, ((pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2),
                               (0, 0)), mode="edge")
        height, width = image.shape[:2]
    top, left = (height - size) // 2, (width - size) // 2
    return image[top:top + size, left:left + size]


def iter_clips(meta: VideoMeta, plan: Sequence[Window], *, spec: InputSpec,
               ) -> Iterator[tuple[Window, np.ndarray]]:
    """Yield ``(window, clip)`` in window order; clip is ``(T, H, W, C)`` uint8, cropped.

    Each distinct frame is scaled and cropped once, however many windows sample it.
    """
    if not plan:
        return
    scaler = FrameScaler.for_video(meta, size=crop_size_for(meta, spec))
    times = sorted({t for window in plan for t in window.sample_times_sec})
    crops: dict[float, np.ndarray] = {}
    last_frame = None
    last_crop: np.ndarray | None = None
    next_window = 0
    for t, frame in sample_at(iter_frames(meta), times):
        if frame is not last_frame:
            last_frame = frame
            last_crop = center_crop(scaler.to_rgb(frame.av_frame), size=spec.crop_size)
        crops[t] = last_crop
        while next_window < len(plan) and plan[next_window].sample_times_sec[-1] <= t:
            window = plan[next_window]
            yield window, np.stack([crops[s] for s in window.sample_times_sec])
            next_window += 1
            if next_window < len(plan):
                first_needed = plan[next_window].sample_times_sec[0]
                for stale in [s for s in crops if s < first_needed]:
                    del crops[stale]


def iter_clip_batches(meta: VideoMeta, plan: Sequence[Window], *, spec: InputSpec,
                      batch_size: int, should_cancel: Callable[[], bool] = lambda: False,
                      ) -> Iterator[tuple[list[Window], np.ndarray]]:
    """Batches ``(windows, (B, T, H, W, C) uint8)``, produced by a decoding thread."""

    def batches() -> Iterator[tuple[list[Window], np.ndarray]]:
        batch: list[tuple[Window, np.ndarray]] = []
        for item in iter_clips(meta, plan, spec=spec):
            batch.append(item)
            if len(batch) == batch_size:
                yield [w for w, _ in batch], np.stack([clip for _, clip in batch])
                batch = []
        if batch:
            yield [w for w, _ in batch], np.stack([clip for _, clip in batch])

    with closing(prefetch(batches, depth=2, name="vigil-decode")) as produced:
        for item in produced:
            if should_cancel():
                raise Cancelled("the analysis was cancelled")
            yield item
