"""A live stream is windowed, sampled and cut exactly as a file is."""
from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from inference.batches import assemble_clips, crop_size_for, iter_clips
from inference.decode import FrameScaler, iter_frames, sample_at
from inference.live.scoring import live_windows, window_times
from inference.live.source import StreamClock
from inference.probe import probe
from inference.sampling import windows
from inference.types import InputSpec

SPEC = InputSpec(clip_len=8, crop_size=32, resize_short=48, mean=(0.5, 0.5, 0.5),
                 std=(0.5, 0.5, 0.5))


def test_live_windows_are_the_files_windows_without_an_end() -> None:
    files = windows(duration_sec=10.0, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    live = list(itertools.islice(live_windows(clip_len=16, window_sec=2.0, stride_sec=1.0),
                                 len(files)))
    assert live == files


def test_window_times_are_the_sorted_distinct_sample_times() -> None:
    plan = list(itertools.islice(live_windows(clip_len=5, window_sec=2.0, stride_sec=0.7), 30))
    merged = list(itertools.takewhile(lambda t: t < plan[-1].start_sec,
                                      window_times(iter(plan))))
    expected = sorted({t for w in plan for t in w.sample_times_sec if t < plan[-1].start_sec})
    assert merged == expected


def test_clips_cut_from_a_live_frame_source_equal_the_files_clips(coded_video: Path) -> None:
    meta = probe(str(coded_video))
    plan = windows(duration_sec=meta.duration_sec, clip_len=SPEC.clip_len, segment_sec=2.0,
                   stride_sec=1.0)
    from_file = list(iter_clips(meta, plan, spec=SPEC))
    endless = live_windows(clip_len=SPEC.clip_len, window_sec=2.0, stride_sec=1.0)
    scaler = FrameScaler.for_video(meta, size=crop_size_for(meta, SPEC))
    sampled = sample_at(iter_frames(meta), window_times(live_windows(
        clip_len=SPEC.clip_len, window_sec=2.0, stride_sec=1.0)))
    live = list(itertools.islice(assemble_clips(sampled, endless, scaler=scaler,
                                                crop_size=SPEC.crop_size), len(from_file) - 1))
    assert len(live) >= 2
    for (file_window, file_clip), (live_window, live_clip) in zip(from_file, live, strict=False):
        assert file_window == live_window
        assert np.array_equal(file_clip, live_clip)


def test_the_stream_clock_starts_at_zero_and_never_goes_back() -> None:
    clock = StreamClock(number=1, frame_sec=0.04)
    frame = av.VideoFrame(16, 16, "yuv420p")
    frame.time_base = Fraction(1, 90000)
    times = []
    for pts in (900000, 903600, 907200, 0, 3600, 9000000):  # a restart, then a jump
        frame.pts = pts
        times.append(clock.time_of(frame))
    # after a restart (pts 0) and a jump (100 s) it continues one frame after the last time
    assert times == pytest.approx([0.0, 0.04, 0.08, 0.12, 0.16, 0.2])
    assert clock.wall_at(1.5) - clock.wall_at(0.5) == clock.wall_at(1.0) - clock.wall_at(0.0)
