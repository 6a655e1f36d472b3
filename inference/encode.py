"""Shared video output: frames scaled to yuv420p with their durations, and an H.264 writer.

Used by the annotated render and by incident clips. Frames keep their input presentation
times; each lasts until the next one (the last until the requested end).
"""
from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing, suppress
from fractions import Fraction

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from inference.decode import Frame, frames_between, iter_frames
from inference.orientation import orient
from inference.types import VideoMeta

#: Output stream time base: 1/90000 s (the MPEG/MP4 video convention).
OUT_TIME_BASE = Fraction(1, 90000)

_AVCOL_RANGE_JPEG = 2


def yuv_planes(frame: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Writable numpy views (no copy) of a yuv420p frame's Y ``(H, W)``, U and V planes."""
    views = []
    for plane in frame.planes:
        # A plane exports the buffer protocol; PyAV's stubs do not declare it.
        flat = np.frombuffer(plane, np.uint8)  # type: ignore[call-overload]
        views.append(flat.reshape(plane.height, plane.line_size)[:, :plane.width])
    return views[0], views[1], views[2]


def rotate_yuv(frame: av.VideoFrame, rotation: int, *, mirrored: bool = False,
               ) -> av.VideoFrame:
    """A new yuv420p frame mirrored left-right if ``mirrored``, then rotated clockwise by
    ``rotation`` degrees (see :func:`inference.orientation.orient`)."""
    y, u, v = (orient(p, rotation=rotation, mirrored=mirrored) for p in yuv_planes(frame))
    h, w = y.shape
    packed = np.empty((h * 3 // 2, w), np.uint8)
    packed[:h] = y
    packed[h:].reshape(-1)[:] = np.concatenate([u.reshape(-1), v.reshape(-1)])
    rotated = av.VideoFrame.from_ndarray(packed, format="yuv420p")
    rotated.colorspace = frame.colorspace
    rotated.color_range = frame.color_range
    return rotated


def with_durations(frames: Iterable[Frame], *, end_sec: float,
                    fallback_sec: float) -> Iterator[tuple[Frame, float]]:
    """Pair each frame with its display duration (seconds): the gap to the next frame.

    The last frame lasts until ``end_sec`` (the input's end), or ``fallback_sec`` if that is
    not after it. Of frames sharing one timestamp only the last is kept: the others are never
    on screen (zero duration), and zero-length samples upset MP4 duration arithmetic.
    """
    previous: Frame | None = None
    for frame in frames:
        if previous is not None:
            gap_sec = frame.pts_sec - previous.pts_sec
            if gap_sec > 0:
                yield previous, gap_sec
                fallback_sec = gap_sec
        previous = frame
    if previous is not None:
        last = end_sec - previous.pts_sec
        yield previous, last if last > 0 else fallback_sec


def scaled_yuv_frames(meta: VideoMeta, *, size: tuple[int, int], fallback_sec: float,
                      start_sec: float = 0.0, end_sec: float | None = None,
                      ) -> Generator[tuple[Frame, float, av.VideoFrame], None, None]:
    """``(frame, duration_sec, image)`` for the frames on screen in ``[start_sec, end_sec)``
    (default: the whole video), re-timed to start at 0, each with its display duration and a
    writable yuv420p ``image`` of display ``size`` = ``(width, height)`` (display orientation:
    mirror, rotation, applied)."""
    width, height = size
    rotation = meta.rotation % 360
    scale_w, scale_h = (height, width) if rotation in (90, 270) else (width, height)
    end_sec = meta.duration_sec if end_sec is None else end_sec
    reformatter = VideoReformatter()  # one swscale context for the clip (per-frame is 3x slower)
    with closing(iter_frames(meta)) as decoded:
        frames: Iterable[Frame] = decoded
        if start_sec > 0 or end_sec < meta.duration_sec:
            frames = frames_between(decoded, start_sec=start_sec, end_sec=end_sec)
        for frame, duration_sec in with_durations(frames, end_sec=end_sec - start_sec,
                                                  fallback_sec=fallback_sec):
            source = frame.av_frame
            full_range = (source.color_range == _AVCOL_RANGE_JPEG
                          or source.format.name.startswith("yuvj"))
            image = reformatter.reformat(
                source, width=scale_w, height=scale_h, format="yuv420p",
                interpolation="BILINEAR", dst_color_range="MPEG" if full_range else None,
                threads=1)
            if rotation or meta.mirrored:
                image = rotate_yuv(image, rotation, mirrored=meta.mirrored)
            elif image is source:
                image.make_writable()  # copies if the decoder still references the buffer
            yield frame, duration_sec, image


class H264Writer:
    """Write yuv420p frames to an H.264 MP4 (``+faststart``) with the timestamps given.

    Use as a context manager: frames go to ``out_path + ".part"``, renamed to ``out_path`` when
    the block ends without an exception and removed otherwise, so ``out_path`` is never
    half-written. Timestamps are in seconds (time base 1/90000); each frame's duration is
    carried into the MP4 so variable frame rate and the last frame's length survive.
    """

    def __init__(self, out_path: str, *, width: int, height: int, fps: float,
                 preset: str = "superfast", crf: int = 23) -> None:
        self.out_path = out_path
        self.part_path = out_path + ".part"
        self.width, self.height = width, height
        self.rate = Fraction(fps).limit_denominator(1001) if fps > 0 else Fraction(30)
        self.options = {"preset": preset, "crf": str(crf)}
        self.frames_written = 0
        self._last_pts = -1
        self._durations: dict[int, int] = {}

    def __enter__(self) -> H264Writer:
        self._container = av.open(self.part_path, mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        stream = self._container.add_stream("libx264", rate=self.rate, options=self.options)
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, "yuv420p"
        stream.thread_type = "AUTO"
        stream.codec_context.time_base = OUT_TIME_BASE
        stream.time_base = OUT_TIME_BASE
        self._stream = stream
        return self

    def write(self, image: av.VideoFrame, *, pts_sec: float, duration_sec: float) -> None:
        """Encode one yuv420p frame shown from ``pts_sec`` for ``duration_sec``."""
        if self.frames_written == 0:
            ctx = self._stream.codec_context
            ctx.colorspace = image.colorspace
            ctx.color_range = 1  # MPEG (limited)
            ctx.color_primaries = image.color_primaries
            ctx.color_trc = image.color_trc
        pts = max(self._last_pts + 1, round(pts_sec / OUT_TIME_BASE))
        duration = max(1, round(duration_sec / OUT_TIME_BASE))
        self._last_pts = pts
        self._durations[pts] = duration
        image.pts = pts
        image.time_base = OUT_TIME_BASE
        image.duration = duration
        self._mux(self._stream.encode(image))
        self.frames_written += 1

    def _mux(self, packets: list[av.Packet[av.VideoStream]]) -> None:
        for packet in packets:
            duration = self._durations.pop(packet.pts, None) if packet.pts is not None else None
            if duration:
                packet.duration = duration
            self._container.mux(packet)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: object) -> None:
        try:
            if exc_type is None:
                self._mux(self._stream.encode(None))
        finally:
            self._container.close()
            if exc_type is None:
                os.replace(self.part_path, self.out_path)
            else:
                with suppress(FileNotFoundError):
                    os.remove(self.part_path)
