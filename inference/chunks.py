"""Long videos in time chunks: plan them, analyse one, merge them into one analysis.

A chunk owns the windows whose *start* falls in ``[start_sec, end_sec)`` of the full video's
window plan (:func:`inference.sampling.windows`), so every window is scored by exactly one
chunk; it decodes from a little before its first window up to the end of its last one (the
overlap the windows need: ``segment_sec - stride_sec`` past ``end_sec``). Window indices stay
those of the full plan.

:func:`analyse_chunk` scores one chunk and returns its window probabilities
(:class:`ChunkScores`, saved as ``.npz`` with :func:`save_chunk`); :func:`merge_chunks` puts the
chunks' probabilities back in window order and runs the single-run tail on them: the same
segments and hysteresis events (:func:`inference.pipeline.find_events`, so an event that
crosses a chunk border is one event), the results document (``vigil.results/1``) and one
annotated video, rendered once from the merged scores (the simpler correct choice: per-chunk
renders would need key frames at every border to be concatenated without re-encoding).

Nothing here imports Django: the web app runs chunks as a Celery chord, ``bench`` and the
tests run them in-process with :func:`run_chunked`.
"""
from __future__ import annotations

import dataclasses
import math
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference import pipeline
from inference.errors import Cancelled, VigilError
from inference.probe import probe
from inference.results import to_document, write_document
from inference.sampling import windows
from inference.types import PipelineConfig, ProgressCallback, Results, SegmentScore, Window

#: Window starts within this many seconds of a chunk border count as at the border.
_EPS_SEC = 1e-6


class ChunkError(VigilError):
    """Chunk scores that do not add up to the video's window plan (missing or duplicated)."""

    code = "chunks"


@dataclass(frozen=True)
class Chunk:
    """Windows whose start is in ``[start_sec, end_sec)`` (seconds of the full video)."""

    index: int
    start_sec: float
    end_sec: float

    def owns(self, window: Window) -> bool:
        """Whether ``window`` is scored by this chunk (each window by exactly one chunk)."""
        return self.start_sec - _EPS_SEC <= window.start_sec < self.end_sec - _EPS_SEC


def plan_chunks(*, duration_sec: float, segment_sec: float, stride_sec: float,
                chunk_sec: float) -> tuple[Chunk, ...]:
    """Chunks of about ``chunk_sec`` (a whole number of strides) covering every window.

    The last chunk ends past any window start (``duration_sec + chunk_sec``), so a probe that
    reads a slightly different duration still finds every window a chunk.
    """
    if chunk_sec <= 0:
        raise ValueError("chunk_sec must be positive")
    starts = [w.start_sec for w in windows(duration_sec=duration_sec, clip_len=1,
                                           segment_sec=segment_sec, stride_sec=stride_sec)]
    if not starts:
        return ()
    step_sec = max(1, round(chunk_sec / stride_sec)) * stride_sec
    count = max(1, math.ceil((starts[-1] + _EPS_SEC) / step_sec))
    bounds = [round(i * step_sec, 6) for i in range(count)] + [duration_sec + chunk_sec]
    chunks = [Chunk(i, bounds[i], bounds[i + 1]) for i in range(count)]
    owned = [c for c in chunks if any(c.start_sec - _EPS_SEC <= s < c.end_sec - _EPS_SEC
                                      for s in starts)]
    return tuple(dataclasses.replace(c, index=i) for i, c in enumerate(owned))


@dataclass(frozen=True)
class ChunkScores:
    """One chunk's window probabilities: ``window_index`` ``(N,)`` int64 (full-plan indices),
    ``probabilities`` ``(N, labels)`` float32 (fused when several streams) and ``per_stream``
    ``{modality: (N, labels)}`` (empty for one stream)."""

    window_index: np.ndarray
    probabilities: np.ndarray
    per_stream: dict[str, np.ndarray]
    analyze_sec: float = 0.0


def analyse_chunk(path: str, *, config: PipelineConfig, chunk: Chunk,
                  on_progress: ProgressCallback | None = None,
                  on_segment: Callable[[SegmentScore], None] | None = None,
                  should_cancel: Callable[[], bool] | None = None) -> ChunkScores:
    """Score the windows ``chunk`` owns (``config.render`` is ignored: merging renders).

    Stages ``probe``, ``load_model``, ``analyze`` as :func:`inference.pipeline.run` reports
    them; ``on_segment`` gets each window's segment under its full-plan index.
    """
    progress = on_progress or (lambda stage, fraction: None)
    started = time.perf_counter()
    progress("probe", 0.0)
    meta = probe(path, limits=config.limits)
    progress("load_model", 0.0)
    analysis = pipeline.load(pipeline.plan_streams(config), config)
    plan = [w for w in _full_plan(meta.duration_sec, analysis, config) if chunk.owns(w)]
    # pipeline.score indexes its arrays by window index: number the chunk's windows from 0.
    local = [dataclasses.replace(w, index=i) for i, w in enumerate(plan)]
    first = plan[0].index if plan else 0

    def segment_out(segment: SegmentScore) -> None:
        if on_segment is not None:
            on_segment(dataclasses.replace(segment, index=segment.index + first))

    scores = pipeline.score(meta, local, analysis, config, progress=progress,
                            cancelled=should_cancel or (lambda: False), on_segment=segment_out)
    return ChunkScores(window_index=np.array([w.index for w in plan], dtype=np.int64),
                       probabilities=scores.probabilities, per_stream=scores.per_stream,
                       analyze_sec=time.perf_counter() - started)


