"""Batches of model input for a planned analysis: one decode pass feeds every stream.

``iter_stream_batches`` is the one batch source of :func:`inference.pipeline.run`: each
window decodes the union of the frame times its streams need (``rgb``: one frame per step;
``flow`` / ``rgbdiff``: TSN snippets), each distinct frame is scaled by FFmpeg straight to the
model's size and centre-cropped once, and only the crops still needed by pending windows are
kept (memory flat in video length). Decoding and flow run in a background thread
(``inference.background.prefetch``), so the model never waits for frames.
"""
from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing

import numpy as np

from inference import flow
from inference.background import prefetch
from inference.decode import (
    Frame,
    FrameScaler,
    iter_frames,
    nonref_skip_allowed,
    sample_at,
    scaled_size,
)
from inference.digest import sha256_file
from inference.errors import Cancelled
from inference.sampling import frame_times, tsn_snippet_times, windows
from inference.types import InputSpec, PipelineConfig, VideoMeta, Window

#: A late-starting plan seeks to this many seconds before its first sample time.
SEEK_MARGIN_SEC = 2.0


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

    def batches() -> Generator[tuple[list[Window], dict[str, np.ndarray]], None, None]:
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

    Each distinct frame is scaled and cropped once, however many windows sample it; frames
    no window samples are never converted, and with sparse sampling the decoder skips
    non-reference frames (:func:`inference.decode.nonref_skip_allowed`).
    """
    if not plan:
        return
    times = sorted({t for window in plan for t in window.sample_times_sec})
    steps = np.diff(times)
    skip_nonref = bool(len(steps)) and nonref_skip_allowed(meta, step_sec=float(steps.min()))
    # A plan that starts late (a chunk of a long video) seeks there instead of decoding up to it.
    seek_sec = times[0] - SEEK_MARGIN_SEC if times[0] > SEEK_MARGIN_SEC else 0.0
    frames = iter_frames(meta, skip_nonref=skip_nonref, start_sec=seek_sec)
    scaler = FrameScaler.for_video(meta, size=crop_size_for(meta, spec))
    yield from assemble_clips(sample_at(frames, times), plan, scaler=scaler,
                              crop_size=spec.crop_size)


def assemble_clips(sampled: Iterable[tuple[float, Frame]], plan: Iterable[Window], *,
                   scaler: FrameScaler, crop_size: int) -> Iterator[tuple[Window, np.ndarray]]:
    """Clips ``(T, H, W, C)`` uint8 of ``plan``'s windows (in order, possibly endless) from
    ``sampled``, the ``(time, frame on screen)`` pairs of :func:`inference.decode.sample_at`
    over the windows' sample times, ascending: a file's frames and a live stream's alike.

    Only the crops still needed by pending windows are kept.
    """
    pending = iter(plan)
    window = next(pending, None)
    crops: dict[float, np.ndarray] = {}
    last_frame = None
    last_crop: np.ndarray  # set by the first frame (it is never the last one)
    for t, frame in sampled:
        if window is None:
            return
        if frame is not last_frame:
            last_frame = frame
            last_crop = center_crop(scaler.to_rgb(frame.av_frame), size=crop_size)
        crops[t] = last_crop
        while window is not None and window.sample_times_sec[-1] <= t:
            yield window, np.stack([crops[s] for s in window.sample_times_sec])
            window = next(pending, None)
            if window is not None:
                first_needed = window.sample_times_sec[0]
                for stale in [s for s in crops if s < first_needed]:
                    del crops[stale]
