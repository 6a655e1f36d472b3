"""Grouped k-fold CV of detector recipes (training.cv) with a stand-in trainer."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from training.cv import cross_validate, grouped_folds
from training.datasets import Clip
from training.features import ClipFeatures
from training.heads import FittedHead, HeadConfig
from training.stream_heads import StreamTrainer


def _clips(n_groups: int = 12) -> list[ClipFeatures]:
    out = []
    for g in range(n_groups):
        label = "fight" if g % 2 else "no_fight"
        for i in range(1 + g % 3):  # groups of 1-3 clips
            value = 1.0 if label == "fight" else 0.0
            out.append(ClipFeatures(
                clip=Clip(path=f"/clips/{g}-{i}.mp4", label=label, split="train",
                          group=f"scene-{g}"),
                maps=np.full((2, 1), value, dtype=np.float16), flipped=None,
                start_sec=np.zeros(2, np.float32), end_sec=np.ones(2, np.float32)))
    return out


class CountingTrainer:
    """Recipe ``good`` scores a window by its value, ``half`` always 0.5."""

    def __init__(self) -> None:
        self.fits: Counter[str] = Counter()

    def fit(self, recipe: str, clips, labels) -> FittedHead:
        self.fits[recipe] += 1
        return FittedHead(recipe=recipe, linear=None)  # type: ignore[arg-type]

    def window_scores(self, head: FittedHead, clips) -> list[np.ndarray]:
        if head.recipe == "good":
            return [c.maps[:, 0].astype(np.float64) for c in clips]
        return [np.full(len(c.maps), 0.5) for c in clips]


def test_groups_never_span_folds_and_labels_spread_over_folds() -> None:
    clips = _clips()
    folds = grouped_folds([c.clip.group for c in clips], [c.clip.label for c in clips], k=3)
    for group in {c.clip.group for c in clips}:
        assert len({f for c, f in zip(clips, folds, strict=True) if c.clip.group == group}) == 1
    for fold in range(3):
        labels = {c.clip.label for c, f in zip(clips, folds, strict=True) if f == fold}
        assert labels == {"fight", "no_fight"}


def test_a_late_fusion_averages_its_parts_and_reuses_their_fits() -> None:
    clips, trainer = _clips(), CountingTrainer()
    _, results = cross_validate(clips, positive="fight", negative="no_fight",
                                recipes=("good", "half", "good+half"), trainer=trainer, k=3,
                                log=lambda _m: None)
    by_name = {r.recipe: r for r in results}
    assert trainer.fits == {"good": 3, "half": 3}  # once per fold, shared with the fusion
    assert np.allclose(by_name["good+half"].scores,
                       (by_name["good"].scores + by_name["half"].scores) / 2)
    assert [f["accuracy"] for f in by_name["good"].folds] == [1.0, 1.0, 1.0]


def test_a_stream_trainer_learns_a_recipe_it_is_given_by_name() -> None:
    """A probe's own features (``recipes=``) go through the same MIL logistic regression and
    cross-validation as the shipped streams; a separable feature is learned out of fold."""
    clips = _clips()
    rng = np.random.default_rng(0)
    separable = {c.clip.path: np.stack([float(c.maps[w, 0]) + rng.normal(0, 0.1, 3)
                                        for w in range(len(c.maps))]).astype(np.float32)
                 for c in clips}
    noise = {c.clip.path: rng.normal(0, 1, (len(c.maps), 3)).astype(np.float32) for c in clips}

    class Unused:
        config = HeadConfig()

    trainer = StreamTrainer(Unused(), streams={"probe": separable, "noise": noise},  # type: ignore[arg-type]
                            recipes={"probe": ("probe",), "noise": ("noise",)})
    _, results = cross_validate(clips, positive="fight", negative="no_fight",
                                recipes=("probe",), trainer=trainer, k=3, log=lambda _m: None)
    assert [f["accuracy"] for f in results[0].folds] == [1.0, 1.0, 1.0]
    # a recipe it was not given is not fitted as a stream: it goes to the I3D trainer
    with pytest.raises(AttributeError, match="fit"):
        trainer.fit("kinetics_flow", clips, np.ones(len(clips), dtype=np.int64))
