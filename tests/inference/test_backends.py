"""CPU inference backends: converted models score like torch, tampered caches and failed
checks are refused, and the cached conversion scores a video without importing torch.

The detector runs at 8 frames of 112 px (I3D is fully convolutional): the same graph, the
same motion statistics, a quarter of the compute of the shipped input on a shared machine.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from inference.backends import (
    BACKEND_ENV,
    PRECISION_ENV,
    resolve_backend,
    resolve_precision,
    runtime_available,
)
from inference.backends import convert as convert_module
from inference.backends import select as select_module
from inference.backends.cache import ConvertedCacheError, find_by_name
from inference.backends.preprocess import to_input
from inference.backends.runtimes import openvino_bf16_native
from inference.backends.select import BackendClassifier, make_classifier
from inference.classify import Classifier
from inference.errors import ModelError
from inference.models import LoadedModel, build
from inference.models.i3d_weights import CONVERTED_NAME
from inference.models.weights import default_model_dir
from inference.pipeline import iter_clips, run
from inference.probe import probe
from inference.sampling import windows
from inference.types import InputSpec, PipelineConfig

REPO = Path(__file__).resolve().parents[2]
BACKENDS = ("openvino", "onnx")
FIGHT_START_SEC = 12.0


def _model_dir(path: Path) -> str:
    """A fresh model directory that reuses the converted I3D trunk when one is installed."""
    for source in default_model_dir().glob(f"{CONVERTED_NAME}*"):
        (path / source.name).symlink_to(source)
    return str(path)


def _small(loaded: LoadedModel) -> LoadedModel:
    spec = dataclasses.replace(loaded.info.input_spec, clip_len=8, resize_short=112)
    return dataclasses.replace(loaded, info=dataclasses.replace(loaded.info, input_spec=spec))


def _fight_clips(spec: InputSpec, *, count: int = 2) -> np.ndarray:
    """``(count, T, H, W, 3)`` uint8 windows of a real fight (``fight_0002.mpeg``)."""
    meta = probe(str(REPO.parent / "shared" / "clips" / "samples" / "fight_0002.mpeg"))
    plan = [w for w in windows(duration_sec=meta.duration_sec, clip_len=spec.clip_len,
                               segment_sec=2.0, stride_sec=1.0) if w.start_sec >= FIGHT_START_SEC]
    return np.stack([clip for _, clip in iter_clips(meta, plan[:count], spec=spec)])


@pytest.fixture(scope="module")
def fight(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, LoadedModel, np.ndarray]:
    """The fight detector (I3D + head + motion stream) at the small input, real clips, and a
    model directory where the first predict converted it (and checked both backends)."""
    torch.set_num_threads(2)
    model_dir = _model_dir(tmp_path_factory.mktemp("models"))
    loaded = _small(build("fight_detector", model_dir=model_dir))
    clips = _fight_clips(loaded.info.input_spec)
    classifier = make_classifier(loaded, backend="openvino", model_dir=model_dir)
    classifier.predict(clips)
    return model_dir, loaded, clips


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_converted_detector_scores_real_frames_like_torch(
        fight: tuple[str, LoadedModel, np.ndarray], backend: str) -> None:
    model_dir, loaded, clips = fight
    expected = Classifier(loaded.module, spec=loaded.info.input_spec).predict(clips)
    classifier = make_classifier(loaded, backend=backend, model_dir=model_dir)
    assert isinstance(classifier, BackendClassifier)
    got = classifier.predict(clips)
    assert list(classifier.used.values()) == [backend]  # not the torch fallback
    assert np.abs(got - expected).max() < convert_module.MAX_ABS_DIFF
    assert np.array_equal(got.argmax(axis=1), expected.argmax(axis=1))
    (model,) = find_by_name(model_dir, name="fight_detector")
    assert model.inputs == ("clips", "motion")  # motion statistics stay outside the graph
    verdict = model.check[backend]
    assert verdict["passed"] and verdict["max_abs_diff"] <= verdict["tolerance"] == 1e-3


def test_a_tampered_converted_file_is_refused_and_converted_again(
        fight: tuple[str, LoadedModel, np.ndarray], caplog: pytest.LogCaptureFixture) -> None:
    model_dir, loaded, clips = fight
    (model,) = find_by_name(model_dir, name="fight_detector")
    weights = model.path(".bin")
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the weights
    weights.write_bytes(bytes(data))
    with pytest.raises(ConvertedCacheError, match="sha256"):
        model.verified_paths("openvino")
    classifier = make_classifier(loaded, backend="openvino", model_dir=model_dir)
    with caplog.at_level(logging.WARNING):
        got = classifier.predict(clips)
    assert "does not match the sha256" in caplog.text
    (again,) = find_by_name(model_dir, name="fight_detector")
    assert again.verified_paths("openvino")  # converted again: the file matches its sidecar
    expected = Classifier(loaded.module, spec=loaded.info.input_spec).predict(clips)
    assert np.abs(got - expected).max() < convert_module.MAX_ABS_DIFF


def test_a_conversion_that_fails_its_check_is_refused_and_torch_scores(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A tolerance no output can meet (ONNX Runtime can match torch to the bit on some CPUs,
    # so 0.0 is not enough): the check must refuse the conversion for real.
    monkeypatch.setattr(convert_module, "MAX_ABS_DIFF", -1.0)
    model_dir = _model_dir(tmp_path)
    loaded = _small(build("fall_detector", model_dir=model_dir))
    clips = _fight_clips(loaded.info.input_spec, count=1)
    classifier = make_classifier(loaded, backend="onnx", model_dir=model_dir)
    with caplog.at_level(logging.WARNING):
        got = classifier.predict(clips)
    assert isinstance(classifier, BackendClassifier)
    assert list(classifier.used.values()) == ["torch"]
    assert "refused" in caplog.text
    (model,) = find_by_name(model_dir, name="fall_detector")
    assert model.check["onnx"]["passed"] is False
    assert model.check["onnx"]["max_abs_diff"] < 1e-3  # refused by the tolerance alone
    expected = Classifier(loaded.module, spec=loaded.info.input_spec).predict(clips)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_scoring_with_a_cached_conversion_never_imports_torch(
        fight: tuple[str, LoadedModel, np.ndarray]) -> None:
    model_dir, loaded, _ = fight
    video = REPO.parent / "shared" / "clips" / "samples" / "fight_0002.mpeg"
    script = (
        "import json, sys\n"
        "from inference.backends.score import score_video\n"
        f"scores = score_video({str(video)!r}, model='fight_detector', backend='openvino', "
        f"model_dir={model_dir!r})\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print(json.dumps({'starts': [w.start_sec for w in scores.windows], "
        "'fight': scores.probabilities[:, 0].tolist(), 'stem': scores.converted}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          check=False, text=True, timeout=600,
                          env={**os.environ, BACKEND_ENV: "openvino"})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["stem"].startswith("fight_detector-")
    spec = loaded.info.input_spec
    first = [i for i, start in enumerate(result["starts"]) if start >= FIGHT_START_SEC][:2]
    expected = Classifier(loaded.module, spec=spec).predict(_fight_clips(spec))[:, 0]
    got = np.array(result["fight"])[first]
    assert np.abs(got - expected).max() < convert_module.MAX_ABS_DIFF


needs_bf16 = pytest.mark.skipif(not openvino_bf16_native(),
                                reason="this CPU has no native bf16 (OpenVINO would run FP32)")


@needs_bf16
def test_bf16_is_admitted_where_it_scores_like_torch(
        fight: tuple[str, LoadedModel, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir, loaded, clips = fight
    monkeypatch.setenv(PRECISION_ENV, "bf16")
    classifier = make_classifier(loaded, backend="openvino", model_dir=model_dir)
    got = classifier.predict(clips)
    assert isinstance(classifier, BackendClassifier)
    assert list(classifier.used.values()) == ["openvino-bf16"]
    expected = Classifier(loaded.module, spec=loaded.info.input_spec).predict(clips)
    diff = np.abs(got - expected).max()
    # bf16 really ran (FP32 differs by ~1e-7) and stayed within the admitted tolerance
    assert 1e-5 < diff <= select_module.BF16_MAX_PROB_DIFF


@needs_bf16
def test_bf16_that_moves_scores_past_the_tolerance_runs_fp32(
        fight: tuple[str, LoadedModel, np.ndarray], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    model_dir, loaded, clips = fight
    # A tolerance below bf16's real rounding error: the check must refuse it.
    monkeypatch.setattr(select_module, "BF16_MAX_PROB_DIFF", 1e-6)
    classifier = make_classifier(loaded, backend="openvino", model_dir=model_dir,
                                 precision="bf16")
    with caplog.at_level(logging.WARNING):
        got = classifier.predict(clips)
    assert isinstance(classifier, BackendClassifier)
    assert list(classifier.used.values()) == ["openvino"]
    assert "running FP32" in caplog.text
    expected = Classifier(loaded.module, spec=loaded.info.input_spec).predict(clips)
    assert np.abs(got - expected).max() < convert_module.MAX_ABS_DIFF


def test_the_openvino_precision_is_f32_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PRECISION_ENV, raising=False)
    assert resolve_precision() == "f32"
    monkeypatch.setenv(PRECISION_ENV, "BF16")
    assert resolve_precision() == "bf16"
    assert resolve_precision("f32") == "f32"  # the caller's choice wins
    with pytest.raises(ModelError, match="unknown OpenVINO precision"):
        resolve_precision("fp8")


def test_numpy_preprocessing_is_the_classifiers(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for modality, channels in (("rgb", 3), ("flow", 2), ("rgbdiff", 9)):
        spec = InputSpec(clip_len=4, crop_size=8, resize_short=8, mean=(0.4, 0.5, 0.6),
                         std=(0.2, 0.25, 0.3), modalities=(modality,))
        clips = rng.integers(0, 256, size=(2, 4, 8, 8, channels), dtype=np.uint8)
        expected = Classifier(torch.nn.Identity(), spec=spec, fold_bn=False).to_input(clips)
        np.testing.assert_allclose(to_input(clips, spec=spec), expected.numpy(), atol=1e-6)


def test_the_backend_is_chosen_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    assert resolve_backend("", device="cpu") == "openvino"  # auto: installed, CPU
    assert resolve_backend("onnx", device="cpu") == "onnx"
    assert resolve_backend("openvino", device="cuda") == "torch"  # CUDA keeps torch + AMP
    monkeypatch.setenv(BACKEND_ENV, "torch")
    assert resolve_backend("", device="cpu") == "torch"
    assert resolve_backend("onnx", device="cpu") == "onnx"  # the CLI flag wins
    with pytest.raises(ModelError, match="unknown inference backend"):
        resolve_backend("tensorrt", device="cpu")


@pytest.mark.parametrize("backend", ["onnx", "openvino"])
def test_an_analysis_on_a_converted_backend_scores_like_torch(tmp_path: Path,
                                                              backend: str) -> None:
    # The whole pipeline, not only the classifier: one stream scored by a converted graph.
    video = REPO.parent / "shared" / "clips" / "samples" / "fight_0002.mpeg"
    if not runtime_available(backend):
        pytest.skip(f"{backend} is not installed")

    labels = ("tabby", "beagle")  # watched: every segment scores them

    def analysed(which: str) -> np.ndarray:
        config = PipelineConfig(model="tsn_efficientnet_lite0", weights="none", backend=which,
                                model_dir=str(tmp_path / "models"), render=False,
                                labels=labels)
        results = run(str(video), config=config, out_dir=str(tmp_path / which))
        return np.array([[segment.scores[label] for label in labels]
                         for segment in results.segments])

    torch_scores, converted = analysed("torch"), analysed(backend)
    assert converted.shape == torch_scores.shape and len(converted) >= 2
    np.testing.assert_allclose(converted, torch_scores, atol=1e-4)
