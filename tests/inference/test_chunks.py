"""Chunked analysis: every window scored once, merged results equal a single run's."""
from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from inference.chunks import (
    ChunkError,
    ChunkScores,
    analyse_chunk,
    load_chunk,
    merge_chunks,
    plan_chunks,
    run_chunked,
    save_chunk,
)
from inference.decode import FrameScaler, iter_frames, sample_at
from inference.events import detect_events
from inference.pipeline import run
from inference.probe import probe
from inference.results import read_document
from inference.sampling import windows
from inference.types import EventRules, PipelineConfig, SegmentScore
from tests.inference.media import REPO

SAMPLE = REPO.parent / "shared" / "clips" / "samples" / "fall-03-cam0.mp4"
TOLERANCE = 1e-5
CHEAP = {"model": "r3d_18", "weights": "none", "clip_len": 4, "render": False, "batch_size": 2}


@pytest.fixture(scope="module")
def keyed_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real 10 s clip (the sample looped) with a key frame every 0.5 s, so chunks seek."""
    if not SAMPLE.is_file():
        pytest.skip(f"sample clip {SAMPLE} is not available")
    path = tmp_path_factory.mktemp("chunks") / "keyed.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-stream_loop", "1", "-i", str(SAMPLE), "-t", "10",
                    "-vf", "scale=320:120", "-c:v", "libx264", "-g", "15", "-bf", "2",
                    "-pix_fmt", "yuv420p", "-an", str(path)], check=True)
    return path


def assert_same_segments(got: Sequence[SegmentScore], want: Sequence[SegmentScore]) -> None:
    """Same windows, scores within float tolerance (batches and threads differ), same top
    labels wherever their probabilities are not tied within that tolerance."""
    assert [(s.index, s.start_sec, s.end_sec) for s in got] == \
        [(s.index, s.start_sec, s.end_sec) for s in want]
    for a, b in zip(got, want, strict=True):
        assert a.scores == pytest.approx(b.scores, abs=TOLERANCE)
        assert [p for _, p in a.top] == pytest.approx([p for _, p in b.top], abs=TOLERANCE)
        probs = [p for _, p in b.top]
        # The last one may tie with the first label left out: not checked.
        for i, (label, p) in enumerate(b.top[:-1]):
            if all(abs(p - q) > TOLERANCE for j, q in enumerate(probs) if j != i):
                assert dict(a.top).get(label) == pytest.approx(p, abs=TOLERANCE), label


def test_every_window_belongs_to_exactly_one_chunk():
    for duration_sec, chunk_sec in [(14.0, 3.0), (14.3, 5.0), (7.2, 2.5), (1.5, 3.0),
                                    (61.0, 10.0)]:
        plan = windows(duration_sec=duration_sec, clip_len=1, segment_sec=2.0, stride_sec=1.0)
        chunks = plan_chunks(duration_sec=duration_sec, segment_sec=2.0, stride_sec=1.0,
                             chunk_sec=chunk_sec)
        owners = [[c.index for c in chunks if c.owns(w)] for w in plan]
        assert all(len(o) == 1 for o in owners), (duration_sec, chunk_sec, owners)
        assert [c.index for c in chunks] == list(range(len(chunks)))
        assert all(any(c.owns(w) for w in plan) for c in chunks)  # no empty chunk
    assert len(plan_chunks(duration_sec=61.0, segment_sec=2.0, stride_sec=1.0,
                           chunk_sec=10.0)) == 6


def test_seeking_decode_gives_the_frames_of_a_full_decode(keyed_clip: Path):
    meta = probe(str(keyed_clip))
    times = [7.3, 7.9, 9.05, 9.9]
    scaler = FrameScaler.for_video(meta, size=(80, 30))
    full = {t: scaler.to_rgb(f.av_frame) for t, f in sample_at(iter_frames(meta), times)}
    first = next(iter_frames(meta, start_sec=6.0))
    assert 5.0 < first.pts_sec <= 6.0 + 1e-6  # it seeked to the key frame before 6 s
    seeked = list(sample_at(iter_frames(meta, start_sec=6.0), times))
    for t, frame in seeked:
        assert np.array_equal(scaler.to_rgb(frame.av_frame), full[t]), t


def test_merged_chunks_equal_a_single_run(keyed_clip: Path, tmp_path: Path):
    single = run(str(keyed_clip), config=PipelineConfig(**CHEAP), out_dir=str(tmp_path / "one"))
    label = single.watched_labels[0]
    median = float(np.median([s.scores[label] for s in single.segments]))
    # Threshold at the median score: events start and end all over the clip, across borders.
    # (The threshold changes only the events, which the single run gets from the same code.)
    config = PipelineConfig(**CHEAP, labels=(label,), events=EventRules(enter_threshold=median,
                                                                     exit_threshold=median))
    expected = detect_events(single.segments, labels=(label,), rules=config.events)
    merged = run_chunked(str(keyed_clip), config=config, chunk_sec=3.0,
                         out_dir=str(tmp_path / "merged"))

    assert len(merged.segments) == 9
    assert_same_segments(merged.segments, single.segments)
    assert len(expected) >= 2, "the median threshold should open and close events"
    assert [(e.label, e.start_sec, e.end_sec) for e in merged.events] == \
        [(e.label, e.start_sec, e.end_sec) for e in expected]
    document = read_document(tmp_path / "merged" / "results.json")
    assert [s["index"] for s in document["segments"]] == list(range(9))


def test_a_missing_or_repeated_chunk_is_refused(keyed_clip: Path, tmp_path: Path):
    config = PipelineConfig(**CHEAP)
    meta = probe(str(keyed_clip))
    chunks = plan_chunks(duration_sec=meta.duration_sec, segment_sec=2.0, stride_sec=1.0,
                         chunk_sec=6.0)
    parts = [analyse_chunk(str(keyed_clip), config=config, chunk=c) for c in chunks]
    save_chunk(parts[0], tmp_path / "0.npz")
    again = load_chunk(tmp_path / "0.npz")
    assert np.array_equal(again.probabilities, parts[0].probabilities)
    with pytest.raises(ChunkError):
        merge_chunks(str(keyed_clip), config=config, parts=parts[1:], out_dir=str(tmp_path))
    twice: list[ChunkScores] = [*parts, dataclasses.replace(again)]
    with pytest.raises(ChunkError):
        merge_chunks(str(keyed_clip), config=config, parts=twice, out_dir=str(tmp_path))
