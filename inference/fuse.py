"""Late fusion of modality streams (two-stream / TSN): weighted average of softmax scores."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def fusion_weights_for(modalities: tuple[str, ...], weights: Mapping[str, float],
                       ) -> dict[str, float]:
    """The weight of each stream in ``modalities`` (1.0 where ``weights`` names none)."""
    unknown = set(weights) - set(modalities)
    if unknown:
        raise ValueError(f"fusion weights for streams not analysed: {', '.join(sorted(unknown))}")
    out = {m: float(weights.get(m, 1.0)) for m in modalities}
    if any(w < 0 for w in out.values()) or sum(out.values()) <= 0:
        raise ValueError("fusion weights must be non-negative and not all zero")
    return out


def fuse_scores(streams: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """``sum_m w_m * p_m / sum_m w_m`` over streams of ``(..., K)`` probabilities."""
    total = sum(weights[m] for m in streams)
    fused = sum(weights[m] * probs.astype(np.float64) for m, probs in streams.items())
    return (np.asarray(fused) / total).astype(np.float32)
