"""The limits every probe of an uploaded or stored video is held to (from settings)."""
from __future__ import annotations

from django.conf import settings

from inference.types import ProbeLimits


def probe_limits() -> ProbeLimits:
    """``VIGIL_MAX_FRAME_SIDE`` (pixels: side², 16:9 area), ``VIGIL_MAX_DURATION_SEC``,
    ``VIGIL_MAX_UPLOAD_BYTES``, ``VIGIL_PROBE_TIMEOUT_SEC`` and ``VIGIL_MAX_FRAME_GAP_SEC``."""
    side = settings.VIGIL_MAX_FRAME_SIDE
    return ProbeLimits(max_width=side, max_height=side, max_pixels=side * side * 9 // 16,
                       max_duration_sec=settings.VIGIL_MAX_DURATION_SEC,
                       max_size_bytes=settings.VIGIL_MAX_UPLOAD_BYTES,
                       timeout_sec=settings.VIGIL_PROBE_TIMEOUT_SEC,
                       max_frame_gap_sec=settings.VIGIL_MAX_FRAME_GAP_SEC)
