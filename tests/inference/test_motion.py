from __future__ import annotations

import numpy as np
import pytest

from inference.motion import FIELD_STATS, MOTION_STATS, MotionStats, flow_field_stats


def test_flow_statistics_describe_the_motion() -> None:
    still = np.zeros((64, 96, 2), dtype=np.float32)
    assert np.allclose(flow_field_stats(still, None)[:6], 0.0)
    pan = np.zeros_like(still)
    pan[..., 0] = 4.0  # everything moves 4 px right: one direction, no curl, no spread change
    stats = flow_field_stats(pan, still)
    assert stats.shape == (FIELD_STATS,)
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


def test_a_moving_square_moves_and_a_still_scene_does_not() -> None:
    still = np.full((8, 120, 160, 3), 90, dtype=np.uint8)
    moving = still.copy()
    for t in range(len(moving)):
        moving[t, 40:80, 10 + 8 * t:50 + 8 * t] = 230  # a bright square, 8 px per frame right
    stats = MotionStats()
    quiet, busy = stats(still), stats(moving)
    assert quiet.shape == busy.shape == (MOTION_STATS,)
    assert quiet[0] == 0.0 and busy[0] > 0.0  # mean magnitude (mean over pairs)
    direction = busy[6:14]
    assert int(np.argmax(direction)) == 4  # pointing right
    with pytest.raises(ValueError, match="two frames"):
        stats(still[:1])
