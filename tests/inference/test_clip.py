"""Incident clips and stills: the right frames, timed from the cut's start, H.264 faststart."""
from __future__ import annotations

from pathlib import Path

import av
import pytest

from inference.clip import cut_clip, still_jpeg
from inference.decode import iter_frames, to_array
from inference.mp4 import top_level_boxes
from inference.probe import probe
from tests.inference.media import code_frame, read_code, write_video

#: 30 frames, irregular times: frame i at 0.1 * i s, except a gap before frame 15.
TIMES = [0.1 * i + (0.25 if i >= 15 else 0.0) for i in range(30)]


@pytest.fixture
def coded(tmp_path: Path):
    path = write_video(tmp_path / "coded.mp4", [code_frame(i) for i in range(30)],
                       pts_sec=TIMES)
    return probe(str(path))


def decoded(path: Path) -> list[tuple[float, int]]:
    meta = probe(str(path))
    return [(round(f.pts_sec, 3), read_code(to_array(f.av_frame, size=(192, 64))))
            for f in iter_frames(meta)]


def test_clip_holds_the_frames_on_screen_retimed_from_zero(coded, tmp_path: Path):
    out = tmp_path / "clip.mp4"
    duration = cut_clip(coded, str(out), start_sec=1.05, end_sec=2.0, max_height=64)
    frames = decoded(out)
    # Frame 10 (t=1.0) is on screen at 1.05; then 11..14, and after the gap 15..17 (1.75..1.95 s).
    assert [code for _, code in frames] == [10, 11, 12, 13, 14, 15, 16, 17]
    assert frames[0][0] == 0.0
    assert frames[1][0] == pytest.approx(0.05, abs=0.002)
    assert duration == pytest.approx(0.95, abs=0.01)
    boxes = [kind for kind, _ in top_level_boxes(out)]
    assert boxes.index("moov") < boxes.index("mdat")
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
    assert not list(tmp_path.glob("*.part"))


def test_empty_range_is_refused_and_leaves_nothing(coded, tmp_path: Path):
    with pytest.raises(ValueError, match="empty clip"):
        cut_clip(coded, str(tmp_path / "x.mp4"), start_sec=5.0, end_sec=9.0)
    assert not list(tmp_path.glob("x.mp4*"))


def test_still_is_the_frame_on_screen(coded, tmp_path: Path):
    import numpy as np
    from PIL import Image

    out = tmp_path / "still.jpg"
    still_jpeg(coded, str(out), at_sec=1.62, max_height=64)  # frame 14 (1.4) until 1.75
    assert read_code(np.asarray(Image.open(out).convert("RGB"))) == 14
