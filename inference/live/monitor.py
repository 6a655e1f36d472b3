"""``LiveMonitor``: one camera watched in two threads, reconnecting for as long as it runs.

- The **decode thread** connects (:func:`inference.live.source.open_stream`), decodes every
  frame at the stream's pace, keeps the pre-roll (:class:`~inference.live.preroll.PrerollBuffer`),
  feeds open clips, and cuts each window's clip the way a file's are cut
  (:mod:`inference.live.scoring`). Complete windows go to a short queue; when the model falls
  behind, the oldest waiting windows are dropped (``windows_dropped``), so memory stays flat
  and scores stay recent. When the stream fails or ends it reconnects with exponential backoff
  and full jitter; a picture whose size changes mid-stream reopens the stream.
- The **scoring thread** scores windows with the shared model and runs the same hysteresis as a
  file's events (:class:`inference.events.Hysteresis`). An event opening is an incident at once
  (``on_incident``); its clip (pre-roll before onset to post-roll after the end) follows through
  ``on_clip_ready`` (see :mod:`inference.live.contract`).

Callbacks run in the monitor's threads: keep them short (queue work elsewhere); an exception in
one is logged, never fatal.
"""
from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from inference.batches import assemble_clips, crop_size_for
from inference.decode import Frame, FrameScaler, sample_at, scaled_size
from inference.errors import StreamError, VigilError
from inference.events import Hysteresis
from inference.live.contract import LiveConfig, LiveIncident, LiveMetrics
from inference.live.preroll import BufferedFrame, ClipRecorder, PrerollBuffer, to_jpeg
from inference.live.scoring import LiveScorer, live_windows, scorer_for, window_times
from inference.live.source import open_stream, redact_url, stream_error
from inference.probe import video_streams
from inference.types import ProbeLimits, SegmentScore, VideoMeta, Window

log = logging.getLogger(__name__)

#: A jump in stream time larger than this (or any step back) restarts the stream clock.
MAX_PTS_JUMP_SEC = 5.0
#: Rates (fps in, windows scored) are measured over this many seconds.
RATE_SPAN_SEC = 5.0


class _Stopped(Exception):
    """Raised inside the frame iterator when the monitor stops (an endless window plan must
    not be flushed to its end)."""


