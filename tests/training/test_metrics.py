from __future__ import annotations

import numpy as np
import pytest

from training.metrics import (
    accuracy,
    confusion_matrix,
    per_class,
    summarize,
    threshold_at_precision,
)


def test_confusion_matrix_and_f1() -> None:
    targets = [0, 0, 0, 1, 1, 2]
    preds = [0, 1, 0, 1, 2, 2]
    matrix = confusion_matrix(targets, preds, num_classes=3)
    assert matrix.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert accuracy(targets, preds) == pytest.approx(4 / 6)
    stats = per_class(matrix, labels=["a", "b", "c"])
    assert stats["a"] == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8,
                                        "support": 3})
    assert stats["b"]["precision"] == 0.5 and stats["b"]["recall"] == 0.5
    assert stats["c"]["f1"] == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_undefined_precision_is_zero() -> None:
    matrix = confusion_matrix([0, 0], [0, 0], num_classes=2)
    assert per_class(matrix, labels=["x", "y"])["y"] == {"precision": 0.0, "recall": 0.0,
                                                          "f1": 0.0, "support": 0}


def test_threshold_at_precision() -> None:
    scores = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3])
    truth = np.array([1, 1, 0, 1, 0, 1, 0])  # class 1 = positive
    probs = np.stack([1 - scores, scores], axis=1)
    found = threshold_at_precision(probs, truth, positive=1, target_precision=0.75)
    # >= 0.7: 3 of 4 positive (0.75), recall 3/4; lower thresholds fall below 0.75
    assert found == pytest.approx({"threshold": 0.7, "precision": 0.75, "recall": 0.75})
    assert threshold_at_precision(probs, truth, positive=1, target_precision=1.0)[
        "threshold"] == pytest.approx(0.9)
    assert threshold_at_precision(probs, np.zeros(7, dtype=int), positive=1,
                                  target_precision=0.5) is None


def test_summarize() -> None:
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    doc = summarize(probs, np.array([0, 1, 1]), labels=["fight", "no_fight"])
    assert doc["accuracy"] == pytest.approx(2 / 3)
    assert doc["confusion_matrix"] == [[1, 0], [1, 1]]
    assert doc["per_class"]["fight"]["f1"] == pytest.approx(2 / 3)
