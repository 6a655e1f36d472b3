"""``python -m inference analyze`` over several files or a folder: one line per clip."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from inference import cli


def test_a_folder_is_one_command_with_one_line_and_one_results_folder_per_clip(
        tmp_path: Path, samples_dir: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("fall-01-cam0.mp4", "mmaction2-test.avi"):
        shutil.copy(samples_dir / name, folder / name)
    (folder / "broken.mp4").write_bytes(b"not a video at all")
    (folder / "notes.txt").write_text("skipped: not a video file name")
    out = tmp_path / "out"

    status = cli.main(["analyze", str(folder), "--model", "r3d_18", "--weights", "none",
                       "--clip-len", "4", "--no-render", "--out", str(out)])

    lines = capsys.readouterr().out.strip().splitlines()
    assert status == cli.EXIT_REJECTED  # the worst clip decides; the others still ran
    assert len(lines) == 3
    by_name = {Path(line.split("\t")[0]).name: line for line in lines}
    assert set(by_name) == {"broken.mp4", "fall-01-cam0.mp4", "mmaction2-test.avi"}
    assert "error [" in by_name["broken.mp4"]
    for name in ("fall-01-cam0.mp4", "mmaction2-test.avi"):
        assert "segments" in by_name[name] and "x real time" in by_name[name]
        document = json.loads((out / Path(name).stem / "results.json").read_text())
        assert document["schema"] == "vigil.results/1" and document["segments"]
    assert not (out / "broken").exists() or not (out / "broken" / "results.json").exists()


def test_several_files_keep_apart_clips_with_the_same_name(tmp_path: Path,
                                                            samples_dir: Path) -> None:
    first, second = tmp_path / "a" / "clip.mp4", tmp_path / "b" / "clip.mp4"
    for path in (first, second):
        path.parent.mkdir()
        shutil.copy(samples_dir / "fall-01-cam0.mp4", path)
    status = cli.main(["analyze", str(first), str(second), "--model", "r3d_18", "--weights",
                       "none", "--clip-len", "4", "--no-render", "--out", str(tmp_path / "o")])
    assert status == 0
    assert (tmp_path / "o" / "clip" / "results.json").is_file()
    assert (tmp_path / "o" / "clip-2" / "results.json").is_file()


def test_an_empty_folder_is_a_usage_error(tmp_path: Path,
                                          capsys: pytest.CaptureFixture) -> None:
    status = cli.main(["analyze", str(tmp_path), "--out", str(tmp_path / "o")])
    assert status == 2
    assert "no video files in folder" in capsys.readouterr().err
