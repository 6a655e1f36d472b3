"""Media that evades or overloads the probe: decoy tracks, frames that grow after the first,
mirroring display matrices, and gaps that ask for minutes of work from a few hundred KB.

These go through the inference library itself (probe, decode, pipeline, render, stills): the
CLI, the worker, the thumbnailer and the dataset import all read video through them. The same
files are uploaded through the API in ``test_bad_uploads.py``.
"""
from __future__ import annotations

import json
import resource
import subprocess
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from inference.clip import still_jpeg
from inference.decode import FrameScaler, iter_frames
from inference.encode import scaled_yuv_frames
from inference.errors import VideoRejected
from inference.orientation import Orientation, orientation_from_matrix
from inference.pipeline import run
from inference.probe import probe
from inference.results import read_document
from inference.types import PipelineConfig, ProbeLimits
from tests.hardening import media

FAST = {"model": "r3d_18", "weights": "none", "clip_len": 8, "render_max_height": 240}


def rejected(path: Path, **kwargs: object) -> VideoRejected:
    with pytest.raises(VideoRejected) as info:
        probe(str(path), **kwargs)
    return info.value


def written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- a decoy first video track ------------------------------------------------------------------

def test_a_decoy_first_track_in_matroska_is_passed_over_for_the_real_footage(tmp_path):
    """Neither track is marked default, so the longer, larger one is what players show: the
    probe, decoding, the analysis, the render and the still all read track 1, and results.json
    says so."""
    path = written(tmp_path, "in.mkv", media.decoy_first_track(tmp_path, fmt="matroska"))
    meta = probe(str(path))  # was refused as "truncated" (the decoy is 0.04 s of a 5 s file)
    assert (meta.stream_index, meta.video_streams) == (1, 2)
    assert (meta.width, meta.height) == (640, 360)
    assert meta.duration_sec == pytest.approx(5.0, abs=0.2)
    first = next(iter_frames(meta))
    assert (first.av_frame.width, first.av_frame.height) == (640, 360)
    assert first.av_frame.to_ndarray(format="gray").mean() > 40  # footage, not the black decoy

    out = tmp_path / "out"
    results = run(str(path), config=PipelineConfig(**FAST, segment_sec=2.0, stride_sec=1.0),
                  out_dir=str(out))
    assert results.segments[-1].end_sec == pytest.approx(5.0, abs=1.1)
    assert len(results.segments) >= 4  # the decoy gave 1
    video = read_document(out / "results.json")["video"]
    assert (video["stream_index"], video["video_streams"]) == (1, 2)
    assert (video["width"], video["height"]) == (640, 360)
    rendered = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height:format=duration", "-of", "json", str(out / "annotated.mp4")],
        capture_output=True, text=True, check=True).stdout)
    assert (rendered["streams"][0]["width"], rendered["streams"][0]["height"]) == (426, 240)
    assert float(rendered["format"]["duration"]) == pytest.approx(5.0, abs=0.3)
    still_jpeg(meta, str(tmp_path / "still.jpg"), at_sec=1.0)
    with Image.open(tmp_path / "still.jpg") as still:
        assert still.size == (640, 360)


def test_a_decoy_first_track_players_would_show_is_refused_with_its_own_reason(tmp_path):
    """FFmpeg's MP4 muxer marks only track 0 (the 64x64 decoy) as default: players show the
    decoy, so the file is refused rather than analysed as one black frame."""
    path = written(tmp_path, "in.mp4", media.decoy_first_track(tmp_path))
    error = rejected(path)
    assert error.code == "ambiguous_video_streams", error
    assert "2 video streams" in error.message


# --- frame size on every frame ------------------------------------------------------------------

def test_the_pixel_limit_holds_for_every_decoded_frame(tmp_path):
    """Frame 0 is 64x64 (all the probe decodes); frames 1-5 are 15360x8640. Every reader
    refuses them with ``frame_too_large`` before the decoder allocates one."""
    path = written(tmp_path, "growing.mkv", media.mjpeg_growing_frames(tmp_path))
    meta = probe(str(path))
    assert (meta.width, meta.height) == (64, 64)
    rss_before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(VideoRejected) as decoding:
        for _ in iter_frames(meta):
            pass
    assert decoding.value.code == "frame_too_large"
    # A 15360x8640 picture is 200 MB in yuvj420p; none was allocated.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before_kib < 100_000
    with pytest.raises(VideoRejected) as thumbnail:
        still_jpeg(meta, str(tmp_path / "thumb.jpg"), at_sec=0.1)
    assert thumbnail.value.code == "frame_too_large"
    with pytest.raises(VideoRejected) as analysis:
        run(str(path), config=PipelineConfig(**FAST, render=False), out_dir=str(tmp_path / "o"))
    assert analysis.value.code == "frame_too_large"


