from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inference import cli
from inference.decode import iter_frames, sample_at, to_array
from inference.errors import Cancelled, ModelError
from inference.models import get
from inference.mp4 import ffprobe_video, top_level_boxes
from inference.pipeline import iter_clips, run
from inference.probe import probe
from inference.results import read_document
from inference.sampling import windows
from inference.types import EventRules, PipelineConfig, Results
from tests.inference.media import REPO, code_frame, read_code, write_audio_only, write_video

# 0-4 s at 30 fps, then 4-8 s at 10 fps: frame index / average fps is wrong by up to 2 s.
VFR_PTS = [i / 30 for i in range(120)] + [4 + i / 10 for i in range(40)]
FAST = {"model": "r3d_18", "weights": "none", "clip_len": 8, "render_max_height": 240}


@pytest.fixture(scope="module")
def vfr_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vfr") / "vfr.mp4"
    return write_video(path, [code_frame(i) for i in range(len(VFR_PTS))], pts_sec=VFR_PTS)


def test_vfr_frames_sampled_by_timestamp(vfr_video: Path):
    meta = probe(str(vfr_video))
    assert meta.duration_sec == pytest.approx(8.0, abs=0.1)  # within one frame (0.1 s)
    plan = windows(duration_sec=meta.duration_sec, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    times = sorted({t for w in plan for t in w.sample_times_sec})
    naive_errors = [abs(VFR_PTS[min(int(t * meta.fps), len(VFR_PTS) - 1)] - t) for t in times]
    assert max(naive_errors) > 1.0  # a frame-index sampler would be seconds off
    for t, frame in sample_at(iter_frames(meta), times):
        index = read_code(to_array(frame.av_frame, size=(192, 64)))
        assert VFR_PTS[index] <= t + 1e-6, (t, index)
        if index + 1 < len(VFR_PTS):
            assert VFR_PTS[index + 1] > t, (t, index)
        assert frame.pts_sec == pytest.approx(VFR_PTS[index], abs=1e-3)


def test_vfr_segment_boundaries_within_one_frame(vfr_video: Path, tmp_path: Path):
    config = PipelineConfig(**FAST)
    results = run(str(vfr_video), config=config, out_dir=str(tmp_path))
    starts = [s.start_sec for s in results.segments]
    assert starts[:7] == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], abs=0.1)
    assert results.segments[-1].end_sec == pytest.approx(8.0, abs=0.1)
    video = ffprobe_video(tmp_path / "annotated.mp4")
    assert video["duration"] == pytest.approx(8.0, abs=0.1)
    assert video["nb_frames"] == len(VFR_PTS)


def test_iter_clips_shares_frames_between_overlapping_windows(coded_video: Path):
    meta = probe(str(coded_video))
    spec = get("r3d_18").input_spec
    plan = windows(duration_sec=meta.duration_sec, clip_len=16, segment_sec=2.0, stride_sec=1.0)
    clips = list(iter_clips(meta, plan, spec=spec))
    assert [w.index for w, _ in clips] == [w.index for w in plan]
    for _, clip in clips:
        assert clip.shape == (16, spec.crop_size, spec.crop_size, 3)
        assert clip.dtype == np.uint8
    np.testing.assert_array_equal(clips[0][1][8:], clips[1][1][:8])
    assert not np.array_equal(clips[0][1][0], clips[0][1][15])


@pytest.mark.parametrize("name", ["chaplin.mp4", "flipping_a_pancake.mkv", "mmaction2-test.avi"])
def test_real_clips_give_valid_results_and_playable_video(name: str, samples_dir: Path,
                                                          tmp_path: Path):
    source = samples_dir / name
    progress: list[tuple[str, float]] = []
    streamed = []
    results = run(str(source), config=PipelineConfig(**FAST), out_dir=str(tmp_path),
                  on_progress=lambda stage, f: progress.append((stage, f)),
                  on_segment=streamed.append)
    document = read_document(tmp_path / "results.json")
    assert len(document["segments"]) == len(results.segments) == len(streamed) > 3
    assert document["model"]["weights"] == "random"
    stages = [stage for stage, _ in progress]
    assert stages[0] == "probe" and stages[-1] == "done"
    assert {"analyze", "render"} <= set(stages)
    assert [f for s, f in progress if s == "analyze"][-1] == 1.0
    annotated = tmp_path / "annotated.mp4"
    video = ffprobe_video(annotated)
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    boxes = [box for box, _ in top_level_boxes(annotated)]
    assert boxes.index("moov") < boxes.index("mdat")
    meta = probe(str(source))
    assert video["duration"] == pytest.approx(meta.duration_sec, abs=1.0 / meta.fps + 1e-3)


def test_watched_labels_drive_scores_and_events(samples_dir: Path, tmp_path: Path):
    config = PipelineConfig(**FAST, labels=("arm wrestling", "punching person (boxing)"),
                            events=EventRules(enter_threshold=0.001, exit_threshold=0.001),
                            render=False)
    results = run(str(samples_dir / "mmaction2-test.mp4"), config=config, out_dir=str(tmp_path))
    for segment in results.segments:
        assert set(segment.scores) == {"arm wrestling", "punching person (boxing)"}
    # Every random-model probability is above 0.001, so each label holds one event end to end.
    assert sorted(e.label for e in results.events) == ["arm wrestling", "punching person (boxing)"]
    assert all(e.end_sec == results.segments[-1].end_sec for e in results.events)
    assert not (tmp_path / "annotated.mp4").exists()


