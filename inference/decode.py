"""Streaming decode with PyAV: frames at a requested size with presentation timestamps.

Nothing here holds more than a frame or two: callers iterate. Frames are scaled by FFmpeg's
swscale straight to the target size (no full-size RGB copy), and the display matrix (mirror,
then rotation) is applied after scaling. Times are seconds from the first frame, taken from each
frame's presentation timestamp, so variable-frame-rate files are timed correctly.

Only the stream the probe chose (``meta.stream_index``) is read, and every decoded frame is
held to the probe's size limits (``meta.limits``): a stream may change its frame size after
the first frame, which is all the probe decodes. FFmpeg's own ``max_pixels`` codec option makes
the decoder refuse such a frame before allocating it; a frame that still gets through is
refused here. Either way the reason is ``frame_too_large``.
"""
from __future__ import annotations

import errno
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from inference.errors import VideoRejected
from inference.orientation import orient
from inference.probe import _corrupt, check_frame_size, open_container
from inference.types import VideoMeta


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: its time and the FFmpeg frame (convert with :class:`FrameScaler`)."""

    pts_sec: float
    av_frame: av.VideoFrame


def scaled_size(meta: VideoMeta, *, short_side: int | None = None, max_height: int | None = None,
                ) -> tuple[int, int]:
    """Display ``(width, height)`` after scaling, aspect kept, even numbers (for yuv420p).

    ``short_side`` scales the shorter edge to that many pixels; ``max_height`` only shrinks.
    """
    width, height = meta.display_width, meta.display_height
    if short_side is not None:
        scale = short_side / min(width, height)
    elif max_height is not None and height > max_height:
        scale = max_height / height
    else:
        scale = 1.0
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def iter_frames(meta: VideoMeta, *, threads: int = 0, skip_nonref: bool = False,
                start_sec: float = 0.0) -> Generator[Frame, None, None]:
    """Yield every frame of the probed video stream in presentation order.

    ``skip_nonref`` asks the decoder to skip non-reference frames (``skip_frame = NONREF``:
    nothing else depends on them, so the others decode unchanged); only for sparse sampling
    (:func:`nonref_skip_allowed`). ``start_sec`` > 0 seeks first to the key frame at or before
    that time (frames before ``start_sec`` may still come, never a frame after it is skipped):
    a chunk of a long video decodes from its own start. AVI (timed by output order) is always
    read from the start.

    Timestamps follow libavcodec's best-effort rule: the frame's pts unless pts has gone
    backwards more often than the packet dts; frames without either get the previous time plus
    one nominal frame. AVI stores no presentation times (B-frames there carry decode-order
    stamps) and is constant-rate by design, so its frames are timed by their output order.

    Raises ``VideoRejected`` with code ``frame_too_large`` for a frame over ``meta.limits``.
    """
    fallback_step = 1.0 / meta.fps if meta.fps > 0 else 0.0
    limits = meta.limits
    with open_container(meta.path, demuxer=meta.container, timeout_sec=60.0) as container:
        stream = container.streams[meta.stream_index]
        if not isinstance(stream, av.video.stream.VideoStream):
            raise VideoRejected("the probed video stream is gone from the file", code="corrupt")
        stream.thread_type = "AUTO"
        if skip_nonref:
            stream.codec_context.skip_frame = "NONREF"
        if threads:
            stream.codec_context.thread_count = threads
        # libavcodec checks every picture it allocates against this (av_image_check_size2).
        stream.codec_context.options = {**stream.codec_context.options,
                                        "max_pixels": str(limits.max_pixels)}
        clock = _BestEffortClock()
        by_order = meta.container == "avi"
        if start_sec > 0 and not by_order and stream.time_base is not None:
            container.seek(int((start_sec + meta.start_sec) / stream.time_base),
                           stream=stream, backward=True, any_frame=False)
        last_sec = -fallback_step
        frames = container.decode(stream)
        try:
            for index, av_frame in enumerate(frames):
                check_frame_size(av_frame.width, av_frame.height, limits)
                stamp = clock.timestamp(av_frame.pts, av_frame.dts)
                if by_order:
                    pts_sec = index * fallback_step
                elif stamp is not None and av_frame.time_base is not None:
                    pts_sec = float(stamp * av_frame.time_base) - meta.start_sec
                else:
                    pts_sec = last_sec + fallback_step
                if pts_sec < last_sec:
                    continue  # duplicated or out-of-order stamp: keep time monotonic
                last_sec = pts_sec
                yield Frame(pts_sec=pts_sec, av_frame=av_frame)
        except av.error.InvalidDataError as exc:
            raise _corrupt(exc) from None
        except av.error.FFmpegError as exc:
            if _over_max_pixels(exc):
                raise VideoRejected(
                    f"a frame of the video is over the size limit of {limits.max_width}x"
                    f"{limits.max_height} (or has no valid size)", code="frame_too_large",
                ) from None
            raise VideoRejected(f"decoding failed ({exc})", code="corrupt") from None


def _over_max_pixels(exc: av.error.FFmpegError) -> bool:
    """True for the error a decoder returns when a picture breaks ``max_pixels``:
    ``av_image_check_size2`` answers ``AVERROR(EINVAL)`` (corrupt data is ``INVALIDDATA``)."""
    return isinstance(exc, av.error.ArgumentError) and exc.errno == errno.EINVAL


class _BestEffortClock:
    """libavcodec's ``guess_correct_pts``: trust pts or dts, whichever misbehaves less."""

    def __init__(self) -> None:
        self.faulty_pts = self.faulty_dts = 0
        self.last_pts: int | None = None
        self.last_dts: int | None = None

    def timestamp(self, pts: int | None, dts: int | None) -> int | None:
        if dts is not None:
            self.faulty_dts += self.last_dts is not None and dts <= self.last_dts
            self.last_dts = dts
        if pts is not None:
            self.faulty_pts += self.last_pts is not None and pts <= self.last_pts
            self.last_pts = pts
        if pts is not None and (self.faulty_pts <= self.faulty_dts or dts is None):
            return pts
        return dts


