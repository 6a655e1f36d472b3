"""Display orientation: a video's display matrix (rotation and mirroring), applied as players do.

A video stream may carry a 3x3 display matrix (MP4 ``tkhd``, Matroska projection, H.264/HEVC
SEI) that says how its coded pixels are to be shown. Players reduce it to the same eight
right-angle transforms FFmpeg's ``-autorotate`` inserts (``fftools/ffmpeg_filter.c``: a rotation
from ``av_display_rotation_get`` plus ``hflip`` / ``vflip`` / ``transpose`` when the matrix
mirrors). Vigil keeps them as :class:`Orientation`: an optional horizontal mirror, then a
clockwise rotation. A mirror is not a rotation: reading only the rotation angle makes a
horizontal flip look like 180 degrees and drops a vertical flip entirely.
"""
from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import av
import numpy as np
from av.sidedata.sidedata import SideDataContainer
from av.sidedata.sidedata import Type as SideDataType

#: FFmpeg's display matrices hold 16.16 fixed-point numbers (the last column 2.30).
_FIXED_ONE = float(1 << 16)


@dataclass(frozen=True, slots=True)
class Orientation:
    """How to show coded pixels: mirror left-right first (``mirrored``), then rotate clockwise
    by ``rotation`` degrees (0, 90, 180, 270). A vertical flip is ``(180, mirrored=True)``."""

    rotation: int = 0
    mirrored: bool = False


def orientation_from_matrix(matrix: Sequence[int] | None) -> Orientation:
    """The :class:`Orientation` a player applies for FFmpeg's 9-int display ``matrix``.

    Follows ``fftools``: the angle is ``-av_display_rotation_get(matrix)`` rounded and taken
    modulo 360; at 90/270 degrees the sign of ``matrix[3]`` says transpose vs. rotate, at 0/180
    the signs of ``matrix[0]`` / ``matrix[4]`` say horizontal / vertical flip. Other angles are
    rounded to the nearest right angle (never mirrored). ``None`` or a degenerate matrix is
    upright.
    """
    if matrix is None or len(matrix) != 9:
        return Orientation()
    a, b, c, d = (matrix[i] / _FIXED_ONE for i in (0, 1, 3, 4))
    scale_x, scale_y = math.hypot(a, c), math.hypot(b, d)
    if scale_x == 0.0 or scale_y == 0.0:
        return Orientation()
    theta = round(math.degrees(math.atan2(b / scale_y, a / scale_x)))
    theta -= 360 * math.floor(theta / 360 + 0.9 / 360)
    if abs(theta - 90) < 1:
        return Orientation(270, True) if c > 0 else Orientation(90, False)  # transpose / clock
    if abs(theta - 270) < 1:
        return Orientation(90, True) if c < 0 else Orientation(270, False)  # clock_flip / cclock
    if abs(theta - 180) < 1 or abs(theta) < 1:
        hflip = a < 0
        vflip = d < 0
        if hflip and vflip:
            return Orientation(180, False)
        if vflip:
            return Orientation(180, True)
        return Orientation(0, hflip)
    return Orientation(round(theta / 90) % 4 * 90, False)


def frame_orientation(frame: av.VideoFrame) -> Orientation:
    """The orientation a decoded frame's display matrix side data asks for (upright if none).

    FFmpeg copies the stream's display matrix (container or bitstream) onto every frame.
    """
    # PyAV's stubs type ``side_data`` as a TypedDict; it is a SideDataContainer (a Mapping).
    container = cast(SideDataContainer, frame.side_data)
    side_data = container.get(SideDataType.DISPLAYMATRIX)
    if side_data is None:
        return Orientation()
    raw = bytes(side_data)
    if len(raw) != 36:
        return Orientation()
    return orientation_from_matrix(struct.unpack("=9i", raw))


def orient(image: np.ndarray, *, rotation: int, mirrored: bool = False) -> np.ndarray:
    """``image`` (``(H, W)`` or ``(H, W, C)``) mirrored left-right if asked, then rotated
    ``rotation`` degrees clockwise; returned contiguous (a view is copied only if turned)."""
    if mirrored:
        image = image[:, ::-1]
    if rotation % 360:
        image = np.rot90(image, k=-(rotation % 360 // 90))
    return np.ascontiguousarray(image) if mirrored or rotation % 360 else image
