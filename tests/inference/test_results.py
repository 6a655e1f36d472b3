from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from inference.results import (
    InvalidResults,
    format_score,
    read_document,
    to_document,
    validate_document,
    write_document,
)
from inference.types import (
    Event,
    InputSpec,
    ModelInfo,
    PipelineConfig,
    Results,
    SegmentScore,
    VideoMeta,
)


@pytest.fixture
def document() -> dict:
    meta = VideoMeta(path="/x.mp4", container="mov", codec="h264", width=640, height=360,
                     rotation=90, fps=25.0, frame_count=100, duration_sec=4.0, start_sec=0.0,
                     size_bytes=1000)
    spec = InputSpec(clip_len=16, crop_size=112, resize_short=128, mean=(0.4, 0.4, 0.4),
                     std=(0.2, 0.2, 0.2))
    info = ModelInfo(name="r2plus1d_18", labels=("fight", "no_fight"), modalities=("rgb",),
                     weights="random", input_spec=spec)
    segments = tuple(
        SegmentScore(index=i, start_sec=float(i), end_sec=i + 2.0,
                     top=(("fight", 0.8), ("no_fight", 0.2)),
                     scores={"fight": 0.8, "no_fight": 0.2})
        for i in range(3)
    )
    events = (Event(label="fight", start_sec=0.0, end_sec=4.0, peak_score=0.8, mean_score=0.8,
                    peak_sec=1.0),)
    results = Results(video=meta, model=info, config=PipelineConfig(labels=("fight",)),
                      segments=segments, events=events, watched_labels=("fight",),
                      timings_sec={"total": 1.5})
    return to_document(results)


def test_document_matches_the_schema_and_design(document: dict):
    validate_document(document)
    assert document["schema"] == "vigil.results/1"
    assert (document["video"]["width"], document["video"]["height"]) == (360, 640)  # rotated
    assert document["model"]["untrained"] is True
    assert document["config"]["clip_len"] == 16
    assert document["segments"][1]["top"][0] == ["fight", 0.8]
    assert document["events"][0]["label"] == "fight"


@pytest.mark.parametrize("breakage", [
    lambda d: d.update(schema="vigil.results/2"),
    lambda d: d.pop("segments"),
    lambda d: d["segments"][0].update(start_sec=-1),
    lambda d: d["segments"][0]["top"].append(["x", 0.1, 3]),
    lambda d: d["segments"][0]["scores"].update(fight=1.5),
    lambda d: d["segments"][1].update(index=0),
    lambda d: d["segments"][2].update(end_sec=9.0),
    lambda d: d["segments"][0].update(top=[["unknown label", 0.9]]),
    lambda d: d["events"][0].update(end_sec=0.0),
    lambda d: d["video"].update(rotation=45),
    lambda d: d.update(extra=1),
])
def test_validation_rejects_broken_documents(document: dict, breakage):
    broken = copy.deepcopy(document)
    breakage(broken)
    with pytest.raises(InvalidResults):
        validate_document(broken)


def test_write_is_atomic_and_round_trips(document: dict, tmp_path: Path):
    path = tmp_path / "results.json"
    write_document(document, path)
    assert read_document(path) == json.loads(json.dumps(document))
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
    broken = copy.deepcopy(document)
    broken["schema"] = "nope"
    with pytest.raises(InvalidResults):
        write_document(broken, tmp_path / "bad.json")
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


@pytest.mark.parametrize(("score", "text"), [
    (1.0, "1.00"), (0.9134, "0.91"), (0.0042, "0.004"), (0.0002, "<0.001"), (0.0, "0")])
def test_small_scores_never_print_as_zero(score: float, text: str):
    assert format_score(score) == text
