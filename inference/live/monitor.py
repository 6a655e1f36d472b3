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

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from inference.batches import assemble_clips, crop_size_for
from inference.decode import Frame, FrameScaler, sample_at, scaled_size
from inference.errors import StreamError, VigilError
from inference.live.contract import LiveConfig, LiveIncident, LiveMetrics
from inference.live.incidents import IncidentDesk
from inference.live.preroll import BufferedFrame, PrerollBuffer, to_jpeg
from inference.live.scoring import LiveScorer, live_windows, scorer_for, window_times
from inference.live.source import StreamClock, open_stream, redact_url, stream_error
from inference.probe import video_streams
from inference.types import ProbeLimits, VideoMeta, Window

log = logging.getLogger(__name__)

#: Rates (fps in, windows scored) are measured over this many seconds.
RATE_SPAN_SEC = 5.0
#: A connection that stayed up this long resets the reconnect backoff.
HEALTHY_SEC = 10.0
#: The pre-roll buffer also covers the model's recent (slowest, decaying) time per window, up
#: to this many seconds: an incident's pre-roll is still buffered when its window is scored.
MAX_SCORING_COVER_SEC = 60.0


class _Stopped(Exception):
    """Raised inside the frame iterator when the monitor stops (an endless window plan must
    not be flushed to its end)."""


