from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from inference.motion import MOTION_STATS
from training.datasets import load_manifest
from training.features import FeatureConfig
from training.streams import stream_features


def test_stream_features_are_cached_per_window(tiny_manifest: Path, tmp_path: Path) -> None:
    clip = load_manifest(tiny_manifest)[0]
    config = FeatureConfig(clip_len=32, crop_size=0, resize_short=224)
    first = {s: stream_features([clip], stream=s, cache_dir=tmp_path, config=config)
             for s in ("lite0", "flow")}
    lite0, flow = first["lite0"][clip.path], first["flow"][clip.path]
    assert lite0.shape[1] == 2 * 1280 and flow.shape[1] == MOTION_STATS
    assert lite0.shape[0] == flow.shape[0] >= 1  # the same windows in both streams
    assert np.isfinite(lite0).all() and np.isfinite(flow).all()
    assert flow[:, 0].max() > 0.0  # a fight clip moves
    cached = next((tmp_path / "flow").glob("*.npz"))
    before = os.stat(cached).st_mtime_ns
    again = stream_features([clip], stream="flow", cache_dir=tmp_path, config=config)
    assert os.stat(cached).st_mtime_ns == before  # read, not recomputed
    assert np.array_equal(again[clip.path], flow)