def save_chunk(scores: ChunkScores, path: str | os.PathLike[str]) -> None:
    """Write ``scores`` as an ``.npz`` atomically (temp file in the same folder, then rename)."""
    target = Path(path)
    arrays = {"window_index": scores.window_index, "probabilities": scores.probabilities,
              "analyze_sec": np.array(scores.analyze_sec),
              **{f"stream_{m}": p for m, p in scores.per_stream.items()}}
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, allow_pickle=False, **arrays)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_chunk(path: str | os.PathLike[str]) -> ChunkScores:
    """Read what :func:`save_chunk` wrote (plain arrays only: no pickled objects)."""
    with np.load(path, allow_pickle=False) as data:
        return ChunkScores(
            window_index=data["window_index"], probabilities=data["probabilities"],
            per_stream={k.removeprefix("stream_"): data[k] for k in data.files
                        if k.startswith("stream_")},
            analyze_sec=float(data["analyze_sec"]))


def merge_chunks(path: str, *, config: PipelineConfig, parts: Sequence[ChunkScores],
                 out_dir: str, on_progress: ProgressCallback | None = None,
                 should_cancel: Callable[[], bool] | None = None) -> Results:
    """One analysis from its chunks: ``results.json`` (and ``annotated.mp4`` if
    ``config.render``) in ``out_dir``, as :func:`inference.pipeline.run` writes them.

    Raises :class:`ChunkError` unless ``parts`` score every window of the plan exactly once.
    """
    progress = on_progress or (lambda stage, fraction: None)
    started = time.perf_counter()
    os.makedirs(out_dir, exist_ok=True)
    meta = probe(path, limits=config.limits)
    analysis = pipeline.load(pipeline.plan_streams(config), config)
    plan = _full_plan(meta.duration_sec, analysis, config)
    scores = pipeline.Scores(
        probabilities=_in_window_order([(p.window_index, p.probabilities) for p in parts],
                                       len(plan)),
        per_stream={m: _in_window_order([(p.window_index, p.per_stream[m]) for p in parts],
                                        len(plan))
                    for m in (parts[0].per_stream if parts else {})},
        streaming_labels=_streaming_labels(analysis))
    progress("events", 0.0)
    segments, events, event_labels = pipeline.find_events(plan, scores, analysis, config)
    timings = {"analyze_chunks": sum(p.analyze_sec for p in parts)}
    if config.render:
        from inference.render import render_annotated  # noqa: PLC0415 - heavy, optional stage

        mark = time.perf_counter()
        progress("render", 0.0)
        render_annotated(meta, str(Path(out_dir) / pipeline.ANNOTATED_NAME), segments=segments,
                         events=events, watched_labels=event_labels,
                         max_height=config.render_max_height,
                         on_progress=lambda fraction: progress("render", fraction),
                         thumbnails_dir=str(out_dir))
        timings["render"] = time.perf_counter() - mark
        if should_cancel is not None and should_cancel():
            raise Cancelled("the analysis was cancelled")
    timings["merge"] = time.perf_counter() - started
    results = Results(video=meta, model=analysis.model_info(config), config=config,
                      segments=segments, events=events, watched_labels=event_labels,
                      timings_sec=timings)
    write_document(to_document(results), Path(out_dir) / pipeline.RESULTS_NAME)
    progress("done", 1.0)
    return results


def run_chunked(path: str, *, config: PipelineConfig, chunk_sec: float, out_dir: str,
                ) -> Results:
    """Every chunk in this process, one after the other, then the merge (tests, benches)."""
    meta = probe(path, limits=config.limits)
    chunks = plan_chunks(duration_sec=meta.duration_sec, segment_sec=config.segment_sec,
                         stride_sec=config.stride_sec, chunk_sec=chunk_sec)
    parts = [analyse_chunk(path, config=config, chunk=c) for c in chunks]
    return merge_chunks(path, config=config, parts=parts, out_dir=out_dir)


def _full_plan(duration_sec: float, analysis: pipeline.Analysis, config: PipelineConfig,
               ) -> list[Window]:
    return windows(duration_sec=duration_sec, clip_len=analysis.clip_len(config),
                   segment_sec=config.segment_sec, stride_sec=config.stride_sec)


def _streaming_labels(analysis: pipeline.Analysis) -> tuple[str, ...]:
    """The labels :func:`inference.pipeline.score` gives every segment while scoring."""
    labels = analysis.info.labels
    return tuple(analysis.watched
                 or (labels if len(labels) <= pipeline.ALL_SCORES_MAX_LABELS else ()))


def _in_window_order(parts: Sequence[tuple[np.ndarray, np.ndarray]], count: int) -> np.ndarray:
    """Rows of every part placed at their window index; each index exactly once."""
    indices = np.concatenate([index for index, _ in parts]) if parts else np.zeros(0, np.int64)
    if len(indices) != count or not np.array_equal(np.sort(indices), np.arange(count)):
        raise ChunkError(f"the chunks scored {len(indices)} windows ({len(set(indices.tolist()))}"
                         f" distinct) of the {count} the video has")
    rows = np.concatenate([values for _, values in parts])
    ordered = np.empty_like(rows)
    ordered[indices] = rows
    return ordered