def test_labels_also_scored_leave_scores_and_events_as_they_were(coded_video: Path,
                                                                 tmp_path: Path):
    def analysed(name: str, **options) -> Results:
        config = PipelineConfig(**FAST, render=False, **options)
        return run(str(coded_video), config=config, out_dir=str(tmp_path / name))

    plain = analysed("plain")
    watched = analysed("watched", labels=("zumba",))
    also = analysed("also", also_score=("zumba", "not a label"))
    assert [s.scores for s in also.segments] == [s.scores for s in plain.segments]
    assert also.events == plain.events and also.watched_labels == plain.watched_labels
    # Read from the same softmax as a watched label's score; unknown labels skipped.
    assert [s.also for s in also.segments] == [{"zumba": s.scores["zumba"]}
                                               for s in watched.segments]
    assert all(s.also == {} for s in plain.segments)


def test_unknown_label_and_model_are_model_errors(coded_video: Path, tmp_path: Path):
    with pytest.raises(ModelError, match="unknown label"):
        run(str(coded_video), config=PipelineConfig(**FAST, labels=("fightt",)),
            out_dir=str(tmp_path))
    with pytest.raises(ModelError, match="unknown model"):
        run(str(coded_video), config=PipelineConfig(model="nope", weights="none"),
            out_dir=str(tmp_path))


def test_cancel_stops_the_run(coded_video: Path, tmp_path: Path):
    calls = []

    def cancel_after_first_batch() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):
        run(str(coded_video), config=PipelineConfig(**FAST, batch_size=1), out_dir=str(tmp_path),
            should_cancel=cancel_after_first_batch)
    assert not (tmp_path / "results.json").exists()


def make_bad_input(kind: str, folder: Path, samples: Path) -> Path:
    """One bad upload of each kind the CLI must refuse, named like a video."""
    path = folder / f"{kind}.mp4"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("hello, this is text\n" * 10)
    elif kind == "truncated":
        path.write_bytes((samples / "chaplin.mp4").read_bytes()[:300_000])
    elif kind == "audio_only":
        write_audio_only(path)
    elif kind == "image":
        Image.fromarray(code_frame(3)).save(path, format="PNG")
    elif kind == "hls_local_file":
        path.write_text(f"#EXTM3U\n#EXTINF:9,\nfile://{samples / 'chaplin.mp4'}\n#EXT-X-ENDLIST\n")
    elif kind == "hls_localhost":
        path.write_text("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n")
    elif kind == "ffconcat":
        path.write_text(f"ffconcat version 1.0\nfile '{samples / 'chaplin.mp4'}'\n")
    elif kind == "too_large_frame":
        big = np.zeros((4320, 7680, 3), dtype=np.uint8)
        write_video(path, [big], pts_sec=[0.0])
    return path


BAD_INPUTS = {
    "empty": "empty_file",
    "text": "not_a_video",
    "truncated": "truncated",
    "audio_only": "no_video_stream",
    "image": "image",
    "hls_local_file": "playlist",
    "hls_localhost": "playlist",
    "ffconcat": "playlist",
    "too_large_frame": "frame_too_large",
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_cli_bad_input_one_line_nonzero(kind: str, tmp_path: Path, samples_dir: Path,
                                        capsys: pytest.CaptureFixture):
    path = make_bad_input(kind, tmp_path, samples_dir)
    status = cli.main(["analyze", str(path), "--weights", "none", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert status == cli.EXIT_REJECTED
    assert err.count("\n") == 1 and err.startswith("error: ") and f"[{BAD_INPUTS[kind]}]" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "results.json").exists()


def test_cli_process_end_to_end(coded_video: Path, tmp_path: Path):
    out = tmp_path / "out"
    ok = subprocess.run(
        [sys.executable, "-m", "inference", "analyze", str(coded_video), "--model", "r3d_18",
         "--weights", "none", "--clip-len", "8", "--out", str(out), "--render-height", "64"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "segments" in ok.stdout
    assert json.loads((out / "results.json").read_text())["schema"] == "vigil.results/1"
    assert (out / "thumbs.jpg").is_file() and str(out / "thumbs.jpg") in ok.stdout
    assert json.loads((out / "thumbs.json").read_text())["count"] == 4  # 4 s: 0, 1, 2, 3
    bad = subprocess.run(
        [sys.executable, "-m", "inference", "analyze", str(REPO / "README.md"), "--weights", "none",
         "--out", str(tmp_path / "bad")], cwd=REPO, capture_output=True, text=True, timeout=300,
        check=False)
    assert bad.returncode == cli.EXIT_REJECTED
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr
    listing = subprocess.run([sys.executable, "-m", "inference", "models"], cwd=REPO,
                             capture_output=True, text=True, timeout=120, check=True)
    assert "r2plus1d_18" in listing.stdout and "resnet34_3d" in listing.stdout
