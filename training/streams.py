"""Window features from streams other than I3D, for the recipe comparison: frozen
EfficientNet-Lite0 frames (TSN's RGB stream under a linear head) and DIS optical-flow statistics
(a motion stream), cached per clip like :mod:`training.features`.

Windows are cut exactly as for the I3D maps (``segment_sec`` every ``stride_sec``), so every
stream scores the same windows and streams can be fused per window.

- ``lite0``: ``LITE0_FRAMES`` frames per window, short side ``resize_short`` px (whole frame),
  ImageNet-normalised, EfficientNet-Lite0 (ImageNet weights, frozen) global-average-pooled:
  ``(W, 2·1280)`` = mean and std over the window's frames (TSN's average / statistics
  consensus).
- ``flow``: :mod:`inference.motion` statistics of DIS optical flow between the window's
  consecutive frames (the same frames the I3D recipes see, scaled to a short side of
  ``MOTION_SHORT_PX``): how much moves and how fast, in which directions, how chaotically, how
  spread out; ``(W, MOTION_STATS)``.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from inference.flow import opencv_threads
from inference.models.backbones import feature_maps
from inference.motion import MOTION_SHORT_PX, MOTION_STATS, MotionStats
from inference.pipeline import iter_clips
from inference.probe import probe
from inference.sampling import windows
from inference.types import InputSpec
from training.datasets import Clip
from training.features import FeatureConfig

STREAMS = ("lite0", "flow")
LITE0_FRAMES = 8
_NEUTRAL = (0.0, 0.0, 0.0)


def _cache_key(clip: Clip, stream: str, config: FeatureConfig) -> str:
    stat = os.stat(clip.path)
    blob = json.dumps([os.path.abspath(clip.path), stat.st_size, int(stat.st_mtime), stream,
                       LITE0_FRAMES, MOTION_SHORT_PX, MOTION_STATS,
                       asdict(replace(config, flip=False))])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class Lite0Frames:
    """Frozen EfficientNet-Lite0 (ImageNet) pooled features of a window's frames."""

    def __init__(self, config: FeatureConfig) -> None:
        from inference.models.backbones import BACKBONES, build_backbone  # noqa: PLC0415
        from inference.models.weights import fetch_default  # noqa: PLC0415

        spec = BACKBONES["efficientnet_lite0"]
        self.module = build_backbone(spec.name, 1000).eval()
        path = fetch_default(spec.default_weights or "")
        state = torch.load(path, map_location="cpu", weights_only=True)
        self.module.load_state_dict(state)
        self.mean = torch.tensor(spec.mean).view(1, 3, 1, 1)
        self.std = torch.tensor(spec.std).view(1, 3, 1, 1)
        self.spec = InputSpec(clip_len=LITE0_FRAMES, crop_size=config.crop_size,
                              resize_short=config.resize_short, mean=spec.mean, std=spec.std)

    @torch.inference_mode()
    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """``(T, H, W, 3)`` uint8 -> ``(2·1280,)``: mean and std over frames."""
        x = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div(255.0)
        per_frame = feature_maps(self.module, (x - self.mean) / self.std).mean(dim=(2, 3))
        return torch.cat([per_frame.mean(0), per_frame.std(0)]).numpy()


class FlowStats:
    """Motion statistics (:class:`inference.motion.MotionStats`) of the very frames the I3D
    recipes see (``clip_len`` whole frames, short side ``resize_short``)."""

    def __init__(self, config: FeatureConfig) -> None:
        self.stats = MotionStats()
        self.spec = InputSpec(clip_len=config.clip_len, crop_size=config.crop_size,
                              resize_short=config.resize_short, mean=_NEUTRAL,
                              std=(1.0, 1.0, 1.0))

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        return self.stats(frames)


def _extractor(stream: str, config: FeatureConfig,
               ) -> tuple[Callable[[np.ndarray], np.ndarray], InputSpec]:
    if stream == "lite0":
        lite0 = Lite0Frames(config)
        return lite0, lite0.spec
    if stream == "flow":
        flow = FlowStats(config)
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
