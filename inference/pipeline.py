"""probe -> decode -> sample windows -> classify -> events -> results.json + annotated.mp4.

Memory is flat in video length: frames stream from the decoder, each sampled frame is scaled
by FFmpeg straight to the model's size, and only the crops still needed by pending windows are
kept. Decoding runs in a background thread (``inference.background.prefetch``), so the model
never waits for frames.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np

from inference import models
from inference.background import prefetch
from inference.classify import Classifier, top_k
from inference.decode import FrameScaler, iter_frames, sample_at, scaled_size
from inference.errors import Cancelled, ModelError
from inference.events import detect_events
from inference.probe import probe
from inference.results import to_document, write_document
from inference.sampling import windows
from inference.types import (
    InputSpec,
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
    loaded = load_model(config)
    spec = loaded.info.input_spec
    labels = loaded.info.labels
    watched = _check_labels(config.labels, labels)
    clip_len = config.clip_len or spec.clip_len
    classifier = Classifier(loaded.module, spec=spec, device=config.device,
                            num_threads=config.num_threads)
    timings["load_model"] = time.perf_counter() - mark

    mark = time.perf_counter()
    plan = windows(duration_sec=meta.duration_sec, clip_len=clip_len,
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)
    probabilities = np.zeros((len(plan), len(labels)), dtype=np.float32)
    streaming_labels = watched or (labels if len(labels) <= ALL_SCORES_MAX_LABELS else ())
    progress("analyze", 0.0)
    done = 0
    for batch_windows, clips in iter_clip_batches(meta, plan, spec=spec,
                                                  batch_size=config.batch_size,
                                                  should_cancel=cancelled):
        batch_probs = classifier.predict(clips)
        for window, probs in zip(batch_windows, batch_probs, strict=True):
            probabilities[window.index] = probs
            if on_segment is not None:
                on_segment(_segment(window, probs, labels=labels, score_labels=streaming_labels,
                                    k=config.top_k))
        done += len(batch_windows)
        progress("analyze", done / len(plan))
        if cancelled():
            raise Cancelled("the analysis was cancelled")
    timings["analyze"] = time.perf_counter() - mark

    progress("events", 0.0)
    score_labels = streaming_labels or _most_probable_labels(probabilities, labels)
    segments = tuple(
        _segment(window, probabilities[window.index], labels=labels, score_labels=score_labels,
                 k=config.top_k)
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
    results = Results(video=meta, model=loaded.info, config=config, segments=segments,
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
            if len(_MODEL_CACHE) >= 2:
                _MODEL_CACHE.pop(next(iter(_MODEL_CACHE)))
            _MODEL_CACHE[key] = models.build(config.model, weights=config.weights,
                                             model_dir=config.model_dir, device="cpu",
                                             seed=config.seed)
        return _MODEL_CACHE[key]


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


def _segment(window: Window, probs: np.ndarray, *, labels: Sequence[str],
             score_labels: Sequence[str], k: int) -> SegmentScore:
    top = top_k(probs, labels, k=k)
    if score_labels:
        index = {label: i for i, label in enumerate(labels)}
        scores = {label: float(probs[index[label]]) for label in score_labels}
    else:
        scores = dict(top)
    return SegmentScore(index=window.index, start_sec=window.start_sec, end_sec=window.end_sec,
                        top=top, scores=scores)


def crop_size_for(meta: VideoMeta, spec: InputSpec) -> tuple[int, int]:
    """Display size a frame is scaled to before the centre crop (short side = resize_short)."""
    return scaled_size(meta, short_side=spec.resize_short)


def center_crop(image: np.ndarray, *, size: int) -> np.ndarray:
    """Centre ``size x size`` crop of an ``(H, W, C)`` image (padded by edge if smaller)."""
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
    scaler = FrameScaler(size=crop_size_for(meta, spec), rotation=meta.rotation)
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
