"""Frozen I3D features of labelled clips, cached on disk: the input of the detector heads.

Each clip is cut into the windows an analysis would score (``inference.sampling.windows``:
``segment_sec`` every ``stride_sec``) and each window is prepared exactly as
``inference.pipeline`` prepares it (short side ``resize_short``, centre crop, normalised by the
model's spec). The Kinetics-400 I3D runs up to ``Mixed_5b``; that map, ``(W, 832, T/8, 7, 7)``
float16 per clip, is what is cached, so recipes that train ``Mixed_5c`` (the last block) and
recipes that only fit a head both start from the same files. A horizontally flipped copy of
every window can be cached too (``flip=True``): training augmentation at no extra decode.

Cache files are keyed by the clip's path, size and mtime and by every parameter, so a changed
clip or setting is recomputed and an unchanged one never is.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from inference.classify import Classifier
from inference.models import build
from inference.pipeline import iter_clips
from inference.probe import probe
from inference.sampling import windows
from training.datasets import Clip

#: Layer whose output is cached; heads and fine-tuned last blocks start after it.
CACHED_LAYER = "Mixed_5b"


@dataclass(frozen=True)
class FeatureConfig:
    """How windows are cut and prepared; part of every cache key."""

    clip_len: int = 16
    segment_sec: float = 2.0
    stride_sec: float = 1.0
    crop_size: int = 224
    resize_short: int = 256
    flip: bool = False


@dataclass(frozen=True)
class ClipFeatures:
    """One clip's cached maps: ``maps`` ``(W, 832, T', 7, 7)`` float16, one row per window;
    ``flipped`` the same for mirrored frames (or ``None``); window spans in seconds."""

    clip: Clip
    maps: np.ndarray
    flipped: np.ndarray | None
    start_sec: np.ndarray
    end_sec: np.ndarray


def _cache_key(clip: Clip, config: FeatureConfig) -> str:
    stat = os.stat(clip.path)
    blob = json.dumps([os.path.abspath(clip.path), stat.st_size, int(stat.st_mtime),
                       CACHED_LAYER, asdict(config)])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


class I3DFeatureExtractor:
    """Kinetics-400 I3D (converted DeepMind weights) up to :data:`CACHED_LAYER`, on the CPU."""

    def __init__(self, *, config: FeatureConfig, model_dir: str | None = None) -> None:
        from dataclasses import replace  # noqa: PLC0415

        loaded = build("i3d", weights="default", model_dir=model_dir)
        self.config = config
        self.spec = replace(loaded.info.input_spec, clip_len=config.clip_len,
                            crop_size=config.crop_size, resize_short=config.resize_short)
        self.classifier = Classifier(loaded.module, spec=self.spec)
        self.module = self.classifier.module

    @torch.inference_mode()
    def window_maps(self, clip_path: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray,
                                                    np.ndarray]:
        """``(maps, flipped maps or None, start_sec, end_sec)`` of one video's windows."""
        cfg = self.config
        meta = probe(clip_path)
        plan = windows(duration_sec=meta.duration_sec, clip_len=cfg.clip_len,
                       segment_sec=cfg.segment_sec, stride_sec=cfg.stride_sec)
        maps, flipped = [], []
        for _, frames in iter_clips(meta, plan, spec=self.spec):
            batch = self.classifier.to_input(frames[None])
            maps.append(self._trunk(batch))
            if cfg.flip:
                flipped.append(self._trunk(batch.flip(-1)))
        return (np.stack(maps), np.stack(flipped) if cfg.flip else None,
                np.array([w.start_sec for w in plan], dtype=np.float32),
                np.array([w.end_sec for w in plan], dtype=np.float32))

    def _trunk(self, batch: torch.Tensor) -> np.ndarray:
        out = self.module.forward_features(batch, end=CACHED_LAYER)  # type: ignore[operator]
        maps: np.ndarray = out[0].to(torch.float16).numpy()
        return maps


def clip_features(clips: Sequence[Clip], *, cache_dir: str | os.PathLike[str],
                  config: FeatureConfig = FeatureConfig(), model_dir: str | None = None,
                  on_progress: Callable[[int, int, float], None] | None = None,
                  ) -> list[ClipFeatures]:
    """Cached I3D maps of every clip (computed for the missing ones, saved as ``.npz``).

    ``on_progress(done, total, seconds)`` is called after each clip.
    """
    directory = Path(cache_dir)
    directory.mkdir(parents=True, exist_ok=True)
    extractor: I3DFeatureExtractor | None = None
    out: list[ClipFeatures] = []
    started = time.perf_counter()
    for done, clip in enumerate(clips, start=1):
        target = directory / f"{_cache_key(clip, config)}.npz"
        if not target.is_file():
            if extractor is None:
                extractor = I3DFeatureExtractor(config=config, model_dir=model_dir)
            maps, flipped, starts, ends = extractor.window_maps(clip.path)
            tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.npz")
            if flipped is None:
                np.savez(tmp, maps=maps, start_sec=starts, end_sec=ends)
            else:
                np.savez(tmp, maps=maps, start_sec=starts, end_sec=ends, flipped=flipped)
            os.replace(tmp, target)
        with np.load(target, allow_pickle=False) as data:
            out.append(ClipFeatures(clip=clip, maps=data["maps"],
                                    flipped=data["flipped"] if "flipped" in data else None,
                                    start_sec=data["start_sec"], end_sec=data["end_sec"]))
        if on_progress is not None:
            on_progress(done, len(clips), time.perf_counter() - started)
    return out
