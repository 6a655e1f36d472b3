"""Clip augmentation on uint8 ``(T, H, W, C)`` RGB arrays; one random draw per clip (all
frames get the same crop, flip and colour change, as in TSN)."""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

#: TSN's multi-scale crop: crop side = short side x one of these, per axis.
TSN_SCALES = (1.0, 0.875, 0.75, 0.66)


def multiscale_crop(clip: np.ndarray, *, size: int, rng: np.random.Generator,
                    scales: Sequence[float] = TSN_SCALES, max_distort: int = 1,
                    corners: bool = True) -> np.ndarray:
    """TSN corner cropping + scale jitter: crop ``(w, h)`` from ``scales`` of the short side
    (aspect distortion at most ``max_distort`` scale steps), at one of 5 fixed positions
    (4 corners + centre; random position if ``corners`` is False), resized to ``size``."""
    _, height, width, _ = clip.shape
    base = min(height, width)
    sizes = [int(base * s) for s in scales]
    pairs = [(w, h) for i, h in enumerate(sizes) for j, w in enumerate(sizes)
             if abs(i - j) <= max_distort]
    crop_w, crop_h = pairs[rng.integers(len(pairs))]
    if corners:
        dw, dh = (width - crop_w) // 4, (height - crop_h) // 4
        offsets = [(0, 0), (4 * dw, 0), (0, 4 * dh), (4 * dw, 4 * dh), (2 * dw, 2 * dh)]
        left, top = offsets[rng.integers(len(offsets))]
    else:
        left = int(rng.integers(0, width - crop_w + 1))
        top = int(rng.integers(0, height - crop_h + 1))
    crop = clip[:, top:top + crop_h, left:left + crop_w]
    return resize_clip(crop, size=size)


def resize_clip(clip: np.ndarray, *, size: int) -> np.ndarray:
    """Each frame of ``(T, H, W, C)`` resized to ``size x size`` (bilinear)."""
    if clip.shape[1] == size and clip.shape[2] == size:
        return clip
    return np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_LINEAR) for f in clip])


def hflip(clip: np.ndarray) -> np.ndarray:
    """Mirror ``(T, H, W, C)`` left-right."""
    return clip[:, :, ::-1]


def color_jitter(clip: np.ndarray, *, rng: np.random.Generator, brightness: float = 0.2,
                 contrast: float = 0.2, saturation: float = 0.2) -> np.ndarray:
    """Random brightness / contrast / saturation factors in ``1 ± value``; uint8 in and out."""
    x = clip.astype(np.float32)
    if brightness:
        x *= rng.uniform(1 - brightness, 1 + brightness)
    if contrast:
        mean = x.mean()
        x = (x - mean) * rng.uniform(1 - contrast, 1 + contrast) + mean
    if saturation:
        gray = x @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        x = (x - gray[..., None]) * rng.uniform(1 - saturation, 1 + saturation) + gray[..., None]
    return np.clip(x, 0, 255).astype(np.uint8)


class TrainTransform:
    """Multi-scale corner crop to ``size``, then flip (p=0.5) and colour jitter (p=``color_p``).

    ``corner_crop`` False: crops at random positions; ``scale_jitter`` False: crops of the
    full short side only."""

    def __init__(self, *, size: int, flip: bool = True, color_p: float = 0.8,
                 corner_crop: bool = True, scale_jitter: bool = True, seed: int = 0) -> None:
        self.size = size
        self.flip = flip
        self.color_p = color_p
        self.corner_crop = corner_crop
        self.scales = TSN_SCALES if scale_jitter else (1.0,)
        self.rng = np.random.default_rng(seed)

    def __call__(self, clip: np.ndarray) -> np.ndarray:
        out = multiscale_crop(clip, size=self.size, rng=self.rng, scales=self.scales,
                              corners=self.corner_crop)
        if self.flip and self.rng.random() < 0.5:
            out = hflip(out)
        if self.color_p and self.rng.random() < self.color_p:
            out = color_jitter(out, rng=self.rng)
        return np.ascontiguousarray(out)
