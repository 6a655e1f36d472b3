"""Model cards: what a shipped model was trained on, how, and how well (``cards/<name>.json``).

A card hangs off its registry entry (``get(name).card``, read on first use), the way
torchvision's weights enums carry their metrics and MMAction2's ``metafile.yml`` ties a config
to its metrics and weights. The JSON document is written by ``python -m training ship``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelCard:
    """The parts of a card code reads, typed; ``document`` is the whole JSON."""

    name: str
    labels: tuple[str, ...]
    metrics: Mapping[str, Any]
    """Grouped cross-validation: ``cv_accuracy_mean``, ``cv_macro_f1_mean``, folds, ..."""
    data: Mapping[str, Any]
    """The manifest, clip counts per label, groups, sources."""
    recipe: Mapping[str, Any]
    """Features (clip_len, segment_sec, crop), head and training options."""
    licences: tuple[str, ...]
    """The training data's licences (the weights inherit their terms)."""
    decision_threshold: float | None
    """The event threshold at the card's target precision, in (0, 1]; None if none valid."""
    reproduce: str
    """The command that rebuilds the weights."""
    document: Mapping[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> ModelCard:
        """A card from its JSON document; missing parts are empty."""
        data = doc.get("data") or {}
        threshold = (doc.get("decision_threshold") or {}).get("threshold")
        valid = isinstance(threshold, int | float) and not isinstance(threshold, bool) \
            and 0 < threshold <= 1
        return cls(
            name=str(doc.get("name", "")),
            labels=tuple(doc.get("labels") or ()),
            metrics=doc.get("cv") or {},
            data=data,
            recipe=doc.get("recipe") or {},
            licences=tuple(data.get("licences") or ()),
            decision_threshold=float(threshold) if valid and threshold is not None else None,
            reproduce=str(doc.get("reproduce", "")),
            document=doc,
        )


def load_card(name: str) -> ModelCard | None:
    """The card of model ``name`` (``inference/models/cards/<name>.json``), None if it has
    none; an unreadable card is a :class:`~inference.errors.ModelError`."""
    # The JSON reader lives beside the shipped detectors that have cards.
    from inference.models.detectors import CARDS_DIR, model_card  # noqa: PLC0415

    if not (CARDS_DIR / f"{name}.json").is_file():
        return None
    return ModelCard.from_document(model_card(name))