class _Rate:
    """Events per second over the last :data:`RATE_SPAN_SEC` seconds."""

    def __init__(self) -> None:
        self._times: deque[float] = deque()

    def tick(self, now: float) -> None:
        self._times.append(now)
        self.per_sec(now)

    def per_sec(self, now: float) -> float:
        while self._times and self._times[0] < now - RATE_SPAN_SEC:
            self._times.popleft()
        return round(len(self._times) / RATE_SPAN_SEC, 2)


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
        self._model_failed = threading.Event()
        self._state, self._reason = "stopped", ""
        self._state_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._base_keep_sec = config.preroll_sec + config.window_sec + config.max_lag_sec + 2.0
        self._buffer = PrerollBuffer(keep_sec=self._base_keep_sec + 2.0)
        self._slowest_sec = 0.0
        self._desk: IncidentDesk | None = None
        self._windows: deque[tuple[StreamClock, Window, np.ndarray, float]] = deque()
        self._windows_ready = threading.Condition()
        self._max_waiting = max(1, int(config.max_lag_sec / config.stride_sec) + 1)
        self._fps_in, self._fps_scored = _Rate(), _Rate()
        self._counts = {"scored": 0, "dropped": 0, "reconnects": 0, "frames": 0}
        self._lag_sec = 0.0
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
        recorders = self._buffer.recorders()
        for recorder in recorders:
            recorder.finish_now()
        for recorder in recorders:
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
                           incidents=self._desk.count if self._desk is not None else 0,
                           frames_in=self._counts["frames"], queue_len=len(self._windows))

    def latest_jpeg(self) -> bytes | None:
        """The last decoded frame as JPEG (clip size), for a preview; ``None`` before one."""
        latest = self._buffer.latest()
        if latest is None:
            return None
        cached = self._jpeg_cache
        if cached is not None and cached[0] == id(latest.image):
            return cached[1]
        data = to_jpeg(latest.image)
        self._jpeg_cache = (id(latest.image), data)
        return data

    # -- state ----------------------------------------------------------------------------
    def _set_state(self, state: str, reason: str) -> None:
        with self._state_lock:
            if (state, reason) == (self._state, self._reason):
                return
            if self._state == "stopped" and state != "connecting":
                return  # nothing changes a stopped monitor's state but a start
            if self._state == "error" and state != "stopped":
                return  # an error is final: the URL or the model will not get better
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
        number = 0
        while not self._stop.is_set() and not self._model_failed.is_set():
            number += 1
            clock = StreamClock(number=number)
            try:
                self._run_connection(clock)
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
                for recorder in self._buffer.recorders():
                    recorder.finish_now()
                self._buffer.clear()
            if self._stop.is_set() or self._model_failed.is_set():
                return
            healthy = clock.last_sec is not None and clock.last_sec > HEALTHY_SEC
            attempt = 0 if healthy else attempt + 1
            self._counts["reconnects"] += 1
            self._set_state("reconnecting", reason)
            delay = min(self.config.backoff_max_sec,
                        self.config.backoff_min_sec * 2 ** min(attempt, 16))
            self._stop.wait(random.uniform(delay / 2, delay))  # noqa: S311 - jitter, not secrets

    def _run_connection(self, clock: StreamClock) -> None:
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
            frames = self._frames(container, stream, clock)
            first = next(frames, None)
            scorer = self._wait_for_scorer()
            if first is None or scorer is None:
                return
            meta = _live_meta(self.url_redacted, stream, first.av_frame, fps=self._fps)
            scaler = FrameScaler.for_video(meta, size=crop_size_for(meta, scorer.spec))

            def plan() -> Iterator[Window]:
                return live_windows(clip_len=scorer.clip_len, window_sec=config.window_sec,
                                    stride_sec=config.stride_sec)

            def every_frame() -> Iterator[Frame]:
                yield first
                yield from frames

            sampled = sample_at(every_frame(), window_times(plan()))
            for window, clip in assemble_clips(sampled, plan(), scaler=scaler,
                                               crop_size=scorer.spec.crop_size):
                self._enqueue(clock, window, clip)

    def _frames(self, container: av.container.InputContainer, stream: av.VideoStream,
                clock: StreamClock) -> Iterator[Frame]:
        """Decoded frames in stream time; each also goes to the pre-roll buffer (and so to the
        clips being written). Raises :class:`StreamError` when the stream fails, ends or
        changes size, and ``_Stopped`` when the monitor stops."""
        size: tuple[int, int] | None = None
        clip_size = (0, 0)
        reformatter = VideoReformatter()
        try:
            for av_frame in container.decode(stream):
                if self._stop.is_set():
                    raise _Stopped
                if size is None:
                    size = (av_frame.width, av_frame.height)
                    meta = _live_meta(self.url_redacted, stream, av_frame, fps=self._fps)
                    clip_size = scaled_size(meta, max_height=self.config.clip_max_height)
                    self._set_state("live", "")
                elif (av_frame.width, av_frame.height) != size:
                    raise StreamError(
                        f"the picture changed size from {size[0]}x{size[1]} to "
                        f"{av_frame.width}x{av_frame.height}; reopening", code="stream_changed")
                pts_sec = clock.time_of(av_frame)
                image = reformatter.reformat(av_frame, width=clip_size[0], height=clip_size[1],
                                             format="yuv420p", interpolation="BILINEAR")
                self._buffer.push(BufferedFrame(pts_sec=pts_sec, wall=clock.wall_at(pts_sec),
                                                image=image))
                self._fps_in.tick(time.monotonic())
                self._counts["frames"] += 1
                yield Frame(pts_sec=pts_sec, av_frame=av_frame)
        except av.error.FFmpegError as exc:
            raise stream_error(exc, url=self.url) from None
        if self._stop.is_set():
            raise _Stopped
        raise StreamError("the stream ended", code="stream_ended")

    def _enqueue(self, clock: StreamClock, window: Window, clip: np.ndarray) -> None:
        with self._windows_ready:
            self._windows.append((clock, window, clip, time.monotonic()))
            while len(self._windows) > self._max_waiting:
                self._windows.popleft()
                self._counts["dropped"] += 1
            self._windows_ready.notify()

    def _wait_for_scorer(self) -> LiveScorer | None:
        while self._scorer is None and not self._stop.is_set():
            if self._model_failed.is_set():
                return None
            self._stop.wait(0.1)
        return self._scorer

    # -- scoring thread -------------------------------------------------------------------
    def _score_loop(self) -> None:
        try:
            if self._scorer is None:
                self._scorer = scorer_for(self.config)
        except (VigilError, OSError) as exc:
            self._model_failed.set()
            self._set_state("error", f"the model could not be loaded ({exc})")
            return
        scorer = self._scorer
        desk = self._desk = IncidentDesk(
            labels=scorer.watched, config=self.config, clip_dir=self.clip_dir,
            buffer=self._buffer, clip_fps=lambda: self._fps,
            on_incident=lambda incident: self._call(self._on_incident, incident),
            on_clip_ready=lambda incident: self._call(self._on_clip_ready, incident))
        while not self._stop.is_set():
            item = self._next_window()
            if item is None:
                continue
            clock, window, clip, ready = item
            started = time.monotonic()
            segment = scorer.score(window, clip)
            now = time.monotonic()
            self._slowest_sec = max(now - started, 0.95 * self._slowest_sec)
            self._buffer.keep_sec = self._base_keep_sec + min(MAX_SCORING_COVER_SEC,
                                                              1.5 * self._slowest_sec + 2.0)
            self._lag_sec = now - ready
            self._fps_scored.tick(now)
            self._counts["scored"] += 1
            self._call(self._on_scores, clock.wall_at(window.end_sec).timestamp(),
                       dict(segment.scores))
            desk.push(segment, clock=clock, scored=now)
        desk.close_all()

    def _next_window(self) -> tuple[StreamClock, Window, np.ndarray, float] | None:
        """The oldest waiting window that has not waited over ``max_lag_sec`` (older ones
        are dropped), or ``None`` after a short wait."""
        with self._windows_ready:
            if not self._windows:
                self._windows_ready.wait(0.5)
            now = time.monotonic()
            while self._windows and now - self._windows[0][3] > self.config.max_lag_sec:
                self._windows.popleft()
                self._counts["dropped"] += 1
            return self._windows.popleft() if self._windows else None


def _live_meta(url_redacted: str, stream: av.VideoStream, frame: av.VideoFrame, *,
               fps: float) -> VideoMeta:
    """The stream described as a video of unknown length (its first picture's size), for the
    sizing helpers files use."""
    return VideoMeta(path=url_redacted, container="live", codec=stream.codec_context.name,
                     width=frame.width, height=frame.height, rotation=0, fps=fps,
                     frame_count=0, duration_sec=0.0, start_sec=0.0, size_bytes=0)
