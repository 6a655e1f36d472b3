"""Render the annotated video: the original frames with the classifier's view burned in.

Burned in: the current label and score (top-left), a red border while an event is on, and a
timeline strip at the bottom (score curve over the whole clip, event spans, playhead).

Speed: frames are scaled by swscale straight to the output size in ``yuv420p`` (one scaler
context for the whole clip) and annotated in place in their Y/U/V planes, so there is no RGB
round trip. Everything static (the timeline strip, each distinct label text) is pre-rendered
once with Pillow and converted to premultiplied Y/U/V "sprites"; per frame only small numpy
blends and slice assignments run. Output is H.264 (libx264) ``yuv420p`` MP4 with the moov atom
first, each frame keeping its input timestamp (variable frame rate is preserved).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from inference.background import prefetch
from inference.decode import scaled_size
from inference.encode import H264Writer, scaled_yuv_frames, yuv_planes
from inference.results import format_score
from inference.thumbsheet import ThumbnailSheet
from inference.types import Event, SegmentScore, VideoMeta

PROGRESS_EVERY_FRAMES = 30
#: Decoded and scaled frames buffered between the decode thread and the encoder.
PREFETCH_FRAMES = 8

_AVCOL_SPC_BT709 = 1

_RED = (230, 20, 20)
_WHITE = (255, 255, 255)
_CURVE = (255, 196, 0)


# --------------------------------------------------------------------------------------------
# Scores over time


def _segment_score(segment: SegmentScore, watched_labels: Sequence[str]) -> tuple[str, float]:
    """``(label, score)`` shown for a segment: best watched label, else the top-1 label."""
    if watched_labels:
        top = dict(segment.top)
        best_label, best_score = watched_labels[0], -1.0
        for label in watched_labels:
            score = segment.scores.get(label, top.get(label, 0.0))
            if score > best_score:
                best_label, best_score = label, score
        return best_label, max(0.0, best_score)
    if segment.top:
        label, score = segment.top[0]
        return label, float(score)
    return "", 0.0


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Per-segment centres (sorted, seconds), shown labels and scores; events as arrays."""

    centres_sec: np.ndarray
    labels: tuple[str, ...]
    scores: np.ndarray
    event_starts_sec: np.ndarray
    event_ends_sec: np.ndarray

    @classmethod
    def build(cls, segments: Sequence[SegmentScore], events: Sequence[Event],
              watched_labels: Sequence[str]) -> _Timeline:
        ordered = sorted(segments, key=lambda s: (s.start_sec + s.end_sec) / 2)
        shown = [_segment_score(s, watched_labels) for s in ordered]
        return cls(
            centres_sec=np.array([(s.start_sec + s.end_sec) / 2 for s in ordered], np.float64),
            labels=tuple(label for label, _ in shown),
            scores=np.clip(np.array([score for _, score in shown], np.float64), 0.0, 1.0),
            event_starts_sec=np.array([e.start_sec for e in events], np.float64),
            event_ends_sec=np.array([e.end_sec for e in events], np.float64),
        )

    def current(self, t_sec: float) -> int | None:
        """Index of the segment whose centre is nearest ``t_sec`` (None without segments)."""
        n = len(self.centres_sec)
        if n == 0:
            return None
        i = int(np.searchsorted(self.centres_sec, t_sec))
        if i == 0:
            return 0
        if i >= n:
            return n - 1
        return i if self.centres_sec[i] - t_sec < t_sec - self.centres_sec[i - 1] else i - 1

    def event_on(self, t_sec: float) -> bool:
        """Whether ``t_sec`` lies in some event's ``[start_sec, end_sec)``."""
        if len(self.event_starts_sec) == 0:
            return False
        return bool(np.any((self.event_starts_sec <= t_sec) & (t_sec < self.event_ends_sec)))

    def curve(self, times_sec: np.ndarray) -> np.ndarray:
        """Score (0..1) at ``times_sec``: linear between segment centres, flat beyond."""
        if len(self.centres_sec) == 0:
            return np.zeros_like(times_sec)
        curve: np.ndarray = np.interp(times_sec, self.centres_sec, self.scores)
        return curve


