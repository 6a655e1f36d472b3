"""The pre-roll ring buffer of a live stream and the recorder that turns it into a clip.

Decoded frames are kept small (scaled once to the clip size, yuv420p) for a bounded span of
stream time, so an incident's clip can start ``preroll_sec`` before the window that opened it
although that window was scored seconds after its frames went by. Memory: ``keep_sec x fps``
frames of ``W x H x 1.5`` bytes, whatever the run length; the monitor keeps pre-roll + window +
``max_lag_sec`` + the model's recent time per window (12 s of 640x360 at 15 fps: 62 MB).

A :class:`ClipRecorder` is fed the buffered frames from its start and then every new frame
until it is told where the event ended (plus post-roll), and encodes them in its own thread
with :class:`inference.encode.H264Writer`: the decode thread never waits for the encoder.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import av
from PIL import Image

from inference.decode import Frame
from inference.encode import H264Writer, with_durations

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BufferedFrame:
    """One decoded frame at clip size: stream time (seconds), wall time, yuv420p image."""

    pts_sec: float
    wall: datetime
    image: av.VideoFrame


class PrerollBuffer:
    """The last ``keep_sec`` seconds of frames (stream time), and the clips they feed;
    thread-safe (the decode thread pushes, the scoring thread reads and attaches clips)."""

    def __init__(self, *, keep_sec: float) -> None:
        self.keep_sec = keep_sec
        self._lock = threading.Lock()
        self._frames: deque[BufferedFrame] = deque()
        self._recorders: list[ClipRecorder] = []

    def push(self, frame: BufferedFrame) -> None:
        """Append the newest frame, feed it to every attached clip, and forget frames older
        than ``keep_sec`` before it."""
        with self._lock:
            self._frames.append(frame)
            while self._frames and self._frames[0].pts_sec < frame.pts_sec - self.keep_sec:
                self._frames.popleft()
            for recorder in self._recorders:
                recorder.feed(frame)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()

    def attach(self, make: Callable[[BufferedFrame], ClipRecorder], *, start_sec: float,
               ) -> ClipRecorder | None:
        """Start a clip at ``start_sec``: ``make(first frame)`` builds its recorder, which is
        fed the buffered frames from the one on screen at ``start_sec`` and then every new
        frame until it is done. ``None`` when nothing is buffered."""
        with self._lock:
            frames = list(self._frames)
            if not frames:
                return None
            first = 0
            for i, frame in enumerate(frames):
                if frame.pts_sec <= start_sec:
                    first = i
            recorder = make(frames[first])
            for frame in frames[first:]:
                recorder.feed(frame)
            self._recorders.append(recorder)
            return recorder

    def detach(self, recorder: ClipRecorder) -> None:
        with self._lock:
            if recorder in self._recorders:
                self._recorders.remove(recorder)

    def recorders(self) -> list[ClipRecorder]:
        with self._lock:
            return list(self._recorders)

    def at(self, time_sec: float) -> BufferedFrame | None:
        """The frame on screen at ``time_sec`` (the oldest kept one if it is earlier)."""
        with self._lock:
            chosen = self._frames[0] if self._frames else None
            for frame in self._frames:
                if frame.pts_sec > time_sec:
                    break
                chosen = frame
            return chosen

    def latest(self) -> BufferedFrame | None:
        with self._lock:
            return self._frames[-1] if self._frames else None

    def __len__(self) -> int:
        return len(self._frames)


def to_jpeg(image: av.VideoFrame, *, quality: int = 82) -> bytes:
    """JPEG bytes of a frame (RGB conversion by PyAV)."""
    out = BytesIO()
    Image.fromarray(image.to_ndarray(format="rgb24")).save(out, format="JPEG", quality=quality)
    return out.getvalue()


_END = object()
#: H264Writer stamps each frame it encodes (pts, time base); buffered frames are shared by every
#: clip of the process, so one frame is stamped and encoded at a time.
_ENCODE_LOCK = threading.Lock()


class ClipRecorder:
    """Encode ``[start_sec, stop)`` of a stream to ``path`` (H.264 MP4) in a thread.

    ``feed`` never blocks: at most ``max_queue`` frames (a minute at 25 fps: the pre-roll of a
    slow model's window fits) wait for the encoder, more are dropped (``frames_dropped``). The
    clip ends at the first frame at or after the time given to :meth:`finish_at`, after
    ``max_sec``, or at :meth:`finish_now`; then ``on_done(recorder)`` runs in the recorder's
    thread (``error`` says why a clip failed).
    """

    def __init__(self, path: Path, *, start_sec: float, width: int, height: int, fps: float,
                 max_sec: float, on_done: Callable[[ClipRecorder], None],
                 max_queue: int = 1500) -> None:
        self.path = path
        self.start_sec = start_sec
        self.width, self.height, self.fps = width, height, fps
        self.max_sec = max_sec
        self.first_wall: datetime | None = None
        self.written_sec = 0.0
        self.frames_dropped = 0
        self.error = ""
        self.done = threading.Event()
        self._stop_sec: float | None = None
        self._queue: queue.Queue[BufferedFrame | object] = queue.Queue(maxsize=max_queue)
        self._on_done = on_done
        self._thread = threading.Thread(target=self._run, name="vigil-live-clip", daemon=True)
        self._thread.start()

    def feed(self, frame: BufferedFrame) -> None:
        if self.done.is_set():
            return
        try:
            self._queue.put_nowait(frame)
        except queue.Full:
            self.frames_dropped += 1

    def finish_at(self, stop_sec: float) -> None:
        """End the clip at the first frame at or after ``stop_sec`` (stream time)."""
        self._stop_sec = stop_sec

    def finish_now(self) -> None:
        """End the clip with the frames fed so far (the stream went away, or a stop)."""
        while True:
            try:
                self._queue.put(_END, timeout=1.0)
                return
            except queue.Full:
                if self.done.is_set():
                    return

    def join(self, timeout_sec: float) -> None:
        self._thread.join(timeout_sec)

    def _frames(self) -> Iterator[Frame]:
        while True:
            item = self._queue.get()
            if not isinstance(item, BufferedFrame):
                return
            stop = self._stop_sec
            if (stop is not None and item.pts_sec >= stop) or \
                    item.pts_sec - self.start_sec >= self.max_sec:
                return
            if self.first_wall is None:
                self.first_wall = item.wall
                self.start_sec = min(self.start_sec, item.pts_sec)
            yield Frame(pts_sec=item.pts_sec - self.start_sec, av_frame=item.image)

    def _run(self) -> None:
        fallback_sec = 1.0 / self.fps if self.fps > 0 else 1.0 / 15
        try:
            with H264Writer(str(self.path), width=self.width, height=self.height, fps=self.fps,
                            crf=26) as writer:
                for frame, duration_sec in with_durations(self._frames(), end_sec=0.0,
                                                          fallback_sec=fallback_sec):
                    with _ENCODE_LOCK:
                        writer.write(frame.av_frame, pts_sec=frame.pts_sec,
                                     duration_sec=duration_sec)
                    self.written_sec = frame.pts_sec + duration_sec
                if writer.frames_written == 0:
                    raise ValueError("no frame reached the clip")
        except Exception as exc:  # noqa: BLE001 - reported through on_done, never raised
            self.error = f"the clip could not be written ({exc})"
            log.warning("live clip %s failed: %s", self.path.name, exc)
        finally:
            self.done.set()
            while not self._queue.empty():  # let go of the frames nobody will encode
                self._queue.get_nowait()
        self._on_done(self)
