"""CNN + RNN (Donahue et al., CVPR 2015 "LRCN" style): per-frame 2D encoder, LSTM/GRU, head.

``crnn_<backbone>_lstm`` / ``crnn_<backbone>_gru``: ``(B, 3, T, H, W)`` -> ``(B, num_classes)``
from the last hidden state. No public video weights: train with ``python -m training`` (the
encoder can start from the backbone's ImageNet weights).
"""
from __future__ import annotations

import functools

import torch
from torch import nn

from inference.models.backbones import BACKBONES, build_backbone
from inference.models.registry import ModelEntry, register
from inference.types import InputSpec

CLIP_LEN = 16
HIDDEN = 256


class CRNN(nn.Module):
    """``(B, 3, T, H, W)`` -> encoder per frame ``(B, T, D)`` -> RNN -> linear on the last step."""

    def __init__(self, backbone: str, num_classes: int, *, cell: str = "lstm",
                 hidden: int = HIDDEN) -> None:
        super().__init__()
        self.encoder = build_backbone(backbone, 1)
        setattr(self.encoder, BACKBONES[backbone].head, nn.Identity())
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(BACKBONES[backbone].feature_dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, num_classes)

    #: Submodules :func:`inference.classify.fold_batchnorm` folds (the module keeps its
    #: methods, so windows can share per-frame features: :mod:`inference.spans`).
    foldable_parts = ("encoder",)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        frames = x.transpose(1, 2).flatten(0, 1)  # (B*T, 3, H, W)
        return self.from_frame_features(self.frame_features(frames).view(x.shape[0],
                                                                         x.shape[2], -1))

    def frame_features(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` frames -> ``(N, D)`` encoder features, each frame on its own."""
        features: torch.Tensor = self.encoder(frames)
        return features

    def from_frame_features(self, features: torch.Tensor) -> torch.Tensor:
        """``(B, T, D)`` per-frame features -> ``(B, num_classes)`` from the last RNN step."""
        out, _ = self.rnn(features)
        logits: torch.Tensor = self.fc(out[:, -1])
        return logits


def _register_all() -> None:
    for backbone, spec in BACKBONES.items():
        for cell in ("lstm", "gru"):
            register(ModelEntry(
                name=f"crnn_{backbone}_{cell}",
                family="crnn",
                build_module=functools.partial(CRNN, backbone, cell=cell),
                input_spec=InputSpec(clip_len=CLIP_LEN, crop_size=spec.crop_size,
                                     resize_short=spec.resize_short, mean=spec.mean,
                                     std=spec.std),
                label_set="kinetics400",
                default_weights=None,
                backbone=backbone,
                description=f"{backbone} per-frame encoder + {cell.upper()} ({HIDDEN}) + linear",
            ))


_register_all()
