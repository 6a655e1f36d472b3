"""One training epoch and one evaluation pass over ``(B, T, H, W, C)`` uint8 batches."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from inference.classify import autocast_for
from inference.types import InputSpec


def to_input(clips: torch.Tensor, spec: InputSpec) -> torch.Tensor:
    """``(B, T, H, W, C)`` uint8 -> ``(B, C, T, H, W)`` float normalised by ``spec``."""
    x = clips.permute(0, 4, 1, 2, 3).float().div_(255.0)
    mean = torch.tensor(spec.mean, device=x.device).view(1, 3, 1, 1, 1)
    std = torch.tensor(spec.std, device=x.device).view(1, 3, 1, 1, 1)
    return (x - mean) / std


def grad_scaler_for(amp_dtype: torch.dtype | None) -> torch.amp.GradScaler | None:
    """A CUDA ``GradScaler`` for fp16 autocast (bf16 and float32 need none)."""
    return torch.amp.GradScaler("cuda") if amp_dtype == torch.float16 else None


@dataclass(frozen=True)
class EvalResult:
    """Mean loss, accuracy, ``(N, K)`` class probabilities and ``(N,)`` targets."""

    loss: float
    accuracy: float
    probabilities: np.ndarray
    targets: np.ndarray


def train_one_epoch(model: nn.Module, batches: Iterable[tuple[torch.Tensor, torch.Tensor]], *,
                    optimizer: torch.optim.Optimizer, spec: InputSpec,
                    prepare: Callable[[nn.Module], None] | None = None,
                    label_smoothing: float = 0.0, clip_grad: float | None = 20.0,
                    device: torch.device | str = "cpu", amp_dtype: torch.dtype | None = None,
                    scaler: torch.amp.GradScaler | None = None) -> dict[str, float]:
    """Train over ``batches``; returns ``{"loss", "accuracy", "clips"}`` (mean cross-entropy).

    ``prepare(model)`` runs after ``model.train()`` (e.g. to put frozen layers back in eval).
    Batches move to ``device`` (the model must be there); ``amp_dtype`` runs the forward pass
    under autocast (CUDA), with ``scaler`` (:func:`grad_scaler_for`) scaling fp16 losses.
    """
    device = torch.device(device)
    model.train()
    if prepare is not None:
        prepare(model)
    total_loss, correct, seen = 0.0, 0, 0
    params = [p for p in model.parameters() if p.requires_grad]
    for batch_clips, batch_targets in batches:
        clips = batch_clips.to(device, non_blocking=True)
        targets = batch_targets.to(device, non_blocking=True)
        with autocast_for(device, amp_dtype):
            logits = model(to_input(clips, spec))
        logits = logits.float()
        loss = F.cross_entropy(logits, targets, label_smoothing=label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            if clip_grad:
                scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(params, clip_grad)
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            if clip_grad:
                nn.utils.clip_grad_norm_(params, clip_grad)
            optimizer.step()
        total_loss += float(loss.detach()) * len(targets)
        correct += int((logits.argmax(dim=1) == targets).sum())
        seen += len(targets)
    return {"loss": total_loss / max(seen, 1), "accuracy": correct / max(seen, 1), "clips": seen}


@torch.inference_mode()
def evaluate(model: nn.Module, batches: Iterable[tuple[torch.Tensor, torch.Tensor]], *,
             spec: InputSpec, device: torch.device | str = "cpu",
             amp_dtype: torch.dtype | None = None) -> EvalResult:
    """Evaluate in ``eval()`` mode: mean loss, accuracy and softmax probabilities."""
    model.eval()
    device = torch.device(device)
    probs, labels = [], []
    total_loss, seen = 0.0, 0
    for clips, targets in batches:
        with autocast_for(device, amp_dtype):
            logits = model(to_input(clips.to(device, non_blocking=True), spec))
        logits = logits.float().cpu()
        total_loss += float(F.cross_entropy(logits, targets, reduction="sum"))
        seen += len(targets)
        probs.append(logits.softmax(dim=1).numpy())
        labels.append(targets.numpy())
    probabilities = np.concatenate(probs) if probs else np.zeros((0, 0), dtype=np.float32)
    truth = np.concatenate(labels) if labels else np.zeros(0, dtype=np.int64)
    acc = float((probabilities.argmax(axis=1) == truth).mean()) if seen else 0.0
    return EvalResult(loss=total_loss / max(seen, 1), accuracy=acc, probabilities=probabilities,
                      targets=truth)
