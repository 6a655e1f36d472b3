"""What a run and its model version keep of ``finetune``'s report (``metrics.json``):
compact per-epoch rows, best-epoch metrics and the cross-validation summary, all JSON-safe."""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


def history_row(row: dict[str, Any]) -> dict[str, Any]:
    """The compact per-epoch row the run page plots."""
    return {"epoch": int(row["epoch"]), "train_loss": float(row["train_loss"]),
            "train_acc": float(row["train_accuracy"]), "val_loss": float(row["val_loss"]),
            "val_acc": float(row["val_accuracy"]), "val_macro_f1": float(row["val_macro_f1"]),
            "lr": float(row["lr"]), "sec": float(row.get("seconds", 0.0)),
            "improved": bool(row.get("improved"))}


def best_metrics(row: dict[str, Any], labels: Iterable[str]) -> dict[str, Any]:
    """Best-epoch metrics stored on the run and its version (JSON-safe)."""
    keep = ("epoch", "val_accuracy", "val_loss", "val_macro_f1", "per_class",
            "confusion_matrix", "threshold_at_precision")
    return json_safe({"labels": list(labels), **{k: row[k] for k in keep if k in row}})


def json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cv_metrics(doc: dict[str, Any]) -> dict[str, Any]:
    """What the run and its version keep of the CV report (no per-fold detail)."""
    cv = doc.get("cv")
    if not cv:
        return {}
    keep = ("k", "groups", "epochs", "judged_at", "accuracy_mean", "accuracy_std",
            "macro_f1_mean", "macro_f1_std")
    return {"cv": {k: cv[k] for k in keep},
            "cv_fold_accuracy": [f["accuracy"] for f in cv["folds"]],
            **({"optimism": doc["optimism"]} if "optimism" in doc else {})}


def cv_words(metrics: dict[str, Any]) -> str:
    cv = metrics.get("cv")
    if not cv:
        return ""
    return (f"; grouped {cv['k']}-fold CV accuracy {cv['accuracy_mean']:.3f} "
            f"+- {cv['accuracy_std']:.3f}")