# --------------------------------------------------------------------------------------------
# YUV sprites


def _rgb_to_yuv(rgb: np.ndarray, *, bt709: bool) -> np.ndarray:
    """``(..., 3)`` RGB 0..255 -> ``(..., 3)`` limited-range Y'CbCr floats (BT.601 or 709)."""
    kr, kb = (0.2126, 0.0722) if bt709 else (0.299, 0.114)
    rgb = rgb.astype(np.float32) / 255.0
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = kr * r + (1.0 - kr - kb) * g + kb * b
    u = (b - y) / (2.0 * (1.0 - kb))
    v = (r - y) / (2.0 * (1.0 - kr))
    return np.stack([16.0 + 219.0 * y, 128.0 + 224.0 * u, 128.0 + 224.0 * v], axis=-1)


def _solid_yuv(rgb: tuple[int, int, int], *, bt709: bool) -> tuple[int, int, int]:
    y, u, v = _rgb_to_yuv(np.array(rgb, np.uint8), bt709=bt709)
    return round(y), round(u), round(v)


class _Sprite:
    """An RGBA image pre-converted for fast alpha blending into yuv420p planes.

    For each plane: ``out = (plane * inv + pre) >> 8`` with ``inv = 256 - alpha*256`` and
    ``pre = colour * alpha * 256`` (uint16). Chroma uses the 2x2 average of alpha and of the
    premultiplied colour. ``x``, ``y`` (pixels, top-left in the frame) are even.
    """

    __slots__ = ("chroma", "h", "luma", "w", "x", "y")

    def __init__(self, rgba: np.ndarray, *, x: int, y: int, bt709: bool) -> None:
        """``rgba``: ``(H, W, 4)`` uint8 with even H and W."""
        h, w = rgba.shape[:2]
        assert h % 2 == 0 and w % 2 == 0 and x % 2 == 0 and y % 2 == 0
        self.x, self.y, self.h, self.w = x, y, h, w
        alpha = rgba[..., 3].astype(np.float32) / 255.0
        yuv = _rgb_to_yuv(rgba[..., :3], bt709=bt709)
        a256 = np.round(alpha * 256.0)
        self.luma = ((256.0 - a256).astype(np.uint16),
                     np.round(yuv[..., 0] * a256).astype(np.uint16))
        alpha_c = alpha.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        a256_c = np.round(alpha_c * 256.0)
        inv_c = (256.0 - a256_c).astype(np.uint16)
        self.chroma = []
        for k in (1, 2):
            premult = (yuv[..., k] * alpha).reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
            self.chroma.append((inv_c, np.round(premult * 256.0).astype(np.uint16)))

    def blend(self, y_plane: np.ndarray, u_plane: np.ndarray, v_plane: np.ndarray) -> None:
        """Alpha-blend onto ``(H, W)`` Y and ``(H/2, W/2)`` U, V uint8 planes, in place."""
        _blend(y_plane[self.y:self.y + self.h, self.x:self.x + self.w], *self.luma)
        yc, xc, hc, wc = self.y // 2, self.x // 2, self.h // 2, self.w // 2
        _blend(u_plane[yc:yc + hc, xc:xc + wc], *self.chroma[0])
        _blend(v_plane[yc:yc + hc, xc:xc + wc], *self.chroma[1])


def _blend(region: np.ndarray, inv: np.ndarray, pre: np.ndarray) -> None:
    mixed = np.multiply(region, inv, dtype=np.uint16)
    mixed += pre
    mixed >>= 8
    np.copyto(region, mixed, casting="unsafe")


def _even(value: float) -> int:
    return max(2, round(value / 2.0) * 2)


def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size_px)
    except (TypeError, ValueError, OSError):  # Pillow without FreeType: fixed bitmap font
        return ImageFont.load_default()


# --------------------------------------------------------------------------------------------
# The overlay