def test_a_frame_under_the_pixel_count_but_over_the_side_limit_is_refused_too(tmp_path):
    """The decoder's ``max_pixels`` counts pixels only; the side limits are checked per frame."""
    path = written(tmp_path, "wide.mkv",
                   media.mjpeg_growing_frames(tmp_path, big=(2048, 64), big_frames=2))
    meta = probe(str(path))
    assert sum(1 for _ in iter_frames(meta)) == 3  # within the default limits
    narrow = replace(meta, limits=ProbeLimits(max_width=1024, max_height=1024))
    with pytest.raises(VideoRejected) as info:
        list(iter_frames(narrow))
    assert info.value.code == "frame_too_large" and "2048x64" in info.value.message


# --- mirroring display matrices -----------------------------------------------------------------

ONE = 1 << 16
#: (display matrix, orientation players apply): FFmpeg >= 6 autorotate (hflip / vflip /
#: transpose filters), i.e. ``av_display_matrix_flip`` + ``av_display_rotation_set``.
MATRICES = [
    ([-ONE, 0, 0, 0, ONE, 0, 0, 0, 1 << 30], Orientation(0, True)),     # horizontal flip
    ([ONE, 0, 0, 0, -ONE, 0, 0, 0, 1 << 30], Orientation(180, True)),   # vertical flip
    ([-ONE, 0, 0, 0, -ONE, 0, 0, 0, 1 << 30], Orientation(180, False)),  # rotation 180
    ([0, ONE, 0, -ONE, 0, 0, 0, 0, 1 << 30], Orientation(90, False)),   # rotation 90 cw
    ([0, -ONE, 0, ONE, 0, 0, 0, 0, 1 << 30], Orientation(270, False)),  # rotation 270 cw
    ([0, ONE, 0, ONE, 0, 0, 0, 0, 1 << 30], Orientation(270, True)),    # transpose
    ([0, -ONE, 0, -ONE, 0, 0, 0, 0, 1 << 30], Orientation(90, True)),   # anti-transpose
]

#: Quadrant colours of the test picture: top-left, top-right, bottom-left, bottom-right.
QUADRANTS = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255))


def quadrant_picture(*, width: int = 96, height: int = 64) -> np.ndarray:
    image = np.zeros((height, width, 3), np.uint8)
    h, w = height // 2, width // 2
    image[:h, :w], image[:h, w:], image[h:, :w], image[h:, w:] = QUADRANTS
    return image


def quadrants(image: np.ndarray) -> list[tuple[int, ...]]:
    """Mean colour of each quadrant's centre, rounded to 0/255."""
    h, w = image.shape[0] // 2, image.shape[1] // 2
    cells = [image[:h, :w], image[:h, w:], image[h:, :w], image[h:, w:]]
    return [tuple(int(v > 128) * 255 for v in cell[h // 4:-h // 4, w // 4:-w // 4]
                  .reshape(-1, 3).mean(0)) for cell in cells]


def write_with_matrix(path: Path, matrix: list[int]) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10, options={"preset": "ultrafast", "crf": "10"})
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        stream.time_base = Fraction(1, 10)
        stream.set_display_matrix(matrix)
        for index in range(3):
            frame = av.VideoFrame.from_ndarray(quadrant_picture(), format="rgb24")
            frame.pts = index
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.mark.parametrize(("matrix", "expected"), MATRICES)
def test_mirror_matrices_are_applied_the_way_players_apply_them(tmp_path, matrix, expected):
    assert orientation_from_matrix(matrix) == expected
    meta = probe(str(write_with_matrix(tmp_path / "m.mp4", matrix)))
    assert Orientation(meta.rotation, meta.mirrored) == expected
    source = quadrant_picture()
    if expected.mirrored:
        source = source[:, ::-1]
    want = quadrants(np.rot90(source, k=-expected.rotation // 90))
    size = (meta.display_width, meta.display_height)
    frame = next(iter_frames(meta))
    assert quadrants(FrameScaler.for_video(meta, size=size).to_rgb(frame.av_frame)) == want
    _, _, image = next(scaled_yuv_frames(meta, size=size, fallback_sec=0.1))  # render, clips
    assert quadrants(image.to_ndarray(format="rgb24")) == want
    still_jpeg(meta, str(tmp_path / "s.jpg"), at_sec=0.0)  # thumbnails, incident stills
    with Image.open(tmp_path / "s.jpg") as still:
        assert quadrants(np.asarray(still.convert("RGB"))) == want


# --- time without frames ------------------------------------------------------------------------

def test_a_long_gap_without_frames_is_refused_before_any_work(tmp_path):
    """2 s of frames, 600 s of nothing, 2 s more: 604 analysis windows from one small file."""
    data = media.vfr_frame_gap(tmp_path)
    assert len(data) < 1_000_000
    error = rejected(written(tmp_path, "gap.mp4", data))
    assert error.code == "frame_gap", error
    assert "600 s" in error.message and "from 2.0 s" in error.message


def test_a_short_gap_is_still_a_video(tmp_path):
    """A variable-frame-rate file with a 20 s pause is accepted and timed by its timestamps."""
    meta = probe(str(written(tmp_path, "pause.mp4", media.vfr_frame_gap(tmp_path, gap_sec=20))))
    assert meta.duration_sec == pytest.approx(24.0, abs=0.1)
    error = rejected(tmp_path / "pause.mp4", limits=ProbeLimits(max_frame_gap_sec=10.0))
    assert error.code == "frame_gap"
