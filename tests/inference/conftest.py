from __future__ import annotations

from pathlib import Path

import pytest

from tests.inference.media import SAMPLES, code_frame, write_video


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"the shared clips are missing at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def coded_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4 s, 25 fps clip whose frames spell their index."""
    path = tmp_path_factory.mktemp("coded") / "coded.mp4"
    frames = [code_frame(i) for i in range(100)]
    return write_video(path, frames, pts_sec=[i / 25 for i in range(100)])
