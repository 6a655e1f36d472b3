from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from training.datasets import load_manifest
from training.features import FeatureConfig
from training.streams import FLOW_STATS, flow_field_stats, stream_features


def test_flow_statistics_describe_the_motion() -> None:
    still = np.zeros((64, 96, 2), dtype=np.float32)
    assert np.allclose(flow_field_stats(still, None)[:6], 0.0)
    pan = np.zeros_like(still)
    pan[..., 0] = 4.0  # everything moves 4 px right: one direction, no curl, no spread change
    stats = flow_field_stats(pan, still)
    assert stats.shape == (FLOW_STATS,)
    assert stats[0] == 4.0  # mean magnitude
    direction = stats[6:14]
    assert direction.max() == 1.0  # all of it in one direction bin
    assert stats[14] < 1e-6  # direction entropy
    assert stats[-1] == 2.0  # change from the previous (still) field: mean |du|, |dv|
    rng = np.random.default_rng(0)
    brawl = rng.normal(0, 4, size=still.shape).astype(np.float32)  # chaotic motion
    chaotic = flow_field_stats(brawl, pan)
    assert chaotic[14] > 1.9  # near log(8): every direction at once
    assert chaotic[-3] > stats[-3] and chaotic[-2] > stats[-2]  # divergence, curl


def test_stream_features_are_cached_per_window(tiny_manifest: Path, tmp_path: Path) -> None:
    clip = load_manifest(tiny_manifest)[0]
    config = FeatureConfig(clip_len=32, crop_size=0, resize_short=224)
    first = {s: stream_features([clip], stream=s, cache_dir=tmp_path, config=config)
             for s in ("lite0", "flow")}
    lite0, flow = first["lite0"][clip.path], first["flow"][clip.path]
    assert lite0.shape[1] == 2 * 1280 and flow.shape[1] == 3 * FLOW_STATS
    assert lite0.shape[0] == flow.shape[0] >= 1  # the same windows in both streams
    assert np.isfinite(lite0).all() and np.isfinite(flow).all()
    assert flow[:, 0].max() > 0.0  # a fight clip moves
    cached = next((tmp_path / "flow").glob("*.npz"))
    before = os.stat(cached).st_mtime_ns
    again = stream_features([clip], stream="flow", cache_dir=tmp_path, config=config)
    assert os.stat(cached).st_mtime_ns == before  # read, not recomputed
    assert np.array_equal(again[clip.path], flow)
