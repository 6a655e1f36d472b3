from __future__ import annotations

import pytest

from inference.sampling import frame_times, tsn_snippet_times, windows


def test_windows_cover_the_video_with_the_stride():
    plan = windows(duration_sec=10.0, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    assert [w.start_sec for w in plan] == [float(s) for s in range(9)]
    assert all(w.end_sec - w.start_sec == pytest.approx(2.0) for w in plan)
    assert [w.index for w in plan] == list(range(9))
    for w in plan:
        assert len(w.sample_times_sec) == 16
        assert w.start_sec < w.sample_times_sec[0] < w.sample_times_sec[-1] < w.end_sec
        assert list(w.sample_times_sec) == sorted(w.sample_times_sec)


def test_tail_window_is_aligned_to_the_end():
    plan = windows(duration_sec=9.64, clip_len=8, segment_sec=2.0, stride_sec=1.0)
    assert plan[-1].end_sec == pytest.approx(9.64)
    assert plan[-2].start_sec == pytest.approx(7.0)
    assert plan[-1].start_sec == pytest.approx(7.64)


def test_short_video_gets_one_window_over_its_length():
    plan = windows(duration_sec=1.2, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    assert len(plan) == 1
    assert (plan[0].start_sec, plan[0].end_sec) == (0.0, 1.2)
    assert max(plan[0].sample_times_sec) < 1.2


def test_overlapping_windows_share_sample_times():
    plan = windows(duration_sec=6.0, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    shared = set(plan[0].sample_times_sec) & set(plan[1].sample_times_sec)
    assert len(shared) == 8


@pytest.mark.parametrize("kwargs", [
    {"clip_len": 0, "segment_sec": 2.0, "stride_sec": 1.0},
    {"clip_len": 16, "segment_sec": 0.0, "stride_sec": 1.0},
    {"clip_len": 16, "segment_sec": 2.0, "stride_sec": -1.0},
])
def test_bad_window_options_are_refused(kwargs):
    with pytest.raises(ValueError):
        windows(duration_sec=5.0, **kwargs)


def test_empty_video_has_no_windows():
    assert windows(duration_sec=0.0, clip_len=16, segment_sec=2.0, stride_sec=1.0) == []


def test_frame_times_are_mid_interval():
    assert frame_times(1.0, 1.0, 4) == (1.125, 1.375, 1.625, 1.875)


def test_tsn_snippets_one_per_part_centred():
    window = windows(duration_sec=6.0, clip_len=16, segment_sec=3.0, stride_sec=3.0)[1]
    snippets = tsn_snippet_times(window, num_snippets=3, snippet_len=5, frame_interval_sec=0.04)
    assert len(snippets) == 3
    for k, snippet in enumerate(snippets):
        part_start = window.start_sec + k
        assert len(snippet) == 5
        assert part_start <= snippet[0] < snippet[-1] < part_start + 1.0
        assert snippet[1] - snippet[0] == pytest.approx(0.04)
        assert (snippet[0] + snippet[-1]) / 2 == pytest.approx(part_start + 0.5)


def test_tsn_offsets_place_snippets():
    window = windows(duration_sec=4.0, clip_len=8, segment_sec=4.0, stride_sec=4.0)[0]
    first = tsn_snippet_times(window, num_snippets=2, frame_interval_sec=0.1, offsets=(0.0, 1.0))
    assert first == ((0.0,), (4.0,))
    with pytest.raises(ValueError):
        tsn_snippet_times(window, num_snippets=2, frame_interval_sec=0.1, offsets=(0.0,))
