"""Temporal Segment Networks (Wang et al., ECCV 2016) on a shared 2D backbone.

A window is split into k segments; one snippet per segment goes through the same 2D backbone
and the snippets' class scores are averaged (the consensus). ``tsn_<backbone>_stats`` replaces
the average by a temporal-statistics consensus over the snippets' feature maps: the mean feature,
and at every spatial position the standard deviation over time and the mean absolute difference
between consecutive snippets, each averaged and max-pooled over space (where in the frame things
change, and how much: a cheap motion cue in feature space, in the spirit of temporal-difference
networks), then one linear layer. It has no public weights: fine-tune it from
``backbone:<name>`` (the 2D ImageNet backbone, new head).
Modalities, one registry entry each (``tsn_<backbone>`` is RGB, ``tsn_<backbone>.flow``,
``tsn_<backbone>.rgbdiff``):

- ``rgb``: ``(B, 3, k, H, W)``, one frame per snippet;
- ``flow``: ``(B, 2L, k, H, W)``, L stacked flow pairs (x, y) per snippet;
- ``rgbdiff``: ``(B, 3L, k, H, W)``, L differences of consecutive frames per snippet.

Default weights are the backbone's ImageNet ones (a frame classifier averaged over snippets,
labels ``imagenet1k``); for flow / RGB-diff the first conv is initialised by cross-modality
averaging (:func:`inference.models.backbones.cross_modality_init`). Fine-tuned checkpoints
carry their own head and labels.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

import torch
from torch import nn

from inference.models.backbones import (
    BACKBONES,
    build_backbone,
    cross_modality_init,
    feature_maps,
)
from inference.models.registry import ModelEntry, register
from inference.types import InputSpec

#: Snippets per window (the paper trains with 3 and tests with 25; 8 is a CPU compromise).
NUM_SNIPPETS = 8
#: Flow pairs / frame differences stacked per snippet (the paper's L = 5).
SNIPPET_LEN = 5
#: Input channels per snippet of each modality, given L.
MODALITY_CHANNELS: dict[str, Callable[[int], int]] = {
    "rgb": lambda L: 3, "flow": lambda L: 2 * L, "rgbdiff": lambda L: 3 * L}


CONSENSUS = ("avg", "stats")


#: Statistics :func:`temporal_stats` concatenates (the head sees ``len(STATS) * D`` features).
STATS = ("mean", "std_mean", "diff_mean", "std_max", "diff_max")


def temporal_stats(maps: torch.Tensor) -> torch.Tensor:
    """``(B, k, D, h, w)`` snippet feature maps -> ``(B, 5D)``, in :data:`STATS` order: the
    mean feature; the per-position std over time and mean |consecutive difference|, each
    averaged over space and max-pooled over space. A still clip gives zeros after the mean."""
    mean = maps.mean(dim=(1, 3, 4))
    std = maps.std(dim=1, unbiased=False)  # (B, D, h, w)
    if maps.shape[1] > 1:
        diff = (maps[:, 1:] - maps[:, :-1]).abs().mean(dim=1)
    else:
        diff = torch.zeros_like(std)
    return torch.cat([mean, std.mean(dim=(2, 3)), diff.mean(dim=(2, 3)),
                      std.amax(dim=(2, 3)), diff.amax(dim=(2, 3))], dim=1)


class TSN(nn.Module):
    """``(B, C, k, H, W)`` -> ``(B, num_classes)``: backbone per snippet, then the consensus.

    ``avg``: the backbone classifies each snippet and the logits are averaged. ``stats``:
    :func:`temporal_stats` of the backbone's ``(B, k, D, h, w)`` feature maps goes through
    dropout and ``head`` (``Linear(5D, num_classes)``).
    """

    def __init__(self, backbone: nn.Module, *, modality: str = "rgb", consensus: str = "avg",
                 head: nn.Linear | None = None, dropout: float = 0.5) -> None:
        super().__init__()
        if consensus not in CONSENSUS or (consensus == "stats") != (head is not None):
            raise ValueError(f"consensus {consensus!r} needs a head exactly when it is 'stats'")
        self.backbone = backbone
        self.modality = modality
        self.consensus = consensus
        self.partial_bn = False
        if head is not None:
            self.dropout = nn.Dropout(dropout)
            self.head = head

    @property
    def foldable_parts(self) -> tuple[str, ...]:
        """Submodules :func:`inference.classify.fold_batchnorm` folds, so the module keeps
        its methods (windows share per-frame features: :mod:`inference.spans`): the backbone
        for ``avg``; nothing for ``stats`` (a traced backbone has no feature maps to read)."""
        return ("backbone",) if self.consensus == "avg" else ()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        frames = x.transpose(1, 2).flatten(0, 1)  # (B*k, C, H, W)
        features = self.frame_features(frames)
        return self.from_frame_features(features.view(x.shape[0], x.shape[2],
                                                      *features.shape[1:]))

    def frame_features(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` snippets -> what the consensus reads of each, on its own: ``avg``
        the ``(N, K)`` logits, ``stats`` the ``(N, D, h, w)`` feature maps."""
        if self.consensus == "avg":
            logits: torch.Tensor = self.backbone(frames)
            return logits
        return feature_maps(self.backbone, frames)

    def from_frame_features(self, features: torch.Tensor) -> torch.Tensor:
        """``(B, k, ...)`` per-snippet features (:meth:`frame_features`) -> ``(B, K)``."""
        if self.consensus == "avg":
            return features.mean(dim=1)
        logits: torch.Tensor = self.head(self.dropout(temporal_stats(features)))
        return logits

    def enable_partial_bn(self, enabled: bool = True) -> TSN:
        """TSN's partial BN for fine-tuning: every BatchNorm but the first keeps its running
        statistics and affine parameters frozen (``train()`` leaves them in eval mode)."""
        self.partial_bn = enabled
        return self.train(self.training)

    def train(self, mode: bool = True) -> TSN:
        super().train(mode)
        if mode and self.partial_bn:
            norms = [m for m in self.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
            for norm in norms[1:]:
                norm.eval()
                for p in norm.parameters():
                    p.requires_grad_(False)
        return self


def tsn(backbone: str, num_classes: int, *, modality: str = "rgb", consensus: str = "avg",
        snippet_len: int = SNIPPET_LEN) -> TSN:
    """A randomly initialised TSN of ``backbone`` for ``modality`` with ``consensus``."""
    channels = MODALITY_CHANNELS[modality](snippet_len)
    if consensus == "avg":
        return TSN(build_backbone(backbone, num_classes, in_channels=channels), modality=modality)
    spec = BACKBONES[backbone]
    module = build_backbone(backbone, 1, in_channels=channels)
    setattr(module, spec.head, nn.Identity())
    if isinstance(getattr(module, "_dropout", None), nn.Dropout):
        module._dropout = nn.Identity()  # unused: the consensus reads forward feature maps
    return TSN(module, modality=modality, consensus=consensus,
               head=nn.Linear(len(STATS) * spec.feature_dim, num_classes))


def adapt_backbone_weights(backbone: str, *, modality: str, snippet_len: int = SNIPPET_LEN,
                           ) -> Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]]:
    """State-dict adapter: a bare 2D backbone's keys get the ``backbone.`` prefix and, for
    flow / RGB-diff, its 3-channel first conv is cross-modality initialised. TSN state dicts
    pass through unchanged."""
    first = f"backbone.{BACKBONES[backbone].first_conv}.weight"
    channels = MODALITY_CHANNELS[modality](snippet_len)

    def adapt(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        if not any(k.startswith("backbone.") for k in state):
            state = {f"backbone.{k}": v for k, v in state.items()}
        weight = state.get(first)
        if weight is not None and weight.shape[1] == 3 and channels != 3:
            state = {**state, first: cross_modality_init(weight, channels)}
        return state

    return adapt


def input_spec(backbone: str, modality: str) -> InputSpec:
    """RGB / RGB-diff use the backbone's mean and std (differences of normalised frames); flow,
    as in the TSN code, mean 0.5 and the average of the RGB stds on 0..1 quantised flow."""
    spec = BACKBONES[backbone]
    mean, std = spec.mean, spec.std
    if modality == "flow":
        mean, std = (0.5, 0.5, 0.5), (sum(std) / 3,) * 3
    return InputSpec(clip_len=NUM_SNIPPETS, crop_size=spec.crop_size,
                     resize_short=spec.resize_short, mean=mean, std=std,
                     modalities=(modality,), snippet_len=1 if modality == "rgb" else SNIPPET_LEN)


def _register_all() -> None:
    for backbone in BACKBONES:
        for modality in MODALITY_CHANNELS:
            suffix = "" if modality == "rgb" else f".{modality}"
            register(ModelEntry(
                name=f"tsn_{backbone}{suffix}",
                family="tsn",
                build_module=functools.partial(tsn, backbone, modality=modality),
                input_spec=input_spec(backbone, modality),
                label_set="imagenet1k",
                default_weights=BACKBONES[backbone].default_weights,
                description=(f"TSN (Wang et al., ECCV 2016), {modality}, {backbone} backbone, "
                             f"{NUM_SNIPPETS} snippets, average consensus; ImageNet init"),
                adapt_state_dict=adapt_backbone_weights(backbone, modality=modality),
                backbone=backbone, consensus="avg", modality=modality,
                base_model=f"tsn_{backbone}",
            ))
            register(ModelEntry(
                name=f"tsn_{backbone}_stats{suffix}",
                family="tsn",
                build_module=functools.partial(tsn, backbone, modality=modality,
                                               consensus="stats"),
                input_spec=input_spec(backbone, modality),
                label_set="kinetics400",
                default_weights=None,
                description=(f"TSN, {modality}, {backbone} backbone, {NUM_SNIPPETS} snippets, "
                             f"temporal-statistics consensus over feature maps (mean; std and "
                             f"|diff| over time, spatial mean and max); "
                             f"fine-tune from backbone:{backbone}"),
                adapt_state_dict=adapt_backbone_weights(backbone, modality=modality),
                backbone=backbone, consensus="stats", modality=modality,
                base_model=f"tsn_{backbone}_stats",
            ))


_register_all()
