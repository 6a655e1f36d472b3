"""Model registry: names to architectures, input specs, label sets and weights sources.

Every model takes ``(B, C, T, H, W)`` float clips normalised as its ``InputSpec`` says and
returns ``(B, num_classes)`` logits.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import torch

from inference.digest import sha256_file
from inference.errors import ModelError
from inference.models.card import ModelCard, load_card
from inference.models.weights import (
    fetch_default,
    head_num_classes,
    load_label_set,
    load_weights,
    read_checkpoint,
    read_labels_file,
)
from inference.models.weights_spec import WeightsKind, WeightsSpec, parse_source
from inference.types import InputSpec, ModelInfo


@dataclass(frozen=True)
class ModelEntry:
    """One registered model: how to build it, what it reads, and who it is (as fields: no
    code takes a model's identity apart from its name)."""

    name: str
    family: str
    """``torchvision_video``, ``resnet3d_hara``, ``tsn``, ``crnn``, ``i3d``, ``detector``."""
    build_module: Callable[[int], torch.nn.Module]
    """``num_classes -> `` a randomly initialised module."""
    input_spec: InputSpec
    label_set: str
    """Name of a bundled label file, e.g. ``kinetics400``."""
    default_weights: WeightsSpec | None
    """E.g. ``torchvision:R2Plus1D_18_Weights.KINETICS400_V1``; None if no public download.
    Text is parsed on construction (:func:`~inference.models.weights_spec.parse_source`)."""
    description: str
    adapt_state_dict: Callable[[dict[str, torch.Tensor]], dict[str, torch.Tensor]] | None = None
    """Maps a weights file's state dict to this module's (e.g. a bare 2D backbone's ImageNet
    weights into a TSN: key prefix, cross-modality first conv); None keeps it as read."""
    base_weights: WeightsSpec | None = None
    """A default weights source loaded into the module's ``backbone`` before a weights file
    that holds only the rest (a detector head over a frozen, shared backbone)."""
    compose: Callable[[str | None], tuple[torch.nn.Module, tuple[str, ...], tuple[int, ...],
                                          InputSpec]] | None = None
    """``model_dir -> (module, labels, head_sizes, input_spec)`` for a model assembled from
    other entries' default weights (several heads over one backbone pass)."""
    family_parts: tuple[str, ...] = ()
    """The entries a composed model is assembled from."""
    backbone: str | None = None
    """The 2D backbone (:data:`inference.models.backbones.BACKBONES`) of a TSN or CNN+RNN."""
    consensus: str | None = None
    """How a TSN joins its snippets: ``avg`` (scores) or ``stats`` (feature statistics)."""
    modality: str = ""
    """The stream this model reads (``rgb``, ``flow``, ``rgbdiff``); empty takes the input
    spec's one."""
    base_model: str = ""
    """The model whose streams this is one of: ``tsn_resnet18`` for ``tsn_resnet18.flow``;
    empty means the entry itself."""

    def __post_init__(self) -> None:
        for name in ("default_weights", "base_weights"):
            value = getattr(self, name)
            if isinstance(value, str):  # text from a registration: parsed here, once
                object.__setattr__(self, name, parse_source(value))
        own = self.input_spec.modalities[0]
        if self.modality and self.modality != own:
            raise ModelError(f"model {self.name!r} reads {own}, not {self.modality}")
        object.__setattr__(self, "modality", own)
        object.__setattr__(self, "base_model", self.base_model or self.name)

    @cached_property
    def card(self) -> ModelCard | None:
        """The model card (``cards/<name>.json``: data, licences, recipe, CV metrics,
        threshold), read on first use; None for a model without one."""
        return load_card(self.name)


@dataclass
class LoadedModel:
    """A module in ``eval()`` mode on the requested device, and what describes it."""

    module: torch.nn.Module
    info: ModelInfo


_REGISTRY: dict[str, ModelEntry] = {}


def register(entry: ModelEntry) -> ModelEntry:
    """Add ``entry`` under ``entry.name``; a second, different entry of that name is an error."""
    existing = _REGISTRY.get(entry.name)
    if existing is not None and existing != entry:
        raise ModelError(f"model {entry.name!r} is already registered")
    _REGISTRY[entry.name] = entry
    return entry


def get(name: str) -> ModelEntry:
    """The entry registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ModelError(f"unknown model {name!r}; known: {known}") from None


def list_models() -> list[ModelEntry]:
    """All entries, sorted by name."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def stream_of(name: str, modality: str) -> ModelEntry:
    """The entry that reads ``modality`` among the streams of model ``name`` (those sharing
    its ``base_model``): ``tsn_resnet18.flow`` for (``tsn_resnet18``, ``flow``)."""
    entry = get(name)
    if entry.modality == modality:
        return entry
    for other in _REGISTRY.values():
        if other.base_model == entry.base_model and other.modality == modality:
            return other
    raise ModelError(f"model {name!r} has no {modality} stream: {entry.base_model}.{modality} "
                     f"is not a registered model")


def build(
    name: str,
    *,
    weights: str | WeightsSpec = "default",
    model_dir: str | None = None,
    device: str = "cpu",
    seed: int = 0,
) -> LoadedModel:
    """Build model ``name`` with ``weights`` (a :class:`WeightsSpec` or its text): ``default``,
    ``none`` (random), a file path, a weights source (``torchvision:...``, ``vigil:...``), or
    ``inflate:<backbone>`` (2D ImageNet weights of a backbone inflated into a 3D model whose
    parameter names match, e.g. ``resnet18_3d`` from ``resnet18``), or ``backbone:<backbone>``
    (a model with a ``backbone`` attribute gets that 2D backbone's ImageNet weights without its
    classifier; every other layer is randomly initialised: a start for fine-tuning only).

    ``default`` is the entry's public weights, looked up (and downloaded if missing) in
    ``model_dir``; ``none`` seeds torch with ``seed`` so random weights are reproducible.
    """
    entry = get(name)
    spec = WeightsSpec.parse(weights)
    input_spec = entry.input_spec
    head_sizes: tuple[int, ...] = ()
    if spec.kind is WeightsKind.INFLATE:
        module, labels, source = _build_inflated(entry, spec.name, model_dir=model_dir,
                                                 seed=seed)
    elif spec.kind is WeightsKind.BACKBONE:
        module, labels, source = _build_on_backbone(entry, spec.name, model_dir=model_dir,
                                                    seed=seed)
    elif entry.compose is not None:
        if spec.kind is not WeightsKind.DEFAULT:
            raise ModelError(f"model {name!r} is assembled from shipped weights: use "
                             "--weights default")
        module, labels, head_sizes, input_spec = entry.compose(model_dir)
        source = f"composed:{name}"
    elif spec.kind is WeightsKind.NONE:
        labels = load_label_set(entry.label_set)
        torch.manual_seed(seed)
        module = entry.build_module(len(labels))
        source = "random"
    else:
        module, labels, source, input_spec = _build_from_file(entry, spec, model_dir=model_dir)
    try:
        module = module.to(torch.device(device)).eval()
    except (RuntimeError, AssertionError) as exc:
        reason = " ".join(str(exc).split())
        raise ModelError(f"device {device!r} is not available: {reason}") from exc
    info = ModelInfo(
        name=name,
        labels=labels,
        modalities=entry.input_spec.modalities,
        weights=source,
        input_spec=input_spec,
        head_sizes=head_sizes,
    )
    return LoadedModel(module=module, info=info)


def _build_from_file(entry: ModelEntry, spec: WeightsSpec, *, model_dir: str | None,
                     ) -> tuple[torch.nn.Module, tuple[str, ...], str, InputSpec]:
    """A weights file (``spec`` a path, a source, or ``default``): ``(module, labels, source
    name for the results, input spec it was trained at)``."""
    if spec.kind is WeightsKind.DEFAULT:
        if entry.default_weights is None:
            raise ModelError(
                f"model {entry.name!r} has no public weights download: "
                f"pass a weights file with --weights PATH"
            )
        spec = entry.default_weights
    if spec.is_file:
        path = spec.name
        source = ""  # named by the file's hash once it has been read
    else:
        path = str(fetch_default(spec, model_dir=model_dir))
        source = str(spec)
    checkpoint = read_checkpoint(path)
    if checkpoint.labels is not None and checkpoint.arch not in (None, entry.name):
        raise ModelError(
            f"weights file {path} is a {checkpoint.arch!r} checkpoint, not {entry.name!r}"
        )
    state = checkpoint.state_dict
    if entry.adapt_state_dict is not None:
        state = entry.adapt_state_dict(state)
    if entry.base_weights is not None:
        base = read_checkpoint(fetch_default(entry.base_weights, model_dir=model_dir))
        state = {**{f"backbone.{k}": v for k, v in base.state_dict.items()}, **state}
    with torch.device("meta"):
        num_classes = head_num_classes(entry.build_module(1), state)
    labels = _labels_for(entry, path, checkpoint.labels, num_classes)
    module = entry.build_module(num_classes)
    load_weights(module, state)
    source = source or f"file:{sha256_file(path)}"
    input_spec = trained_input_spec(entry.input_spec, checkpoint.extra.get("input_spec"))
    return module, labels, source, input_spec


def weights_available(entry: ModelEntry, *, model_dir: str | None = None) -> bool:
    """Whether ``build(entry.name, weights="default")`` works offline: every source it reads
    is installed, shipped or already downloaded."""
    from inference.models.weights import default_available  # noqa: PLC0415

    if entry.compose is not None:
        return all(weights_available(get(part), model_dir=model_dir)
                   for part in entry.family_parts)
    sources = [entry.default_weights, entry.base_weights]
    return entry.default_weights is not None and all(
        default_available(s, model_dir=model_dir) for s in sources if s is not None)


def weights_status(entry: ModelEntry, *, model_dir: str | None = None) -> str:
    """A few words for listings: ``available offline``, ``download needed``, ``file only``."""
    if entry.default_weights is None:
        return "file only"
    if weights_available(entry, model_dir=model_dir):
        return "available offline"
    return ("download needed" if entry.default_weights.kind is WeightsKind.TORCHVISION
            else "not installed")


def recommended_threshold(name: str, *, fallback: float = 0.5) -> float:
    """The event threshold a model's card recommends (its precision target), else
    ``fallback``."""
    try:
        card = get(name).card
    except ModelError:
        return fallback
    if card is None or card.decision_threshold is None:
        return fallback
    return card.decision_threshold


#: ``InputSpec`` fields a fine-tuned checkpoint may set (``extra["input_spec"]``).
TRAINED_SPEC_FIELDS = ("clip_len", "crop_size", "resize_short")


def trained_input_spec(spec: InputSpec, trained: object) -> InputSpec:
    """``spec`` with the snippet count and frame size a checkpoint was trained at
    (``{"clip_len", "crop_size", "resize_short"}``, positive ints, ``crop_size`` 0 for whole
    frames of a fully convolutional model; others are ignored), so a
    model fine-tuned on 16 snippets of 160 px is scored on 16 snippets of 160 px."""
    if not isinstance(trained, dict):
        return spec
    values = {k: trained[k] for k in TRAINED_SPEC_FIELDS
              if isinstance(trained.get(k), int) and not isinstance(trained[k], bool)
              and (0 if k == "crop_size" else 1) <= trained[k] <= 4096}
    return replace(spec, **values)


def _build_inflated(entry: ModelEntry, backbone: str, *, model_dir: str | None, seed: int,
                    ) -> tuple[torch.nn.Module, tuple[str, ...], str]:
    from inference.models.backbones import BACKBONES  # noqa: PLC0415 - avoids an import cycle
    from inference.models.inflate import inflate_state_dict  # noqa: PLC0415

    spec = BACKBONES.get(backbone)
    if spec is None or spec.default_weights is None:
        raise ModelError(f"no 2D weights to inflate for {backbone!r}; known: "
                         f"{', '.join(sorted(BACKBONES))}")
    state = read_checkpoint(fetch_default(spec.default_weights, model_dir=model_dir)).state_dict
    labels = load_label_set("imagenet1k")
    torch.manual_seed(seed)
    module = entry.build_module(len(labels))
    load_weights(module, inflate_state_dict(state, module))
    return module, labels, f"inflate:{spec.default_weights}"


def _build_on_backbone(entry: ModelEntry, backbone: str, *, model_dir: str | None, seed: int,
                       ) -> tuple[torch.nn.Module, tuple[str, ...], str]:
    from inference.models.backbones import BACKBONES  # noqa: PLC0415 - avoids an import cycle

    spec = BACKBONES.get(backbone)
    if spec is None or spec.default_weights is None:
        raise ModelError(f"no 2D weights for backbone {backbone!r}; known: "
                         f"{', '.join(sorted(BACKBONES))}")
    labels = load_label_set(entry.label_set)
    torch.manual_seed(seed)
    module = entry.build_module(len(labels))
    target = getattr(module, "backbone", None)
    if target is None:
        raise ModelError(f"model {entry.name!r} has no 2D backbone to load {backbone!r} into")
    state = read_checkpoint(fetch_default(spec.default_weights, model_dir=model_dir)).state_dict
    state = {k: v for k, v in state.items() if not k.startswith(f"{spec.head}.")}
    if entry.adapt_state_dict is not None:  # e.g. cross-modality first conv for flow
        state = {k.removeprefix("backbone."): v
                 for k, v in entry.adapt_state_dict(state).items()}
    load_weights(target, state)
    return module, labels, f"backbone:{spec.default_weights}"


def _labels_for(
    entry: ModelEntry, path: str, labels: tuple[str, ...] | None, num_classes: int
) -> tuple[str, ...]:
    """Checkpoint labels, else the bundled set if its size fits, else ``<path>.labels.txt``."""
    if labels is None:
        bundled = load_label_set(entry.label_set)
        if len(bundled) == num_classes:
            return bundled
        sidecar = Path(f"{path}.labels.txt")
        if not sidecar.is_file():
            raise ModelError(
                f"weights file {path} has {num_classes} classes, not the {len(bundled)} of "
                f"{entry.label_set}: put one label per line in {sidecar}"
            )
        labels = read_labels_file(sidecar)
    if len(labels) != num_classes:
        raise ModelError(f"weights file {path} has {num_classes} classes but {len(labels)} labels")
    return labels
