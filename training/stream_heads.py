"""Recipes over other streams (:mod:`training.streams`) and early fusion with I3D, scored on
the same grouped folds as the I3D recipes (:mod:`training.heads`).

- ``lite0_mean`` / ``lite0_stats``: frozen EfficientNet-Lite0 frames, TSN average consensus
  (1280) or statistics consensus (mean and std, 2560), logistic regression.
- ``flow_stats``: DIS optical-flow statistics (66), logistic regression: the motion stream.
- ``kinetics_flow``: early fusion, I3D's Kinetics-400 log-probabilities next to the flow
  statistics in one logistic regression.

Late fusion: recipe ``a+b`` fits ``a`` and ``b`` on the same clips and scores each window with
the mean of their probabilities, which is what a shipped two-stream detector computes
(``kinetics+flow_stats``: :class:`inference.models.detectors.I3DDetector` with a motion head).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch

from training.features import ClipFeatures
from training.heads import (
    RECIPES,
    FittedHead,
    HeadTrainer,
    fit_logistic,
    pooled,
    window_targets,
)

#: recipe -> the streams it reads (``kinetics``: I3D's log-probabilities).
STREAM_RECIPES: dict[str, tuple[str, ...]] = {
    "lite0_mean": ("lite0_mean",),
    "lite0_stats": ("lite0",),
    "flow_stats": ("flow",),
    "kinetics_flow": ("kinetics", "flow"),
}
ALL_RECIPES = (*RECIPES, *STREAM_RECIPES)


def streams_needed(recipes: Sequence[str]) -> set[str]:
    """The :mod:`training.streams` features ``recipes`` (or their fused parts) read."""
    wanted = {s for r in recipes for part in r.split("+") for s in STREAM_RECIPES.get(part, ())}
    return {"lite0" if s == "lite0_mean" else s for s in wanted} - {"kinetics"}


class StreamTrainer:
    """:class:`HeadTrainer` plus the stream recipes; ``streams`` maps stream name ->
    ``{clip path: (W, D) window features}`` and ``recipes`` recipe -> the streams it
    concatenates (default :data:`STREAM_RECIPES`; a probe can name its own features)."""

    def __init__(self, i3d: HeadTrainer, *,
                 streams: Mapping[str, Mapping[str, np.ndarray]],
                 recipes: Mapping[str, tuple[str, ...]] = STREAM_RECIPES) -> None:
        self.i3d = i3d
        self.streams = streams
        self.recipes = recipes
        self.config = i3d.config

    def _features(self, recipe: str, clip: ClipFeatures) -> torch.Tensor:
        parts = []
        for stream in self.recipes[recipe]:
            if stream == "kinetics":
                with torch.inference_mode():
                    parts.append(pooled(self.i3d.maps_5c(clip), recipe="kinetics",
                                        kinetics=self.i3d.kinetics).clone())
            elif stream == "lite0_mean":
                rows = self.streams["lite0"][clip.clip.path]
                parts.append(torch.from_numpy(rows[:, : rows.shape[1] // 2]))
            else:
                parts.append(torch.from_numpy(self.streams[stream][clip.clip.path]))
        if len({len(p) for p in parts}) != 1:
            raise ValueError(f"{clip.clip.path}: streams disagree on the number of windows")
        return torch.cat([p.float() for p in parts], dim=1)

    def fit(self, recipe: str, clips: Sequence[ClipFeatures], labels: np.ndarray) -> FittedHead:
        """Train ``recipe`` (any of :data:`ALL_RECIPES`, or several joined by ``+``: their late
        fusion) with MIL rounds."""
        if "+" in recipe:
            parts = [self.fit(part, clips, labels) for part in recipe.split("+")]
            return FittedHead(recipe=recipe, linear=parts[0].linear, parts=parts)
        if recipe not in self.recipes:
            return self.i3d.fit(recipe, clips, labels)
        feats = [self._features(recipe, c) for c in clips]
        x = torch.cat(feats)
        scores: list[np.ndarray] | None = None
        head: FittedHead | None = None
        for _ in range(max(1, self.config.mil_rounds)):
            targets = window_targets(scores, labels, [len(f) for f in feats],
                                     positive_fraction=self.config.positive_fraction)
            keep = torch.from_numpy(targets >= 0)
            linear = fit_logistic(x[keep].clone(), torch.from_numpy(targets).float()[keep],
                                  l2=self.config.l2)
            head = FittedHead(recipe=recipe, linear=linear)
            scores = self.window_scores(head, clips)
        assert head is not None
        return head

    @torch.inference_mode()
    def window_scores(self, head: FittedHead, clips: Sequence[ClipFeatures]) -> list[np.ndarray]:
        """Positive-class probability of every window of every clip."""
        if head.parts:
            per_part = [self.window_scores(part, clips) for part in head.parts]
            return [np.mean(scores, axis=0) for scores in zip(*per_part, strict=True)]
        if head.recipe not in self.recipes:
            return self.i3d.window_scores(head, clips)
        return [torch.sigmoid(head.linear(self._features(head.recipe, c))[:, 0]).numpy()
                for c in clips]
