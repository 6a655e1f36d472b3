"""Tests for ``inference.thumbsheet``: the sprite sheet the render pass writes for scrubbing."""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from inference.probe import probe
from inference.render import render_annotated
from inference.thumbsheet import (
    SHEET_INDEX_NAME,
    SHEET_NAME,
    ThumbnailSheet,
    read_index,
    sheet_interval_sec,
)
from tests.inference.media import SAMPLES, read_code


def _render_with_sheet(src: Path, out_dir: Path, *, max_height: int = 240) -> None:
    render_annotated(probe(str(src)), str(out_dir / "annotated.mp4"), segments=[], events=[],
                     watched_labels=[], max_height=max_height, preset="ultrafast",
                     thumbnails_dir=str(out_dir))


def _tile(sheet: Image.Image, index, i: int) -> np.ndarray:
    x = (i % index.columns) * index.tile_width
    y = (i // index.columns) * index.tile_height
    return np.asarray(sheet.crop((x, y, x + index.tile_width, y + index.tile_height)))


def test_real_clip_gets_one_tile_per_second_in_a_grid_that_matches_its_index(tmp_path: Path):
    src = SAMPLES / "fall-01-cam0.mp4"  # 640x240, 5.33 s
    if not src.is_file():
        pytest.fail(f"the shared sample clip is missing: {src}")
    _render_with_sheet(src, tmp_path)

    index = read_index(tmp_path / SHEET_INDEX_NAME)
    document = json.loads((tmp_path / SHEET_INDEX_NAME).read_text())
    assert document["schema"] == "vigil.thumbs/1"
    assert index.image == SHEET_NAME
    assert index.interval_sec == 1.0
    assert (index.tile_width, index.tile_height) == (192, 72)  # 640x240 at 72 px high
    assert index.count == 6 and len(index.times_sec) == 6  # 0, 1, ... 5 s
    assert (index.columns, index.rows) == (6, 1)
    for i, t_sec in enumerate(index.times_sec):
        assert i <= t_sec < i + 0.1, index.times_sec  # first frame at or after each tick
    with Image.open(tmp_path / SHEET_NAME) as sheet:
        assert sheet.format == "JPEG"
        assert sheet.size == (index.columns * index.tile_width, index.rows * index.tile_height)
        sheet.load()
        # Each tile is the source frame at its time, scaled (not the annotated frame).
        with av.open(str(src)) as container:
            frames = [(float(f.time), f.to_ndarray(format="rgb24"))
                      for f in container.decode(video=0)]
        for i, t_sec in enumerate(index.times_sec):
            source = min(frames, key=lambda item: abs(item[0] - t_sec))[1]
            expected = np.asarray(Image.fromarray(source).resize(
                (index.tile_width, index.tile_height), Image.Resampling.BILINEAR))
            diff = np.abs(_tile(sheet, index, i).astype(np.int16) - expected.astype(np.int16))
            assert diff.mean() < 12, (i, diff.mean())
    assert not list(tmp_path.glob("*.part"))


def test_tiles_show_the_frame_at_their_time(coded_video: Path, tmp_path: Path):
    """4 s at 25 fps, frames spelling their index: tile ``i`` must be frame ``25 * i``."""
    _render_with_sheet(coded_video, tmp_path)
    index = read_index(tmp_path / SHEET_INDEX_NAME)
    assert index.times_sec == (0.0, 1.0, 2.0, 3.0)
    with Image.open(tmp_path / SHEET_NAME) as sheet:
        sheet.load()
        codes = [read_code(np.asarray(Image.fromarray(_tile(sheet, index, i)).resize((192, 64))))
                 for i in range(index.count)]
    assert codes == [0, 25, 50, 75]


def test_long_videos_keep_the_sheet_capped():
    assert sheet_interval_sec(299.0) == 1.0
    assert sheet_interval_sec(3600.0) == 12.0
    sheet = ThumbnailSheet(duration_sec=3600.0, frame_width=1280, frame_height=720)
    assert (sheet.tile_width, sheet.tile_height) == (128, 72)
    tile = np.full((72, 128, 3), 90, np.uint8)
    offered = 0
    for step in range(7200):  # a frame every 0.5 s for an hour
        t_sec = step * 0.5
        if sheet.wants(t_sec):
            sheet.add(tile, t_sec=t_sec)
            offered += 1
    assert offered == 300


def test_sheet_is_written_with_its_grid_and_refuses_wrong_tiles(tmp_path: Path):
    sheet = ThumbnailSheet(duration_sec=3600.0, frame_width=1280, frame_height=720)
    assert sheet.save(tmp_path) is None  # nothing offered: nothing written
    assert not (tmp_path / SHEET_NAME).exists()
    for i in range(23):
        sheet.add(np.full((72, 128, 3), i * 10, np.uint8), t_sec=i * 12.0)
    with pytest.raises(ValueError, match="tile shape"):
        sheet.add(np.zeros((72, 127, 3), np.uint8), t_sec=999.0)
    index = sheet.save(tmp_path)
    assert index is not None
    assert (index.columns, index.rows, index.count) == (10, 3, 23)
    with Image.open(tmp_path / SHEET_NAME) as image:
        assert image.size == (1280, 216)
        image.load()
        assert abs(_tile(image, index, 22).mean() - 220) < 3  # last tile, third row
        assert _tile(image, index, 25).mean() < 3  # unused cell stays black
    assert read_index(tmp_path / SHEET_INDEX_NAME) == index
