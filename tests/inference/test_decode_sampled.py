"""Decode only what is sampled: exactly the sampled frames, converted once, non-reference
frames skipped only where sampling allows."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from inference.decode import iter_frames, iter_sampled, nonref_skip_allowed
from inference.probe import probe
from tests.inference.media import read_code


@pytest.fixture(scope="module")
def coded_with_b_frames(coded_video: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The coded clip re-encoded the way cameras and x264 presets do: B-frames, some of them
    non-reference."""
    path = tmp_path_factory.mktemp("bframes") / "coded-bframes.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(coded_video), "-c:v", "libx264",
                    "-preset", "veryfast", "-crf", "12", "-bf", "3", "-b-pyramid", "none",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def test_decode_returns_exactly_the_sampled_frames_each_converted_once(coded_video: Path,
                                                                        ) -> None:
    meta = probe(str(coded_video))
    # 25 fps: the frames on screen are 0 0 12 12 25 26 62 99 99 (past the end: the last)
    times = [0.0, 0.01, 0.5, 0.5, 1.03, 1.07, 2.5, 3.99, 10.0]
    sampled = list(iter_sampled(meta, times, size=(192, 64)))
    assert [t for t, _ in sampled] == times
    assert [read_code(image) for _, image in sampled] == [0, 0, 12, 12, 25, 26, 62, 99, 99]
    # a frame that several times share is one conversion (one array), not one per time
    assert sampled[0][1] is sampled[1][1] and sampled[2][1] is sampled[3][1]
    assert len({id(image) for _, image in sampled}) == 6
    assert all(image.shape == (64, 192, 3) and image.dtype == np.uint8 for _, image in sampled)


def test_decode_scales_to_the_model_size_in_ffmpeg(coded_video: Path) -> None:
    meta = probe(str(coded_video))
    (_, image), = iter_sampled(meta, [1.0], size=(96, 32))
    assert image.shape == (32, 96, 3)


def test_non_reference_frames_are_skipped_only_for_sparse_sampling(coded_with_b_frames: Path,
                                                                   ) -> None:
    meta = probe(str(coded_with_b_frames))
    every = [read_code(f.av_frame.to_ndarray(format="rgb24")) for f in iter_frames(meta)]
    references = [read_code(f.av_frame.to_ndarray(format="rgb24"))
                  for f in iter_frames(meta, skip_nonref=True)]
    assert every == list(range(100))
    assert set(references) < set(every)  # fewer frames decoded, all of them real frames
    assert len(references) < 0.8 * len(every)
    assert references == sorted(references)
    assert not nonref_skip_allowed(meta, step_sec=2 / 25)  # 16 fps sampling needs every frame
    assert nonref_skip_allowed(meta, step_sec=0.25)  # TSN's 4 fps snippets do not
