"""A training run's recipe: the ``FinetuneConfig`` fields staff may set, their defaults and
one cleaning of what a form or the API sent (``ValidationError`` naming every bad field)."""
from __future__ import annotations

import dataclasses
import math
from typing import Any

from django.core.exceptions import ValidationError

#: ``FinetuneConfig`` fields staff set, with their type and allowed range (inclusive).
SETTING_RULES: dict[str, tuple[type, float | None, float | None]] = {
    "epochs": (int, 1, 500),
    "batch_size": (int, 1, 512),
    "lr": (float, 1e-7, 1.0),
    "backbone_lr_mult": (float, 0.0, 10.0),
    "momentum": (float, 0.0, 0.999),
    "weight_decay": (float, 0.0, 1.0),
    "dropout": (float, 0.0, 0.95),
    "train_blocks": (int, -1, 100),
    "patience": (int, 1, 500),
    "segments": (int, 1, 32),
    "size": (int, 32, 512),
    "seed": (int, 0, 2**31 - 1),
    "target_precision": (float, 0.01, 1.0),
    "balanced": (bool, None, None),
    "freeze_bn": (bool, None, None),
    "corner_crop": (bool, None, None),
    "scale_jitter": (bool, None, None),
    "color_jitter": (bool, None, None),
    "flip": (bool, None, None),
    "optimizer": (str, None, None),
    "positive_label": (str, None, None),
    "cv_folds": (int, 0, 10),
}
OPTIMIZERS = ("adamw", "sgd")
#: A run from the web cross-validates its recipe on this many grouped folds unless told
#: otherwise: a best-epoch val score alone is noise on small val splits (#12).
DEFAULT_CV_FOLDS = 5


def training_defaults() -> dict[str, Any]:
    """The editable ``FinetuneConfig`` fields with their defaults."""
    from training.finetune import FinetuneConfig  # noqa: PLC0415  (torch: import when needed)

    defaults = {**dataclasses.asdict(FinetuneConfig()), "cv_folds": DEFAULT_CV_FOLDS}
    return {name: defaults[name] for name in SETTING_RULES}


def training_settings_clean(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overridden by ``raw``; raises one ``ValidationError`` naming every bad field."""
    raw = dict(raw or {})
    unknown = sorted(set(raw) - set(SETTING_RULES))
    errors: dict[str, str] = {name: "unknown setting" for name in unknown}
    cleaned = training_defaults()
    for name, (kind, low, high) in SETTING_RULES.items():
        if name not in raw or raw[name] is None:
            continue
        value = raw[name]
        try:
            if kind is bool:
                if isinstance(value, str):
                    if value.lower() not in ("true", "false", "1", "0", "on", "off"):
                        raise ValueError
                    value = value.lower() in ("true", "1", "on")
                elif not isinstance(value, bool):
                    raise ValueError
            elif kind is str:
                value = " ".join(str(value).split())[:100]
            elif kind is int:
                if isinstance(value, bool) or float(value) != int(float(value)):
                    raise ValueError
                value = int(float(value))
            else:
                value = float(value)
                if not math.isfinite(value):
                    raise ValueError
        except (TypeError, ValueError):
            errors[name] = f"expected {kind.__name__}"
            continue
        if low is not None and not low <= value <= high:
            errors[name] = f"must be between {low:g} and {high:g}"
            continue
        cleaned[name] = value
    if cleaned["cv_folds"] == 1:
        errors["cv_folds"] = "0 (no cross-validation) or 2 to 10 folds"
    if cleaned["optimizer"] not in OPTIMIZERS:
        errors["optimizer"] = f"one of {', '.join(OPTIMIZERS)}"
    cleaned["positive_label"] = cleaned["positive_label"] or None
    if errors:
        raise ValidationError(errors)
    return cleaned
