"""Motion statistics of a clip from DIS optical flow: a cheap motion stream beside RGB models.

A window's frames ``(T, H, W, 3)`` uint8 RGB are turned grey, scaled so the short side is
:data:`MOTION_SHORT_PX`, and DIS optical flow (preset ultrafast, :mod:`inference.flow`) is
computed between consecutive frames. Each flow field is described by :data:`FIELD_STATS`
numbers (:func:`flow_field_stats`: how much moves and how fast, in which directions, how
chaotically: divergence and curl, how spread out, how different from the previous field); the
window's description is their mean, std and max over the pairs, ``(3·FIELD_STATS,)``. Fights
are fast, chaotic, many-directional motion; a linear head over these numbers is the motion
stream the fight detector fuses with I3D (:mod:`inference.models.detectors`), trained in
:mod:`training.streams` on exactly these numbers.
"""
from __future__ import annotations

import itertools

import cv2
import numpy as np

from inference.flow import flow_function

#: Short side (px) the frames are scaled to before flow.
MOTION_SHORT_PX = 128
#: Numbers per flow field (:func:`flow_field_stats`).
FIELD_STATS = 22
#: Numbers per window (:func:`motion_stats`): mean, std and max of the field statistics.
MOTION_STATS = 3 * FIELD_STATS


def flow_field_stats(flow: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """``(H, W, 2)`` displacement in px -> ``(FIELD_STATS,)``: mean magnitude, its
    50/90/99th percentiles, share of pixels moving over 1 and 3 px, the magnitude-weighted
    direction histogram (8 bins centred on the compass directions; right is bin 4) and its
    entropy, the spread of moving pixels (rows, columns; share of the frame), mean |divergence|
    and |curl| over moving pixels and over the frame, and the mean absolute change from
    ``previous`` (0 without one)."""
    u, v = flow[..., 0], flow[..., 1]
    magnitude = np.sqrt(u * u + v * v)
    moving = magnitude > 1.0
    quantiles = np.quantile(magnitude, (0.5, 0.9, 0.99))
    angle = np.arctan2(v, u)
    bins = np.floor((angle + np.pi) / (2 * np.pi) * 8 + 0.5).astype(np.int64) % 8
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


class MotionStats:
    """``(T, H, W, 3)`` uint8 RGB frames -> ``(MOTION_STATS,)`` float32 (see module doc)."""

    def __init__(self) -> None:
        self._flow = flow_function("dis")

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        if len(frames) < 2:
            raise ValueError("motion statistics need at least two frames")
        height, width = frames.shape[1:3]
        scale = MOTION_SHORT_PX / min(height, width)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = [cv2.resize(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), size,
                           interpolation=cv2.INTER_AREA) for f in frames]
        rows, previous = [], None
        for prev, nxt in itertools.pairwise(gray):
            flow = self._flow(prev, nxt)
            rows.append(flow_field_stats(flow, previous))
            previous = flow
        stats = np.stack(rows)
        return np.concatenate([stats.mean(0), stats.std(0), stats.max(0)])
