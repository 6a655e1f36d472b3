"""A fine-tuning run's files: checkpoints ``last.pt`` to resume from and ``best.pt`` to keep,
and ``metrics.json`` (:func:`save_metrics`).

``last.pt`` holds what resuming needs besides the weights, as torchvision's video reference
does: the optimizer state, the AMP ``GradScaler`` state (its loss scale and growth tracker:
without them a resumed fp16 run starts again from the initial scale and skips steps while it
backs off), the epoch, the history and the best row. Both files are Vigil checkpoints
(:func:`inference.models.weights.save_checkpoint`), read back with ``weights_only=True``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inference.errors import ModelError
from inference.models.weights import read_checkpoint, save_checkpoint

LAST_NAME = "last.pt"
BEST_NAME = "best.pt"
METRICS_NAME = "metrics.json"


@dataclass
class RunState:
    """Where a run stands: the epoch to train next, per-epoch rows, the best row so far."""

    start_epoch: int = 1
    history: list[dict[str, Any]] = field(default_factory=list)
    best: dict[str, Any] | None = None

    def epochs_since_best(self) -> int:
        """Finished epochs since the last improvement (early stopping counts them)."""
        stale = 0
        for row in self.history:
            stale = 0 if row.get("improved") else stale + 1
        return stale


def restore_run(path: Path, *, module: nn.Module, optimizer: torch.optim.Optimizer,
                scaler: torch.amp.GradScaler | None, model: str,
                labels: tuple[str, ...]) -> RunState:
    """Load ``path`` (a ``last.pt``) into ``module``, ``optimizer`` and ``scaler``; refused
    when it is another run's (other model or labels)."""
    checkpoint = read_checkpoint(path)
    saved = checkpoint.extra.get("config", {})
    if checkpoint.labels != labels or saved.get("model") != model:
        raise ModelError(f"{path} is from a different run (model {saved.get('model')!r}, "
                         f"labels {checkpoint.labels}); use another --out or remove it")
    module.load_state_dict(checkpoint.state_dict, strict=True)
    optimizer.load_state_dict(checkpoint.extra["optimizer"])
    if scaler is not None and checkpoint.extra.get("scaler"):
        scaler.load_state_dict(checkpoint.extra["scaler"])
    return RunState(start_epoch=int(checkpoint.extra["epoch"]) + 1,
                    history=list(checkpoint.extra.get("history", [])),
                    best=checkpoint.extra.get("best"))


def save_epoch(out: Path, *, module: nn.Module, optimizer: torch.optim.Optimizer,
               scaler: torch.amp.GradScaler | None, model: str, labels: tuple[str, ...],
               state: RunState, row: dict[str, Any], extra: dict[str, Any],
               improved: bool) -> None:
    """After epoch ``row["epoch"]``: ``best.pt`` when it ``improved``, then ``last.pt`` with
    the optimizer and scaler state. ``extra`` (config, input spec) goes into both."""
    weights = {k: v.detach().cpu() for k, v in module.state_dict().items()}
    epoch = row["epoch"]
    if improved:
        save_checkpoint(out / BEST_NAME, arch=model, state_dict=weights, labels=labels,
                        extra={"epoch": epoch, **extra, "metrics": row})
    save_checkpoint(out / LAST_NAME, arch=model, state_dict=weights, labels=labels,
                    extra={"epoch": epoch, **extra, "history": state.history,
                           "best": state.best, "optimizer": optimizer.state_dict(),
                           "scaler": scaler.state_dict() if scaler is not None else {}})


def save_metrics(out: Path, doc: dict[str, Any]) -> Path:
    """Write ``doc`` to ``out/metrics.json`` atomically (a temporary file beside it, then a
    rename: a reader never sees half a document); NumPy scalars become plain numbers."""
    path = Path(out) / METRICS_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, default=_plain), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
