"""Device and mixed-precision selection (no GPU here: the selection logic, not CUDA itself)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from inference.classify import (
    Classifier,
    amp_dtype_for,
    autocast_for,
    release_cuda_memory,
    resolve_device,
)
from inference.types import InputSpec
from training.engine import grad_scaler_for, to_input, train_one_epoch


def test_amp_dtype_is_bf16_where_supported_else_fp16_and_never_on_cpu():
    assert amp_dtype_for("cuda", bf16_supported=True) == torch.bfloat16
    assert amp_dtype_for(torch.device("cuda:1"), bf16_supported=False) == torch.float16
    assert amp_dtype_for("cuda", enabled=False, bf16_supported=True) is None
    assert amp_dtype_for("cpu", bf16_supported=True) is None
    assert amp_dtype_for(torch.device("cpu")) is None


def test_autocast_context_only_with_a_dtype():
    with autocast_for("cpu", None):
        assert not torch.is_autocast_enabled("cpu")
    with autocast_for("cpu", torch.bfloat16):
        assert torch.is_autocast_enabled("cpu")


def test_grad_scaler_only_for_fp16():
    assert grad_scaler_for(None) is None
    assert grad_scaler_for(torch.bfloat16) is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "CUDA is not available": the scaler disables itself
        scaler = grad_scaler_for(torch.float16)
    assert isinstance(scaler, torch.amp.GradScaler)


def test_auto_picks_cuda_only_when_present(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        resolve_device("cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")


def test_release_is_a_no_op_without_cuda_in_use():
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        pytest.skip("CUDA in use in this process")
    assert release_cuda_memory() is False


def _tiny_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv3d(3, 4, 1), torch.nn.AdaptiveAvgPool3d(1),
                               torch.nn.Flatten(), torch.nn.Linear(4, 3))


SPEC = InputSpec(clip_len=2, crop_size=8, resize_short=8, mean=(0.4, 0.4, 0.4),
                 std=(0.2, 0.2, 0.2))


def test_cpu_classifier_stays_float32_with_auto_amp():
    clips = np.random.default_rng(0).integers(0, 256, (2, 2, 8, 8, 3), dtype=np.uint8)
    auto = Classifier(_tiny_model(), spec=SPEC, device="cpu")
    plain = Classifier(_tiny_model(), spec=SPEC, device="cpu", amp_dtype=None)
    assert auto.amp_dtype is None
    np.testing.assert_array_equal(auto.predict(clips), plain.predict(clips))
    # A dtype asked for on CPU is ignored (AMP is for CUDA only).
    assert Classifier(_tiny_model(), spec=SPEC, amp_dtype=torch.float16).amp_dtype is None


def test_cpu_training_step_matches_the_plain_float32_loop():
    """With the device/AMP arguments (CPU: no autocast, no scaler) a step is bit-identical to
    the plain loop: forward, cross-entropy, backward, clip at 20, step."""
    clips = torch.from_numpy(np.random.default_rng(1).integers(0, 256, (4, 2, 8, 8, 3),
                                                               dtype=np.uint8))
    targets = torch.tensor([0, 1, 2, 1])
    model = _tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    metrics = train_one_epoch(model, [(clips, targets)], optimizer=optimizer, spec=SPEC,
                              device="cpu", amp_dtype=amp_dtype_for("cpu"),
                              scaler=grad_scaler_for(amp_dtype_for("cpu")))
    reference = _tiny_model()
    reference_opt = torch.optim.SGD(reference.parameters(), lr=0.1)
    reference.train()
    logits = reference(to_input(clips, SPEC))
    loss = F.cross_entropy(logits, targets)
    reference_opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(list(reference.parameters()), 20.0)
    reference_opt.step()
    assert metrics["loss"] == float(loss.detach())
    for ours, theirs in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(ours, theirs)
