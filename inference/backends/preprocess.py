"""Model input and output in numpy: what :class:`inference.classify.Classifier` does in torch.

``to_input``: ``(B, T, H, W, C)`` uint8 clips -> normalised float32 ``(B, C', T, H, W)``,
the same arithmetic in the same order (float32 ``(x - 255 mean) / (255 std)``), so a converted
model sees the very numbers torch would. ``softmax_heads``: ``(B, K)`` logits -> probabilities,
each head its own softmax.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference.types import InputSpec


def to_input(clips: np.ndarray, *, spec: InputSpec) -> np.ndarray:
    """``(B, T, H, W, C)`` uint8 -> ``(B, C', T, H, W)`` float32, C-contiguous.

    ``rgb``: C' = 3; ``flow``: C' = C (one scalar mean/std); ``rgbdiff``: C = 3(L+1) frames
    per step become C' = 3L differences of consecutive normalised frames.
    """
    modality = spec.modalities[0]
    batch = clips.astype(np.float32)
    if modality == "rgbdiff":
        mean = np.float32(255.0) * np.asarray(spec.mean, dtype=np.float32)
        std = np.float32(255.0) * np.asarray(spec.std, dtype=np.float32)
        frames = batch.reshape(*batch.shape[:4], -1, 3)  # (B, T, H, W, L+1, 3)
        frames = (frames - mean) / std
        diffs = (frames[..., 1:, :] - frames[..., :-1, :]).reshape(*batch.shape[:4], -1)
        return np.ascontiguousarray(diffs.transpose(0, 4, 1, 2, 3))
    channels = slice(0, 1) if modality == "flow" else slice(0, 3)  # flow: one scalar mean/std
    mean = np.float32(255.0) * np.asarray(spec.mean[channels], dtype=np.float32)
    std = np.float32(255.0) * np.asarray(spec.std[channels], dtype=np.float32)
    return np.ascontiguousarray(((batch - mean) / std).transpose(0, 4, 1, 2, 3))


def softmax_heads(logits: np.ndarray, *, head_sizes: Sequence[int] = ()) -> np.ndarray:
    """``(B, K)`` logits -> ``(B, K)`` float32 probabilities; with ``head_sizes`` each block
    of that many columns is its own softmax."""
    logits = logits.astype(np.float32, copy=False)
    sizes = list(head_sizes) or [logits.shape[1]]
    parts = np.split(logits, np.cumsum(sizes)[:-1], axis=1)
    out = []
    for part in parts:
        shifted = np.exp(part - part.max(axis=1, keepdims=True))
        out.append(shifted / shifted.sum(axis=1, keepdims=True))
    return np.concatenate(out, axis=1)
