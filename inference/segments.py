"""Which labels an analysis scores, and one window's segment from its probabilities.

Shared by files (:mod:`inference.pipeline`) and live streams (:mod:`inference.live`): a
detector watches its positive label(s) by default, a model asked for nothing reports its most
probable label, and :func:`segment_score` turns a window's ``(K,)`` probabilities into a
:class:`~inference.types.SegmentScore`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference import models
from inference.classify import top_k
from inference.errors import ModelError
from inference.types import ModelInfo, SegmentScore, Window


def check_labels(requested: Sequence[str], labels: Sequence[str]) -> tuple[str, ...]:
    """``requested`` without repeats; a :class:`ModelError` (``unknown_label``) names any label
    the model does not have."""
    known = set(labels)
    unknown = [label for label in requested if label not in known]
    if unknown:
        sample = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
        raise ModelError(f"unknown label(s) {', '.join(map(repr, unknown))} for this model "
                         f"(its labels: {sample})", code="unknown_label")
    return tuple(dict.fromkeys(requested))


def most_probable_labels(probabilities: np.ndarray, labels: Sequence[str]) -> tuple[str, ...]:
    """The label with the highest mean over windows of ``(windows, K)`` probabilities (none
    for no windows): what an analysis that watches nothing reports."""
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


def segment_score(window: Window, probs: np.ndarray, *, labels: Sequence[str],
                  score_labels: Sequence[str], k: int, primary: int | None = None,
                  streams: dict[str, np.ndarray] | None = None,
                  also: Sequence[str] = ()) -> SegmentScore:
    """One window's segment from its ``(K,)`` probabilities (files and live streams alike);
    ``top``: the k best labels of the primary head (all labels for a one-head model);
    ``also``: labels (of the model) whose scores go to ``SegmentScore.also`` unless in
    ``scores``."""
    primary = primary or len(labels)
    top = top_k(probs[:primary], labels[:primary], k=k)
    index = {label: i for i, label in enumerate(labels)}
    if score_labels:
        scores = {label: float(probs[index[label]]) for label in score_labels}
    else:
        scores = dict(top)
    per_stream = {m: {label: float(p[index[label]]) for label in scores}
                  for m, p in (streams or {}).items()}
    extra = {label: float(probs[index[label]]) for label in also if label not in scores}
    return SegmentScore(index=window.index, start_sec=window.start_sec, end_sec=window.end_sec,
                        top=top, scores=scores, streams=per_stream, also=extra)
