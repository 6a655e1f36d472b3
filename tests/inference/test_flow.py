from __future__ import annotations

import cv2
import numpy as np
import pytest

from inference import flow
from inference.errors import ModelError

CPU_METHODS = ["tvl1", "farneback", "dis", "dis_ultrafast", "dis_medium"]


def _texture(height: int = 64, width: int = 96) -> np.ndarray:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, (height, width), dtype=np.uint8)
    return cv2.GaussianBlur(noise, (7, 7), 0)


def _panning(frames: int = 4, step_px: int = 2) -> np.ndarray:
    """A textured image moving right by ``step_px`` per frame, ``(T, H, W)`` grayscale."""
    wide = _texture(64, 96 + frames * step_px)
    return np.stack([wide[:, frames * step_px - i * step_px:][:, :96] for i in range(frames)])


def test_quantize_maps_bounds_and_zero() -> None:
    raw = np.array([[[-30.0, 0.0], [20.0, 10.0]]], dtype=np.float32)  # (1, 2, 2)
    q = flow.quantize(raw, bound=20)
    assert q.shape == (2, 1, 2) and q.dtype == np.uint8
    assert q[0, 0, 0] == 0 and q[0, 0, 1] == 255  # x: clipped -20 -> 0, +20 -> 255
    assert q[1, 0, 0] == 128  # y: 0 px -> 127.5 -> 128
    assert abs(flow.dequantize(q)[1, 0, 1] - 10.0) < 2 * 20 / 255


@pytest.mark.parametrize("method", CPU_METHODS)
def test_still_clip_has_near_zero_flow(method: str) -> None:
    still = np.stack([_texture()] * 3)
    stack = flow.flow_stack(still, method=method)
    assert stack.shape == (4, 64, 96) and stack.dtype == np.uint8
    assert np.abs(flow.dequantize(stack)).mean() < 0.2


@pytest.mark.parametrize("method", CPU_METHODS)
def test_pan_right_gives_positive_x(method: str) -> None:
    stack = flow.flow_stack(_panning(), method=method)
    assert stack.shape == (6, 64, 96)
    raw = flow.dequantize(stack)[:, 16:-16, 16:-16]
    for pair in range(3):
        x, y = raw[2 * pair], raw[2 * pair + 1]
        assert 1.0 < float(np.median(x)) < 3.0, method
        assert abs(float(np.median(y))) < 0.5


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown flow method"):
        flow.flow_function("magic")


def test_cache_returns_same_array_without_recomputing(tmp_path) -> None:
    frames = _panning(3)
    times = [0.0, 0.04, 0.08]
    calls = []
    dis = flow.flow_function("dis")

    def counted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        calls.append(1)
        return dis(a, b)

    def compute() -> np.ndarray:
        with flow.FlowCache(tmp_path, video_sha256="ab" * 32, method="dis", size=(96, 64)) as c:
            return flow.cached_flow_stack(frames, times, cache=c, fn=counted)

    first = compute()
    assert len(calls) == 2
    assert len(list(tmp_path.rglob("*.npz"))) == 1
    assert not list(tmp_path.rglob("*.part"))
    second = compute()
    assert len(calls) == 2  # nothing recomputed
    np.testing.assert_array_equal(first, second)
    assert second.shape == (4, 64, 96) and second.dtype == np.uint8


def test_cache_env_and_no_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(flow.CACHE_ENV, raising=False)
    assert flow.FlowCache(None, video_sha256="x", method="dis", size=(8, 8)).path is None
    monkeypatch.setenv(flow.CACHE_ENV, str(tmp_path))
    cache = flow.FlowCache(None, video_sha256="x", method="dis", size=(8, 8))
    assert cache.path is not None and cache.path.parent.parent == tmp_path


def test_seconds_per_pair_is_positive() -> None:
    assert flow.seconds_per_pair("dis_ultrafast", size=(64, 48), repeats=1) > 0


def test_raft_runs_on_cpu_when_asked_and_needs_cuda_otherwise() -> None:
    import torch

    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (2, 128, 160), dtype=np.uint8)
    fn = flow.flow_function("raft", device="cpu", pretrained=False)
    stack = flow.flow_stack(frames, fn=fn)
    assert stack.shape == (2, 128, 160) and stack.dtype == np.uint8
    if not torch.cuda.is_available():
        with pytest.raises(ModelError, match="CUDA") as info:
            flow.flow_function("raft")
        assert info.value.code == "gpu_unavailable"


def test_raft_reads_local_weights_and_never_downloads_them(tmp_path, monkeypatch) -> None:
    """Without the weights file in the model dir: a clear error, no download, no random
    weights (issue 13)."""
    import torch

    downloads = []
    monkeypatch.setattr(torch.hub, "download_url_to_file",
                        lambda *args, **kwargs: downloads.append(args))
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url",
                        lambda *args, **kwargs: downloads.append(args))
    with pytest.raises(ModelError, match="raft_small_C_T_V2") as info:
        flow.flow_function("raft", device="cpu", model_dir=tmp_path)
    assert info.value.code == "weights_missing" and downloads == []
    # With the file in place (here: random weights saved as the real file would be), it loads.
    from torchvision.models.optical_flow import raft_small

    torch.save(raft_small(weights=None).state_dict(), tmp_path / "raft_small_C_T_V2-01064c6d.pth")
    fn = flow.flow_function("raft", device="cpu", model_dir=tmp_path)
    frames = np.random.default_rng(0).integers(0, 256, (2, 128, 128), dtype=np.uint8)
    assert fn(frames[0], frames[1]).shape == (128, 128, 2) and downloads == []
