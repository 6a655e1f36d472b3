"""Detectors shipped with Vigil: a small trained head over the frozen Kinetics-400 I3D.

``fight_detector`` (fight / no_fight) and ``fall_detector`` (fall / no_fall) take ``(B, 3, T,
H, W)`` RGB in [-1, 1] like ``i3d`` and return ``(B, 2)`` logits. The I3D trunk is DeepMind's
Kinetics-400 network (:mod:`inference.models.i3d_weights`, converted offline); what Vigil
trained and ships is only the head (a few KB, ``detectors/<name>.pt``) and, for the
``finetune_5c`` recipe, a fine-tuned last block. Their model cards are ``cards/<name>.json``:
data and licences, recipe, grouped-CV metrics, the decision threshold, and the command that
reproduces the weights (``python -m training ship --task <task>``).

Features (``pooled``) are shared with :mod:`training.heads`, so what was cross-validated is
exactly what runs.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from inference.errors import ModelError
from inference.models.i3d import I3D_KINETICS400_SOURCE, I3D_RGB_SPEC, InceptionI3d
from inference.models.registry import ModelEntry, register
from inference.models.weights_spec import WeightsKind, WeightsSpec
from inference.motion import MOTION_STATS, MotionStats

DETECTORS_DIR = Path(__file__).with_name("detectors")
CARDS_DIR = Path(__file__).with_name("cards")
#: Feature sets a head may read: name -> width.
POOLS = {"mean": 1024, "meanmax": 2048, "kinetics": 400}
#: The layer after which a fine-tuned block replaces the Kinetics one.
BLOCK_INPUT_LAYER = "Mixed_5b"


def pooled(maps: torch.Tensor, *, pool: str, kinetics_logits: nn.Module) -> torch.Tensor:
    """``(N, 1024, T, H, W)`` Mixed_5c maps -> ``(N, D)`` features: ``mean`` over time and
    space; ``meanmax`` that and the spatial max averaged over time (a fight is local);
    ``kinetics`` the Kinetics-400 log-probabilities."""
    mean = maps.mean(dim=(2, 3, 4))
    if pool == "meanmax":
        return torch.cat([mean, maps.amax(dim=(3, 4)).mean(dim=2)], dim=1)
    if pool == "kinetics":
        return F.log_softmax(kinetics_logits(mean[:, :, None, None, None]).flatten(1), dim=1)
    return mean


class I3DDetector(nn.Module):
    """Kinetics-400 I3D trunk (``backbone``) + optional fine-tuned ``Mixed_5c`` (``block``) +
    a linear ``head`` over ``pool`` features: ``(B, 3, T, H, W)`` -> ``(B, num_classes)``.

    With a ``motion`` head (weights with ``motion.*`` keys) it is two streams, late-fused: the
    motion head scores :mod:`inference.motion` statistics of the very frames I3D sees, and the
    output is the log of the mean of both streams' probabilities (two classes; softmax of the
    output gives that mean)."""

    def __init__(self, num_classes: int = 2, *, pool: str = "meanmax",
                 finetuned_block: bool = False, motion: bool = False) -> None:
        super().__init__()
        if pool not in POOLS:
            raise ModelError(f"unknown feature pool {pool!r}; known: {', '.join(POOLS)}")
        self.pool = pool
        self.backbone = InceptionI3d(400)
        self.block = _mixed_5c() if finetuned_block else None
        self.head = nn.Linear(POOLS[pool], num_classes)
        self.motion = nn.Linear(MOTION_STATS, 1) if motion else None
        self._motion_stats: MotionStats | None = None

    def load_state_dict(self, state_dict: Any, strict: bool = True,
                        assign: bool = False) -> Any:
        """Load, first shaping the module as the weights say: the head's width names its
        pool (1024 mean, 2048 meanmax, 400 kinetics), ``block.*`` keys a fine-tuned block and
        ``motion.*`` keys a motion stream, so a file is self-describing whatever the
        registry's defaults."""
        weight = state_dict.get("head.weight")
        pool = {width: name for name, width in POOLS.items()}.get(
            int(weight.shape[1]) if weight is not None and weight.ndim == 2 else -1)
        if pool is not None and pool != self.pool:
            self.pool = pool
            self.head = nn.Linear(POOLS[pool], self.head.out_features)
        has_block = any(k.startswith("block.") for k in state_dict)
        if has_block != (self.block is not None):
            self.block = _mixed_5c() if has_block else None
        has_motion = any(k.startswith("motion.") for k in state_dict)
        if has_motion != (self.motion is not None):
            self.motion = nn.Linear(MOTION_STATS, 1) if has_motion else None
        return super().load_state_dict(state_dict, strict=strict, assign=assign)

    #: The trunk is fully convolutional in time, so one pass over a span of many windows,
    #: its feature map cropped per window, could stand in for one pass per window
    #: (:mod:`inference.spans`). Measured (``bench.bench_span_pooling``, README "Shared
    #: computation"): the detected label's probability moves by up to this much, since I3D's
    #: temporal receptive field reaches far past a 32-frame window and the head was trained
    #: on lone, zero-padded windows ...
    span_deviation_measured = 0.16
    #: ... over the pipeline's tolerance (``inference.spans.SPAN_MAX_DEVIATION``), so the
    #: pipeline keeps one pass per window (``VIGIL_SHARED_SCORING=span`` forces spans).
    span_pooling_ok = False
    #: Input frames per step of the final feature map in time (three stride-2 stages).
    temporal_stride = 8

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scores(x, self.backbone.forward_features(x, end=BLOCK_INPUT_LAYER))

    def feature_maps(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, T, H, W)`` -> the final ``(B, 1024, T/8, H/32, W/32)`` maps the head pools
        (the fine-tuned block's when there is one)."""
        maps_5b = self.backbone.forward_features(x, end=BLOCK_INPUT_LAYER)
        block = self.block if self.block is not None else self.backbone.get_submodule("Mixed_5c")
        maps: torch.Tensor = block(maps_5b)
        return maps

    def scores(self, x: torch.Tensor, maps_5b: torch.Tensor, *,
               shared_5c: torch.Tensor | None = None) -> torch.Tensor:
        """The output for input ``x`` given its ``Mixed_5b`` maps (and the Kinetics
        ``Mixed_5c`` maps when another head already computed them)."""
        if self.block is not None:
            maps = self.block(maps_5b)
        elif shared_5c is not None:
            maps = shared_5c
        else:
            maps = self.backbone.get_submodule("Mixed_5c")(maps_5b)
        return self.from_maps(x, maps)

    def from_maps(self, x: torch.Tensor, maps: torch.Tensor) -> torch.Tensor:
        """``(B, 2)`` output for input ``x`` ``(B, 3, T, H, W)`` given its final maps
        ``(B, 1024, t, h, w)`` (pooled over all of ``t``; the motion stream reads ``x``)."""
        logits: torch.Tensor = self.head(pooled(maps, pool=self.pool,
                                                kinetics_logits=self.backbone.logits))
        if self.motion is None:
            return logits
        rgb = torch.softmax(logits, dim=1)[:, 0]
        motion = torch.sigmoid(self.motion(self.motion_features(x))[:, 0])
        fused = ((rgb + motion) / 2).clamp(1e-6, 1 - 1e-6)
        return torch.log(torch.stack([fused, 1 - fused], dim=1))

    def motion_features(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 3, T, H, W)`` RGB in [-1, 1] -> ``(B, MOTION_STATS)`` motion statistics."""
        if self._motion_stats is None:
            self._motion_stats = MotionStats()
        frames = ((x.detach().float().cpu() + 1.0) * 127.5).round().clamp(0, 255)
        frames_np = frames.to(torch.uint8).permute(0, 2, 3, 4, 1).numpy()
        stats = np.stack([self._motion_stats(clip) for clip in frames_np])
        return torch.from_numpy(stats).to(device=x.device, dtype=self.motion.weight.dtype
                                           if self.motion is not None else torch.float32)


def _mixed_5c() -> nn.Module:
    return InceptionI3d(400).get_submodule("Mixed_5c")


@cache
def model_card(name: str) -> dict[str, Any]:
    """The model card of a shipped detector (``cards/<name>.json``)."""
    path = CARDS_DIR / f"{name}.json"
    try:
        card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return card
    except (OSError, ValueError) as exc:
        raise ModelError(f"no model card for {name!r}: {exc}") from exc


def _register(name: str, *, what: str, label_set: str) -> None:
    register(ModelEntry(
        name=name,
        family="detector",
        build_module=I3DDetector,
        input_spec=I3D_RGB_SPEC,
        label_set=label_set,
        default_weights=WeightsSpec(WeightsKind.VIGIL, name),
        base_weights=I3D_KINETICS400_SOURCE,
        description=f"{what} detector: a head trained by Vigil over the frozen Kinetics-400 "
                    f"I3D (model card: inference/models/cards/{name}.json)",
    ))


#: The shipped detectors: their first label is the one they detect.
DETECTOR_NAMES = ("fight_detector", "fall_detector")
_register("fight_detector", what="Fight", label_set="fight")
_register("fall_detector", what="Fall", label_set="fall")


class I3DMultiHead(nn.Module):
    """One I3D pass, several heads: ``(B, 3, T, H, W)`` -> ``(B, 400 + sum K)`` logits, the
    Kinetics-400 logits first, then each detector's (each block its own softmax; see
    ``ModelInfo.head_sizes``). Detectors without a fine-tuned block share ``Mixed_5c``."""

    def __init__(self, detectors: list[I3DDetector]) -> None:
        super().__init__()
        self.backbone = detectors[0].backbone
        self.detectors = nn.ModuleList(detectors)
        for detector in detectors:  # one trunk in memory, whoever loaded it
            detector.backbone = self.backbone

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps_5b = self.backbone.forward_features(x, end=BLOCK_INPUT_LAYER)
        shared = self.backbone.get_submodule("Mixed_5c")(maps_5b)
        outputs = [self.backbone.logits(F.adaptive_avg_pool3d(shared, 1)).flatten(1)]
        for detector in cast("list[I3DDetector]", list(self.detectors)):  # ModuleList: untyped
            outputs.append(detector.scores(x, maps_5b, shared_5c=shared))
        return torch.cat(outputs, dim=1)


def compose_multi_head(detector_names: tuple[str, ...], *, model_dir: str | None,
                       ) -> tuple[nn.Module, tuple[str, ...], tuple[int, ...], Any]:
    """Build the shipped detectors over one Kinetics-400 I3D: ``(module, labels, head_sizes,
    input_spec)``. Refused when the detectors were trained on different inputs (one pass
    cannot serve them)."""
    from inference.models.registry import build  # noqa: PLC0415
    from inference.models.weights import load_label_set  # noqa: PLC0415

    loaded = [build(name, weights="default", model_dir=model_dir) for name in detector_names]
    spec = loaded[0].info.input_spec
    for other in loaded[1:]:
        if other.info.input_spec != spec:
            raise ModelError(f"{other.info.name} was trained on other input than "
                             f"{loaded[0].info.name}: they cannot share one pass")
    kinetics = load_label_set("kinetics400")
    labels = kinetics + tuple(label for item in loaded for label in item.info.labels)
    sizes = (len(kinetics), *(len(item.info.labels) for item in loaded))
    module = I3DMultiHead([item.module for item in loaded])  # type: ignore[misc]
    return module, labels, sizes, spec


#: Detectors scored together with Kinetics-400 in one pass (``kinetics400_fight``): those
#: trained on the same input (the fall detector was trained on 16 centre-cropped frames, the
#: fight detector on 32 whole frames, so fall cannot share this pass yet).
MULTI_HEAD_PARTS = ("fight_detector",)


def _register_multi_head() -> None:
    register(ModelEntry(
        name="kinetics400_fight",
        family="detector",
        build_module=I3DDetector,
        input_spec=I3D_RGB_SPEC,
        label_set="kinetics400_fight",
        default_weights=WeightsSpec(WeightsKind.COMPOSED),
        description="Kinetics-400 actions and fight from one I3D pass per window (the "
                    "fight detector's head beside the Kinetics-400 head on one trunk)",
        compose=lambda model_dir: compose_multi_head(MULTI_HEAD_PARTS, model_dir=model_dir),
        family_parts=MULTI_HEAD_PARTS,
    ))


_register_multi_head()
