"""Turn per-window scores into events: hysteresis, minimum duration, merged gaps."""
from __future__ import annotations

from collections.abc import Sequence

from inference.types import Event, EventRules, SegmentScore


def detect_events(segments: Sequence[SegmentScore], *, labels: Sequence[str], rules: EventRules,
                  ) -> list[Event]:
    """Events for each label in ``labels``, sorted by start time.

    An event opens at the first window whose score reaches ``enter_threshold`` and stays open
    while scores stay at or above the exit threshold (hysteresis, so a score hovering around one
    threshold does not flicker). It spans from the first window's start to the last open
    window's end. Events separated by at most ``merge_gap_sec`` are merged; events shorter than
    ``min_duration_sec`` are dropped (after merging).
    """
    ordered = sorted(segments, key=lambda s: s.start_sec)
    events: list[Event] = []
    for label in labels:
        runs = _runs(ordered, label=label, rules=rules)
        merged = _merge(runs, gap_sec=rules.merge_gap_sec)
        events.extend(
            _to_event(label, run) for run in merged
            if run[-1].end_sec - run[0].start_sec >= rules.min_duration_sec - 1e-9
        )
    events.sort(key=lambda e: (e.start_sec, e.label))
    return events


def _runs(segments: Sequence[SegmentScore], *, label: str, rules: EventRules,
          ) -> list[list[SegmentScore]]:
    hysteresis = Hysteresis(label=label, rules=rules)
    runs = [run for segment in segments if (run := hysteresis.push(segment)) is not None]
    if hysteresis.current:
        runs.append(hysteresis.current)
    return runs


class Hysteresis:
    """One label's open/close state over windows pushed in time order (files and live streams).

    A run opens at a window whose score reaches ``enter_threshold`` and grows while scores
    stay at or above the exit threshold; ``current`` is the open run (``None`` when closed).
    """

    def __init__(self, *, label: str, rules: EventRules) -> None:
        self.label = label
        self.enter, self.exit = rules.enter_threshold, rules.resolved_exit_threshold
        self.current: list[SegmentScore] | None = None

    def push(self, segment: SegmentScore) -> list[SegmentScore] | None:
        """Fold in the next window; return the run it closed, if any (a window that closes
        one run may open the next)."""
        score = segment.scores.get(self.label, 0.0)
        if self.current is None:
            if score >= self.enter:
                self.current = [segment]
            return None
        if score >= self.exit:
            self.current.append(segment)
            return None
        closed = self.current
        self.current = [segment] if score >= self.enter else None
        return closed


def _merge(runs: list[list[SegmentScore]], *, gap_sec: float) -> list[list[SegmentScore]]:
    merged: list[list[SegmentScore]] = []
    for run in runs:
        gap = run[0].start_sec - merged[-1][-1].end_sec if merged else None
        # Overlapping windows make separate runs touch (gap 0): merge those only when asked.
        if gap is not None and (gap < -1e-9 or (gap_sec > 0 and gap <= gap_sec + 1e-9)):
            merged[-1] = merged[-1] + run
        else:
            merged.append(run)
    return merged


def _to_event(label: str, run: Sequence[SegmentScore]) -> Event:
    scores = [s.scores.get(label, 0.0) for s in run]
    peak_at = max(range(len(run)), key=scores.__getitem__)
    peak = run[peak_at]
    return Event(
        label=label,
        start_sec=run[0].start_sec,
        end_sec=max(s.end_sec for s in run),
        peak_score=round(scores[peak_at], 6),
        mean_score=round(sum(scores) / len(scores), 6),
        peak_sec=round((peak.start_sec + peak.end_sec) / 2, 6),
    )
