"""torchvision's Kinetics-400 video classifiers, registered with their public weights.

Input specs are read from each weights enum's ``transforms()`` and ``meta`` (no download).
All take ``(B, 3, T, H, W)`` float clips and return ``(B, num_classes)`` logits.
"""
from __future__ import annotations

from collections.abc import Callable

import torch
from torchvision.models import WeightsEnum, video

from inference.models.registry import ModelEntry, register
from inference.models.weights_spec import WeightsKind, WeightsSpec
from inference.types import InputSpec

#: Frames per clip for every model: what torchvision's Kinetics evaluation of r3d/mc3/r2plus1d
#: and mvit uses, and at least the ``min_temporal_size`` of s3d (14) and mvit (16).
CLIP_LEN = 16

_MODELS: tuple[tuple[str, Callable[..., torch.nn.Module], type[WeightsEnum], str], ...] = (
    ("r3d_18", video.r3d_18, video.R3D_18_Weights, "ResNet3D-18 (Tran et al., CVPR 2018)"),
    ("mc3_18", video.mc3_18, video.MC3_18_Weights, "MC3-18 mixed 3D/2D (Tran et al., CVPR 2018)"),
    (
        "r2plus1d_18",
        video.r2plus1d_18,
        video.R2Plus1D_18_Weights,
        "R(2+1)D-18 (Tran et al., CVPR 2018)",
    ),
    ("s3d", video.s3d, video.S3D_Weights, "S3D separable 3D Inception (Xie et al., ECCV 2018)"),
    ("mvit_v2_s", video.mvit_v2_s, video.MViT_V2_S_Weights, "MViTv2-S (Li et al., CVPR 2022)"),
    ("swin3d_t", video.swin3d_t, video.Swin3D_T_Weights, "Video Swin-T (Liu et al., CVPR 2022)"),
)


def input_spec_of(weights: WeightsEnum) -> InputSpec:
    """InputSpec from a weights enum member's eval transform (0..1 mean/std, sizes in px)."""
    transform = weights.transforms()
    mean = tuple(float(x) for x in transform.mean)
    std = tuple(float(x) for x in transform.std)
    return InputSpec(
        clip_len=max(CLIP_LEN, int(weights.meta.get("min_temporal_size", 1))),
        crop_size=int(transform.crop_size[0]),
        resize_short=int(min(transform.resize_size)),
        mean=(mean[0], mean[1], mean[2]),
        std=(std[0], std[1], std[2]),
    )


def _builder(constructor: Callable[..., torch.nn.Module]) -> Callable[[int], torch.nn.Module]:
    def build_module(num_classes: int) -> torch.nn.Module:
        return constructor(weights=None, num_classes=num_classes)

    return build_module


def _register_all() -> None:
    for name, constructor, enum, title in _MODELS:
        weights = enum["KINETICS400_V1"]
        top1 = weights.meta["_metrics"]["Kinetics-400"]["acc@1"]
        register(
            ModelEntry(
                name=name,
                family="torchvision_video",
                build_module=_builder(constructor),
                input_spec=input_spec_of(weights),
                label_set="kinetics400",
                default_weights=WeightsSpec(WeightsKind.TORCHVISION,
                                            f"{enum.__name__}.KINETICS400_V1"),
                description=f"{title}; torchvision Kinetics-400 weights, top-1 {top1}%",
            )
        )


_register_all()
