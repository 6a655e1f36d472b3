"""Where to look: sliding windows over a video and TSN-style snippet sampling."""
from __future__ import annotations

from inference.types import Window

_EPS_SEC = 1e-6


def frame_times(start_sec: float, span_sec: float, count: int) -> tuple[float, ...]:
    """``count`` times spread evenly over ``[start_sec, start_sec + span_sec)``, mid-interval."""
    step = span_sec / count
    return tuple(round(start_sec + (i + 0.5) * step, 6) for i in range(count))


def windows(*, duration_sec: float, clip_len: int, segment_sec: float, stride_sec: float,
            ) -> list[Window]:
    """Sliding windows of ``segment_sec`` every ``stride_sec`` covering ``[0, duration_sec]``.

    Each window samples ``clip_len`` frame times spread over its span. When the strides do not
    land on the end, a last window is aligned to the end so the tail is analysed too. A video
    shorter than one segment gets a single window over its whole length.
    """
    if clip_len < 1:
        raise ValueError("clip_len must be at least 1")
    if segment_sec <= 0 or stride_sec <= 0:
        raise ValueError("segment_sec and stride_sec must be positive")
    if duration_sec <= 0:
        return []
    if duration_sec <= segment_sec + _EPS_SEC:
        return [Window(0, 0.0, round(duration_sec, 6), frame_times(0.0, duration_sec, clip_len))]
    starts: list[float] = []
    index = 0
    while True:
        start = index * stride_sec
        if start + segment_sec > duration_sec + _EPS_SEC:
            break
        starts.append(start)
        index += 1
    if starts[-1] + segment_sec < duration_sec - _EPS_SEC:
        starts.append(duration_sec - segment_sec)
    return [
        Window(i, round(start, 6), round(start + segment_sec, 6),
               frame_times(start, segment_sec, clip_len))
        for i, start in enumerate(starts)
    ]


def tsn_snippet_times(window: Window, *, num_snippets: int, snippet_len: int = 1,
                      frame_interval_sec: float, offsets: tuple[float, ...] | None = None,
                      ) -> tuple[tuple[float, ...], ...]:
    """TSN sampling (Wang et al. 2016): split the window into ``num_snippets`` equal parts and
    take ``snippet_len`` consecutive frame times from each.

    ``offsets`` (0..1, one per part) place each snippet inside its part; ``None`` centres them
    (the test-time rule). Training passes random offsets.
    """
    if num_snippets < 1 or snippet_len < 1:
        raise ValueError("num_snippets and snippet_len must be at least 1")
    part_sec = (window.end_sec - window.start_sec) / num_snippets
    snippet_span_sec = (snippet_len - 1) * frame_interval_sec
    free_sec = max(0.0, part_sec - snippet_span_sec)
    if offsets is None:
        offsets = (0.5,) * num_snippets
    if len(offsets) != num_snippets:
        raise ValueError("one offset per snippet")
    snippets = []
    for k, offset in enumerate(offsets):
        first = window.start_sec + k * part_sec + min(max(offset, 0.0), 1.0) * free_sec
        snippets.append(tuple(round(first + j * frame_interval_sec, 6) for j in range(snippet_len)))
    return tuple(snippets)
