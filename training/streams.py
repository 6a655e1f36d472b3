"""Window features from streams other than I3D, for the recipe comparison: frozen
EfficientNet-Lite0 frames (TSN's RGB stream under a linear head) and DIS optical-flow statistics
(a motion stream), cached per clip like :mod:`training.features`.

Windows are cut exactly as for the I3D maps (``segment_sec`` every ``stride_sec``), so every
stream scores the same windows and streams can be fused per window.

- ``lite0``: ``LITE0_FRAMES`` frames per window, short side ``resize_short`` px (whole frame),
  ImageNet-normalised, EfficientNet-Lite0 (ImageNet weights, frozen) global-average-pooled:
  ``(W, 2·1280)`` = mean and std over the window's frames (TSN's average / statistics
  consensus).
- ``flow``: ``FLOW_FRAMES`` grey frames per window, short side ``FLOW_SHORT_PX``, DIS optical
  flow (:mod:`inference.flow`, preset ultrafast) between consecutive samples; per flow field a
  small description of the motion (magnitude quantiles, share of moving pixels, direction
  histogram and its entropy, divergence and curl, spread of the moving pixels, change from the
  previous field), then mean, std and max over the window: ``(W, 3·FLOW_STATS)``.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from inference.flow import flow_function, opencv_threads, to_gray
from inference.pipeline import iter_clips
from inference.probe import probe
from inference.sampling import windows
from inference.types import InputSpec
from training.datasets import Clip
from training.features import FeatureConfig

STREAMS = ("lite0", "flow")
LITE0_FRAMES = 8
FLOW_FRAMES = 32
FLOW_SHORT_PX = 128
FLOW_STATS = 22
_NEUTRAL = (0.0, 0.0, 0.0)


def _cache_key(clip: Clip, stream: str, config: FeatureConfig) -> str:
    stat = os.stat(clip.path)
    blob = json.dumps([os.path.abspath(clip.path), stat.st_size, int(stat.st_mtime), stream,
                       LITE0_FRAMES, FLOW_FRAMES, FLOW_SHORT_PX, FLOW_STATS,
                       asdict(replace(config, flip=False))])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class Lite0Frames:
    """Frozen EfficientNet-Lite0 (ImageNet) pooled features of a window's frames."""

    def __init__(self, config: FeatureConfig) -> None:
        from inference.models.backbones import BACKBONES, build_backbone  # noqa: PLC0415
        from inference.models.weights import fetch_default  # noqa: PLC0415

        spec = BACKBONES["efficientnet_lite0"]
        self.module = build_backbone(spec.name, 1000).eval()
        state = torch.load(fetch_default(spec.default_weights or ""), map_location="cpu",
                           weights_only=True)
        self.module.load_state_dict(state)
        self.mean = torch.tensor(spec.mean).view(1, 3, 1, 1)
        self.std = torch.tensor(spec.std).view(1, 3, 1, 1)
        self.spec = InputSpec(clip_len=LITE0_FRAMES, crop_size=config.crop_size,
                              resize_short=config.resize_short, mean=spec.mean, std=spec.std)

    @torch.inference_mode()
    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 -> ``(2·1280,)``: mean and std over frames."""
        x = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div(255.0)
        per_frame = self.module.forward_features((x - self.mean) / self.std).mean(dim=(2, 3))
        return torch.cat([per_frame.mean(0), per_frame.std(0)]).numpy()


def flow_field_stats(flow: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """``(H, W, 2)`` displacement in px -> ``(FLOW_STATS,)`` numbers describing the motion."""
    u, v = flow[..., 0], flow[..., 1]
    magnitude = np.sqrt(u * u + v * v)
    moving = magnitude > 1.0
    quantiles = np.quantile(magnitude, (0.5, 0.9, 0.99))
    angle = np.arctan2(v, u)
    bins = ((angle + np.pi) / (2 * np.pi) * 8).astype(np.int64) % 8
    direction = np.bincount(bins.ravel(), weights=magnitude.ravel(), minlength=8)
    direction = direction / max(direction.sum(), 1e-6)
    entropy = -float(np.sum(direction * np.log(direction + 1e-9)))
    du_dy, du_dx = np.gradient(u)
    dv_dy, dv_dx = np.gradient(v)
    divergence, curl = du_dx + dv_dy, dv_dx - du_dy
    if moving.any():
        ys, xs = np.nonzero(moving)
        spread = (ys.std() / magnitude.shape[0], xs.std() / magnitude.shape[1])
        local = (float(np.abs(divergence[moving]).mean()), float(np.abs(curl[moving]).mean()))
    else:
        spread, local = (0.0, 0.0), (0.0, 0.0)
    change = float(np.abs(flow - previous).mean()) if previous is not None else 0.0
    return np.array([float(magnitude.mean()), *quantiles, float(moving.mean()),
                     float((magnitude > 3.0).mean()), *direction, entropy, *spread, *local,
                     float(np.abs(divergence).mean()), float(np.abs(curl).mean()), change],
                    dtype=np.float32)


class FlowStats:
    """DIS flow statistics of a window's grey frames."""

    def __init__(self) -> None:
        self.flow = flow_function("dis")
        self.spec = InputSpec(clip_len=FLOW_FRAMES, crop_size=0, resize_short=FLOW_SHORT_PX,
                              mean=_NEUTRAL, std=(1.0, 1.0, 1.0))

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 -> ``(3·FLOW_STATS,)``: mean, std, max over pairs."""
        gray = to_gray(frames)
        rows, previous = [], None
        for prev, nxt in itertools.pairwise(gray):
            flow = self.flow(prev, nxt)
            rows.append(flow_field_stats(flow, previous))
            previous = flow
        stats = np.stack(rows)
        return np.concatenate([stats.mean(0), stats.std(0), stats.max(0)])


def _extractor(stream: str, config: FeatureConfig,
               ) -> tuple[Callable[[np.ndarray], np.ndarray], InputSpec]:
    if stream == "lite0":
        lite0 = Lite0Frames(config)
        return lite0, lite0.spec
    if stream == "flow":
        flow = FlowStats()
        return flow, flow.spec
    raise ValueError(f"unknown stream {stream!r}; known: {', '.join(STREAMS)}")


def stream_features(clips: Sequence[Clip], *, stream: str, cache_dir: str | os.PathLike[str],
                    config: FeatureConfig,
                    on_progress: Callable[[int, int, float], None] | None = None,
                    ) -> dict[str, np.ndarray]:
    """``{clip path: (W, D) float32}`` for ``stream``, computed once and cached as ``.npz``."""
    directory = Path(cache_dir) / stream
    directory.mkdir(parents=True, exist_ok=True)
    extract: Callable[[np.ndarray], np.ndarray] | None = None
    spec: InputSpec | None = None
    out: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    with opencv_threads(1):
        for done, clip in enumerate(clips, start=1):
            target = directory / f"{_cache_key(clip, stream, config)}.npz"
            if not target.is_file():
                if extract is None:
                    extract, spec = _extractor(stream, config)
                assert spec is not None
                meta = probe(clip.path)
                plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                               segment_sec=config.segment_sec, stride_sec=config.stride_sec)
                rows = np.stack([extract(frames) for _, frames in iter_clips(meta, plan,
                                                                             spec=spec)])
                tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.npz")
                np.savez(tmp, features=rows.astype(np.float32))
                os.replace(tmp, target)
            with np.load(target, allow_pickle=False) as data:
                out[clip.path] = data["features"]
            if on_progress is not None:
                on_progress(done, len(clips), time.perf_counter() - started)
    return out
