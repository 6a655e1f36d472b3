from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from training.cli import main
from training.datasets import load_manifest
from training.finetune import FinetuneConfig
from training.finetune_cv import cross_validate_finetune, optimism


def test_cli_reports_grouped_cv_next_to_the_best_epoch(tiny_manifest: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "run"
    code = main(["finetune", str(tiny_manifest), "--out", str(out), "--init-weights", "none",
                 "--epochs", "1", "--batch-size", "3", "--segments", "2", "--size", "64",
                 "--train-blocks", "1", "--workers", "1", "--cv-folds", "2",
                 "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    doc = json.loads((out / "metrics.json").read_text())
    cv = doc["cv"]
    assert cv["k"] == 2 and len(cv["folds"]) == 2
    clips = load_manifest(tiny_manifest)
    # every train+val clip is tested exactly once, on a fold it was not trained on
    assert sum(f["test_clips"] for f in cv["folds"]) == len(clips)
    assert all(f["train_clips"] + f["test_clips"] == len(clips) for f in cv["folds"])
    assert 0.0 <= cv["accuracy_mean"] <= 1.0
    assert cv["judged_at"] == "last epoch"
    assert doc["optimism"]["gap"] == pytest.approx(
        doc["best"]["val_accuracy"] - cv["accuracy_mean"])
    for fold in range(2):  # each fold is its own run, trained for the fixed epoch count
        fold_doc = json.loads((out / "cv" / f"fold-{fold}" / "metrics.json").read_text())
        assert [row["epoch"] for row in fold_doc["epochs"]] == [1]


def test_a_group_never_spans_train_and_test(tiny_manifest: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    clips = load_manifest(tiny_manifest)
    # two clips per group: folds must keep them together
    grouped = [replace(c, group=f"g{i // 2}") for i, c in enumerate(clips)]
    seen: list[tuple[set[str], set[str]]] = []

    def fake_finetune(train, test, **_kw):  # records the split, trains nothing
        seen.append(({c.group for c in train}, {c.group for c in test}))
        return {"epochs": [{"epoch": 1, "val_accuracy": 0.5, "val_macro_f1": 0.5}]}

    monkeypatch.setattr("training.finetune_cv.finetune", fake_finetune)
    report = cross_validate_finetune(grouped, config=FinetuneConfig(epochs=1), k=2,
                                     out_dir=tmp_path)
    assert len(seen) == 2
    for train_groups, test_groups in seen:
        assert train_groups.isdisjoint(test_groups)
    assert report["groups"] == len(clips) // 2


def test_too_few_groups_for_the_folds_is_refused(tiny_manifest: Path, tmp_path: Path) -> None:
    clips = [replace(c, group="one") for c in load_manifest(tiny_manifest)]
    with pytest.raises(ValueError, match="groups"):
        cross_validate_finetune(clips, config=FinetuneConfig(), k=3, out_dir=tmp_path)


def test_optimism_flags_a_best_epoch_far_above_the_cv_mean() -> None:
    cv = {"accuracy_mean": 0.74, "accuracy_std": 0.03}
    assert optimism(0.883, cv)["optimistic"] is True
    assert optimism(0.76, cv)["optimistic"] is False
    noisy = {"accuracy_mean": 0.74, "accuracy_std": 0.08}  # within two fold std: not flagged
    assert optimism(0.85, noisy)["optimistic"] is False