class _Overlay:
    """Everything burned into an output frame of ``width`` x ``height`` pixels."""

    def __init__(self, timeline: _Timeline, *, width: int, height: int, duration_sec: float,
                 bt709: bool) -> None:
        self.timeline = timeline
        self.width, self.height = width, height
        self.duration_sec = duration_sec if duration_sec > 0 else 1.0
        self.bt709 = bt709
        self.border = min(_even(height / 80.0), _even(min(width, height) / 8.0))
        self.strip_h = min(_even(height * 0.09), max(2, (height // 4) // 2 * 2))
        self.strip_y = height - self.strip_h
        self.red = _solid_yuv(_RED, bt709=bt709)
        self.white = _solid_yuv(_WHITE, bt709=bt709)
        self.strip = _Sprite(self._strip_rgba(), x=0, y=self.strip_y, bt709=bt709)
        self.font_px = max(12, round(height * 0.045))
        self.font = _font(self.font_px)
        self._labels: dict[str, _Sprite | None] = {}

    def _strip_rgba(self) -> np.ndarray:
        """The static timeline strip: ``(strip_h, W, 4)`` RGBA."""
        w, h = self.width, self.strip_h
        image = Image.new("RGBA", (w, h), (0, 0, 0, 150))
        px_per_sec = w / self.duration_sec
        shade = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        shade_draw = ImageDraw.Draw(shade)
        for start, end in zip(self.timeline.event_starts_sec, self.timeline.event_ends_sec,
                              strict=True):
            x0 = int(np.floor(max(0.0, start) * px_per_sec))
            x1 = int(np.ceil(min(self.duration_sec, end) * px_per_sec)) - 1
            if x1 >= x0:
                shade_draw.rectangle((x0, 0, x1, h - 1), fill=(*_RED, 130))
        image = Image.alpha_composite(image, shade)
        if len(self.timeline.centres_sec):
            pad = max(1, h // 10)
            times = (np.arange(w) + 0.5) / px_per_sec
            ys = (h - 1 - pad) - self.timeline.curve(times) * (h - 1 - 2 * pad)
            points = [(float(x), float(y)) for x, y in enumerate(ys)]
            fill = Image.new("RGBA", (w, h), (0, 0, 0, 0))
            ImageDraw.Draw(fill).polygon([(0.0, h - 1.0), *points, (w - 1.0, h - 1.0)],
                                         fill=(*_CURVE, 70))
            image = Image.alpha_composite(image, fill)
            ImageDraw.Draw(image).line(points, fill=(*_CURVE, 255), width=max(2, h // 16))
        return np.asarray(image, dtype=np.uint8)

    def _label_sprite(self, text: str) -> _Sprite | None:
        """Cached sprite for ``text`` on a dark semi-transparent box (None if it cannot fit)."""
        if text in self._labels:
            return self._labels[text]
        pad = max(2, self.font_px // 3)
        left, top, right, bottom = self.font.getbbox(text)
        box_w = _even(right - left + 2 * pad)
        box_h = _even(bottom - top + 2 * pad)
        x = y = _even(self.border + pad)
        box_w = min(box_w, (self.width - x) // 2 * 2)
        box_h = min(box_h, (self.strip_y - y) // 2 * 2)
        sprite = None
        if box_w >= 2 and box_h >= 2:
            image = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 0))
            draw = ImageDraw.Draw(image)
            draw.rounded_rectangle((0, 0, box_w - 1, box_h - 1), radius=pad, fill=(0, 0, 0, 160))
            text_layer = Image.new("RGBA", (box_w, box_h), (255, 255, 255, 0))
            ImageDraw.Draw(text_layer).text((pad - left, pad - top), text, font=self.font,
                                            fill=(*_WHITE, 255))
            image = Image.alpha_composite(image, text_layer)
            sprite = _Sprite(np.asarray(image, dtype=np.uint8), x=x, y=y, bt709=self.bt709)
        self._labels[text] = sprite
        return sprite

    def draw(self, planes: tuple[np.ndarray, np.ndarray, np.ndarray], t_sec: float) -> None:
        """Annotate one frame at time ``t_sec``; ``planes`` = Y ``(H, W)``, U, V ``(H/2, W/2)``."""
        y_plane, u_plane, v_plane = planes
        self.strip.blend(y_plane, u_plane, v_plane)
        # Playhead: 2 px wide, white, over the strip.
        x = min(self.width - 2, max(0, int(t_sec / self.duration_sec * self.width) // 2 * 2))
        y_plane[self.strip_y:, x:x + 2] = self.white[0]
        u_plane[self.strip_y // 2:, x // 2] = self.white[1]
        v_plane[self.strip_y // 2:, x // 2] = self.white[2]

        index = self.timeline.current(t_sec)
        if index is not None and self.timeline.labels[index]:
            score = format_score(float(self.timeline.scores[index]))
            text = f"{self.timeline.labels[index]} {score}"
            sprite = self._label_sprite(text)
            if sprite is not None:
                sprite.blend(y_plane, u_plane, v_plane)

        if self.timeline.event_on(t_sec):
            b, bc = self.border, self.border // 2
            for plane, value, edge in ((y_plane, self.red[0], b), (u_plane, self.red[1], bc),
                                       (v_plane, self.red[2], bc)):
                plane[:edge, :] = value
                plane[-edge:, :] = value
                plane[:, :edge] = value
                plane[:, -edge:] = value


# --------------------------------------------------------------------------------------------
# Public API


def render_annotated(
    meta: VideoMeta,
    out_path: str,
    *,
    segments: Sequence[SegmentScore],
    events: Sequence[Event],
    watched_labels: Sequence[str],
    max_height: int = 360,
    preset: str = "superfast",
    crf: int = 23,
    on_progress: Callable[[float], None] | None = None,
    thumbnails_dir: str | None = None,
) -> None:
    """Write the annotated H.264/MP4 (yuv420p, faststart) of ``meta``'s video to ``out_path``.

    Frames are scaled down to ``max_height`` pixels if taller (aspect kept, even sizes,
    rotation applied) and keep their input timestamps; the file is written to
    ``out_path + ".part"`` and renamed, so ``out_path`` is never half-written.
    ``on_progress(fraction)`` is called every ``PROGRESS_EVERY_FRAMES`` frames and at the end.
    With ``thumbnails_dir``, the same pass also writes the thumbnail sprite sheet and its index
    there (:mod:`inference.thumbsheet`; tiles are taken before the overlay is drawn).

    ``preset``/``crf`` are libx264's. ``superfast`` is the default by measurement
    (``bench/bench_render.py``, 60 s 720p -> 480p on 2 cores): ``ultrafast`` needs ~15% less
    CPU but has no deblocking/CABAC and makes files ~60% larger; ``veryfast`` halves the size
    but costs ~20% more CPU and misses the 4 s budget for a minute of video.
    """
    out_w, out_h = scaled_size(meta, max_height=max_height)
    fallback_sec = 1.0 / meta.fps if meta.fps > 0 else 1.0 / 30.0
    timeline = _Timeline.build(segments, events, watched_labels)
    total = max(1, meta.frame_count)
    overlay: _Overlay | None = None
    sheet = (ThumbnailSheet(duration_sec=meta.duration_sec, frame_width=out_w,
                            frame_height=out_h) if thumbnails_dir is not None else None)
    frames = prefetch(lambda: scaled_yuv_frames(meta, size=(out_w, out_h),
                                                fallback_sec=fallback_sec),
                      depth=PREFETCH_FRAMES)
    with (H264Writer(out_path, width=out_w, height=out_h, fps=meta.fps, preset=preset,
                     crf=crf) as writer, closing(frames)):
        for frame, duration_sec, image in frames:
            if overlay is None:
                overlay = _Overlay(timeline, width=out_w, height=out_h,
                                   duration_sec=meta.duration_sec,
                                   bt709=image.colorspace == _AVCOL_SPC_BT709)
            if sheet is not None and sheet.wants(frame.pts_sec):
                sheet.add(image.to_ndarray(width=sheet.tile_width, height=sheet.tile_height,
                                           format="rgb24"), t_sec=frame.pts_sec)
            overlay.draw(yuv_planes(image), frame.pts_sec)
            writer.write(image, pts_sec=frame.pts_sec, duration_sec=duration_sec)
            if on_progress is not None and writer.frames_written % PROGRESS_EVERY_FRAMES == 0:
                on_progress(min(writer.frames_written / total, 0.99))
    if sheet is not None and thumbnails_dir is not None:
        sheet.save(thumbnails_dir)
    if on_progress is not None:
        on_progress(1.0)
