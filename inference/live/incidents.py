"""From scored windows to incidents: the files' hysteresis, an incident at onset, a clip after.

Each watched label runs :class:`inference.events.Hysteresis` (the rule a file's events use,
with the label's threshold and exit threshold). The window that opens an event makes the
incident at once: its stream time gives ``onset_wall``, the frame on screen at its middle the
peak JPEG, and a :class:`~inference.live.preroll.ClipRecorder` starts ``preroll_sec`` before
onset from the pre-roll buffer. Later windows of the event raise the peak; the window that
closes it sets the end, and the clip runs on for ``postroll_sec`` (or until ``max_clip_sec``, or
until the connection ends). Minimum durations and merged gaps (file-only rules, which need the
future) are not applied: a live incident cannot wait for them.
"""
from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from pathlib import Path

from inference.events import Hysteresis
from inference.live.contract import LiveConfig, LiveIncident
from inference.live.preroll import BufferedFrame, ClipRecorder, PrerollBuffer, to_jpeg
from inference.live.source import StreamClock
from inference.types import SegmentScore


@dataclasses.dataclass
class _Open:
    """An incident whose event is open, or whose clip is still being written."""

    incident: LiveIncident
    clock: StreamClock
    recorder: ClipRecorder | None = None


class IncidentDesk:
    """Open events and their incidents for one monitor (used by its scoring thread)."""

    def __init__(self, *, labels: tuple[str, ...], config: LiveConfig, clip_dir: Path,
                 buffer: PrerollBuffer, clip_fps: Callable[[], float],
                 on_incident: Callable[[LiveIncident], None],
                 on_clip_ready: Callable[[LiveIncident], None]) -> None:
        self.config = config
        self.clip_dir = clip_dir
        self.buffer = buffer
        self.clip_fps = clip_fps
        self.on_incident = on_incident
        self.on_clip_ready = on_clip_ready
        self.trackers = {label: Hysteresis(label=label, rules=config.event_rules(label))
                         for label in labels}
        self.count = 0
        self._open: dict[str, _Open] = {}
        self._clock: StreamClock | None = None

    def push(self, segment: SegmentScore, *, clock: StreamClock, scored: float) -> None:
        """Fold in the next scored window of connection ``clock`` (a new connection first
        closes the previous one's events); ``scored``: ``time.monotonic()`` of its scores."""
        if clock is not self._clock:
            self.close_all()
            self._clock = clock
        for label, tracker in self.trackers.items():
            closed = tracker.push(segment)
            if closed:
                self._close(label, closed)
            if tracker.current and tracker.current[0] is segment:
                self._open_incident(label, segment, clock=clock, scored=scored)
            elif tracker.current:
                self._grow(label, segment)

    def close_all(self) -> None:
        """Close every open event (the connection ended or the monitor stops)."""
        for label, tracker in self.trackers.items():
            if tracker.current:
                self._close(label, tracker.current)
            tracker.current = None

    def _open_incident(self, label: str, segment: SegmentScore, *, clock: StreamClock,
                       scored: float) -> None:
        config = self.config
        incident_id = uuid.uuid4().hex
        clip_path = self.clip_dir / f"{incident_id}.mp4"
        incident = LiveIncident(
            label=label, onset_wall=clock.wall_at(segment.start_sec),
            end_wall=clock.wall_at(segment.end_sec), peak_score=segment.scores[label],
            peak_jpeg=self._jpeg_at(segment), clip_path=clip_path, incident_id=incident_id,
            scored_monotonic=scored)
        opened = _Open(incident=incident, clock=clock)

        def make(first: BufferedFrame) -> ClipRecorder:
            return ClipRecorder(clip_path, start_sec=first.pts_sec, width=first.image.width,
                                height=first.image.height, fps=self.clip_fps(),
                                max_sec=config.max_clip_sec + config.preroll_sec,
                                on_done=lambda recorder: self._clip_done(opened, recorder))

        opened.recorder = self.buffer.attach(make,
                                             start_sec=segment.start_sec - config.preroll_sec)
        self._open[label] = opened
        self.count += 1
        self.on_incident(incident)
        if opened.recorder is None:
            self._deliver(opened, error="no frames were buffered for the clip")

    def _jpeg_at(self, segment: SegmentScore) -> bytes:
        frame = self.buffer.at((segment.start_sec + segment.end_sec) / 2)
        return to_jpeg(frame.image) if frame is not None else b""

    def _grow(self, label: str, segment: SegmentScore) -> None:
        opened = self._open.get(label)
        if opened is None:
            return
        score = segment.scores[label]
        incident = dataclasses.replace(opened.incident,
                                       end_wall=opened.clock.wall_at(segment.end_sec))
        if score > incident.peak_score:
            incident = dataclasses.replace(incident, peak_score=score,
                                           peak_jpeg=self._jpeg_at(segment) or incident.peak_jpeg)
        opened.incident = incident

    def _close(self, label: str, run: list[SegmentScore]) -> None:
        opened = self._open.pop(label, None)
        if opened is None:
            return
        end_sec = max(segment.end_sec for segment in run)
        opened.incident = dataclasses.replace(opened.incident,
                                              end_wall=opened.clock.wall_at(end_sec))
        if opened.recorder is not None:
            opened.recorder.finish_at(end_sec + self.config.postroll_sec)

    def _clip_done(self, opened: _Open, recorder: ClipRecorder) -> None:
        self.buffer.detach(recorder)
        self._deliver(opened, error=recorder.error, recorder=recorder)

    def _deliver(self, opened: _Open, *, error: str,
                 recorder: ClipRecorder | None = None) -> None:
        self.on_clip_ready(dataclasses.replace(
            opened.incident, clip_ready=not error, clip_error=error,
            clip_start_wall=recorder.first_wall if recorder is not None else None))
