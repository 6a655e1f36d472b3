"""Tests for ``inference.render``: the annotated MP4 is valid, timed like its input, annotated."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from inference.decode import scaled_size, to_array
from inference.encode import scaled_yuv_frames, yuv_planes
from inference.mp4 import top_level_boxes
from inference.probe import probe
from inference.render import _Timeline, render_annotated
from inference.types import Event, SegmentScore, VideoMeta

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared/clips/samples"
EVENT = Event(label="fight", start_sec=2.0, end_sec=4.0, peak_score=0.95, mean_score=0.9,
              peak_sec=3.0)


def _sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.fail(f"the shared sample clip is missing: {path}")
    return path


def _segments(duration_sec: float) -> list[SegmentScore]:
    """2 s windows every 1 s; ``fight`` high (0.9) only in the windows centred in [2, 4]."""
    segments = []
    start, index = 0.0, 0
    while start < duration_sec:
        centre = start + 1.0
        fight = 0.9 if 2.0 <= centre <= 4.0 else 0.1
        segments.append(SegmentScore(
            index=index, start_sec=start, end_sec=start + 2.0,
            top=(("walking", 1.0 - fight), ("fight", fight)) if fight < 0.5
            else (("fight", fight), ("walking", 1.0 - fight)),
            scores={"fight": fight}))
        start += 1.0
        index += 1
    return segments


@dataclass(frozen=True)
class Rendered:
    meta: VideoMeta
    out: Path
    max_height: int
    progress: tuple[float, ...]


def _render(src: Path, out: Path, *, max_height: int, events: list[Event]) -> Rendered:
    meta = probe(str(src))
    progress: list[float] = []
    render_annotated(meta, str(out), segments=_segments(meta.duration_sec), events=events,
                     watched_labels=["fight"], max_height=max_height, preset="ultrafast",
                     on_progress=progress.append)
    return Rendered(meta=meta, out=out, max_height=max_height, progress=tuple(progress))


@pytest.fixture(scope="module")
def chaplin(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """chaplin.mp4 (640x360, 25 fps, 9.64 s) rendered at 240 px with one event at [2, 4) s."""
    out = tmp_path_factory.mktemp("chaplin") / "annotated.mp4"
    return _render(_sample("chaplin.mp4"), out, max_height=240, events=[EVENT])


@pytest.fixture(scope="module")
def pancake(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """flipping_a_pancake.mkv (426x240, starts at -0.007 s) rendered at max 480 px."""
    out = tmp_path_factory.mktemp("pancake") / "annotated.mp4"
    return _render(_sample("flipping_a_pancake.mkv"), out, max_height=480, events=[EVENT])


def _ffprobe(path: Path) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries",
         "stream=codec_name,pix_fmt,duration,width,height:format=duration", "-of", "json",
         str(path)],
        check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def _decoded(path: Path) -> list[tuple[float, np.ndarray]]:
    """Every frame of ``path`` as ``(time_sec, (H, W, 3) uint8 RGB)``."""
    with av.open(str(path)) as container:
        return [(float(frame.time), frame.to_ndarray(format="rgb24"))
                for frame in container.decode(video=0)]


def _frame_at(frames: list[tuple[float, np.ndarray]], t_sec: float) -> np.ndarray:
    return min(frames, key=lambda item: abs(item[0] - t_sec))[1]


def _is_red(pixels: np.ndarray) -> np.ndarray:
    pixels = pixels.astype(np.int16)
    return (pixels[..., 0] > 170) & (pixels[..., 1] < 90) & (pixels[..., 2] < 90)


# ------------------------------------------------------------------------------------------
# Container, codec, size, timing


@pytest.mark.parametrize("name", ["chaplin", "pancake"])
def test_output_is_h264_yuv420p_sized_and_timed_like_input(name: str,
                                                            request: pytest.FixtureRequest):
    rendered: Rendered = request.getfixturevalue(name)
    info = _ffprobe(rendered.out)
    (stream,) = info["streams"]
    assert stream["codec_name"] == "h264"
    assert stream["pix_fmt"] == "yuv420p"
    expected_height = min(rendered.max_height, rendered.meta.display_height)
    assert stream["height"] == expected_height
    assert stream["height"] % 2 == 0 and stream["width"] % 2 == 0
    aspect_in = rendered.meta.display_width / rendered.meta.display_height
    assert abs(stream["width"] / stream["height"] - aspect_in) < 0.02
    one_frame = 1.0 / rendered.meta.fps
    assert abs(float(info["format"]["duration"]) - rendered.meta.duration_sec) <= one_frame
    assert abs(float(stream["duration"]) - rendered.meta.duration_sec) <= one_frame


@pytest.mark.parametrize("name", ["chaplin", "pancake"])
def test_moov_atom_comes_before_mdat(name: str, request: pytest.FixtureRequest):
    rendered: Rendered = request.getfixturevalue(name)
    boxes = [kind for kind, _ in top_level_boxes(rendered.out)]
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")


@pytest.mark.parametrize("name", ["chaplin", "pancake"])
def test_every_frame_is_kept(name: str, request: pytest.FixtureRequest):
    rendered: Rendered = request.getfixturevalue(name)
    frames = _decoded(rendered.out)
    assert len(frames) == rendered.meta.frame_count
    times = [t for t, _ in frames]
    assert times == sorted(times)


def test_no_part_file_remains(chaplin: Rendered):
    assert chaplin.out.exists()
    assert [p.name for p in chaplin.out.parent.iterdir()] == [chaplin.out.name]


def test_progress_is_reported_every_30_frames_and_ends_at_one(chaplin: Rendered):
    assert len(chaplin.progress) == chaplin.meta.frame_count // 30 + 1
    assert list(chaplin.progress) == sorted(chaplin.progress)
    assert chaplin.progress[-1] == 1.0
    assert 0.0 < chaplin.progress[0] < 0.2


# ------------------------------------------------------------------------------------------
# What is burned in


def test_border_is_red_during_an_event_only(chaplin: Rendered):
    frames = _decoded(chaplin.out)
    inside = _frame_at(frames, 3.0)
    outside = _frame_at(frames, 6.5)
    height, width = inside.shape[:2]
    for image, expected in ((inside, True), (outside, False)):
        top = image[1, width // 4:3 * width // 4]
        left = image[height // 4:height // 2, 1]
        right = image[height // 4:height // 2, width - 2]
        for edge in (top, left, right):
            if expected:
                assert _is_red(edge).all()
            else:
                assert not _is_red(edge).any()


def test_picture_content_is_the_input_scaled(chaplin: Rendered):
    """The middle of the picture (no overlay there) matches the input frame at the same time."""
    rendered = _decoded(chaplin.out)
    src = probe(str(_sample("chaplin.mp4")))
    with av.open(src.path) as container:
        originals = [(float(f.time), f) for f in container.decode(video=0)]
    for t_sec in (1.0, 5.0, 8.0):
        out_image = _frame_at(rendered, t_sec)
        height, width = out_image.shape[:2]
        original = min(originals, key=lambda item: abs(item[0] - t_sec))[1]
        expected = original.to_ndarray(width=width, height=height, format="rgb24")
        middle = (slice(height // 4, height * 3 // 4), slice(width // 4, width * 3 // 4))
        error = np.abs(out_image[middle].astype(np.int16) - expected[middle]).mean()
        assert error < 6.0, f"t={t_sec}: mean abs error {error:.1f}"


def test_label_box_darkens_top_left_and_timeline_strip_is_drawn(chaplin: Rendered):
    frames = _decoded(chaplin.out)
    image = _frame_at(frames, 6.5).astype(np.int16)
    height, width = image.shape[:2]
    # Label text is white on a dark box: both very bright and very dark pixels top-left.
    box = image[4:4 + height // 10, 4:width // 4].mean(axis=2)
    assert (box > 200).sum() > 20
    assert (box < 40).sum() > 20
    # Timeline strip: the shaded event span [2, 4) s of 9.64 s is reddish, the rest is not.
    strip = image[height - height // 20]
    x_event = int(3.0 / chaplin.meta.duration_sec * width)
    x_quiet = int(8.0 / chaplin.meta.duration_sec * width)
    red_excess = strip[:, 0] - strip[:, 1:].mean(axis=1)
    assert red_excess[x_event] > 40
    assert red_excess[x_quiet] < 20


@pytest.mark.parametrize("name", ["chaplin", "pancake"])
def test_one_playhead_moves_with_time(name: str, request: pytest.FixtureRequest):
    """The strip holds exactly one white playhead, at ``t / duration`` of the width.

    ``pancake`` is not rescaled, so its frames are annotated in the decoder's own buffers: a
    missing copy would draw into reference frames and leave ghost playheads behind.
    """
    rendered: Rendered = request.getfixturevalue(name)
    frames = _decoded(rendered.out)
    height, width = frames[0][1].shape[:2]
    for t_sec in (1.0, 3.0, 5.0, 6.0, 7.0, 9.0):
        image = _frame_at(frames, t_sec).astype(np.int16)
        row = image[height - height // 25]  # inside the strip, above any red border
        white = np.flatnonzero(row.min(axis=1) > 200)  # bright in R, G and B
        expected = t_sec / rendered.meta.duration_sec * width
        assert len(white) > 0, f"t={t_sec}: no playhead"
        assert np.abs(white - expected).max() <= 4, f"t={t_sec}: white at {white.tolist()}"


def test_drawing_on_a_frame_never_alters_the_decoders_reference_frames():
    """pancake is decoded at its output size, so swscale hands back the decoder's own frame;
    scribbling over every yielded frame must not change the frames decoded after it."""
    meta = probe(str(_sample("flipping_a_pancake.mkv")))
    size = scaled_size(meta, max_height=480)
    assert size == (meta.width, meta.height)

    def luma_sums(*, scribble: bool) -> list[int]:
        sums = []
        for _, _, image in scaled_yuv_frames(meta, size=size, fallback_sec=0.04):
            planes = yuv_planes(image)
            sums.append(int(planes[0].sum(dtype=np.int64)))
            if scribble:
                for plane in planes:
                    plane[...] = 255
        return sums

    clean = luma_sums(scribble=False)
    assert len(clean) == meta.frame_count
    assert luma_sums(scribble=True) == clean


def test_rotated_input_is_rendered_upright(tmp_path: Path):
    """A 90-degree display rotation is baked into the pixels: portrait size, upright picture."""
    src = tmp_path / "rotated.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(_sample("chaplin.mp4")), "-t", "2",
                    "-an", "-c", "copy", "-metadata:s:v", "rotate=90", str(src)], check=True)
    meta = probe(str(src))
    assert meta.rotation in (90, 270)
    out = tmp_path / "annotated.mp4"
    render_annotated(meta, str(out), segments=[], events=[], watched_labels=[],
                     max_height=320, preset="ultrafast")
    stream = _ffprobe(out)["streams"][0]
    assert (stream["width"], stream["height"]) == (180, 320)
    rendered = _decoded(out)
    with av.open(str(src)) as container:
        originals = [(float(f.time), f) for f in container.decode(video=0)]
    for t_sec in (0.5, 1.5):
        image = _frame_at(rendered, t_sec)
        original = min(originals, key=lambda item: abs(item[0] - t_sec))[1]
        expected = to_array(original, size=(180, 320), rotation=meta.rotation)
        middle = (slice(80, 240), slice(45, 135))
        error = np.abs(image[middle].astype(np.int16) - expected[middle]).mean()
        assert error < 6.0, f"t={t_sec}: mean abs error {error:.1f}"


# ------------------------------------------------------------------------------------------
# Variable frame rate


def _make_vfr(path: Path) -> list[float]:
    """40 frames whose gaps alternate 1/10 s and 1/30 s (time base 1/1000); their times (s)."""
    tb = Fraction(1, 1000)
    gaps_ms = [100 if i % 2 == 0 else 33 for i in range(40)]
    pts_ms = np.concatenate([[0], np.cumsum(gaps_ms[:-1])]).astype(int).tolist()
    durations = dict(zip(pts_ms, gaps_ms, strict=True))
    with av.open(str(path), mode="w", format="matroska") as container:
        stream = container.add_stream("libx264", rate=15, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.time_base = tb
        y, x = np.mgrid[0:240, 0:320]
        for i, pts in enumerate(pts_ms):
            image = np.stack([(x + 8 * i) % 256, (y + 4 * i) % 256, (x + y) % 256], axis=-1)
            frame = av.VideoFrame.from_ndarray(image.astype(np.uint8), format="rgb24")
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = pts, tb
            for packet in stream.encode(frame):
                packet.duration = durations[packet.pts]
                container.mux(packet)
        for packet in stream.encode(None):
            packet.duration = durations[packet.pts]
            container.mux(packet)
    return [p / 1000 for p in pts_ms]


def test_variable_frame_rate_keeps_timestamps_frame_count_and_duration(tmp_path: Path):
    src = tmp_path / "vfr.mkv"
    times_in = _make_vfr(src)
    meta = probe(str(src))
    assert meta.frame_count == 40
    out = tmp_path / "vfr_annotated.mp4"
    render_annotated(meta, str(out), segments=_segments(meta.duration_sec), events=[EVENT],
                     watched_labels=[], preset="ultrafast")
    info = _ffprobe(out)
    one_frame = 1.0 / meta.fps
    assert abs(float(info["format"]["duration"]) - meta.duration_sec) <= one_frame
    assert abs(float(info["streams"][0]["duration"]) - meta.duration_sec) <= one_frame
    times_out = [t for t, _ in _decoded(out)]
    assert len(times_out) == len(times_in)
    assert np.allclose(times_out, times_in, atol=0.002)
    assert not list(tmp_path.glob("*.part"))


# ------------------------------------------------------------------------------------------
# Failure, label choice


def test_failure_leaves_neither_output_nor_part_file(tmp_path: Path):
    meta = probe(str(_sample("chaplin.mp4")))
    out = tmp_path / "annotated.mp4"

    def explode(fraction: float) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        render_annotated(meta, str(out), segments=_segments(meta.duration_sec), events=[],
                         watched_labels=[], preset="ultrafast", on_progress=explode)
    assert list(tmp_path.iterdir()) == []


def test_current_segment_is_the_nearest_centre_and_label_is_best_watched():
    segments = [
        SegmentScore(0, 0.0, 2.0, (("walk", 0.7), ("fight", 0.2)), {"fight": 0.2, "fall": 0.1}),
        SegmentScore(1, 1.0, 3.0, (("walk", 0.5), ("fall", 0.4)), {"fight": 0.1, "fall": 0.4}),
        SegmentScore(2, 2.0, 4.0, (("fight", 0.8), ("walk", 0.1)), {"fight": 0.8, "fall": 0.0}),
    ]
    watched = _Timeline.build(segments, [], ["fight", "fall"])
    assert [watched.current(t) for t in (0.0, 1.4, 1.6, 2.4, 2.6, 9.0)] == [0, 0, 1, 1, 2, 2]
    assert watched.labels == ("fight", "fall", "fight")
    assert watched.scores.tolist() == [0.2, 0.4, 0.8]
    top1 = _Timeline.build(segments, [EVENT], [])
    assert top1.labels == ("walk", "walk", "fight")
    assert top1.event_on(2.0) and top1.event_on(3.99)
    assert not top1.event_on(4.0) and not top1.event_on(1.99)


# ------------------------------------------------------------------------------------------
# Known upstream problem (inference.decode / inference.probe), kept visible


@pytest.mark.parametrize("name", ["mmaction2-test.avi", "fight_0002.mpeg"])
def test_avi_and_mpeg_ps_keep_every_frame(name: str, tmp_path: Path):
    meta = probe(str(_sample(name)))
    out = tmp_path / "annotated.mp4"
    render_annotated(meta, str(out), segments=[], events=[], watched_labels=[],
                     preset="ultrafast", max_height=240)
    assert len(_decoded(out)) == meta.frame_count
