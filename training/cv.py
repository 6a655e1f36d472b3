"""Grouped k-fold cross-validation of detector recipes on cached I3D features.

Every recipe is scored on the *same* folds. Folds are built from groups (source video,
subject, or scene: :mod:`training.groups`), never from clips, so no recording is both trained
on and tested on; groups are dealt to folds so each fold gets a similar share of every label.
Reported per recipe: clip accuracy (threshold 0.5) and macro-F1 as mean +- std over folds,
out-of-fold ROC-free summaries, and the threshold reaching a target precision on the pooled
out-of-fold scores (what a shipped detector uses). A late fusion ``a+b`` scores each window with
the mean of its parts' probabilities (its parts are fitted once per fold and shared with the
recipes ``a`` and ``b``); ``ensemble`` averages the clip scores of the recipes it names.
"""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from training.features import ClipFeatures
from training.heads import FittedHead, clip_scores
from training.metrics import summarize, threshold_at_precision


def grouped_folds(groups: Sequence[str], labels: Sequence[str], *, k: int = 5,
                  seed: int = 0) -> np.ndarray:
    """Fold index (0..k-1) per clip; a group never spans two folds.

    Groups are shuffled with ``seed``, then dealt largest first to the fold that currently has
    the fewest clips of the group's majority label (ties: fewest clips in all).
    """
    members: dict[str, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        members[group].append(i)
    rng = np.random.default_rng(seed)
    keys = list(members)
    rng.shuffle(keys)
    keys.sort(key=lambda g: -len(members[g]))  # stable: shuffled order within a size
    per_label: list[Counter[str]] = [Counter() for _ in range(k)]
    totals = [0] * k
    fold_of = np.zeros(len(groups), dtype=np.int64)
    for group in keys:
        label = Counter(labels[i] for i in members[group]).most_common(1)[0][0]
        fold = min(range(k), key=lambda f: (per_label[f][label], totals[f]))
        for i in members[group]:
            fold_of[i] = fold
            per_label[fold][labels[i]] += 1
        totals[fold] += len(members[group])
    return fold_of


class Trainer(Protocol):
    """What cross-validation needs of a trainer (:class:`training.heads.HeadTrainer`,
    :class:`training.stream_heads.StreamTrainer`)."""

    def fit(self, recipe: str, clips: Sequence[ClipFeatures],
            labels: np.ndarray) -> FittedHead: ...

    def window_scores(self, head: FittedHead,
                      clips: Sequence[ClipFeatures]) -> list[np.ndarray]: ...


@dataclass
class RecipeResult:
    """Out-of-fold clip scores and per-fold metrics of one recipe."""

    recipe: str
    scores: np.ndarray
    folds: list[dict[str, Any]]
    fit_sec: float


def cross_validate(features: Sequence[ClipFeatures], *, positive: str, negative: str,
                   recipes: Sequence[str], trainer: Trainer, k: int = 5, seed: int = 0,
                   log: Callable[[str], None] = print) -> tuple[np.ndarray, list[RecipeResult]]:
    """Out-of-fold scores of each recipe on the same grouped folds; returns ``(folds, results)``."""
    labels = [f.clip.label for f in features]
    y = np.array([label == positive for label in labels], dtype=np.int64)
    folds = grouped_folds([f.clip.group for f in features], labels, k=k, seed=seed)
    fitted: dict[tuple[str, int], list[np.ndarray]] = {}

    def test_window_scores(recipe: str, fold: int) -> list[np.ndarray]:
        """Out-of-fold window scores; a late fusion ``a+b`` averages its parts', which are
        fitted once per fold whichever recipes use them."""
        if "+" in recipe:
            parts = [test_window_scores(part, fold) for part in recipe.split("+")]
            return [np.mean(scores, axis=0) for scores in zip(*parts, strict=True)]
        if (recipe, fold) not in fitted:
            train = np.flatnonzero(folds != fold)
            head = trainer.fit(recipe, [features[int(i)] for i in train], y[train])
            fitted[recipe, fold] = trainer.window_scores(
                head, [features[int(i)] for i in np.flatnonzero(folds == fold)])
        return fitted[recipe, fold]

    results = []
    for recipe in recipes:
        scores = np.zeros(len(features))
        per_fold = []
        started = time.perf_counter()
        for fold in range(k):
            test = np.flatnonzero(folds == fold)
            scores[test] = clip_scores(test_window_scores(recipe, fold))
            per_fold.append(fold_metrics(scores[test], y[test], labels=(positive, negative)))
        result = RecipeResult(recipe, scores, per_fold, time.perf_counter() - started)
        log(f"{recipe:<16} {format_mean_std(result.folds, 'accuracy')}  "
            f"({result.fit_sec:.0f} s)")
        results.append(result)
    return folds, results


def ensemble(results: Sequence[RecipeResult], *, y: np.ndarray, folds: np.ndarray,
             labels: tuple[str, str]) -> RecipeResult:
    """Mean of the recipes' out-of-fold scores, scored on the same folds."""
    scores = np.mean([r.scores for r in results], axis=0)
    per_fold = [fold_metrics(scores[folds == f], y[folds == f], labels=labels)
                for f in range(int(folds.max()) + 1)]
    name = "ensemble(" + "+".join(r.recipe for r in results) + ")"
    return RecipeResult(name, scores, per_fold, sum(r.fit_sec for r in results))


def fold_metrics(scores: np.ndarray, y: np.ndarray, *, labels: tuple[str, str],
                 ) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class P/R/F1 and confusion at threshold 0.5; ``labels`` is
    ``(positive, negative)``."""
    probabilities = np.stack([scores, 1.0 - scores], axis=1)
    targets = 1 - y  # class 0 = positive label
    return summarize(probabilities, targets, labels=labels)


def format_mean_std(folds: Sequence[dict[str, Any]], key: str) -> str:
    values = np.array([f[key] for f in folds]) * 100
    return f"{values.mean():5.1f} +- {values.std():4.1f}%"


def summary(result: RecipeResult, *, y: np.ndarray, labels: tuple[str, str],
            target_precision: float) -> dict[str, Any]:
    """What a model card and the README report of one recipe."""
    accuracy = np.array([f["accuracy"] for f in result.folds])
    macro_f1 = np.array([f["macro_f1"] for f in result.folds])
    pooled = fold_metrics(result.scores, y, labels=labels)
    probabilities = np.stack([result.scores, 1.0 - result.scores], axis=1)
    at_precision = threshold_at_precision(probabilities, 1 - y, positive=0,
                                          target_precision=target_precision)
    negatives = y == 0
    if at_precision is not None:
        flagged = result.scores[negatives] >= at_precision["threshold"]
        at_precision["false_positive_rate"] = float(flagged.mean()) if negatives.any() else 0.0
    return {
        "recipe": result.recipe,
        "cv_accuracy_mean": float(accuracy.mean()), "cv_accuracy_std": float(accuracy.std()),
        "cv_macro_f1_mean": float(macro_f1.mean()), "cv_macro_f1_std": float(macro_f1.std()),
        "folds": len(result.folds),
        "fold_accuracy": [round(float(a), 4) for a in accuracy],
        "fold_support": [int(sum(c["support"] for c in f["per_class"].values()))
                         for f in result.folds],
        "out_of_fold": {"per_class": pooled["per_class"],
                        "confusion_matrix": pooled["confusion_matrix"],
                        "labels": pooled["labels"]},
        f"threshold_at_precision_{target_precision:g}": at_precision,
        "fit_sec": round(result.fit_sec, 1),
    }