class FrameScaler:
    """Scale frames to one display ``size`` = ``(width, height)`` as ``(H, W, 3)`` uint8 RGB.

    Keeps one swscale context for the whole clip (``frame.to_ndarray(width=...)`` builds a new
    one per frame, about 3x slower). The display orientation (mirror left-right if
    ``mirrored``, then ``rotation`` clockwise degrees) is applied after scaling.
    """

    def __init__(self, *, size: tuple[int, int], rotation: int = 0, mirrored: bool = False,
                 ) -> None:
        width, height = size
        self.rotation = rotation % 360
        self.mirrored = mirrored
        self.coded_size = (height, width) if self.rotation in (90, 270) else (width, height)
        self._reformatter = VideoReformatter()

    def to_rgb(self, frame: av.VideoFrame) -> np.ndarray:
        width, height = self.coded_size
        scaled = self._reformatter.reformat(frame, width=width, height=height, format="rgb24",
                                            interpolation="BILINEAR")
        return orient(scaled.to_ndarray(), rotation=self.rotation, mirrored=self.mirrored)

    @classmethod
    def for_video(cls, meta: VideoMeta, *, size: tuple[int, int]) -> FrameScaler:
        """A scaler to display ``size`` with ``meta``'s orientation."""
        return cls(size=size, rotation=meta.rotation, mirrored=meta.mirrored)


def to_array(frame: av.VideoFrame, *, size: tuple[int, int], rotation: int = 0,
             mirrored: bool = False) -> np.ndarray:
    """One frame scaled to display ``size`` as ``(H, W, 3)`` RGB (see :class:`FrameScaler`)."""
    return FrameScaler(size=size, rotation=rotation, mirrored=mirrored).to_rgb(frame)


#: Sampling sparser than one frame in this many lets the decoder skip non-reference frames.
NONREF_MIN_STEP_FRAMES = 6


def nonref_skip_allowed(meta: VideoMeta, *, step_sec: float) -> bool:
    """Whether samples ``step_sec`` apart may come from reference frames only: the sampled
    frame then moves back by at most the run of non-reference frames before it (x264's
    default: 3 B-frames, some of them references), a small part of a step of
    :data:`NONREF_MIN_STEP_FRAMES` frames or more. Off for intra-only and AVI files."""
    return (meta.fps > 0 and step_sec * meta.fps >= NONREF_MIN_STEP_FRAMES
            and meta.container != "avi")


def iter_sampled(meta: VideoMeta, times_sec: Sequence[float], *, size: tuple[int, int],
                 skip_nonref: bool = False) -> Iterator[tuple[float, np.ndarray]]:
    """Decode only what is sampled: each requested time (ascending) with the frame on screen
    then (:func:`sample_at`), scaled by FFmpeg to display ``size`` as ``(H, W, 3)`` uint8 RGB.

    Every requested time is answered once; a frame that several times share is converted
    once (the same array is yielded again) and frames no time asks for are never converted.
    """
    scaler = FrameScaler.for_video(meta, size=size)
    last: Frame | None = None
    image: np.ndarray | None = None
    for t, frame in sample_at(iter_frames(meta, skip_nonref=skip_nonref), times_sec):
        if frame is not last or image is None:
            last, image = frame, scaler.to_rgb(frame.av_frame)
        yield t, image


def sample_at(frames: Iterable[Frame], times_sec: Iterable[float]) -> Iterator[tuple[float, Frame]]:
    """Pair each requested time (ascending) with the frame on screen at that moment.

    The frame on screen at ``t`` is the last one whose timestamp is ``<= t``; times before the
    first frame get the first frame, times past the end get the last frame.
    """
    pending = iter(times_sec)
    target = next(pending, None)
    previous: Frame | None = None
    for frame in frames:
        while target is not None and frame.pts_sec > target:
            yield target, previous if previous is not None else frame
            target = next(pending, None)
        if target is None:
            return
        previous = frame
    while target is not None and previous is not None:
        yield target, previous
        target = next(pending, None)


def frames_between(frames: Iterable[Frame], *, start_sec: float, end_sec: float,
                   ) -> Iterator[Frame]:
    """Frames on screen during ``[start_sec, end_sec)``, re-timed to start at 0.

    The frame already on screen at ``start_sec`` (the last one at or before it) opens the clip.
    """
    previous: Frame | None = None
    opened = False
    for frame in frames:
        if frame.pts_sec >= end_sec:
            break
        if frame.pts_sec <= start_sec:
            previous = frame
            continue
        if not opened:
            opened = True
            if previous is not None:
                yield Frame(pts_sec=0.0, av_frame=previous.av_frame)
        yield Frame(pts_sec=frame.pts_sec - start_sec, av_frame=frame.av_frame)
    if not opened and previous is not None:
        yield Frame(pts_sec=0.0, av_frame=previous.av_frame)
