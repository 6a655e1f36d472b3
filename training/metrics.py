"""Classification metrics on integer targets / predictions and class probabilities."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def accuracy(targets: Sequence[int] | np.ndarray, predictions: Sequence[int] | np.ndarray,
             ) -> float:
    """Fraction of ``predictions`` equal to ``targets`` (0.0 when empty)."""
    t, p = np.asarray(targets), np.asarray(predictions)
    return float((t == p).mean()) if t.size else 0.0


def confusion_matrix(targets: Sequence[int] | np.ndarray, predictions: Sequence[int] | np.ndarray,
                     *, num_classes: int) -> np.ndarray:
    """``(num_classes, num_classes)`` int counts; row = true class, column = predicted."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(targets, dtype=np.int64),
                       np.asarray(predictions, dtype=np.int64)), 1)
    return matrix


def per_class(matrix: np.ndarray, *, labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per label from a confusion matrix (0 when undefined)."""
    out: dict[str, dict[str, float]] = {}
    for i, label in enumerate(labels):
        tp = float(matrix[i, i])
        predicted, actual = float(matrix[:, i].sum()), float(matrix[i, :].sum())
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": precision, "recall": recall, "f1": f1, "support": int(actual)}
    return out


def threshold_at_precision(probabilities: np.ndarray, targets: Sequence[int] | np.ndarray, *,
                           positive: int, target_precision: float,
                           ) -> dict[str, float] | None:
    """Lowest score threshold on class ``positive``'s probability whose precision reaches
    ``target_precision`` (so recall is as high as it can be); None if no threshold does.

    Returns ``{"threshold", "precision", "recall"}``; a clip is positive when its score is
    ``>= threshold``.
    """
    scores = np.asarray(probabilities, dtype=np.float64)[:, positive]
    truth = np.asarray(targets) == positive
    positives = int(truth.sum())
    best = None
    for threshold in np.unique(scores)[::-1]:  # descending: recall grows
        chosen = scores >= threshold
        tp = int((chosen & truth).sum())
        precision = tp / int(chosen.sum())
        if precision >= target_precision:
            best = {"threshold": float(threshold), "precision": precision,
                    "recall": tp / positives if positives else 0.0}
    return best


def summarize(probabilities: np.ndarray, targets: Sequence[int] | np.ndarray, *,
              labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-class P/R/F1, macro F1 and the confusion matrix (as lists) of argmax."""
    predictions = np.asarray(probabilities).argmax(axis=1) if len(targets) else np.array([])
    matrix = confusion_matrix(targets, predictions, num_classes=len(labels))
    classes = per_class(matrix, labels=labels)
    return {
        "accuracy": accuracy(targets, predictions),
        "macro_f1": float(np.mean([c["f1"] for c in classes.values()])) if classes else 0.0,
        "per_class": classes,
        "confusion_matrix": matrix.tolist(),
        "labels": list(labels),
    }
