from __future__ import annotations

import pytest

from inference.events import detect_events
from inference.types import EventRules, SegmentScore


def scored(values: list[float], *, label: str = "fight", stride: float = 1.0,
           length: float = 2.0) -> list[SegmentScore]:
    return [
        SegmentScore(index=i, start_sec=i * stride, end_sec=i * stride + length,
                     top=((label, v),), scores={label: v})
        for i, v in enumerate(values)
    ]


def test_single_event_spans_its_windows_with_peak_and_mean():
    events = detect_events(scored([0.1, 0.7, 0.9, 0.6, 0.2]), labels=["fight"],
                           rules=EventRules(enter_threshold=0.5))
    assert len(events) == 1
    event = events[0]
    assert (event.start_sec, event.end_sec) == (1.0, 5.0)
    assert event.peak_score == pytest.approx(0.9)
    assert event.mean_score == pytest.approx((0.7 + 0.9 + 0.6) / 3)
    assert event.peak_sec == pytest.approx(3.0)


def test_hysteresis_keeps_an_event_open_above_the_exit_threshold():
    values = [0.6, 0.45, 0.55, 0.45, 0.1]
    with_hysteresis = detect_events(scored(values), labels=["fight"],
                                    rules=EventRules(enter_threshold=0.5, exit_threshold=0.4))
    without = detect_events(scored(values), labels=["fight"],
                            rules=EventRules(enter_threshold=0.5, exit_threshold=0.5))
    assert len(with_hysteresis) == 1
    assert with_hysteresis[0].end_sec == 5.0
    assert len(without) == 2


def test_min_duration_drops_short_events():
    values = [0.9, 0.1, 0.1, 0.9, 0.9, 0.9, 0.1]
    rules = EventRules(enter_threshold=0.5, exit_threshold=0.5, min_duration_sec=3.0)
    events = detect_events(scored(values), labels=["fight"], rules=rules)
    assert [(e.start_sec, e.end_sec) for e in events] == [(3.0, 7.0)]


def test_merge_gap_joins_close_events_only_when_asked():
    values = [0.9, 0.1, 0.1, 0.1, 0.9]  # runs [0,2) and [4,6): a 2 s gap
    rules = EventRules(enter_threshold=0.5, exit_threshold=0.5)
    assert len(detect_events(scored(values), labels=["fight"], rules=rules)) == 2
    merged = detect_events(scored(values), labels=["fight"],
                           rules=EventRules(enter_threshold=0.5, exit_threshold=0.5,
                                            merge_gap_sec=2.0))
    assert [(e.start_sec, e.end_sec) for e in merged] == [(0.0, 6.0)]


def test_touching_runs_of_overlapping_windows_stay_apart_without_merge_gap():
    values = [0.9, 0.1, 0.9]  # windows [0,2) and [2,4) touch
    events = detect_events(scored(values), labels=["fight"],
                           rules=EventRules(enter_threshold=0.5, exit_threshold=0.5))
    assert len(events) == 2


def test_each_label_gets_its_own_events_sorted_by_time():
    segments = [
        SegmentScore(index=i, start_sec=float(i), end_sec=i + 1.0, top=(),
                     scores={"fight": f, "fall": g})
        for i, (f, g) in enumerate([(0.1, 0.9), (0.8, 0.1), (0.9, 0.1), (0.1, 0.1)])
    ]
    events = detect_events(segments, labels=["fight", "fall"], rules=EventRules())
    assert [(e.label, e.start_sec, e.end_sec) for e in events] == [
        ("fall", 0.0, 1.0), ("fight", 1.0, 3.0)]


def test_no_event_below_threshold_and_open_event_at_the_end_closes():
    assert detect_events(scored([0.2, 0.3]), labels=["fight"], rules=EventRules()) == []
    events = detect_events(scored([0.1, 0.8, 0.9]), labels=["fight"], rules=EventRules())
    assert events[0].end_sec == 4.0
