"""3D ResNets of Hara, Kataoka & Satoh (CVPR 2018) with type-A (parameter-free) shortcuts.

Same layers and parameter names as ``models/resnet.py`` of kenshohara/3D-ResNets-PyTorch, so
his Kinetics checkpoints load with ``strict=True``. Input ``(B, 3, T, H, W)``; output
``(B, num_classes)`` logits. The final pool is adaptive, so any clip size works.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from inference.models.registry import ModelEntry, register
from inference.types import InputSpec

#: Hara's test transform: short side to 112 px, centre crop 112, 16 frames; ActivityNet
#: mean (0..255 scale: 114.7748, 107.7354, 99.4750) subtracted and no std division, which
#: on 0..1 pixels is mean/255 and std 1/255.
HARA_INPUT_SPEC = InputSpec(
    clip_len=16,
    crop_size=112,
    resize_short=112,
    mean=(114.7748 / 255, 107.7354 / 255, 99.4750 / 255),
    std=(1 / 255, 1 / 255, 1 / 255),
)


def _conv3x3x3(in_planes: int, out_planes: int, *, stride: int = 1) -> nn.Conv3d:
    return nn.Conv3d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock3D(nn.Module):
    """conv3x3x3-bn-relu-conv3x3x3-bn plus a type-A shortcut, then relu."""

    def __init__(self, in_planes: int, planes: int, *, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = _conv3x3x3(in_planes, planes, stride=stride)
        self.bn1 = nn.BatchNorm3d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv3x3x3(planes, planes)
        self.bn2 = nn.BatchNorm3d(planes)
        self.stride = stride
        self.pad_channels = planes - in_planes

    def shortcut(self, x: torch.Tensor) -> torch.Tensor:
        """Type A: subsample by ``stride`` in T, H and W, then zero-pad the new channels."""
        if self.stride == 1 and self.pad_channels == 0:
            return x
        out = F.avg_pool3d(x, kernel_size=1, stride=self.stride)
        return F.pad(out, (0, 0, 0, 0, 0, 0, 0, self.pad_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        activated: torch.Tensor = self.relu(out + self.shortcut(x))
        return activated


class ResNet3D(nn.Module):
    """Hara's 3D ResNet of BasicBlock3D stages: ``(B, 3, T, H, W)`` -> ``(B, num_classes)``."""

    def __init__(self, layers: tuple[int, int, int, int], *, num_classes: int = 400) -> None:
        super().__init__()
        self.conv1 = nn.Conv3d(
            3, 64, kernel_size=7, stride=(1, 2, 2), padding=(3, 3, 3), bias=False
        )
        self.bn1 = nn.BatchNorm3d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool3d(kernel_size=(3, 3, 3), stride=2, padding=1)
        self.layer1 = self._make_layer(64, 64, layers[0], stride=1)
        self.layer2 = self._make_layer(64, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(128, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(256, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(512, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    @staticmethod
    def _make_layer(in_planes: int, planes: int, blocks: int, *, stride: int) -> nn.Sequential:
        first = BasicBlock3D(in_planes, planes, stride=stride)
        return nn.Sequential(first, *(BasicBlock3D(planes, planes) for _ in range(blocks - 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        logits: torch.Tensor = self.fc(torch.flatten(self.avgpool(x), 1))
        return logits


def resnet18_3d(num_classes: int = 400) -> ResNet3D:
    """3D ResNet-18, type-A shortcuts."""
    return ResNet3D((2, 2, 2, 2), num_classes=num_classes)


def resnet34_3d(num_classes: int = 400) -> ResNet3D:
    """3D ResNet-34, type-A shortcuts."""
    return ResNet3D((3, 4, 6, 3), num_classes=num_classes)


def _register_all() -> None:
    for build_module, depth in ((resnet18_3d, 18), (resnet34_3d, 34)):
        register(
            ModelEntry(
                name=build_module.__name__,
                family="resnet3d_hara",
                build_module=build_module,
                input_spec=HARA_INPUT_SPEC,
                label_set="kinetics400",
                default_weights=None,
                description=(
                    f"3D ResNet-{depth}, type-A shortcuts (Hara, Kataoka & Satoh, CVPR 2018); "
                    f"weights from kenshohara/3D-ResNets-PyTorch, passed as a file"
                ),
            )
        )


_register_all()
