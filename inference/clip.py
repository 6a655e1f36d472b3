"""Cut a short H.264 clip and a still JPEG out of a video (for alert incidents).

Django-free: takes a :class:`VideoMeta` and paths. Frame timing follows ``inference.encode``: every
output frame keeps its input presentation time (shifted so the clip starts at 0) and lasts
until the next frame, so variable-frame-rate sources stay correctly timed.
"""
from __future__ import annotations

import os
from contextlib import closing

from PIL import Image

from inference.decode import Frame, FrameScaler, iter_frames, scaled_size
from inference.encode import H264Writer, scaled_yuv_frames
from inference.errors import VideoRejected
from inference.types import VideoMeta


def cut_clip(meta: VideoMeta, out_path: str, *, start_sec: float, end_sec: float,
             max_height: int = 360, preset: str = "superfast", crf: int = 26) -> float:
    """Write ``[start_sec, end_sec)`` of the video as H.264/MP4 (yuv420p, faststart).

    Scaled down to ``max_height`` if taller (display orientation applied). Written to
    ``out_path + ".part"`` and renamed. Returns the clip's duration in seconds.
    """
    start_sec = max(0.0, start_sec)
    end_sec = min(end_sec, meta.duration_sec) if meta.duration_sec > 0 else end_sec
    if end_sec <= start_sec:
        raise ValueError(f"empty clip: {start_sec:.3f}-{end_sec:.3f} s")
    out_w, out_h = scaled_size(meta, max_height=max_height)
    fallback_sec = 1.0 / meta.fps if meta.fps > 0 else 1.0 / 30.0
    written_sec = 0.0
    frames = scaled_yuv_frames(meta, size=(out_w, out_h), fallback_sec=fallback_sec,
                               start_sec=start_sec, end_sec=end_sec)
    with H264Writer(out_path, width=out_w, height=out_h, fps=meta.fps, preset=preset,
                    crf=crf) as writer, closing(frames):
        for frame, duration_sec, image in frames:
            writer.write(image, pts_sec=frame.pts_sec, duration_sec=duration_sec)
            written_sec = frame.pts_sec + duration_sec
        if writer.frames_written == 0:
            raise VideoRejected("no frame could be decoded for the clip", code="corrupt")
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
    image = FrameScaler.for_video(meta, size=scaled_size(meta, max_height=max_height)).to_rgb(
        chosen.av_frame)
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
