"""Score a video with cached converted models only: the scoring path without torch.

:func:`score_video` probes, plans the windows, decodes and batches exactly as
:func:`inference.pipeline.score` does (:func:`inference.batches.iter_stream_batches`), and
classifies each batch with the OpenVINO / ONNX Runtime conversion cached for that model and
input shape (:mod:`.cache`). It imports no torch: a worker whose models were converted once
(by a run of :mod:`inference.pipeline` with the same backend, or ``bench.bench_backends``)
scores on numpy + OpenVINO + PyAV alone (``import torch`` costs about 510 MB RSS).

What it does not do: convert (that needs torch), check the weights' sha256 (it takes the
newest conversion of the named model for the shape; the converted files are still verified
against their sidecar), fuse several streams, render.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from inference.backends.cache import ConvertedCacheError, ConvertedModel, find_by_name
from inference.backends.scorer import ConvertedClassifier, model_input_shape
from inference.batches import iter_stream_batches
from inference.probe import probe
from inference.sampling import windows
from inference.types import Window


@dataclass(frozen=True)
class VideoScores:
    """Per-window probabilities ``(windows, labels)`` of one video."""

    windows: tuple[Window, ...]
    probabilities: np.ndarray
    labels: tuple[str, ...]
    converted: str
    """The stem of the conversion that scored it."""


def score_video(path: str, *, model: str, backend: str = "openvino",
                model_dir: str | None = None, batch_size: int = 2,
                segment_sec: float = 2.0, stride_sec: float = 1.0,
                num_threads: int | None = None,
                on_batch: Callable[[int, int], None] | None = None) -> VideoScores:
    """Every window's probabilities for ``path`` from ``model``'s cached conversion on
    ``backend``; :class:`ConvertedCacheError` when none is cached for the video's shape."""
    candidates = find_by_name(model_dir, name=model)
    if not candidates:
        raise ConvertedCacheError(f"no converted {model!r} in the model directory: run one "
                                  f"analysis with --backend {backend} first (it converts)")
    spec = candidates[0].input_spec
    meta = probe(path)
    plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                   segment_sec=segment_sec, stride_sec=stride_sec)
    probabilities = np.zeros((len(plan), len(candidates[0].labels)), dtype=np.float32)
    classifiers: dict[tuple[int, ...], ConvertedClassifier] = {}
    stem = ""
    done = 0
    for batch_windows, clips in iter_stream_batches(
            meta, plan, streams={spec.modalities[0]: spec}, batch_size=batch_size,
            model_dir=model_dir):
        frames = clips[spec.modalities[0]]
        shape = model_input_shape(frames, spec=spec)
        if shape not in classifiers:
            chosen = _for_shape(candidates, shape)
            classifiers[shape] = ConvertedClassifier(chosen, backend=backend,
                                                     num_threads=num_threads)
            stem = chosen.key.stem
        probabilities[[w.index for w in batch_windows]] = classifiers[shape].predict(frames)
        done += len(batch_windows)
        if on_batch is not None:
            on_batch(done, len(plan))
    return VideoScores(windows=tuple(plan), probabilities=probabilities,
                       labels=candidates[0].labels, converted=stem)


def _for_shape(candidates: list[ConvertedModel], shape: tuple[int, ...]) -> ConvertedModel:
    for model in candidates:
        if model.key.shape == shape:
            return model
    raise ConvertedCacheError(f"no conversion of {candidates[0].key.name!r} for input shape "
                              f"{shape} (cached: {[m.key.shape for m in candidates]})")
