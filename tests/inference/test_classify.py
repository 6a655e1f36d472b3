from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from inference.classify import Classifier, resolve_device, top_k
from inference.cli import ProgressBar
from inference.models import build


def test_top_k_orders_by_probability():
    probs = np.array([0.1, 0.5, 0.05, 0.35], dtype=np.float32)
    assert top_k(probs, ["a", "b", "c", "d"], k=2) == (("b", 0.5), ("d", pytest.approx(0.35)))
    assert [label for label, _ in top_k(probs, ["a", "b", "c", "d"], k=10)] == ["b", "d", "a", "c"]


def test_classifier_normalises_and_returns_probabilities():
    loaded = build("r3d_18", weights="none")
    spec = loaded.info.input_spec
    classifier = Classifier(loaded.module, spec=spec, num_threads=2)
    clips = np.full((3, 4, 32, 32, 3), 200, dtype=np.uint8)
    clips[1] = 10
    batch = classifier.to_input(clips)
    assert batch.shape == (3, 3, 4, 32, 32)
    expected = (200 / 255 - spec.mean[0]) / spec.std[0]
    assert batch[0, 0, 0, 0, 0].item() == pytest.approx(expected, rel=1e-5)
    probs = classifier.predict(clips)
    assert probs.shape == (3, 400)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert not np.allclose(probs[0], probs[1])
    with torch.inference_mode():
        reference = torch.softmax(loaded.module(batch.contiguous()), dim=1).numpy()
    np.testing.assert_allclose(probs, reference, atol=1e-5)


def test_cuda_without_gpu_is_an_error_not_a_silent_cpu():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(RuntimeError, match="CUDA"):
        resolve_device("cuda")
    assert resolve_device("auto").type == "cpu"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_stage_and_percent_on_a_terminal_only():
    terminal = FakeTerminal()
    bar = ProgressBar(terminal, width=10)
    bar("analyze", 0.5)
    bar("render", 1.0)
    bar.close()
    text = terminal.getvalue()
    assert "analyze" in text and "[#####-----]  50.0%" in text
    assert "render" in text and "100.0%" in text
    piped = io.StringIO()
    ProgressBar(piped)("analyze", 0.5)
    assert piped.getvalue() == ""
