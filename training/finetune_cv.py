"""Grouped k-fold cross-validation of a fine-tuning recipe: what a training run's val score
should be read against.

A run's best-epoch val accuracy is chosen on the very clips it reports on, and a small val split
makes that choice noisy (measured: 88% best-epoch val, 73% on unseen clips). Here the run's
recipe (its :class:`~training.finetune.FinetuneConfig`) is trained ``k`` times on the train+val
clips, each time leaving out one fold of whole groups (source videos:
:func:`training.cv.grouped_folds`), for a *fixed* number of epochs (no early stopping, no epoch
picked on the held-out fold), and judged on the fold it never saw. The report is the mean and
std over folds; :func:`optimism` flags a best-epoch val accuracy far above it.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from training.checkpoints import save_metrics
from training.cv import grouped_folds
from training.datasets import Clip, clip_group
from training.finetune import FinetuneConfig, finetune

#: A best-epoch val accuracy this far above the CV mean (and beyond 2 std) is flagged.
OPTIMISM_MARGIN = 0.05


def cross_validate_finetune(clips: Sequence[Clip], *, config: FinetuneConfig, k: int,
                            out_dir: str | os.PathLike[str],
                            cache_dir: str | os.PathLike[str] | None = None,
                            on_fold: Callable[[int, int], None] | None = None,
                            on_epoch: Callable[[dict[str, Any]], None] | None = None,
                            should_stop: Callable[[], bool] | None = None,
                            log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``k`` fine-tunes of ``config`` on grouped folds of ``clips``; the CV report.

    ``on_fold(fold, k)`` is called before each fold (0-based), ``on_epoch`` with every epoch
    row. Folds resume from ``out_dir/fold-<i>/last.pt`` like :func:`finetune` does.
    """
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    groups = [clip_group(c.group, c.path) for c in clips]
    if len(set(groups)) < k:
        raise ValueError(f"{len(set(groups))} source groups cannot make {k} folds")
    folds = grouped_folds(groups, [c.label for c in clips], k=k, seed=config.seed)
    fixed = replace(config, patience=config.epochs + 1, cv_folds=0)  # all epochs, no CV
    rows: list[dict[str, Any]] = []
    for fold in range(k):
        if on_fold is not None:
            on_fold(fold, k)
        train = [c for c, f in zip(clips, folds, strict=True) if f != fold]
        test = [c for c, f in zip(clips, folds, strict=True) if f == fold]
        doc = finetune(train, test, out_dir=Path(out_dir) / f"fold-{fold}", config=fixed,
                       on_epoch=on_epoch, should_stop=should_stop, resume=True,
                       cache_dir=cache_dir, log=log)
        last = doc["epochs"][-1]
        rows.append({"fold": fold, "train_clips": len(train), "test_clips": len(test),
                     "accuracy": last["val_accuracy"], "macro_f1": last["val_macro_f1"],
                     "epoch": last["epoch"]})
    return cv_report(rows, k=k, epochs=fixed.epochs, groups=len(set(groups)))


def cv_report(rows: Sequence[dict[str, Any]], *, k: int, epochs: int, groups: int,
              ) -> dict[str, Any]:
    """Mean and std over folds of each fold's last-epoch accuracy and macro-F1."""
    accuracy = np.array([r["accuracy"] for r in rows], dtype=np.float64)
    macro_f1 = np.array([r["macro_f1"] for r in rows], dtype=np.float64)
    return {"k": k, "groups": groups, "epochs": epochs, "judged_at": "last epoch",
            "accuracy_mean": float(accuracy.mean()), "accuracy_std": float(accuracy.std()),
            "macro_f1_mean": float(macro_f1.mean()), "macro_f1_std": float(macro_f1.std()),
            "folds": list(rows)}


def optimism(best_val_accuracy: float, cv: dict[str, Any]) -> dict[str, Any]:
    """How far a best-epoch val accuracy sits above the CV mean, and whether that is
    beyond :data:`OPTIMISM_MARGIN` and two fold standard deviations."""
    gap = best_val_accuracy - cv["accuracy_mean"]
    return {"gap": gap,
            "optimistic": bool(gap > max(OPTIMISM_MARGIN, 2 * cv["accuracy_std"]))}


def attach_cv(doc: dict[str, Any], cv: dict[str, Any], *,
              out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """``doc`` (a run's ``metrics.json``) with its CV report and optimism flag, rewritten."""
    best = doc.get("best") or {}
    doc = {**doc, "cv": cv}
    if "val_accuracy" in best:
        doc["optimism"] = optimism(float(best["val_accuracy"]), cv)
    save_metrics(Path(out_dir), doc)
    return doc
