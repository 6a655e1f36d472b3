"""The fight and fall detectors shipped in the repository: weights, cards, real clips."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from inference.classify import Classifier
from inference.models import build, get, recommended_threshold, weights_available
from inference.models.detectors import CARDS_DIR, DETECTORS_DIR, model_card
from inference.models.weights import read_checkpoint, sha256_file
from inference.pipeline import iter_clips
from inference.probe import probe
from inference.sampling import windows

REPO = Path(__file__).resolve().parents[2]
DETECTORS = ("fight_detector", "fall_detector")
#: Everything a model card must say (issue: data and licences, recipe, CV metrics, per-class
#: P/R/F1, threshold at a target precision, cost, how to reproduce).
CARD_FIELDS = ("name", "labels", "weights", "data", "recipe", "cv", "decision_threshold",
               "target_precision", "recipes_compared", "reproduce", "cost")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("models"))  # the I3D trunk is converted here once


@pytest.mark.parametrize("name", DETECTORS)
def test_shipped_weights_match_their_card_and_stay_small(name: str) -> None:
    card = model_card(name)
    path = DETECTORS_DIR / f"{name}.pt"
    assert set(CARD_FIELDS) <= set(card)
    assert card["weights"]["sha256"] == sha256_file(path)
    assert path.stat().st_size < 8 * 1024**2
    checkpoint = read_checkpoint(path)
    assert checkpoint.arch == name and list(checkpoint.labels or ()) == card["labels"]
    assert all(k.startswith(("head.", "block.", "motion.")) for k in checkpoint.state_dict)
    # a motion stream in the weights is what the card says was cross-validated
    assert card["recipe"].get("motion_stream", False) == any(
        k.startswith("motion.") for k in checkpoint.state_dict)
    assert card["reproduce"] == f"python -m training ship --task {name.split('_', maxsplit=1)[0]}"
    cv = card["cv"]
    assert 0.5 < cv["cv_accuracy_mean"] <= 1 and cv["folds"] >= 3
    assert set(cv["out_of_fold"]["per_class"]) == set(card["labels"])
    assert 0 < card["decision_threshold"]["threshold"] < 1
    assert recommended_threshold(name) == card["decision_threshold"]["threshold"]
    assert card["cost"]["sec_per_video_min"] > 0


def test_the_total_shipped_weights_stay_under_20_mb() -> None:
    total = sum(p.stat().st_size for p in DETECTORS_DIR.glob("*.pt"))
    assert 0 < total < 20 * 1024**2
    assert {p.stem for p in DETECTORS_DIR.glob("*.pt")} == set(DETECTORS)
    assert {p.stem for p in CARDS_DIR.glob("*.json")} >= set(DETECTORS)


def test_the_fall_card_says_the_data_is_non_commercial() -> None:
    card = model_card("fall_detector")
    text = " ".join(card["data"]["licences"]) + " " + card["data"].get("note", "")
    assert "NC" in text or "non-commercial" in text.lower()
    assert card["data"]["groups"] >= 20  # subject / recording groups, not clips


def test_detectors_are_listed_by_what_they_detect_and_load_offline(model_dir: str) -> None:
    listing = subprocess.run([sys.executable, "-m", "inference", "models"], cwd=REPO,
                             capture_output=True, text=True, timeout=120, check=True).stdout
    rows = {line.split()[0]: line for line in listing.splitlines()}
    for name in DETECTORS:
        assert "available offline" in rows[name]
        assert weights_available(get(name), model_dir=model_dir)
    assert "available offline" in rows["i3d"]


def _window_scores(name: str, video: Path, *, model_dir: str, start_sec: float = 0.0,
                   count: int = 4) -> np.ndarray:
    """The detector's positive-class probability on ``count`` analysis windows of ``video``
    from ``start_sec`` (the windows and preprocessing of ``inference.pipeline``)."""
    loaded = build(name, weights="default", model_dir=model_dir)
    spec = loaded.info.input_spec
    meta = probe(str(video))
    plan = [w for w in windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                               segment_sec=2.0, stride_sec=1.0) if w.start_sec >= start_sec]
    classifier = Classifier(loaded.module, spec=spec)
    clips = [clip for _, clip in iter_clips(meta, plan[:count], spec=spec)]
    return classifier.predict(np.stack(clips))[:, 0]


def test_the_fight_detector_separates_a_real_fight_from_pedestrians(samples_dir: Path,
                                                                     model_dir: str) -> None:
    threshold = recommended_threshold("fight_detector")
    fight = _window_scores("fight_detector", samples_dir / "fight_0002.mpeg",
                           model_dir=model_dir, start_sec=12.0)
    calm = _window_scores("fight_detector", samples_dir / "vtest.avi", model_dir=model_dir,
                          start_sec=10.0)
    assert fight.max() >= threshold > calm.max()
    assert fight.mean() > calm.mean() + 0.3


def test_the_fall_detector_separates_a_fall_from_walking(samples_dir: Path, model_dir: str,
                                                         tmp_path: Path) -> None:
    """``samples/fall-01-cam0.mp4`` is URFD's side-by-side depth | RGB recording of fall 01;
    the detector saw its RGB half in training (the only fall footage in ../shared), so this
    checks the shipped weights end to end, and the model card's out-of-fold scores (20 of 21
    URFD falls, 26 of 30 UP-Fall falls) say how it does on unseen falls."""
    rgb_half = tmp_path / "fall-01-rgb.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(samples_dir / "fall-01-cam0.mp4"),
                    "-vf", "crop=320:240:320:0", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    str(rgb_half)], check=True, timeout=60)
    threshold = recommended_threshold("fall_detector")
    fall = _window_scores("fall_detector", rgb_half, model_dir=model_dir, count=5)
    walk = _window_scores("fall_detector", samples_dir / "vtest.avi", model_dir=model_dir,
                          start_sec=10.0)
    assert fall.max() >= threshold > walk.max()


def test_one_pass_scores_kinetics_and_every_detector_as_the_separate_models_do(
        samples_dir: Path, model_dir: str) -> None:
    from inference.models.detectors import MULTI_HEAD_PARTS

    multi = build("kinetics400_fight", weights="default", model_dir=model_dir)
    spec = multi.info.input_spec
    meta = probe(str(samples_dir / "fight_0002.mpeg"))
    plan = windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len, segment_sec=2.0,
                   stride_sec=1.0)[14:15]
    clip = np.stack([c for _, c in iter_clips(meta, plan, spec=spec)])
    together = Classifier(multi.module, spec=spec, head_sizes=multi.info.head_sizes,
                          fold_bn=False).predict(clip)[0]
    sizes = multi.info.head_sizes
    assert sizes[0] == 400 and len(sizes) == 1 + len(MULTI_HEAD_PARTS)
    assert len(multi.info.labels) == sum(sizes)
    start = 0
    for name, size in zip(("i3d", *MULTI_HEAD_PARTS), sizes, strict=True):
        alone = build(name, weights="default", model_dir=model_dir)
        expected = Classifier(alone.module, spec=spec, fold_bn=False).predict(clip)[0]
        assert np.allclose(together[start:start + size], expected, atol=1e-4), name
        assert multi.info.labels[start:start + size] == alone.info.labels
        start += size


def test_a_several_head_analysis_lists_each_heads_scores(samples_dir: Path, model_dir: str,
                                                        tmp_path: Path) -> None:
    from inference.pipeline import run
    from inference.results import to_document
    from inference.types import PipelineConfig

    config = PipelineConfig(model="kinetics400_fight", model_dir=model_dir, render=False)
    results = run(str(samples_dir / "mmaction2-test.avi"), config=config, out_dir=str(tmp_path))
    document = to_document(results)
    assert document["model"]["head_sizes"] == [400, 2]
    assert results.watched_labels == ("fight",)
    kinetics = set(document["model"]["labels"][:400])
    for segment in document["segments"]:
        assert {label for label, _ in segment["top"]} <= kinetics  # top: the Kinetics head
        assert set(segment["scores"]) == {"fight"}


def test_a_detector_watches_what_it_detects_by_default(samples_dir: Path, model_dir: str,
                                                       tmp_path: Path) -> None:
    from inference.pipeline import run
    from inference.types import PipelineConfig

    config = PipelineConfig(model="fall_detector", model_dir=model_dir, render=False)
    results = run(str(samples_dir / "mmaction2-test.avi"), config=config, out_dir=str(tmp_path))
    assert results.watched_labels == ("fall",)
    assert {event.label for event in results.events} <= {"fall"}


def test_a_motion_head_late_fuses_with_the_i3d_head() -> None:
    import torch

    from inference.models.detectors import I3DDetector
    from inference.motion import MOTION_STATS

    torch.manual_seed(0)
    plain = I3DDetector(pool="kinetics").eval()  # random trunk: this checks the arithmetic
    state = {k: v for k, v in plain.state_dict().items()}
    state["motion.weight"] = torch.randn(1, MOTION_STATS) * 0.1
    state["motion.bias"] = torch.tensor([0.3])
    fused = I3DDetector(pool="kinetics")
    fused.load_state_dict(state)  # motion.* keys make it two-stream
    assert fused.motion is not None and plain.motion is None
    x = torch.rand(2, 3, 8, 64, 64) * 2 - 1
    x[1] = x[0].roll(4, dims=-1)  # the second clip moves; the first is noise
    with torch.inference_mode():
        rgb = torch.softmax(plain(x), dim=1)[:, 0]
        motion = torch.sigmoid(fused.motion(fused.motion_features(x))[:, 0])
        out = torch.softmax(fused.eval()(x), dim=1)[:, 0]
    assert torch.allclose(out, (rgb + motion) / 2, atol=1e-5)
    assert not torch.allclose(out, rgb, atol=1e-3)  # the motion stream changed the scores
