"""Bootstrapping 3D networks from 2D ImageNet weights (Carreira & Zisserman 2017, I3D).

Each 2D kernel ``(O, I, kh, kw)`` is repeated ``kt`` times along a new time axis and divided by
``kt``, so a clip of identical frames gives the 3D conv the same response as the 2D conv on one
frame ("boring video" fixed point). Other tensors (BatchNorm, biases, linear heads) copy as is.
"""
from __future__ import annotations

from collections.abc import Mapping

import torch

from inference.errors import ModelError


def inflate_weight(weight: torch.Tensor, time_size: int) -> torch.Tensor:
    """``(O, I, kh, kw)`` -> ``(O, I, time_size, kh, kw)``, repeated and divided by time_size."""
    return weight.unsqueeze(2).repeat(1, 1, time_size, 1, 1) / time_size


def inflate_state_dict(state_2d: Mapping[str, torch.Tensor], module_3d: torch.nn.Module, *,
                       strict: bool = False) -> dict[str, torch.Tensor]:
    """A state dict for ``module_3d`` from a 2D one with the same parameter names.

    Kernels one dimension short are inflated to the 3D kernel's temporal size; tensors of equal
    shape are copied. Names of the 3D model absent from the 2D dict keep the model's own
    (random) values unless ``strict``; a shape that fits neither way is an error.
    """
    out: dict[str, torch.Tensor] = {}
    for name, target in module_3d.state_dict().items():
        source = state_2d.get(name)
        if source is None:
            if strict:
                raise ModelError(f"cannot inflate: {name!r} is missing from the 2D weights")
            out[name] = target
        elif source.shape == target.shape:
            out[name] = source
        elif source.ndim == 4 and target.ndim == 5 and source.shape[:2] == target.shape[:2] \
                and source.shape[2:] == target.shape[3:]:
            out[name] = inflate_weight(source, target.shape[2])
        else:
            raise ModelError(f"cannot inflate {name!r}: 2D {tuple(source.shape)} vs "
                             f"3D {tuple(target.shape)}")
    return out
