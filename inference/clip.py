"""Cut a short H.264 clip and a still JPEG out of a video (for alert incidents).

Django-free: takes a :class:`VideoMeta` and paths. Frame timing follows ``render.py``: every
output frame keeps its input presentation time (shifted so the clip starts at 0) and lasts
until the next frame, so variable-frame-rate sources stay correctly timed.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing
from fractions import Fraction

import av
from av.video.reformatter import VideoReformatter
from PIL import Image

from inference.decode import Frame, iter_frames, scaled_size, to_array
from inference.errors import VideoRejected
from inference.render import OUT_TIME_BASE, _rotate, _with_durations
from inference.types import VideoMeta

_AVCOL_RANGE_JPEG = 2


def _window(frames: Iterator[Frame], *, start_sec: float, end_sec: float) -> Iterator[Frame]:
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


def cut_clip(meta: VideoMeta, out_path: str, *, start_sec: float, end_sec: float,
             max_height: int = 360, preset: str = "superfast", crf: int = 26) -> float:
    """Write ``[start_sec, end_sec)`` of the video as H.264/MP4 (yuv420p, faststart).

    Scaled down to ``max_height`` if taller (rotation applied). Written to ``out_path + ".part"``
    and renamed. Returns the clip's duration in seconds.
    """
    start_sec = max(0.0, start_sec)
    end_sec = min(end_sec, meta.duration_sec) if meta.duration_sec > 0 else end_sec
    if end_sec <= start_sec:
        raise ValueError(f"empty clip: {start_sec:.3f}-{end_sec:.3f} s")
    out_w, out_h = scaled_size(meta, max_height=max_height)
    rotation = meta.rotation % 360
    scale_w, scale_h = (out_h, out_w) if rotation in (90, 270) else (out_w, out_h)
    fallback_sec = 1.0 / meta.fps if meta.fps > 0 else 1.0 / 30.0
    part_path = out_path + ".part"
    written_sec = 0.0
    try:
        with av.open(part_path, mode="w", format="mp4",
                     options={"movflags": "+faststart"}) as container:
            rate = Fraction(meta.fps).limit_denominator(1001) if meta.fps > 0 else Fraction(30)
            stream = container.add_stream("libx264", rate=rate,
                                          options={"preset": preset, "crf": str(crf)})
            stream.width, stream.height, stream.pix_fmt = out_w, out_h, "yuv420p"
            stream.codec_context.time_base = OUT_TIME_BASE
            stream.time_base = OUT_TIME_BASE
            reformatter = VideoReformatter()
            durations: dict[int, int] = {}
            last_pts = -1
            count = 0

            def mux(packets: list[av.Packet]) -> None:
                for packet in packets:
                    duration = durations.pop(packet.pts, None) if packet.pts is not None else None
                    if duration:
                        packet.duration = duration
                    container.mux(packet)

            with closing(iter_frames(meta)) as frames:
                window = _window(frames, start_sec=start_sec, end_sec=end_sec)
                for frame, duration_sec in _with_durations(
                        window, end_sec=end_sec - start_sec, fallback_sec=fallback_sec):
                    source = frame.av_frame
                    full_range = (source.color_range == _AVCOL_RANGE_JPEG
                                  or source.format.name.startswith("yuvj"))
                    image = reformatter.reformat(
                        source, width=scale_w, height=scale_h, format="yuv420p",
                        interpolation="BILINEAR",
                        dst_color_range="MPEG" if full_range else None)
                    if rotation:
                        image = _rotate(image, rotation)
                    pts = max(last_pts + 1, round(frame.pts_sec / OUT_TIME_BASE))
                    duration = max(1, round(duration_sec / OUT_TIME_BASE))
                    last_pts = pts
                    durations[pts] = duration
                    image.pts = pts
                    image.time_base = OUT_TIME_BASE
                    mux(stream.encode(image))
                    written_sec = frame.pts_sec + duration_sec
                    count += 1
            if count == 0:
                raise VideoRejected("no frame could be decoded for the clip", code="corrupt")
            mux(stream.encode(None))
        os.replace(part_path, out_path)
    except BaseException:
        try:
            os.remove(part_path)
        except FileNotFoundError:
            pass
        raise
    return written_sec


def still_jpeg(meta: VideoMeta, out_path: str, *, at_sec: float, max_height: int = 360,
               quality: int = 82) -> None:
    """JPEG of the frame on screen at ``at_sec`` (temp name + rename)."""
    chosen: Frame | None = None
    with closing(iter_frames(meta)) as frames:
        for frame in frames:
            if chosen is not None and frame.pts_sec > at_sec:
                break
            chosen = frame
    if chosen is None:
        raise VideoRejected("no frame could be decoded for the still", code="corrupt")
    image = to_array(chosen.av_frame, size=scaled_size(meta, max_height=max_height),
                     rotation=meta.rotation)
    part_path = out_path + ".part"
    try:
        Image.fromarray(image).save(part_path, format="JPEG", quality=quality)
        os.replace(part_path, out_path)
    except BaseException:
        try:
            os.remove(part_path)
        except FileNotFoundError:
            pass
        raise