class _Rate:
    """Events per second over the last :data:`RATE_SPAN_SEC` seconds."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def tick(self, now: float) -> None:
        self._times.append(now)
        while self._times and self._times[0] < now - RATE_SPAN_SEC:
            self._times.popleft()

    def per_sec(self, now: float) -> float:
        while self._times and self._times[0] < now - RATE_SPAN_SEC:
            self._times.popleft()
        return round(len(self._times) / RATE_SPAN_SEC, 2)


@dataclasses.dataclass
class _Session:
    """One connection: its id, stream clock and the map from stream time to wall time."""

    number: int
    wall0: datetime
    pts_offset_sec: float = 0.0
    last_sec: float | None = None
    last_raw_sec: float | None = None
    meta: VideoMeta | None = None
    """The stream described as a video (frame size of the first picture), once one came."""

    def wall_at(self, time_sec: float) -> datetime:
        return self.wall0 + timedelta(seconds=time_sec)


@dataclasses.dataclass
class _Open:
    """An incident whose event is still open (or whose clip is still being written)."""

    incident: LiveIncident
    recorder: ClipRecorder | None
    session: _Session


class LiveMonitor:
    """Watch one stream (see the module docstring); the contract is in
    :mod:`inference.live.contract`."""

    def __init__(self, url: str, *, config: LiveConfig, clip_dir: Path,
                 on_incident: Callable[[LiveIncident], None],
                 on_state: Callable[[str, str], None] | None = None,
                 on_scores: Callable[[float, dict[str, float]], None] | None = None,
                 on_clip_ready: Callable[[LiveIncident], None] | None = None,
                 scorer: LiveScorer | None = None) -> None:
        """``scorer`` shares a loaded model (default: the process's one for ``config``)."""
        self.url = url
        self.url_redacted = redact_url(url)
        self.config = config
        self.clip_dir = Path(clip_dir)
        self._on_incident = on_incident
        self._on_state = on_state
        self._on_scores = on_scores
        self._on_clip_ready = on_clip_ready
        self._scorer = scorer
        self._stop = threading.Event()
        self._state, self._reason = "stopped", ""
        self._state_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        keep_sec = config.preroll_sec + config.window_sec + config.max_lag_sec + 4.0
        self._buffer = PrerollBuffer(keep_sec=keep_sec)
        self._recorders: list[ClipRecorder] = []
        self._encode_lock = threading.Lock()
        self._windows: deque[tuple[_Session, Window, np.ndarray, float]] = deque()
        self._windows_ready = threading.Condition()
        self._max_waiting = max(1, int(config.max_lag_sec / config.stride_sec) + 1)
        self._fps_in, self._fps_scored = _Rate(), _Rate()
        self._counts = {"scored": 0, "dropped": 0, "reconnects": 0, "incidents": 0, "frames": 0}
        self._lag_sec = 0.0
        self._open: dict[str, _Open] = {}
        self._clips: list[_Open] = []
        self._jpeg_cache: tuple[int, bytes] | None = None
        self._fps = 0.0

    # -- public ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the decode and scoring threads; stream errors only ever change the state."""
        if self._threads:
            raise RuntimeError("this monitor has already been started")
        self.clip_dir.mkdir(parents=True, exist_ok=True)
        self._set_state("connecting", "")
        for target, name in ((self._decode_loop, "decode"), (self._score_loop, "score")):
            thread = threading.Thread(target=target, name=f"vigil-live-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, *, timeout_sec: float = 10.0) -> None:
        """Stop both threads and finish the clips being written (they become ready)."""
        self._stop.set()
        with self._windows_ready:
            self._windows_ready.notify_all()
        deadline = time.monotonic() + timeout_sec
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        self._finish_recorders()
        for recorder in list(self._recorders):
            recorder.join(max(0.1, deadline - time.monotonic()))
        self._set_state("stopped", "")

    def metrics(self) -> LiveMetrics:
        now = time.monotonic()
        with self._state_lock:
            state, reason = self._state, self._reason
        return LiveMetrics(state=state, state_reason=reason, fps_in=self._fps_in.per_sec(now),
                           fps_scored=self._fps_scored.per_sec(now),
                           lag_sec=round(self._lag_sec, 3),
                           windows_scored=self._counts["scored"],
                           windows_dropped=self._counts["dropped"],
                           reconnects=self._counts["reconnects"],
                           incidents=self._counts["incidents"], frames_in=self._counts["frames"],
                           queue_len=len(self._windows))

    def latest_jpeg(self) -> bytes | None:
        """The last decoded frame as JPEG (clip size), for a preview; ``None`` before one."""
        latest = self._buffer.latest()
        if latest is None:
            return None
        cached = self._jpeg_cache
        if cached is not None and cached[0] == id(latest):
            return cached[1]
        data = to_jpeg(latest.image)
        self._jpeg_cache = (id(latest), data)
        return data

    # -- state ----------------------------------------------------------------------------
    def _set_state(self, state: str, reason: str) -> None:
        with self._state_lock:
            if (state, reason) == (self._state, self._reason):
                return
            if self._state == "stopped" and state != "connecting":
                return  # nothing changes a stopped monitor's state but a start
            self._state, self._reason = state, reason
        log.info("camera %s: %s %s", self.url_redacted, state, reason)
        self._call(self._on_state, state, reason)

    def _call(self, callback: Callable[..., None] | None, *args: object) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("a live monitor callback failed (%s)", self.url_redacted)

    # -- decode thread --------------------------------------------------------------------
    def _decode_loop(self) -> None:
        attempt = 0
        session_number = 0
        while not self._stop.is_set():
            session_number += 1
            session = _Session(number=session_number, wall0=datetime.now(UTC))
            try:
                self._run_session(session)
                reason = "the stream ended"
            except _Stopped:
                return
            except StreamError as exc:
                if exc.code in ("invalid_url", "protocol_not_allowed"):
                    self._set_state("error", exc.message)
                    return
                reason = exc.message
            except Exception as exc:  # a worker must outlive any stream
                log.exception("camera %s: decoding failed", self.url_redacted)
                reason = f"decoding failed ({type(exc).__name__})"
            finally:
                self._finish_recorders()
                self._buffer.clear()
            if self._stop.is_set():
                return
            attempt = 0 if session.last_sec is not None and session.last_sec > 10.0 else \
                attempt + 1
            self._counts["reconnects"] += 1
            self._set_state("reconnecting", reason)
            delay = min(self.config.backoff_max_sec,
                        self.config.backoff_min_sec * 2 ** min(attempt, 16))
            self._stop.wait(random.uniform(delay / 2, delay))  # noqa: S311 - jitter, not secrets

    def _run_session(self, session: _Session) -> None:
        config = self.config
        with open_stream(self.url, connect_timeout_sec=config.connect_timeout_sec,
                         read_timeout_sec=config.read_timeout_sec,
                         rtsp_transport=config.rtsp_transport) as container:
            streams = video_streams(container)
            if not streams:
                raise StreamError("the stream has no video", code="no_video_stream")
            stream = streams[0]
            stream.thread_type = "AUTO"
            stream.codec_context.options = {**stream.codec_context.options,
                                            "max_pixels": str(ProbeLimits().max_pixels)}
            rate = stream.average_rate or stream.guessed_rate
            self._fps = float(rate) if rate else 0.0
            frames = self._frames(container, stream, session)
            first = next(frames, None)
            if first is None:
                raise StreamError("the stream ended before its first picture",
                                  code="stream_ended")
            scorer = self._wait_for_scorer()
            if scorer is None:
                return
            meta = session.meta
            assert meta is not None  # set by the first frame
            scaler = FrameScaler.for_video(meta, size=crop_size_for(meta, scorer.spec))

            def plan() -> Iterator[Window]:
                return live_windows(clip_len=scorer.clip_len, window_sec=config.window_sec,
                                    stride_sec=config.stride_sec)

            def all_frames() -> Iterator[Frame]:
                yield first
                yield from frames

            sampled = sample_at(all_frames(), window_times(plan()))
            for window, clip in assemble_clips(sampled, plan(), scaler=scaler,
                                               crop_size=scorer.spec.crop_size):
                self._enqueue(session, window, clip)

    def _frames(self, container: av.container.InputContainer, stream: av.VideoStream,
                session: _Session) -> Iterator[Frame]:
        """Decoded frames with stream times from 0; each also goes to the pre-roll buffer and
        the open clips. Raises :class:`StreamError` when the stream fails or ends, and
        ``_Stopped`` when the monitor stops."""
        size: tuple[int, int] | None = None
        clip_size = (0, 0)
        reformatter = VideoReformatter()
        started = time.monotonic()
        try:
            for av_frame in container.decode(stream):
                if self._stop.is_set():
                    raise _Stopped
                if size is None:
                    size = (av_frame.width, av_frame.height)
                    session.meta = VideoMeta(
                        path=self.url_redacted, container="live", codec=stream.codec_context.name,
                        width=size[0], height=size[1], rotation=0, fps=self._fps, frame_count=0,
                        duration_sec=0.0, start_sec=0.0, size_bytes=0)
                    clip_size = scaled_size(session.meta, max_height=self.config.clip_max_height)
                    self._set_state("live", "")
                elif (av_frame.width, av_frame.height) != size:
                    raise StreamError(
                        f"the picture changed size from {size[0]}x{size[1]} to "
                        f"{av_frame.width}x{av_frame.height}; reopening", code="stream_changed")
                pts_sec = self._stream_time(session, av_frame, started)
                image = reformatter.reformat(av_frame, width=clip_size[0], height=clip_size[1],
                                             format="yuv420p", interpolation="BILINEAR")
                buffered = BufferedFrame(pts_sec=pts_sec, wall=session.wall_at(pts_sec),
                                         image=image)
                with self._buffer.lock:
                    self._buffer.push(buffered)
                    for recorder in self._recorders:
                        recorder.feed(buffered)
                now = time.monotonic()
                self._fps_in.tick(now)
                self._counts["frames"] += 1
                yield Frame(pts_sec=pts_sec, av_frame=av_frame)
        except av.error.FFmpegError as exc:
            raise stream_error(exc, url=self.url) from None
        if self._stop.is_set():
            raise _Stopped
        raise StreamError("the stream ended", code="stream_ended")

    @staticmethod
    def _stream_time(session: _Session, av_frame: av.VideoFrame, started: float) -> float:
        """Seconds since the session's first frame, from the frame's timestamp (wall clock
        without one); a step back or a jump restarts the clock where it was."""
        stamp = av_frame.pts if av_frame.pts is not None else av_frame.dts
        if stamp is not None and av_frame.time_base is not None:
            raw = float(stamp * av_frame.time_base)
        else:
            raw = time.monotonic() - started
        if session.last_raw_sec is None:
            session.pts_offset_sec = -raw
        elif not 0 <= raw - session.last_raw_sec <= MAX_PTS_JUMP_SEC:
            assert session.last_sec is not None
            step = 1.0 / 25
            session.pts_offset_sec = session.last_sec + step - raw
        session.last_raw_sec = raw
        time_sec = raw + session.pts_offset_sec
        session.last_sec = time_sec
        return time_sec

    def _enqueue(self, session: _Session, window: Window, clip: np.ndarray) -> None:
        with self._windows_ready:
            self._windows.append((session, window, clip, time.monotonic()))
            while len(self._windows) > self._max_waiting:
                self._windows.popleft()
                self._counts["dropped"] += 1
            self._windows_ready.notify()

    def _wait_for_scorer(self) -> LiveScorer | None:
        while self._scorer is None and not self._stop.is_set():
            with self._state_lock:
                if self._state == "error":
                    return None
            self._stop.wait(0.1)
        return self._scorer

    # -- scoring thread -------------------------------------------------------------------
    def _score_loop(self) -> None:
        try:
            if self._scorer is None:
                self._scorer = scorer_for(self.config)
        except (VigilError, OSError) as exc:
            self._set_state("error", f"the model could not be loaded ({exc})")
            return
        scorer = self._scorer
        trackers = {label: Hysteresis(label=label, rules=self.config.event_rules(label))
                    for label in scorer.watched}
        current: _Session | None = None
        while not self._stop.is_set():
            item = self._next_window()
            if item is None:
                continue
            session, window, clip, ready = item
            if current is not session:
                self._close_all(trackers)
                current = session
            segment = scorer.score(window, clip)
            now = time.monotonic()
            self._lag_sec = now - ready
            self._fps_scored.tick(now)
            self._counts["scored"] += 1
            self._call(self._on_scores, session.wall_at(window.end_sec).timestamp(),
                       dict(segment.scores))
            for label, tracker in trackers.items():
                closed = tracker.push(segment)
                if closed:
                    self._close(label, closed)
                if tracker.current and tracker.current[0] is segment:
                    self._open_incident(label, segment, session, scored=now)
                elif tracker.current:
                    self._grow(label, segment)
        self._close_all(trackers)

    def _next_window(self) -> tuple[_Session, Window, np.ndarray, float] | None:
        with self._windows_ready:
            while not self._windows and not self._stop.is_set():
                self._windows_ready.wait(0.5)
            now = time.monotonic()
            while self._windows and now - self._windows[0][3] > self.config.max_lag_sec:
                self._windows.popleft()
                self._counts["dropped"] += 1
            return self._windows.popleft() if self._windows else None

    def _open_incident(self, label: str, segment: SegmentScore, session: _Session, *,
                       scored: float) -> None:
        config = self.config
        incident_id = uuid.uuid4().hex
        clip_path = self.clip_dir / f"{incident_id}.mp4"
        peak = self._buffer.at((segment.start_sec + segment.end_sec) / 2)
        incident = LiveIncident(
            label=label, onset_wall=session.wall_at(segment.start_sec),
            end_wall=session.wall_at(segment.end_sec), peak_score=segment.scores[label],
            peak_jpeg=to_jpeg(peak.image) if peak is not None else b"", clip_path=clip_path,
            incident_id=incident_id, scored_monotonic=scored)
        opened = _Open(incident=incident, recorder=None, session=session)
        with self._buffer.lock:
            frames = self._buffer.since(segment.start_sec - config.preroll_sec)
            if frames:
                image = frames[-1].image
                opened.recorder = ClipRecorder(
                    clip_path, start_sec=segment.start_sec - config.preroll_sec,
                    width=image.width, height=image.height, fps=self._fps,
                    max_sec=config.max_clip_sec + config.preroll_sec,
                    encode_lock=self._encode_lock,
                    on_done=lambda recorder: self._clip_done(opened, recorder))
                for frame in frames:
                    opened.recorder.feed(frame)
                self._recorders.append(opened.recorder)
        self._open[label] = opened
        self._counts["incidents"] += 1
        self._call(self._on_incident, incident)
        if opened.recorder is None:
            self._deliver_clip(opened, error="no frames were buffered for the clip")

    def _grow(self, label: str, segment: SegmentScore) -> None:
        opened = self._open.get(label)
        if opened is None:
            return
        score = segment.scores[label]
        changes: dict[str, object] = {"end_wall": opened.session.wall_at(segment.end_sec)}
        if score > opened.incident.peak_score:
            peak = self._buffer.at((segment.start_sec + segment.end_sec) / 2)
            changes["peak_score"] = score
            if peak is not None:
                changes["peak_jpeg"] = to_jpeg(peak.image)
        opened.incident = dataclasses.replace(opened.incident, **changes)  # type: ignore[arg-type]

    def _close(self, label: str, run: list[SegmentScore]) -> None:
        opened = self._open.pop(label, None)
        if opened is None:
            return
        end_sec = max(segment.end_sec for segment in run)
        opened.incident = dataclasses.replace(opened.incident,
                                              end_wall=opened.session.wall_at(end_sec))
        if opened.recorder is not None:
            opened.recorder.finish_at(end_sec + self.config.postroll_sec)

    def _close_all(self, trackers: dict[str, Hysteresis]) -> None:
        for label, tracker in trackers.items():
            if tracker.current:
                self._close(label, tracker.current)
            tracker.current = None

    def _finish_recorders(self) -> None:
        with self._buffer.lock:
            recorders = list(self._recorders)
        for recorder in recorders:
            recorder.finish_now()

    def _clip_done(self, opened: _Open, recorder: ClipRecorder) -> None:
        with self._buffer.lock:
            if recorder in self._recorders:
                self._recorders.remove(recorder)
        self._deliver_clip(opened, error=recorder.error, start_wall=recorder.first_wall)

    def _deliver_clip(self, opened: _Open, *, error: str,
                      start_wall: datetime | None = None) -> None:
        final = dataclasses.replace(opened.incident, clip_ready=not error, clip_error=error,
                                    clip_start_wall=start_wall)
        self._call(self._on_clip_ready, final)

